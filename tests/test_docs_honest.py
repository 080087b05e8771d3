"""Docs and metadata say which areas exist: an area with an empty ``__all__`` is "planned"."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from servicekit.cli import build_parser
from tests.support import AREAS

ROOT = Path(__file__).resolve().parents[1]


def _metadata(key: str) -> str:
    """A string field of pyproject.toml's [project] table (tomllib needs Python 3.11)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(rf'^{key} = "(.*)"$', text, re.MULTILINE)
    assert match, key
    return match.group(1)


def _built(area: str) -> bool:
    return bool(importlib.import_module(f"servicekit.{area}").__all__)


@pytest.mark.parametrize("area", AREAS)
def test_readme_and_docs_index_give_each_area_its_status(area: str) -> None:
    status = "available" if _built(area) else "planned"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^- `servicekit\.{area}` \({status}\)", readme, re.MULTILINE), area
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert re.search(rf"^\| `servicekit\.{area}` \| {status} \|", index, re.MULTILINE), area


def test_metadata_and_cli_promise_only_built_areas() -> None:
    for text in (_metadata("description"), build_parser([]).description or ""):
        promised, _, planned = text.partition("(")
        for word, area in (("staffing", "optimize"), ("recommendation", "recommend")):
            if not _built(area):
                assert word not in promised.lower(), text
                assert word in planned.lower(), text


def test_installation_gives_commands_that_work_and_the_licence_exists() -> None:
    install = (ROOT / "docs" / "installation.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.*?)```", install, re.DOTALL)
    assert not any(re.search(r"pip install servicekit\b", block) for block in commands)
    assert "pip install ." in install
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("BSD 3-Clause License")
    assert "servicekit developers" in licence
    assert _metadata("license") == "BSD-3-Clause"
