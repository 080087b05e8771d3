"""Emit servicekit's warnings at the user's line, whatever the depth of the call.

``warnings.warn(..., stacklevel=n)`` needs ``n`` counted by hand through helpers and
the ``@validated`` wrapper, and silently points into servicekit when a refactor
changes the depth. :func:`warn` instead attributes the warning to the first frame
outside the servicekit package (as pandas' ``find_stack_level`` does), so the
warning shows the caller's file and line and ``warnings.filterwarnings(module=...)``
works on the caller's module.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import warnings
from pathlib import Path

__all__ = ["warn"]

_PACKAGE = str(Path(__file__).resolve().parent) + os.sep
# Frames that only relay a call: a warning raised as a @contextmanager block exits.
_RELAYS = frozenset({str(Path(contextlib.__file__).resolve())})


def _inside(filename: str) -> bool:
    path = str(Path(filename).resolve())
    return path.startswith(_PACKAGE) or path in _RELAYS


def _outside_level() -> int:
    """``stacklevel`` of the first frame outside servicekit, counted from the caller of warn."""
    frame = inspect.currentframe()
    level = 0  # this frame; warn()'s frame is then stacklevel 1, its caller 2, ...
    try:
        while frame is not None and _inside(frame.f_code.co_filename):
            frame = frame.f_back
            level += 1
    finally:
        del frame  # break the reference cycle frames make
    return max(level, 1)


def warn(message: str | Warning, category: type[Warning]) -> None:
    """Emit ``message`` as ``category``, attributed to the first line outside servicekit.

    Parameters
    ----------
    message : str or Warning
        The text (or a warning instance to re-emit).
    category : type of Warning
        Usually a :class:`~servicekit.errors.ServicekitWarning` subclass.

    Examples
    --------
    >>> import warnings
    >>> from servicekit.errors import SmallSampleWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("only 3 observations", SmallSampleWarning)
    >>> caught[0].category.__name__, caught[0].filename.endswith("_warnings.py")
    ('SmallSampleWarning', False)
    """
    warnings.warn(message, category, stacklevel=_outside_level())
