"""Locate the real public data sets used by servicekit's tests, examples and benchmarks.

The library itself never reads them and ships none: this helper only finds the folder
described in ``../shared/data/README.md`` so that tests, ``examples/`` and
``benchmarks/`` agree on where it is.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_ENV", "data_dir"]

DATA_ENV = "SERVICEKIT_DATA"


def _candidates() -> list[Path]:
    here = Path(__file__).resolve()
    found = [Path(os.environ[DATA_ENV])] if os.environ.get(DATA_ENV) else []
    # An editable install or a source checkout: <repo>/src/servicekit/_datasets.py.
    repo = here.parents[2]
    if (repo / "pyproject.toml").is_file():
        found.append(repo.parent / "shared" / "data")
    # Otherwise the repository we are run from.
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / "pyproject.toml").is_file():
            found.append(folder.parent / "shared" / "data")
            break
    return found


def data_dir() -> Path:
    """The real-data folder: ``$SERVICEKIT_DATA`` if set, else ``../shared/data`` beside the repository.

    Raises
    ------
    FileNotFoundError
        If no candidate folder exists; the message names every place looked at.

    Examples
    --------
    >>> import os
    >>> os.environ.get("SERVICEKIT_DATA") is None or data_dir().is_dir()
    True
    """
    candidates = _candidates()
    if os.environ.get(DATA_ENV):
        # An explicit setting is never silently replaced by a fallback.
        candidates = candidates[:1]
    for folder in candidates:
        if folder.is_dir():
            return folder.resolve()
    looked = ", ".join(str(c) for c in candidates) or "(nowhere)"
    raise FileNotFoundError(
        f"servicekit's real-data folder was not found; looked at {looked}. "
        f"Set {DATA_ENV} to the folder holding telco/, banking77/, ... (see ../shared/data/README.md)."
    )
