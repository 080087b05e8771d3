"""Real data: bank_calls_2003 (rolling-origin accuracy) and the Technion call log (counts to staffing)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servicekit.forecast import (
    arrival_counts,
    compare_methods,
    forecast_arrivals,
    staff_for_forecast,
)
from servicekit.metrics import BusinessCalendar
from tests.support import real_data

pytestmark = pytest.mark.realdata

BASELINES = {
    "seasonal_naive": {"method": "seasonal_naive"},
    "historical_average": {"method": "historical_average"},
    "historical_average_8w": {"method": "historical_average", "weeks": 8},
    "historical_average_4w": {"method": "historical_average", "weeks": 4},
}
METHODS = {**BASELINES, "profile": {"method": "profile"}}


@pytest.fixture(scope="module")
def bank() -> pd.Series:
    path = real_data("bank_calls_2003", "bank_calls_2003_03_to_05.csv")
    frame = pd.read_csv(path)
    # The stamps say UTC but are the bank's local clock: drop the zone, keep the clock.
    index = pd.to_datetime(frame["DateTime"]).dt.tz_localize(None)
    return pd.Series(frame["Calls"].to_numpy(), index=pd.DatetimeIndex(index), name="calls")


@pytest.fixture(scope="module")
def days(bank: pd.Series) -> pd.DatetimeIndex:
    return bank.index.normalize().unique()


@pytest.fixture(scope="module")
def one_day_ahead(bank: pd.Series, days: pd.DatetimeIndex) -> pd.DataFrame:
    # Rolling daily origins over the last three weeks (15 origins; the docs table uses all).
    return compare_methods(bank, methods=METHODS, horizon_days=1, origins=days[-15:])


def test_bank_has_the_documented_shape(bank: pd.Series, days: pd.DatetimeIndex) -> None:
    assert len(bank) == 10_478
    assert len(days) == 62
    assert (bank.groupby(bank.index.normalize()).size() == 169).all()


def test_profile_beats_the_best_baseline_one_day_ahead(one_day_ahead: pd.DataFrame) -> None:
    best = one_day_ahead.loc[list(BASELINES), "rmse"].min()
    profile = one_day_ahead.loc["profile", "rmse"]
    assert profile <= 0.95 * best, one_day_ahead
    # The published ranking: the all-weeks average is the strongest baseline.
    ranked = one_day_ahead.loc[list(BASELINES), "rmse"].sort_values().index.tolist()
    assert ranked[0] == "historical_average"
    assert ranked[-1] == "seasonal_naive"


def test_profile_interval_is_calibrated_one_day_ahead(one_day_ahead: pd.DataFrame) -> None:
    assert 0.85 <= one_day_ahead.loc["profile", "coverage"] <= 0.95


def test_profile_does_not_lose_five_days_ahead(bank: pd.Series, days: pd.DatetimeIndex) -> None:
    table = compare_methods(
        bank,
        methods={
            "historical_average": BASELINES["historical_average"],
            "profile": METHODS["profile"],
        },
        horizon_days=5,
        lead_days=5,
        origins=days[-19:-4:2],
    )
    assert table.loc["profile", "rmse"] <= table.loc["historical_average", "rmse"], table
    assert 0.85 <= table.loc["profile", "coverage"] <= 0.95


def test_noon_update_cuts_the_afternoon_error(bank: pd.Series, days: pd.DatetimeIndex) -> None:
    before, after = [], []
    for origin in days[-10:]:
        train = bank[bank.index < origin]
        test = bank[(bank.index >= origin) & (bank.index < origin + pd.Timedelta(days=1))]
        forecast = forecast_arrivals(train, index=pd.DatetimeIndex(test.index))
        morning, afternoon = test[test.index.hour < 12], test[test.index.hour >= 12]
        updated = forecast.update(morning)
        assert updated.mean.index.equals(afternoon.index)
        before.append(afternoon.to_numpy() - forecast.mean[afternoon.index].to_numpy())
        after.append(afternoon.to_numpy() - updated.mean.to_numpy())
    rmse_before = np.sqrt(np.mean(np.concatenate(before) ** 2))
    rmse_after = np.sqrt(np.mean(np.concatenate(after) ** 2))
    assert rmse_after < 0.95 * rmse_before


@pytest.fixture(scope="module")
def technion() -> tuple[pd.DataFrame, pd.Series]:
    path = real_data("technion_anonymous_bank", "anonymous_bank_1999_08_calls.csv")
    calls = pd.read_csv(path, usecols=["date", "vru_entry", "outcome", "ser_time"])
    calls = calls[calls["outcome"] != "PHANTOM"]  # virtual calls
    calls = calls.assign(arrived=pd.to_datetime(calls["date"] + " " + calls["vru_entry"]))
    around_the_clock = BusinessCalendar(weekdays=tuple(range(7)), opens="00:00", closes="24:00")
    counts = arrival_counts(
        calls["arrived"],
        freq="30min",
        open_hours=around_the_clock,
        start="2010-08-01",
        end="2010-09-01",
    )
    return calls, counts


def test_technion_counts_every_call(technion: tuple[pd.DataFrame, pd.Series]) -> None:
    calls, counts = technion
    assert counts.sum() == len(calls) == 42_078 - 310
    assert len(counts) == 31 * 48


def test_technion_last_weeks_forecast_and_staffing(
    technion: tuple[pd.DataFrame, pd.Series],
) -> None:
    calls, counts = technion
    history = counts[counts.index < "2010-08-22"]  # three Sunday-to-Saturday weeks
    actual = counts[(counts.index >= "2010-08-22") & (counts.index < "2010-08-29")]
    forecast = forecast_arrivals(history, horizon_days=7)
    assert forecast.mean.index.equals(actual.index)
    bounds = forecast.interval()
    inside = (actual.to_numpy() >= bounds["lower"].to_numpy()) & (
        actual.to_numpy() <= bounds["upper"].to_numpy()
    )
    assert 0.85 <= inside.mean() <= 0.99
    # Fridays are short and Saturdays quiet: the forecast keeps the weekly cycle.
    daily = forecast.mean.groupby(forecast.mean.index.day_name()).sum()
    assert daily["Friday"] < 0.5 * daily["Sunday"]
    assert daily["Saturday"] < daily["Friday"]

    served = calls[(calls["outcome"] == "AGENT") & (calls["ser_time"] > 0)]
    handle_time = float(served.loc[served["arrived"] < "2010-08-22", "ser_time"].mean())
    plan = staff_for_forecast(forecast, handle_time, service_level=0.8, answer_within=20)
    busy = forecast.mean > 5
    assert (plan.expected_service_level >= 0.8).all()
    assert plan.added > 0
    assert (plan.mean_staffing_service_level[busy] < 0.8).mean() > 0.5
