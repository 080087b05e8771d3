from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError
from servicekit.metrics import BusinessCalendar, business_seconds, response_times


def test_wall_clock_seconds_and_nan_for_unanswered() -> None:
    created = ["2024-03-01 09:00", "2024-03-01 16:30", "2024-03-01 10:00"]
    responded = ["2024-03-01 09:20", "2024-03-04 09:30", None]
    out = response_times(created, responded)
    assert out[:2].tolist() == [1200.0, 234000.0]
    assert np.isnan(out[2])


def test_accepts_datetime64_series_and_strings_alike() -> None:
    created = np.array(["2024-03-01T09:00", "2024-03-02T10:00"], dtype="datetime64[m]")
    responded = np.array(["2024-03-01T09:00:30", "NaT"], dtype="datetime64[s]")
    expected = response_times(created, responded)
    as_series = response_times(pd.Series(created), pd.Series(responded))
    as_strings = response_times(
        ["2024-03-01 09:00", "2024-03-02 10:00"], ["2024-03-01 09:00:30", None]
    )
    np.testing.assert_array_equal(expected, as_series)
    np.testing.assert_array_equal(expected, as_strings)
    assert expected[0] == 30.0


def test_time_zone_aware_input_is_compared_in_utc() -> None:
    created = pd.Series(pd.to_datetime(["2024-03-01 09:00"]).tz_localize("Europe/Rome"))
    responded = pd.Series(pd.to_datetime(["2024-03-01 08:30"]).tz_localize("UTC"))
    # 09:00 in Rome (UTC+1 in March) is 08:00 UTC, half an hour before the reply.
    assert response_times(created, responded).tolist() == [1800.0]


def test_calendar_gives_business_seconds() -> None:
    cal = BusinessCalendar(holidays=["2024-03-04"])
    created, responded = ["2024-03-01 16:30"], ["2024-03-05 09:30"]
    out = response_times(created, responded, calendar=cal)
    assert out.tolist() == [3600.0]
    np.testing.assert_array_equal(out, business_seconds(created, responded, cal))


def test_response_before_creation_names_the_position() -> None:
    with pytest.raises(
        InvalidInputError, match=r"'responded' must not be earlier than 'created'.*position 1"
    ):
        response_times(
            ["2024-03-01 09:00", "2024-03-01 09:00"], ["2024-03-01 09:01", "2024-03-01 08:59"]
        )


def test_missing_creation_and_lengths_are_errors() -> None:
    with pytest.raises(InvalidInputError, match=r"'created'.*NaT"):
        response_times(["2024-03-01 09:00", None], ["2024-03-01 09:01", None])
    with pytest.raises(InvalidInputError, match="'responded' must have the same length"):
        response_times(["2024-03-01 09:00"], ["2024-03-01 09:01", None])
