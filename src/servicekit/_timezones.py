"""Time-zone checks shared by every function that reads instants as local wall-clock time."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd

from servicekit._warnings import warn
from servicekit.errors import TimeZoneWarning

__all__ = ["aware_index", "clock_change_days", "warn_on_clock_changes"]


def aware_index(values: Any) -> pd.DatetimeIndex | None:
    """The instants as a time-zone-aware DatetimeIndex, or None if they carry no zone."""
    if isinstance(values, (pd.Series, pd.Index)) and isinstance(values.dtype, pd.DatetimeTZDtype):
        index: pd.DatetimeIndex = pd.DatetimeIndex(values)
        return index
    if isinstance(values, (list, tuple, np.ndarray, pd.Series, pd.Index)):
        items = list(values)
        zoned = [v for v in items if isinstance(v, _dt.datetime) and v.tzinfo is not None]
        if zoned and all(v.tzinfo == zoned[0].tzinfo for v in zoned):
            found: pd.DatetimeIndex = pd.DatetimeIndex(zoned)
            return found
    return None


def clock_change_days(stamps: pd.DatetimeIndex) -> list[_dt.date]:
    """Local dates among ``stamps`` whose length is not 24 hours in their time zone.

    Examples
    --------
    >>> rome = pd.DatetimeIndex(["2024-03-31 10:00", "2024-04-02 10:00"]).tz_localize("Europe/Rome")
    >>> clock_change_days(rome)
    [datetime.date(2024, 3, 31)]
    """
    zone = stamps.tz
    days = pd.DatetimeIndex(np.unique(stamps.tz_localize(None).normalize().dropna()))
    if zone is None or days.empty:
        return []
    start = days.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward")
    end = (days + pd.Timedelta(days=1)).tz_localize(
        zone, ambiguous="NaT", nonexistent="shift_forward"
    )
    changed = np.asarray((end - start) != pd.Timedelta(days=1))
    return [day.date() for day in days[changed]]


def warn_on_clock_changes(values: Any, function: str, argument: str) -> None:
    """Emit :class:`TimeZoneWarning` when aware ``values`` fall on clock-change days."""
    stamps = aware_index(values)
    if stamps is None:
        return
    days = clock_change_days(stamps)
    if days:
        shown = ", ".join(str(d) for d in days[:3]) + (", ..." if len(days) > 3 else "")
        warn(
            f"{function}(): '{argument}' holds time-zone-aware instants ({stamps.tz}) on "
            f"{len(days)} day(s) when the clocks change ({shown}); they are read in UTC "
            "against the calendar's local hours, so business time on those days is off by "
            "the change. Pass local wall-clock times, e.g. "
            "s.dt.tz_convert(zone).dt.tz_localize(None)",
            TimeZoneWarning,
        )
