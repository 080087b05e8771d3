from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError
from servicekit.metrics import combine_date_time, kpi_report, response_times


def test_a_time_of_day_alone_is_not_an_instant() -> None:
    with pytest.raises(InvalidInputError, match=r"'created' must hold instants with a date.*"):
        response_times(["0:10:10"], ["0:10:20"])
    with pytest.raises(InvalidInputError, match=r"got '9:05 pm' at position 1"):
        response_times(["2024-01-01 09:00", "9:05 pm"], ["2024-01-01 10:00", None])
    tickets = pd.DataFrame({"created": ["0:10:10"], "first_response": ["0:10:20"]})
    with pytest.raises(InvalidInputError, match=r"'created' must hold instants with a date"):
        kpi_report(tickets, resolved=None, min_n=1)


def test_dates_with_times_of_day_become_instants() -> None:
    out = combine_date_time(
        pd.Series(["2010-08-01"] * 5),
        pd.Series(["0:10:10", "23:59:29.5", None, "", dt.time(7, 5)]),
    )
    expected = np.array(
        ["2010-08-01T00:10:10", "2010-08-01T23:59:29.5", "NaT", "NaT", "2010-08-01T07:05"],
        dtype="datetime64[ns]",
    )
    np.testing.assert_array_equal(out, expected)
    assert combine_date_time(["2010-08-01"], ["12:30 am"])[0] == np.datetime64("2010-08-01T00:30")


def test_not_before_rolls_past_midnight_by_whole_days() -> None:
    entered = combine_date_time(["2010-08-02", "2010-08-02"], ["23:59:29", "10:00"])
    left = combine_date_time(["2010-08-02", "2010-08-02"], ["0:00:57", "10:05"], not_before=entered)
    assert list((left - entered).astype("timedelta64[s]").astype(int)) == [88, 300]
    far = combine_date_time(["2010-08-01"], ["1:00"], not_before=["2010-08-03 00:30"])
    assert far[0] == np.datetime64("2010-08-03T01:00")


@pytest.mark.parametrize(
    ("dates", "times", "message"),
    [
        (["2010-08-01"], ["24:00"], "'times' must hold times of day"),
        (["2010-08-01"], ["noon"], "got 'noon' at position 0"),
        (["2010-08-01"], [3.5], "'times' must hold times of day"),
        (["2010-08-01"], ["13:00 pm"], "'times' must hold times of day"),
        (["2010-08-01 10:00"], ["1:00"], "'dates' must be dates without a time of day"),
        (["2010-08-01"], ["1:00", "2:00"], "'times' must have the same length as 'dates'"),
        (["2010-08-01"], "1:00", "'times' must be a 1-d array"),
    ],
)
def test_bad_dates_and_times_are_named(dates: list[str], times: object, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        combine_date_time(dates, times)  # type: ignore[arg-type]
