from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.errors import InvalidInputError, SmallSampleWarning
from servicekit.metrics import DurationSummary, average_handle_time, duration_summary
from servicekit.metrics.durations import format_seconds


def test_summary_matches_numpy_type7_percentiles() -> None:
    rng = np.random.default_rng(3)
    seconds = rng.lognormal(5, 1, size=501)
    s = duration_summary(seconds)
    assert s.n == 501
    assert s.mean == pytest.approx(seconds.mean())
    assert s.median == pytest.approx(np.median(seconds))
    series = pd.Series(seconds)
    assert s.p90 == pytest.approx(series.quantile(0.9))
    assert s.p95 == pytest.approx(series.quantile(0.95))
    assert (s.min, s.max) == (seconds.min(), seconds.max())
    # Right skew: the mean sits above the median, which is why both are reported.
    assert s.mean > s.median


def test_hand_computed_percentiles() -> None:
    # Type 7: rank (n - 1) p; for 10..100 the p90 sits at rank 8.1 -> 90 + 0.1 * 10.
    s = duration_summary(np.arange(10, 101, 10), min_n=1)
    assert s.median == 55.0
    assert s.p90 == pytest.approx(91.0)
    assert s.p95 == pytest.approx(95.5)


def test_timedeltas_of_every_kind_are_seconds() -> None:
    as_numbers = duration_summary([60.0, 90.0, 3600.0], min_n=1)
    for values in (
        pd.to_timedelta(["1min", "90s", "1h"]),
        pd.Series(pd.to_timedelta(["1min", "90s", "1h"])),
        np.array([60, 90, 3600], dtype="timedelta64[s]"),
        [dt.timedelta(minutes=1), dt.timedelta(seconds=90), dt.timedelta(hours=1)],
    ):
        assert duration_summary(values, min_n=1) == as_numbers


def test_negative_duration_names_the_position() -> None:
    with pytest.raises(
        InvalidInputError, match=r"'durations' must be >= 0; got -1.0 at position 2"
    ):
        duration_summary([5, 6, -1])
    with pytest.raises(InvalidInputError, match="position 1"):
        duration_summary(pd.to_timedelta(["1min", "-1s"]))


def test_missing_is_an_error_unless_omitted() -> None:
    with pytest.raises(InvalidInputError, match=r"missing='omit'.*position 1"):
        duration_summary([5.0, math.nan, 7.0])
    s = duration_summary([5.0, math.nan, 7.0, None], missing="omit", min_n=1)
    assert (s.n, s.n_missing, s.mean) == (2, 2, 6.0)
    with pytest.raises(InvalidInputError, match="at least one duration"):
        duration_summary([math.nan], missing="omit")


def test_small_samples_warn_but_keep_the_numbers() -> None:
    with pytest.warns(SmallSampleWarning, match="3 observation") as record:
        s = duration_summary([1, 2, 3])
    assert s.median == 2.0
    assert record[0].filename == __file__  # the warning points at the caller's line


def test_str_and_frame_are_readable() -> None:
    s = duration_summary([30, 45, 60, 90, 600], min_n=1)
    assert str(s) == (
        "n=5: mean 2m 45s, median 1m 00s, p90 6m 36s, p95 8m 18s, min 30.0s, max 10m 00s"
    )
    frame = s.to_frame()
    assert list(frame.columns) == ["n", "mean", "median", "p90", "p95", "min", "max", "n_missing"]
    assert frame.loc[0, "p90"] == s.p90
    assert "1 missing" in str(duration_summary([1.0, None], missing="omit", min_n=1))
    assert isinstance(s, DurationSummary)


def test_format_seconds_units() -> None:
    assert format_seconds(59.94) == "59.9s"
    assert format_seconds(3599.4) == "59m 59s"
    assert format_seconds(90000) == "1d 01h"
    assert format_seconds(math.nan) == "nan"


def test_average_handle_time_adds_the_parts() -> None:
    talk, hold, acw = [240.0, 300.0, 420.0], [0.0, 60.0, 30.0], [45.0, 45.0, 45.0]
    aht = average_handle_time(talk, hold, acw, min_n=1)
    total = np.add(np.add(talk, hold), acw)
    assert aht == duration_summary(total, min_n=1)
    assert average_handle_time(talk, hold, 45, min_n=1) == aht  # scalars broadcast
    assert average_handle_time(talk, min_n=1).mean == pytest.approx(320.0)
    td = average_handle_time(pd.to_timedelta(talk, unit="s"), dt.timedelta(0), min_n=1)
    assert td.mean == pytest.approx(320.0)


def test_average_handle_time_rejects_bad_parts() -> None:
    with pytest.raises(InvalidInputError, match="'hold' must have the same length"):
        average_handle_time([1.0, 2.0], [1.0])
    with pytest.raises(InvalidInputError, match="'after_call_work' must be >= 0"):
        average_handle_time([1.0, 2.0], 0, -3)


@given(st.lists(st.floats(0, 1e7), min_size=1, max_size=200))
def test_summary_is_ordered(values: list[float]) -> None:
    s = duration_summary(values, min_n=1)
    assert s.min <= s.median <= s.p90 <= s.p95 <= s.max
    assert s.min <= s.mean * (1 + 1e-12) + 1e-9
    assert s.mean <= s.max * (1 + 1e-12) + 1e-9
