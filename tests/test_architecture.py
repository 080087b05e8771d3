"""Areas stand side by side: none imports another area's private names.

What two areas share lives in the core (``servicekit._stats``, ``_validation``, ...).
An area may use another area only through its public API: names listed in that
area's ``__all__``, imported from modules whose path has no private component.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from tests.support import AREAS

SRC = Path(__file__).resolve().parents[1] / "src" / "servicekit"


def _area_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "servicekit" and parts[1] in AREAS:
        return parts[1]
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def cross_area_violations(path: Path, source: str) -> list[str]:
    """Imports in ``source`` (a file of one area) of another area's non-public names."""
    here = _area_of(_module_name(path))
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported = [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            imported = [(alias.name, "") for alias in node.names]
        else:
            continue
        for module, name in imported:
            there = _area_of(module)
            if there is None or there == here:
                continue
            public = set(importlib.import_module(f"servicekit.{there}").__all__)
            private_path = any(part.startswith("_") for part in module.split("."))
            if private_path or (name and name not in public):
                where = f"{path.relative_to(SRC.parent)}:{node.lineno}"
                found.append(f"{where} imports {module}.{name or '*'}")
    return found


def test_no_area_imports_another_areas_private_names() -> None:
    violations = [
        v
        for path in sorted(SRC.glob("*/**/*.py"))
        if _area_of(_module_name(path)) is not None
        for v in cross_area_violations(path, path.read_text(encoding="utf-8"))
    ]
    assert not violations, "move shared code into the core instead:\n" + "\n".join(violations)


@pytest.mark.parametrize(
    "line",
    [
        "from servicekit.metrics.proportion import _wilson_arrays",
        "from servicekit.metrics._instants import column_instants",
        "import servicekit.metrics._instants",
        "from servicekit.metrics.proportion import warn_if_small",  # not in metrics.__all__
    ],
)
def test_the_check_catches_private_imports(line: str) -> None:
    path = SRC / "churn" / "example.py"
    assert cross_area_violations(path, line)


@pytest.mark.parametrize(
    "line",
    [
        "from servicekit._stats import wilson_arrays",
        "from servicekit.metrics import wilson_interval",
        "from servicekit.metrics.proportion import Proportion",
        "from servicekit.churn.logistic import _irls",  # its own area
    ],
)
def test_the_check_allows_core_public_and_own_area_imports(line: str) -> None:
    path = SRC / "churn" / "example.py"
    assert not cross_area_violations(path, line)
