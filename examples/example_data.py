"""Where the examples find the public data sets: an argument or ``$SERVICEKIT_DATA``.

Every example takes the data folder (the one holding ``telco/``, ``banking77/``,
``helpdesk_italian_4tu/``, ``technion_anonymous_bank/``) as its first argument, or
reads it from the ``SERVICEKIT_DATA`` environment variable. It uses only servicekit's
public API, so it runs the same from any folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["data_file"]

USAGE = (
    "pass the data folder as the first argument (python {script} /path/to/data) or set "
    "SERVICEKIT_DATA=/path/to/data; it is the folder holding telco/, banking77/, "
    "helpdesk_italian_4tu/ and technion_anonymous_bank/"
)


def data_file(*parts: str) -> Path:
    """``<data folder>/<parts...>``; exits with a one-line message when it is not there."""
    script = Path(sys.argv[0]).name
    given = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SERVICEKIT_DATA", "")
    if not given:
        sys.exit(f"{script}: no data folder: " + USAGE.format(script=script))
    path = Path(given).expanduser().joinpath(*parts)
    if not path.exists():
        sys.exit(f"{script}: {path} does not exist: " + USAGE.format(script=script))
    return path
