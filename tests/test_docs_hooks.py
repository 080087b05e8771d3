"""The docs hooks: Sphinx roles become autorefs references, formulas lose their delimiters.

The browser check of the built site is ``.ci/check_docs_site.py`` (run by ``.ci/run``);
these tests pin the parts that need neither Node.js nor Chromium.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

griffe = pytest.importorskip("griffe")

ROOT = Path(__file__).resolve().parents[1]


def _hook(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"docs_hooks_{name}", ROOT / "docs_hooks" / f"{name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def package() -> Any:
    roles = _hook("sphinx_roles")
    return griffe.load(
        "servicekit",
        search_paths=[str(ROOT / "src")],
        extensions=griffe.load_extensions(roles.SphinxRoles()),
    )


def test_no_docstring_keeps_a_sphinx_role(package: Any) -> None:
    role = re.compile(r":(?:func|class|meth|mod|attr|data|exc|obj|const):`")

    def walk(obj: Any) -> list[str]:
        found = [obj.path] if obj.docstring and role.search(obj.docstring.value) else []
        for member in obj.members.values():
            if not member.is_alias:
                found += walk(member)
        return found

    assert walk(package) == []


def test_short_names_resolve_to_the_object_and_unknown_targets_are_code(package: Any) -> None:
    metrics = package["metrics"].docstring.value
    # ``Proportion`` in servicekit.metrics is the class it imports, linked by its real path.
    assert (
        '<autoref optional identifier="servicekit.metrics.proportion.Proportion">'
        "<code>Proportion</code></autoref>" in metrics
    )
    # ``backlog`` is both a submodule and the function it defines (exported by the package):
    # a function role means the function.
    assert 'identifier="servicekit.metrics.backlog.backlog"><code>backlog</code>' in metrics
    cli = package["metrics._cli"].docstring.value
    assert "Only <code>argparse</code> is imported" in cli  # another package: code, no link


def test_sphinx_display_forms() -> None:
    roles = _hook("sphinx_roles").SphinxRoles()
    pkg = griffe.load("servicekit", search_paths=[str(ROOT / "src")])
    by_name: dict[str, set[str]] = {}

    def ref(text: str) -> str:
        match = re.fullmatch(_hook("sphinx_roles").ROLE, text)
        assert match
        return str(roles._reference(match, pkg["errors"], pkg, by_name))

    assert ref(":class:`~servicekit.errors.InvalidInputError`").endswith(
        "><code>InvalidInputError</code></autoref>"
    )
    assert ref(":exc:`bad input <servicekit.errors.InvalidInputError>`").endswith(
        "><code>bad input</code></autoref>"
    )
    assert ref(":class:`!servicekit.errors.InvalidInputError`") == (
        "<code>servicekit.errors.InvalidInputError</code>"
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [("\\(x < y\\)", ("x < y", False)), ("\\[\n\\frac{1}{2}\n\\]", ("\\frac{1}{2}", True))],
)
def test_formula_delimiters(source: str, expected: tuple[str, bool]) -> None:
    assert _hook("katex")._strip_delimiters(source) == expected
