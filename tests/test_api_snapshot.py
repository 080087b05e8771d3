"""The public API, rendered name by name with signatures, must match tests/api/*.txt.

A difference fails the test: changing the public API is deliberate, so update the
snapshot with ``SERVICEKIT_UPDATE_API=1 pytest tests/test_api_snapshot.py`` and record
the change in CHANGELOG.md.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import importlib.util
import inspect
import os
from pathlib import Path
from typing import Any

import pytest

MODULES = (
    "servicekit",
    "servicekit.errors",
    "servicekit.metrics",
    "servicekit.churn",
    "servicekit.recommend",
    "servicekit.optimize",
    "servicekit.classify",
    "servicekit.forecast",
    "servicekit.insights",
    "servicekit.dask",
    "servicekit.datasets",
    "servicekit.plot",
)
SNAPSHOTS = Path(__file__).parent / "api"


def _signature(obj: Any) -> str:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"


def _render_class(qualified: str, cls: type) -> list[str]:
    bases = ", ".join(b.__name__ for b in cls.__bases__ if b is not object)
    head = f"class {qualified}({bases})"
    if dataclasses.is_dataclass(cls):
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        head += f" [dataclass frozen={params.frozen}]"
    lines = [head]
    if issubclass(cls, enum.Enum):
        lines.extend(f"    {member.name} = {member.value!r}" for member in cls)
        return lines
    if not issubclass(cls, BaseException):
        lines.append(f"    __init__{_signature(cls)}")
    for attr, member in sorted(vars(cls).items()):
        if attr.startswith("_"):
            continue
        if isinstance(member, property):
            lines.append(f"    .{attr} [property]")
        elif isinstance(member, classmethod):
            lines.append(f"    .{attr}{_signature(member.__func__)} [classmethod]")
        elif isinstance(member, staticmethod):
            lines.append(f"    .{attr}{_signature(member.__func__)} [staticmethod]")
        elif inspect.isfunction(member):
            lines.append(f"    .{attr}{_signature(member)}")
        elif dataclasses.is_dataclass(cls) and attr in {f.name for f in dataclasses.fields(cls)}:
            continue  # fields are in __init__
        else:
            lines.append(f"    .{attr} [attribute]")
    return lines


def _import(module_name: str) -> Any:
    if module_name == "servicekit.dask":  # needs the optional dask extra
        pytest.importorskip("dask.dataframe")
        pytest.importorskip("distributed")
    if module_name == "servicekit.plot":  # needs the optional plot extra
        pytest.importorskip("matplotlib")
    return importlib.import_module(module_name)


def render(module_name: str) -> str:
    module = _import(module_name)
    lines = [f"# public API of {module_name}"]
    for name in sorted(module.__all__):
        obj = getattr(module, name)
        qualified = f"{module_name}.{name}"
        if inspect.isclass(obj):
            lines.extend(_render_class(qualified, obj))
        elif inspect.ismodule(obj):
            lines.append(f"module {qualified}")
        elif callable(obj):
            lines.append(f"def {qualified}{_signature(obj)}")
        else:
            lines.append(f"{qualified}: {type(obj).__name__} = {obj!r}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("module_name", MODULES)
def test_public_api_matches_snapshot(module_name: str) -> None:
    path = SNAPSHOTS / f"{module_name}.txt"
    current = render(module_name)
    if os.environ.get("SERVICEKIT_UPDATE_API") == "1":
        path.write_text(current, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}; run with SERVICEKIT_UPDATE_API=1"
    expected = path.read_text(encoding="utf-8")
    assert current == expected, (
        f"the public API of {module_name} changed; if deliberate, run "
        "SERVICEKIT_UPDATE_API=1 pytest tests/test_api_snapshot.py and note it in CHANGELOG.md"
    )


def test_all_names_exist_and_are_sorted() -> None:
    for module_name in MODULES:
        if module_name == "servicekit.dask" and not importlib.util.find_spec("distributed"):
            continue  # needs the optional dask extra
        if module_name == "servicekit.plot" and not importlib.util.find_spec("matplotlib"):
            continue  # needs the optional plot extra
        module = importlib.import_module(module_name)
        for name in module.__all__:
            assert hasattr(module, name), f"{module_name}.__all__ lists missing {name}"
        assert list(module.__all__) == sorted(module.__all__), f"{module_name}.__all__ unsorted"
