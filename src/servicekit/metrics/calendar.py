"""Business-hours clocks: elapsed time counted only while the service desk is open."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from servicekit._typing import DatetimeArray, FloatArray, TimesLike
from servicekit._validation import InstanceOf, Times, described, fail, validated
from servicekit.metrics._instants import as_instants, check_order

__all__ = ["BusinessCalendar", "business_seconds"]

_DAY_SECONDS = 86_400
_NS = 1_000_000_000
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _clock_seconds(value: object, field: str) -> int:
    """Seconds after midnight of an ``"HH:MM[:SS]"`` string or a ``datetime.time``."""
    if isinstance(value, datetime.time):
        if value.tzinfo is not None:
            fail("BusinessCalendar", field, "must be a local clock time without a time zone", value)
        return value.hour * 3600 + value.minute * 60 + value.second
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if match is None:
        fail("BusinessCalendar", field, "must be a clock time 'HH:MM' or 'HH:MM:SS'", value)
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    if minutes > 59 or seconds > 59 or total > _DAY_SECONDS:
        fail("BusinessCalendar", field, "must be a clock time between 00:00 and 24:00", value)
    return total


def _clock_text(seconds: int) -> str:
    """Canonical ``"HH:MM"`` (or ``"HH:MM:SS"``) so equal calendars compare equal."""
    text = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    return text + (f":{seconds % 60:02d}" if seconds % 60 else "")


def _holiday(value: object, position: int) -> datetime.date:
    if isinstance(value, (str, datetime.date, np.datetime64, pd.Timestamp)):
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError):
            stamp = pd.NaT
        if stamp is not pd.NaT and stamp == stamp.normalize():
            day: datetime.date = stamp.date()
            return day
    fail(
        "BusinessCalendar",
        "holidays",
        "must hold dates (datetime.date, 'YYYY-MM-DD' strings or midnight timestamps)",
        described(f"{value!r} at position {position}"),
    )


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours of a service desk: which weekdays, from when to when, and holidays.

    Parameters
    ----------
    weekdays : tuple of int, default (0, 1, 2, 3, 4)
        Open days, Monday = 0 ... Sunday = 6 (the default is Monday to Friday).
    opens, closes : str or datetime.time, default "09:00" and "17:00"
        Local clock times ``"HH:MM"`` or ``"HH:MM:SS"`` (stored as such strings);
        ``closes`` may be ``"24:00"``
        and must be later than ``opens``: a desk open around the clock is
        ``opens="00:00", closes="24:00"``. Shifts across midnight are not supported
        (split them into two calendars and add the results).
    holidays : iterable of dates, default ()
        Closed dates: ``datetime.date``, ``"YYYY-MM-DD"`` strings or midnight
        timestamps. Stored sorted and without repeats as ``datetime.date``.

    Raises
    ------
    InvalidInputError
        Naming the field: unknown weekday numbers, no open day, malformed clock
        times, ``closes <= opens``, holidays that are not dates.

    Notes
    -----
    The calendar has no time zone: it reads instants as local wall-clock times.
    Pass naive timestamps in the desk's local time. Validation turns time-zone-aware
    timestamps into UTC, so convert them first, e.g.
    ``s.dt.tz_convert("Europe/Rome").dt.tz_localize(None)``; on the night a clock
    changes, the opening hours still count as ``closes - opens`` of wall-clock time.

    Examples
    --------
    >>> cal = BusinessCalendar(opens="08:30", closes="17:00", holidays=["2024-12-25"])
    >>> cal.seconds_per_day, cal.weekmask
    (30600, 'Mon Tue Wed Thu Fri')
    >>> BusinessCalendar(opens="18:00", closes="09:00")
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: BusinessCalendar(): 'closes' must be later than opens ('18:00'); got '09:00'
    """

    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    opens: str | datetime.time = "09:00"
    closes: str | datetime.time = "17:00"
    holidays: Iterable[datetime.date | str] = ()

    def __post_init__(self) -> None:
        days: Any = self.weekdays
        if isinstance(days, (str, bytes)) or not isinstance(days, Iterable):
            fail("BusinessCalendar", "weekdays", "must be a sequence of integers 0..6", days)
        days = tuple(days)
        for day in days:
            if isinstance(day, (bool, np.bool_)) or not isinstance(day, (int, np.integer)):
                fail(
                    "BusinessCalendar",
                    "weekdays",
                    "must hold integers 0 (Monday) .. 6 (Sunday)",
                    day,
                )
            if not 0 <= day <= 6:
                fail(
                    "BusinessCalendar",
                    "weekdays",
                    "must hold integers 0 (Monday) .. 6 (Sunday)",
                    day,
                )
        if not days:
            fail("BusinessCalendar", "weekdays", "must name at least one open day", days)
        opens = _clock_seconds(self.opens, "opens")
        closes = _clock_seconds(self.closes, "closes")
        if opens >= _DAY_SECONDS:
            fail("BusinessCalendar", "opens", "must be before 24:00", self.opens)
        if closes <= opens:
            fail(
                "BusinessCalendar",
                "closes",
                f"must be later than opens ({self.opens!r})",
                self.closes,
            )
        raw = self.holidays
        if isinstance(raw, (str, bytes, datetime.date)) or not isinstance(raw, Iterable):
            fail("BusinessCalendar", "holidays", "must be a sequence of dates", raw)
        holidays = tuple(sorted({_holiday(value, i) for i, value in enumerate(raw)}))
        object.__setattr__(self, "weekdays", tuple(sorted({int(d) for d in days})))
        object.__setattr__(self, "opens", _clock_text(opens))
        object.__setattr__(self, "closes", _clock_text(closes))
        object.__setattr__(self, "holidays", holidays)

    @property
    def opens_seconds(self) -> int:
        """Opening time in seconds after midnight."""
        return _clock_seconds(self.opens, "opens")

    @property
    def closes_seconds(self) -> int:
        """Closing time in seconds after midnight."""
        return _clock_seconds(self.closes, "closes")

    @property
    def seconds_per_day(self) -> int:
        """Length of one open day in seconds (``closes - opens``)."""
        return self.closes_seconds - self.opens_seconds

    @property
    def weekmask(self) -> str:
        """The open days in :func:`numpy.busday_count`'s notation, e.g. ``"Mon Tue Wed Thu Fri"``."""
        return " ".join(_WEEKDAY_NAMES[d] for d in self.weekdays)

    def _busdaycalendar(self) -> np.busdaycalendar:
        holidays = np.array([np.datetime64(d, "D") for d in self.holidays], dtype="datetime64[D]")
        return np.busdaycalendar(weekmask=self.weekmask, holidays=holidays)


def _open_seconds_into_day(
    instants: DatetimeArray, days: np.ndarray, is_open: np.ndarray, calendar: BusinessCalendar
) -> FloatArray:
    """Business seconds elapsed on the instant's own day before the instant."""
    since_midnight = (instants - days.astype("datetime64[ns]")).astype(np.int64)
    opens_ns = calendar.opens_seconds * _NS
    clipped = np.clip(since_midnight - opens_ns, 0, calendar.seconds_per_day * _NS)
    out: FloatArray = np.where(is_open, clipped, 0).astype(np.float64) / _NS
    return out


def _business_seconds(
    start: DatetimeArray, end: DatetimeArray, calendar: BusinessCalendar
) -> FloatArray:
    """The vectorised count, for already-validated ``start <= end`` (NaT gives NaN)."""
    missing = np.isnat(start) | np.isnat(end)
    # Fill NaT with a real day so busday_count accepts the arrays; those results become NaN.
    filler = np.datetime64("2000-01-01T00:00", "ns")
    start = np.where(missing, filler, start)
    end = np.where(missing, filler, end)
    cal = calendar._busdaycalendar()
    start_day = start.astype("datetime64[D]")
    end_day = end.astype("datetime64[D]")
    # Whole open days in [start_day, end_day) ...
    full_days = np.busday_count(start_day, end_day, busdaycal=cal).astype(np.float64)
    # ... minus the open time of start's day before start, plus that of end's day before end.
    before_start = _open_seconds_into_day(
        start, start_day, np.is_busday(start_day, busdaycal=cal), calendar
    )
    before_end = _open_seconds_into_day(
        end, end_day, np.is_busday(end_day, busdaycal=cal), calendar
    )
    seconds = full_days * calendar.seconds_per_day - before_start + before_end
    seconds[missing] = np.nan
    return seconds


@validated(
    start=Times(allow_nat=True, wall_clock_with="calendar"),
    end=Times(allow_nat=True, same_length_as="start", wall_clock_with="calendar"),
    calendar=InstanceOf(BusinessCalendar),
)
def business_seconds(start: TimesLike, end: TimesLike, calendar: BusinessCalendar) -> FloatArray:
    """Seconds between ``start`` and ``end`` that fall inside the calendar's opening hours.

    Vectorised: whole open days between the two dates come from
    :func:`numpy.busday_count` (weekmask and holidays) times the day length, and the
    first and last days are clipped to the opening hours. Equivalently, with
    ``B(t)`` the open seconds from a fixed origin to ``t``, the result is
    ``B(end) - B(start)``. No Python loop runs per pair.

    Parameters
    ----------
    start, end : array-like of instants
        datetime64 arrays, pandas Series of Timestamps or ISO-8601 strings, of equal
        length, read as local wall-clock times (see :class:`BusinessCalendar`).
        NaT (missing) in either gives NaN for that pair.
    calendar : BusinessCalendar
        Open weekdays, hours and holidays.

    Returns
    -------
    numpy.ndarray of float
        Business seconds per pair, ``>= 0``; NaN where an instant is missing.

    Raises
    ------
    InvalidInputError
        If an ``end`` is earlier than its ``start`` (naming the position), or on the
        usual bad input (unparseable instants, mismatched lengths).

    Examples
    --------
    >>> cal = BusinessCalendar(holidays=["2024-01-01"])
    >>> business_seconds(["2024-01-05 16:00", "2023-12-29 16:30", "2024-01-06 10:00"],
    ...                  ["2024-01-08 10:00", "2024-01-02 09:30", "2024-01-06 12:00"], cal) / 3600
    array([2., 1., 0.])
    """
    starts, ends = as_instants(start), as_instants(end)
    check_order(starts, ends, "business_seconds", "end", "start")
    return _business_seconds(starts, ends, calendar)
