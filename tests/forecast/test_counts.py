"""arrival_counts: raw instants to counts per interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError
from servicekit.forecast import arrival_counts
from servicekit.metrics import BusinessCalendar


def test_any_order_and_repeats_count() -> None:
    calls = ["2024-01-05 09:40", "2024-01-05 09:10", "2024-01-05 09:10", "2024-01-05 10:05"]
    counts = arrival_counts(calls, freq="30min")
    assert counts.to_dict() == {
        pd.Timestamp("2024-01-05 09:00"): 2,
        pd.Timestamp("2024-01-05 09:30"): 1,
        pd.Timestamp("2024-01-05 10:00"): 1,
    }
    assert counts.dtype == np.int64


def test_open_hours_zero_fill_and_skip_closed_time() -> None:
    # Friday afternoon and Monday morning: the weekend and the night are skipped.
    calls = ["2024-01-05 16:10", "2024-01-06 12:00", "2024-01-08 09:05"]
    counts = arrival_counts(
        calls, freq="1h", open_hours=BusinessCalendar(opens="09:00", closes="17:00")
    )
    assert counts.index[0] == pd.Timestamp("2024-01-05 16:00")
    assert list(counts.index[1:]) == [pd.Timestamp("2024-01-08 09:00")]
    assert counts.sum() == 2  # the Saturday call is outside opening hours
    assert set(counts.index.hour) <= set(range(9, 17))


def test_several_calendars_and_holidays() -> None:
    week = BusinessCalendar(opens="08:00", closes="12:00", holidays=["2024-01-02"])
    saturday = BusinessCalendar(weekdays=(5,), opens="09:00", closes="10:00")
    counts = arrival_counts(
        ["2024-01-01 08:30", "2024-01-06 09:15"],
        freq="1h",
        open_hours=[week, saturday],
        start="2024-01-01",
        end="2024-01-07",
    )
    days = counts.index.normalize().unique()
    assert pd.Timestamp("2024-01-02") not in days
    assert len(counts) == 4 * 4 + 1
    assert counts.sum() == 2


def test_start_end_window() -> None:
    counts = arrival_counts(
        ["2024-01-01 00:10", "2024-01-01 05:00"],
        freq="2h",
        start="2024-01-01 01:00",
        end="2024-01-01 06:00",
    )
    assert list(counts.index.hour) == [0, 2, 4]
    assert counts.tolist() == [0, 0, 1]  # 00:10 is before start


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"timestamps": ["2024-01-01 09:00", None]}, "timestamps"),
        ({"timestamps": ["2024-01-01 09:00", "yesterday-ish"]}, "timestamps"),
        ({"freq": "7min"}, "freq"),
        ({"freq": "often"}, "freq"),
        ({"start": "2024-01-02", "end": "2024-01-01"}, "end"),
        ({"start": "not a time"}, "start"),
        ({"open_hours": [BusinessCalendar(), "9-5"]}, "open_hours"),
    ],
)
def test_bad_input(kwargs: dict, argument: str) -> None:
    call = {"timestamps": ["2024-01-01 09:00"], **kwargs}
    with pytest.raises(InvalidInputError) as info:
        arrival_counts(**call)
    assert info.value.argument == argument
