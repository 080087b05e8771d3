"""Instants from a date column and a time-of-day column (call logs store them apart)."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import numpy as np
import pandas as pd

from servicekit._typing import ArrayLike, DatetimeArray, TimesLike
from servicekit._validation import Times, described, fail, validated
from servicekit.metrics._instants import as_instants

__all__ = ["combine_date_time"]

_DAY_NS = 86_400 * 10**9
_CLOCK = re.compile(
    r"\s*(\d{1,2}):(\d{2})(?::(\d{2})(\.\d*)?)?\s*([AaPp][Mm])?\s*",
)


def _clock_nanoseconds(times: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Nanoseconds since midnight per time of day (NaN for missing), or fail naming one."""
    if isinstance(times, (str, bytes, dict, set, pd.DataFrame)) or np.ndim(times) != 1:
        fail(
            "combine_date_time",
            "times",
            "must be a 1-d array of times of day",
            described(f"{type(times).__name__}"),
        )
    raw = times.to_numpy(dtype=object) if isinstance(times, (pd.Series, pd.Index)) else times
    values = np.asarray(raw, dtype=object)
    out = np.full(values.shape[0], np.nan)
    series = pd.Series(values, dtype=object)
    is_text = series.map(type).isin((str, np.str_)).to_numpy().copy()
    todo = ~is_text
    if is_text.any():  # vectorised for the usual case, a column of "H:MM:SS" strings
        text = series[is_text].astype(str)
        blank = text.str.strip().eq("").to_numpy()
        # pandas parses "H:MM:SS[.f]" in C; anything else (am/pm, bad text) goes below.
        parsed = pd.to_timedelta(text.where(text.str.contains(":", regex=False)), errors="coerce")
        nanos = parsed.to_numpy(dtype="timedelta64[ns]").astype(np.int64).astype(np.float64)
        simple = ~blank & parsed.notna().to_numpy() & (nanos >= 0) & (nanos < _DAY_NS)
        simple &= ~text.str.contains("d", case=False, regex=False).to_numpy()
        where = np.flatnonzero(is_text)
        out[where[simple]] = nanos[simple]
        todo[where[~(simple | blank)]] = True  # the rest go one by one below
    for i in np.flatnonzero(todo):
        item = values[i]
        if item is None or item is pd.NaT or item is pd.NA:
            continue
        if isinstance(item, float) and np.isnan(item):
            continue
        if isinstance(item, str) and not item.strip():
            continue
        out[i] = _one_clock(item, int(i))
    return out


def _one_clock(item: object, index: int) -> float:
    problem = "must hold times of day 0:00:00 to 23:59:59 ('H:MM', 'H:MM:SS', datetime.time)"
    if isinstance(item, _dt.time):
        return float(
            ((item.hour * 60 + item.minute) * 60 + item.second) * 10**9 + item.microsecond * 1000
        )
    if isinstance(item, str):
        match = _CLOCK.fullmatch(item)
        if match is None:
            fail("combine_date_time", "times", problem, item, position=index)
        hours, minutes = int(match[1]), int(match[2])
        seconds = int(match[3] or 0)
        fraction = float(match[4]) if match[4] and match[4] != "." else 0.0
        if match[5]:
            if not 1 <= hours <= 12:
                fail("combine_date_time", "times", problem, item, position=index)
            hours = hours % 12 + (12 if match[5].lower() == "pm" else 0)
        if hours > 23 or minutes > 59 or seconds > 59:
            fail("combine_date_time", "times", problem, item, position=index)
        return ((hours * 60 + minutes) * 60 + seconds + fraction) * 1e9
    fail("combine_date_time", "times", problem, item, position=index)


@validated(
    dates=Times(),
    not_before=Times(allow_nat=True, same_length_as="dates", optional=True),
)
def combine_date_time(
    dates: TimesLike, times: ArrayLike, *, not_before: TimesLike | None = None
) -> DatetimeArray:
    """Instants from dates and times of day kept in separate columns.

    A time of day alone (``"0:10:10"``) is not an instant: servicekit refuses it
    wherever instants are expected, rather than dating it on today's date. Call
    logs such as the Technion "Anonymous Bank" log keep a ``date`` column and
    clock-time columns (``vru_entry``, ``q_start``, ...); this joins them.

    Parameters
    ----------
    dates : array-like of dates
        The day of each record: ``"2010-08-01"`` strings, datetime64 values or
        Timestamps; a time part, if any, must be midnight.
    times : array-like of times of day
        ``"H:MM"``, ``"H:MM:SS"`` or ``"H:MM:SS.fff"`` strings (optionally with
        ``am``/``pm``), or :class:`datetime.time` objects, same length as
        ``dates``. Missing values (None, NaN, empty strings) give NaT.
    not_before : array-like of instants, optional
        For records that cross midnight: where ``date + time`` falls before
        ``not_before``, whole days are added until it does not (a call entering the
        queue at 23:59:29 and leaving it at 0:00:57 left it the next day). Pass the
        record's previous instant, e.g. the queue entry for the queue exit.

    Returns
    -------
    numpy.ndarray of datetime64[ns]
        One instant per record; NaT where the time is missing.

    Raises
    ------
    InvalidInputError
        Dates with a time of day other than midnight, times that are not clock
        times (naming the position), lengths that differ.

    Examples
    --------
    >>> combine_date_time(["2010-08-01", "2010-08-01"], ["0:10:10", "23:59:29"])
    array(['2010-08-01T00:10:10.000000000', '2010-08-01T23:59:29.000000000'],
          dtype='datetime64[ns]')
    >>> entered = combine_date_time(["2010-08-02"], ["23:59:29"])
    >>> left = combine_date_time(["2010-08-02"], ["0:00:57"], not_before=entered)
    >>> left, (left - entered).astype("timedelta64[s]")
    (array(['2010-08-03T00:00:57.000000000'], dtype='datetime64[ns]'), array([88], dtype='timedelta64[s]'))
    >>> combine_date_time(["2010-08-01"], ["25:00"])
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: combine_date_time(): 'times' must hold times of day 0:00:00 to 23:59:59 ('H:MM', 'H:MM:SS', datetime.time); got '25:00' at position 0
    """
    days = as_instants(dates)
    clock = _clock_nanoseconds(times)
    if clock.shape[0] != days.shape[0]:
        fail(
            "combine_date_time",
            "times",
            f"must have the same length as 'dates' ({days.shape[0]})",
            described(f"length {clock.shape[0]}"),
        )
    midnight = days.astype("datetime64[D]").astype("datetime64[ns]")
    timed = days != midnight
    if timed.any():
        at = int(np.argmax(timed))
        fail(
            "combine_date_time",
            "dates",
            "must be dates without a time of day",
            described(f"{pd.Timestamp(days[at])} at position {at}"),
        )
    missing = np.isnan(clock)
    offset = np.where(missing, 0, clock).astype(np.int64).astype("timedelta64[ns]")
    out: DatetimeArray = days + offset
    if not_before is not None:
        floor = as_instants(not_before)
        behind = (floor - out).astype(np.int64)  # NaT pairs give int64 min: not behind
        late = ~np.isnat(floor) & ~missing & (behind > 0)
        days_to_add = np.where(late, -(-behind // _DAY_NS), 0)
        out = out + (days_to_add * _DAY_NS).astype("timedelta64[ns]")
    out[missing] = np.datetime64("NaT", "ns")
    return out
