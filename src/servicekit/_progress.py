"""Progress bars for the library's long steps, shared by every area.

A function that can take more than a few seconds (fitting k-means for every k,
cross-validation folds, backtest origins, ...) takes ``progress: bool = False``
(keyword-only, declared ``progress=Flag()`` in its ``@validated`` spec) and wraps its
loop in :func:`progress_bar`. With ``progress=False`` nothing is imported or printed;
with ``progress=True`` a tqdm bar is written to standard error (``sys.stderr`` as it is
at the call, so a notebook or a test that captures it sees the bar) and removed when the
step ends. The command line passes ``progress=on_terminal()``: a bar when a person
watches standard error, none in pipes, logs and CI.

Examples
--------
>>> with progress_bar(3, "fitting", enabled=False) as bar:
...     for _ in range(3):
...         bar.update()
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from typing import Protocol

__all__ = ["Bar", "on_terminal", "progress_bar", "progress_clock"]


class Bar(Protocol):
    """What a step may do with its bar: advance it and say what it is doing now."""

    def update(self, n: float | None = 1) -> bool | None:
        """Advance the bar by ``n`` steps."""

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        """Show ``s`` after the bar (e.g. ``"k=4"``)."""


class _NoBar:
    """The bar of ``enabled=False``: does nothing."""

    def update(self, n: float | None = 1) -> bool | None:
        return None

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        return None


@contextlib.contextmanager
def progress_bar(
    total: float | None, description: str, *, enabled: bool, unit: str = "step"
) -> Iterator[Bar]:
    """A tqdm bar of ``total`` steps on standard error when ``enabled``, else a no-op bar.

    Parameters
    ----------
    total : int, float or None
        Number of steps (None when unknown: a counter without a percentage).
    description : str
        Shown before the bar, e.g. ``"segment_customers: k-means"``.
    enabled : bool
        The calling function's ``progress`` argument.
    unit : str, default "step"
        Name of one step, shown in the rate (``"fold"``, ``"fit"``).
    """
    if not enabled:
        yield _NoBar()
        return
    from tqdm import tqdm  # installed with nltk; imported only when a bar is wanted

    columns, lines = _screen()
    bar = tqdm(
        total=total,
        desc=description,
        unit=unit,
        file=sys.stderr,
        leave=False,
        ncols=columns,
        nrows=lines,
        mininterval=0.2,
    )
    try:
        yield bar
    finally:
        bar.close()


@contextlib.contextmanager
def progress_clock(
    description: str, *, enabled: bool, limit: float | None = None, tick: float = 0.5
) -> Iterator[None]:
    """A bar of elapsed seconds for one blocking call (a solver) that reports no progress.

    A background thread advances the bar every ``tick`` seconds until the block ends;
    with ``limit`` (the call's time limit) the bar fills towards it, else it counts up.

    Examples
    --------
    >>> with progress_clock("solving", enabled=False, limit=10):
    ...     pass
    """
    if not enabled:
        yield
        return
    done = threading.Event()
    with progress_bar(limit, description, enabled=True, unit="s") as bar:
        started = last = time.monotonic()

        def advance() -> None:
            nonlocal last
            while not done.wait(tick):
                now = time.monotonic()
                step = now - last if limit is None else min(now, started + limit) - last
                if step > 0:
                    bar.update(round(step, 1))
                    last += round(step, 1)

        ticker = threading.Thread(target=advance, name="servicekit-progress", daemon=True)
        ticker.start()
        try:
            yield
        finally:
            done.set()
            ticker.join()


def _screen() -> tuple[int, int]:
    """Columns (at most 120) and lines of the terminal on standard error; 80 x 24 when unknown.

    A pseudo-terminal that was never given a size (``script``, some CI runners and
    editors) reports 0 x 0, and tqdm then hides the bar as if it were below the screen.
    """
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
        columns, lines = size.columns, size.lines
    except (AttributeError, OSError, ValueError):
        columns = lines = 0
    return (min(columns, 120) if columns > 0 else 80), (lines if lines > 0 else 24)


def on_terminal() -> bool:
    """Whether standard error is a terminal: the ``progress`` the command line passes.

    Examples
    --------
    >>> isinstance(on_terminal(), bool)
    True
    """
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False
