from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.errors import InvalidInputError
from servicekit.metrics import BusinessCalendar, business_seconds


def reference_business_seconds(
    start: dt.datetime, end: dt.datetime, calendar: BusinessCalendar
) -> float:
    """Slow and obviously correct: walk day by day and intersect with that day's hours."""
    total = 0.0
    day = start.date()
    while day <= end.date():
        if day.weekday() in calendar.weekdays and day not in calendar.holidays:
            midnight = dt.datetime.combine(day, dt.time())
            opens = midnight + dt.timedelta(seconds=calendar.opens_seconds)
            closes = midnight + dt.timedelta(seconds=calendar.closes_seconds)
            low, high = max(start, opens), min(end, closes)
            if high > low:
                total += (high - low).total_seconds()
        day += dt.timedelta(days=1)
    return total


def _hours(start: list[str], end: list[str], calendar: BusinessCalendar) -> list[float]:
    return list(business_seconds(start, end, calendar) / 3600)


def test_counts_only_opening_hours_across_a_weekend() -> None:
    cal = BusinessCalendar()
    # Friday 16:00 -> Monday 10:00: one hour on Friday, one on Monday.
    assert _hours(["2024-01-05 16:00"], ["2024-01-08 10:00"], cal) == [2.0]
    # Saturday to Sunday: nothing.
    assert _hours(["2024-01-06 08:00"], ["2024-01-07 20:00"], cal) == [0.0]


def test_same_day_and_outside_hours() -> None:
    cal = BusinessCalendar(opens="09:00", closes="17:00")
    start = ["2024-01-03 10:15", "2024-01-03 07:00", "2024-01-03 18:00", "2024-01-03 07:00"]
    end = ["2024-01-03 10:45", "2024-01-03 08:00", "2024-01-04 08:00", "2024-01-03 23:00"]
    assert _hours(start, end, cal) == [0.5, 0.0, 0.0, 8.0]


def test_holidays_are_closed() -> None:
    cal = BusinessCalendar(holidays=["2023-12-25", dt.date(2023, 12, 26)])
    assert _hours(["2023-12-22 16:00"], ["2023-12-27 10:00"], cal) == [2.0]


def test_whole_weeks_and_months() -> None:
    cal = BusinessCalendar()
    # January 2024 has 23 weekdays; from Jan 1 00:00 to Feb 1 00:00.
    assert _hours(["2024-01-01"], ["2024-02-01"], cal) == [23 * 8.0]


def test_round_the_clock_calendar_equals_wall_clock() -> None:
    cal = BusinessCalendar(weekdays=range(7), opens="00:00", closes="24:00")
    start = pd.Series(pd.to_datetime(["2024-02-27 13:14:15", "2024-03-01 00:00"], format="ISO8601"))
    end = pd.Series(
        pd.to_datetime(["2024-03-02 01:02:03", "2024-03-01 00:00:01.5"], format="ISO8601")
    )
    expected = (end - start).dt.total_seconds().to_numpy()
    np.testing.assert_allclose(business_seconds(start, end, cal), expected)


def test_missing_instants_give_nan() -> None:
    out = business_seconds(
        ["2024-01-03 10:00", None], ["2024-01-03 11:00", "2024-01-03 11:00"], BusinessCalendar()
    )
    assert out[0] == 3600.0
    assert np.isnan(out[1])


def test_end_before_start_names_the_position() -> None:
    with pytest.raises(InvalidInputError, match=r"business_seconds\(\): 'end'.*at position 1"):
        business_seconds(
            ["2024-01-03 10:00", "2024-01-03 10:00"],
            ["2024-01-03 11:00", "2024-01-03 09:00"],
            BusinessCalendar(),
        )


def test_fractional_seconds_are_kept() -> None:
    out = business_seconds(["2024-01-03 10:00:00.25"], ["2024-01-03 10:00:01"], BusinessCalendar())
    assert out[0] == pytest.approx(0.75)


# ------------------------------------------------------------------ the calendar itself
def test_calendar_normalises_its_fields() -> None:
    cal = BusinessCalendar(
        weekdays=[4, 0, 0], opens=dt.time(8, 30), closes="16:45:30", holidays=["2024-05-01"] * 2
    )
    assert cal.weekdays == (0, 4)
    assert cal.holidays == (dt.date(2024, 5, 1),)
    assert cal.seconds_per_day == (16 * 3600 + 45 * 60 + 30) - (8 * 3600 + 30 * 60)
    assert cal.weekmask == "Mon Fri"
    assert (cal.opens, cal.closes) == ("08:30", "16:45:30")
    assert cal == BusinessCalendar(
        weekdays=(0, 4), opens="08:30", closes="16:45:30", holidays=[dt.date(2024, 5, 1)]
    )
    hash(cal)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cal.opens = "10:00"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"weekdays": (0, 7)}, "weekdays", "0 \\(Monday\\) .. 6"),
        ({"weekdays": (-1,)}, "weekdays", "0 \\(Monday\\)"),
        ({"weekdays": ("Mon",)}, "weekdays", "integers"),
        ({"weekdays": (True,)}, "weekdays", "integers"),
        ({"weekdays": ()}, "weekdays", "at least one open day"),
        ({"weekdays": "01234"}, "weekdays", "sequence"),
        ({"weekdays": 3}, "weekdays", "sequence"),
        ({"opens": "9am"}, "opens", "clock time"),
        ({"opens": 9}, "opens", "clock time"),
        ({"opens": "09:60"}, "opens", "between 00:00 and 24:00"),
        ({"opens": "24:00", "closes": "24:00"}, "opens", "before 24:00"),
        ({"closes": "25:00"}, "closes", "between 00:00 and 24:00"),
        ({"opens": "18:00", "closes": "09:00"}, "closes", "later than opens"),
        ({"opens": "09:00", "closes": "09:00"}, "closes", "later than opens"),
        ({"opens": dt.time(9, tzinfo=dt.timezone.utc)}, "opens", "without a time zone"),
        ({"holidays": "2024-12-25"}, "holidays", "sequence of dates"),
        ({"holidays": dt.date(2024, 12, 25)}, "holidays", "sequence of dates"),
        ({"holidays": ["2024-13-01"]}, "holidays", "must hold dates.*position 0"),
        ({"holidays": ["2024-12-24", "2024-12-25 12:00"]}, "holidays", "position 1"),
        ({"holidays": [20241225]}, "holidays", "must hold dates"),
    ],
)
def test_calendar_rejects_bad_fields(kwargs: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=rf"BusinessCalendar\(\): '{field}' .*{message}"):
        BusinessCalendar(**kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------ against the reference
ORIGIN = dt.datetime(2023, 12, 1)
instants = st.integers(0, 120 * 86400).map(lambda s: ORIGIN + dt.timedelta(seconds=s))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


calendars = st.builds(
    lambda days, opens, length, holidays: BusinessCalendar(
        weekdays=tuple(days),
        opens=_clock(opens),
        closes=_clock(min(opens + length, 24 * 60)),
        holidays=[ORIGIN.date() + dt.timedelta(days=d) for d in holidays],
    ),
    st.sets(st.integers(0, 6), min_size=1),
    st.integers(0, 23 * 60 + 59),
    st.integers(1, 24 * 60),
    st.lists(st.integers(0, 130), max_size=15),
)
pairs = st.lists(
    st.tuples(instants, st.integers(0, 75 * 86400)).map(
        lambda p: (p[0], p[0] + dt.timedelta(seconds=p[1]))
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=120, deadline=None)
@given(pairs, calendars)
def test_matches_day_by_day_reference(
    intervals: list[tuple[dt.datetime, dt.datetime]], calendar: BusinessCalendar
) -> None:
    start = [a for a, _ in intervals]
    end = [b for _, b in intervals]
    got = business_seconds(start, end, calendar)
    expected = [reference_business_seconds(a, b, calendar) for a, b in intervals]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
    # Additive over a split point and never more than wall-clock time.
    mid = [a + (b - a) / 2 for a, b in intervals]
    halves = business_seconds(start, mid, calendar) + business_seconds(mid, end, calendar)
    np.testing.assert_allclose(halves, got, rtol=0, atol=1e-6)
    wall = np.array([(b - a).total_seconds() for a, b in intervals])
    assert np.all(got <= wall + 1e-6)
