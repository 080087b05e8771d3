"""Shared test helpers: the real-data fixture logic and the bad-input case type."""

from __future__ import annotations

import importlib.util
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from servicekit._datasets import data_dir

AREAS = ("metrics", "churn", "recommend", "optimize", "classify", "forecast", "insights")
#: Packages whose public functions the generated bad-input test covers: the areas, the
#: built-in sample data (not an area: it has no README status line and imports no area)
#: and, where its optional extra (matplotlib) is installed, servicekit.plot.
VALIDATED = (
    *AREAS,
    "datasets",
    *(("plot",) if importlib.util.find_spec("matplotlib") else ()),
)


def real_data(*parts: str) -> Path:
    """Path to a file or folder inside the real-data folder.

    Skips the calling test when the folder (or the file) is absent, except under
    ``CI=true``, where absence fails the run: CI must test on real data.
    """
    try:
        path = data_dir().joinpath(*parts)
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist (see ../shared/data/README.md)")
    except FileNotFoundError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"real data required under CI=true: {exc}")
        pytest.skip(f"real data not available: {exc}")
    return path


@dataclass
class Case:
    """One public function (or method) with a valid call, for the generated bad-input test.

    Attributes
    ----------
    target : callable
        The public function, or the method as found on its class (``Cls.method``).
    valid : callable
        Returns fresh keyword arguments of a call that succeeds.
    instance : callable, optional
        For methods: returns the object to call the method on.
    skip : dict
        ``{(argument, label): reason}`` for generated bad values that are in fact valid
        for this argument (documented, rare).
    """

    target: Callable[..., Any]
    valid: Callable[[], dict[str, Any]]
    instance: Callable[[], Any] | None = None
    skip: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        func = getattr(self.target, "__func__", self.target)
        return f"{func.__module__}.{func.__qualname__}"


def new_model_path() -> Path:
    """A fresh ``model.json`` path in a new temporary folder (for ``save`` cases)."""
    return Path(tempfile.mkdtemp()) / "model.json"


def saved_model_path(model: Any) -> Path:
    """Save ``model`` to a fresh path and return the path (for ``load`` cases)."""
    path = new_model_path()
    model.save(path)
    return path
