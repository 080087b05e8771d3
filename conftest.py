"""Collection rules for the whole repository (doctests of src/ included)."""

from __future__ import annotations

import importlib.util

# servicekit.dask raises ImportError without the optional 'dask' extra (by design); its
# doctests are collected only where the extra is installed.
collect_ignore = (
    []
    if importlib.util.find_spec("dask") and importlib.util.find_spec("distributed")
    else ["src/servicekit/dask.py"]
)
# servicekit.plot raises ImportError without the optional 'plot' extra (matplotlib), likewise.
if not importlib.util.find_spec("matplotlib"):
    collect_ignore.extend(["src/servicekit/plot", "docs/plot.md"])
