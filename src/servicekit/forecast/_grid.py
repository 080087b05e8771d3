"""Count series on a regular grid of intervals: validation, weekday/slot keys, future grids.

A history is a Series of counts indexed by interval starts on a regular grid (a fixed
step such as 5 minutes) that may skip closed hours and days. Each interval is keyed by
its weekday and its *slot* (time of day of its start), which is what every method in
this area forecasts from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from servicekit._typing import IntArray
from servicekit._validation import Constraint, _Context, described

__all__ = ["CountSeries", "FutureIndex", "Grid", "grid_of", "horizon_index", "nanoseconds"]

_NS_PER_DAY = 86_400 * 1_000_000_000


@dataclass(frozen=True)
class Grid:
    """The regular grid a history lives on."""

    step: pd.Timedelta
    origin: pd.Timestamp  # the first interval start; every start is origin + k * step


def nanoseconds(index: pd.DatetimeIndex) -> IntArray:
    """Interval starts as nanoseconds since the epoch, whatever the index's resolution."""
    out: IntArray = np.asarray(index, dtype="datetime64[ns]").view(np.int64)
    return out


def _describe_index(value: Any) -> Any:
    return described(f"an index of type {type(value.index).__name__}")


def _check_index(index: pd.DatetimeIndex, ctx: _Context, what: str) -> None:
    if index.tz is not None:
        ctx.fail(f"must have a time-zone-naive {what} (local clock times)", str(index.tz))
    if index.hasnans:
        position = int(np.flatnonzero(index.isna())[0])
        ctx.fail(f"must not hold NaT in its {what}", described(f"NaT at position {position}"))
    stamps = nanoseconds(index)
    steps = np.diff(stamps)
    if (steps < 0).any():
        position = int(np.flatnonzero(steps < 0)[0]) + 1
        ctx.fail(
            f"must have a sorted {what}", described(f"{index[position]} at position {position}")
        )
    if (steps == 0).any():
        position = int(np.flatnonzero(steps == 0)[0]) + 1
        ctx.fail(
            f"must have a {what} without duplicates",
            described(f"{index[position]} repeated at position {position}"),
        )


def step_of(index: pd.DatetimeIndex) -> int:
    """The grid step in nanoseconds: the smallest gap between consecutive interval starts."""
    return int(np.diff(nanoseconds(index)).min())


@dataclass(frozen=True)
class CountSeries(Constraint):
    """A Series of counts with a sorted, unique DatetimeIndex on a regular grid.

    Counts must be finite, non-negative and whole (any numeric dtype); the grid's
    step is the smallest gap between interval starts and every gap must be a whole
    number of steps (closed hours and days may be skipped). Returns the Series as
    float64 with a ``datetime64[ns]`` index.
    """

    min_len: int = 2
    optional: bool = False

    def describe(self) -> str:
        return "a pandas Series of counts indexed by interval starts (a DatetimeIndex)"

    def coerce(self, value: Any, ctx: _Context) -> pd.Series:
        if not isinstance(value, pd.Series):
            ctx.fail(f"must be {self.describe()}", described(f"a {type(value).__name__}"))
        if not isinstance(value.index, pd.DatetimeIndex):
            ctx.fail(f"must be {self.describe()}", _describe_index(value))
        if len(value) < self.min_len:
            ctx.fail(
                f"must have at least {self.min_len} intervals", described(f"{len(value)} intervals")
            )
        if value.dtype.kind not in "iuf":
            ctx.fail("must hold numbers (counts)", described(f"dtype {value.dtype}"))
        index = value.index
        _check_index(index, ctx, "index")
        counts = value.to_numpy(dtype=np.float64)
        bad = ~np.isfinite(counts)
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            ctx.fail(
                "must hold finite counts", described(f"{counts[position]} at {index[position]}")
            )
        bad = counts < 0
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            ctx.fail(
                "must hold non-negative counts",
                described(f"{counts[position]} at {index[position]}"),
            )
        bad = counts != np.round(counts)
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            ctx.fail(
                "must hold whole-number counts",
                described(f"{counts[position]} at {index[position]}"),
            )
        gaps = np.diff(nanoseconds(index))
        step = int(gaps.min()) if len(gaps) else 1
        off = gaps % step != 0
        if off.any():
            position = int(np.flatnonzero(off)[0]) + 1
            ctx.fail(
                f"must lie on a regular grid (every gap a multiple of the step {pd.Timedelta(step)})",
                described(f"{index[position]} after {index[position - 1]}"),
            )
        out: pd.Series = pd.Series(
            counts, index=pd.DatetimeIndex(index.to_numpy(dtype="datetime64[ns]"))
        )
        out.name = value.name
        return out

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a list", list(valid)
        yield "a RangeIndex", valid.reset_index(drop=True)
        if self.min_len >= 2:
            yield "one interval", valid.iloc[:1]
        yield "unsorted", valid.iloc[::-1]
        yield "a duplicated interval", pd.concat([valid, valid.iloc[-1:]])
        irregular = valid.copy()
        irregular.index = irregular.index[:-1].append(
            pd.DatetimeIndex([irregular.index[-1] + (irregular.index[1] - irregular.index[0]) / 2])
        )
        yield "off the grid", irregular
        for label, number in (("negative", -1.0), ("non-integer", 0.5), ("NaN", np.nan)):
            bad = valid.astype(float)
            bad.iloc[-1] = number
            yield label, bad
        yield "text", valid.astype(str)


def keys(index: pd.DatetimeIndex) -> tuple[IntArray, IntArray]:
    """Weekday (Monday = 0) and slot (nanoseconds after midnight) of every interval start."""
    stamps = nanoseconds(index)
    days = stamps // _NS_PER_DAY
    weekday: IntArray = ((days + 3) % 7).astype(np.int64)  # 1970-01-01 was a Thursday
    slot: IntArray = (stamps - days * _NS_PER_DAY).astype(np.int64)
    return weekday, slot


def key_codes(index: pd.DatetimeIndex) -> IntArray:
    """One integer per (weekday, slot) pair, for grouping."""
    weekday, slot = keys(index)
    codes: IntArray = weekday * _NS_PER_DAY + slot
    return codes


def day_numbers(index: pd.DatetimeIndex) -> IntArray:
    """Days since the epoch of every interval start."""
    days: IntArray = nanoseconds(index) // _NS_PER_DAY
    return days


@dataclass(frozen=True)
class FutureIndex:
    """Slots per weekday as seen in a history, to lay out future days."""

    slots: dict[int, IntArray]

    @classmethod
    def of(cls, history: pd.Series) -> FutureIndex:
        """Per weekday, the slots present on at least half of that weekday's days."""
        index = pd.DatetimeIndex(history.index)
        weekday, slot = keys(index)
        days = day_numbers(index)
        out: dict[int, IntArray] = {}
        for w in np.unique(weekday):
            on = weekday == w
            n_days = len(np.unique(days[on]))
            values, counts = np.unique(slot[on], return_counts=True)
            out[int(w)] = values[2 * counts >= n_days]
        return cls(out)


def horizon_index(history: pd.Series, horizon_days: int) -> pd.DatetimeIndex:
    """The intervals of the next ``horizon_days`` days whose weekday the history has.

    Each such day gets the slots the history has on that weekday.
    """
    layout = FutureIndex.of(history)
    last_day = int(day_numbers(pd.DatetimeIndex(history.index[-1:]))[0])
    stamps: list[IntArray] = []
    day, found = last_day, 0
    while found < horizon_days:
        day += 1
        weekday = (day + 3) % 7
        if weekday in layout.slots:
            stamps.append(day * _NS_PER_DAY + layout.slots[weekday])
            found += 1
    result: pd.DatetimeIndex = pd.DatetimeIndex(np.concatenate(stamps).astype("datetime64[ns]"))
    return result


def grid_of(history: pd.Series) -> Grid:
    index = pd.DatetimeIndex(history.index)
    return Grid(pd.Timedelta(step_of(index)), index[0])
