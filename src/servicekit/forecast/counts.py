""":func:`arrival_counts`: counts per interval from raw arrival instants."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from servicekit._typing import TimesLike
from servicekit._validation import InstanceOf, Times, described, fail, validated
from servicekit.metrics import BusinessCalendar

__all__ = ["arrival_counts"]

_DAY = pd.Timedelta(days=1)


def _step(freq: Any) -> pd.Timedelta:
    step: pd.Timedelta
    try:
        step = (
            pd.Timedelta(pd.tseries.frequencies.to_offset(freq))  # type: ignore[arg-type]
            if isinstance(freq, str)
            else pd.Timedelta(freq)
        )
    except (ValueError, TypeError):
        fail(
            "arrival_counts",
            "freq",
            "must be a fixed interval length such as '30min' or '1h'",
            freq,
        )
    if step <= pd.Timedelta(0) or _DAY % step != pd.Timedelta(0):
        fail(
            "arrival_counts",
            "freq",
            "must be a positive interval length that divides 24 hours",
            freq,
        )
    return step


def _bound(value: Any, argument: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        stamp = pd.NaT
    if stamp is pd.NaT:
        fail(
            "arrival_counts", argument, "must be an instant (a Timestamp or ISO-8601 string)", value
        )
    if stamp.tz is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    naive: pd.Timestamp = stamp
    return naive


def _calendars(open_hours: Any) -> list[BusinessCalendar]:
    calendars = [open_hours] if isinstance(open_hours, BusinessCalendar) else list(open_hours)
    if not calendars or not all(isinstance(c, BusinessCalendar) for c in calendars):
        fail(
            "arrival_counts",
            "open_hours",
            "must be a BusinessCalendar or a non-empty sequence of them",
            described(repr(open_hours)[:60]),
        )
    return calendars


def _is_open(starts: pd.DatetimeIndex, calendar: BusinessCalendar) -> np.ndarray[Any, Any]:
    seconds = (starts - starts.normalize()).total_seconds().to_numpy()
    days = starts.normalize()
    holidays = pd.DatetimeIndex([pd.Timestamp(d) for d in calendar.holidays])
    return np.asarray(
        np.isin(starts.day_of_week, calendar.weekdays)
        & ~days.isin(holidays)
        & (seconds >= calendar.opens_seconds)
        & (seconds < calendar.closes_seconds)
    )


@validated(timestamps=Times(), open_hours=InstanceOf(BusinessCalendar, list, tuple, optional=True))
def arrival_counts(
    timestamps: TimesLike,
    *,
    freq: str | pd.Timedelta = "30min",
    start: Any = None,
    end: Any = None,
    open_hours: BusinessCalendar | Sequence[BusinessCalendar] | None = None,
) -> pd.Series:
    """Count arrivals per interval from raw arrival instants, zero-filling empty intervals.

    Parameters
    ----------
    timestamps : array-like of instants
        Arrival instants (datetime64, Timestamps or ISO-8601 strings) in any order;
        repeats are separate arrivals. Read as local clock times (time-zone-aware
        instants are converted to UTC; convert them to local time first).
    freq : str or pandas.Timedelta, default "30min"
        Interval length; must divide 24 hours, so intervals start at the same times
        every day (from midnight).
    start, end : instant, optional
        Count intervals starting in ``[start, end)`` (``start`` is floored to the
        grid). By default from the interval of the first arrival to that of the last.
    open_hours : BusinessCalendar or sequence of BusinessCalendar, optional
        Keep only intervals that start inside the opening hours (of any of the
        calendars: e.g. weekdays 08:00-20:00 plus Saturdays 09:00-13:00); arrivals
        outside them are not counted. All intervals by default.

    Returns
    -------
    pandas.Series
        Counts (int64) named ``"arrivals"``, indexed by interval starts, zero where
        no one arrived; a regular grid that skips closed hours when ``open_hours``
        is given, ready for :func:`forecast_arrivals`.

    Raises
    ------
    InvalidInputError
        On missing (NaT) or unparseable instants, a ``freq`` that does not divide a
        day, ``end`` not after ``start``, or ``open_hours`` that are not calendars.

    Examples
    --------
    >>> from servicekit.metrics import BusinessCalendar
    >>> calls = ["2024-01-05 09:10", "2024-01-05 09:12", "2024-01-05 09:12", "2024-01-05 10:40"]
    >>> counts = arrival_counts(
    ...     calls, freq="30min", open_hours=BusinessCalendar(opens="09:00", closes="11:00")
    ... )
    >>> for start, n in counts.items():
    ...     print(start, n)
    2024-01-05 09:00:00 3
    2024-01-05 09:30:00 0
    2024-01-05 10:00:00 0
    2024-01-05 10:30:00 1
    >>> counts.name, counts.dtype, counts.index.freq == pd.Timedelta("30min")
    ('arrivals', dtype('int64'), True)
    """
    step = _step(freq)
    instants = pd.DatetimeIndex(np.asarray(timestamps))
    first = _bound(start, "start")
    last = _bound(end, "end")
    if first is not None and last is not None and last <= first:
        fail("arrival_counts", "end", f"must be later than start ({first})", last)
    low = (first if first is not None else instants.min()).floor(step)
    high = last if last is not None else instants.max().floor(step) + step
    grid = pd.date_range(low, high - pd.Timedelta(1), freq=step)
    binned = instants.floor(step)
    inside = (instants >= (first if first is not None else low)) & (instants < high)
    counts = pd.Series(binned[inside]).value_counts()
    out: pd.Series = pd.Series(
        counts.reindex(grid, fill_value=0).to_numpy(dtype=np.int64), index=grid, name="arrivals"
    )
    if open_hours is not None:
        calendars = _calendars(open_hours)
        keep = np.zeros(len(grid), dtype=bool)
        for calendar in calendars:
            keep |= _is_open(grid, calendar)
        out = out[keep]
    out.index.name = None
    return out
