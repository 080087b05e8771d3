"""forecast_arrivals and ArrivalForecast on simulated Poisson counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError
from servicekit.forecast import ArrivalForecast, forecast_arrivals
from tests.forecast.small import simulated


@pytest.fixture(scope="module")
def history() -> pd.Series:
    return simulated(weeks=8, seed=1)


def test_horizon_counts_open_days_with_the_weekday_slots(history: pd.Series) -> None:
    f = forecast_arrivals(history, horizon_days=3)
    days = f.mean.index.normalize().unique()
    # History ends on a Friday: Monday, Tuesday and Wednesday come next (no weekend).
    assert [d.day_name() for d in days] == ["Monday", "Tuesday", "Wednesday"]
    assert len(f.mean) == 3 * 20
    assert f.mean.index[0] == pd.Timestamp("2024-02-26 08:00")


def test_seasonal_naive_repeats_last_week(history: pd.Series) -> None:
    f = forecast_arrivals(history, horizon_days=5, method="seasonal_naive")
    last_week = history.iloc[-100:].to_numpy()
    np.testing.assert_array_equal(f.mean.to_numpy(), last_week)


def test_historical_average_is_the_weekday_slot_mean(history: pd.Series) -> None:
    f = forecast_arrivals(history, horizon_days=1, method="historical_average", weeks=2)
    mondays = history[(history.index.day_of_week == 0) & (history.index >= "2024-02-12")]
    expected = mondays.groupby(mondays.index.time).mean().to_numpy()
    np.testing.assert_allclose(f.mean.to_numpy(), expected)


def test_profile_recovers_the_rate(history: pd.Series) -> None:
    f = forecast_arrivals(history, horizon_days=5)
    hours = (f.mean.index.hour + f.mean.index.minute / 60).to_numpy()
    shape = 1.0 + 0.8 * np.exp(-((hours - 12.0) ** 2) / 4.0)
    truth = 20.0 * shape * np.array([1.3, 1.0, 1.0, 0.95, 0.9])[f.mean.index.day_of_week]
    assert np.mean(np.abs(f.mean.to_numpy() / truth - 1)) < 0.05
    daily = f.mean.groupby(f.mean.index.normalize()).sum().to_numpy()
    true_daily = pd.Series(truth, index=f.mean.index).groupby(f.mean.index.normalize()).sum()
    np.testing.assert_allclose(daily, true_daily.to_numpy(), rtol=0.05)
    assert f.method == "profile"
    assert 0 <= f.persistence <= 0.95


def test_interval_covers_simulated_counts_at_its_level() -> None:
    history = simulated(weeks=12, seed=2)
    train, test = history.iloc[: -5 * 20], history.iloc[-5 * 20 :]
    f = forecast_arrivals(train, index=pd.DatetimeIndex(test.index), level=0.9)
    bounds = f.interval()
    inside = (test.to_numpy() >= bounds["lower"].to_numpy()) & (
        test.to_numpy() <= bounds["upper"].to_numpy()
    )
    assert 0.82 <= inside.mean() <= 0.99
    assert (f.quantile(0.05) <= f.quantile(0.5)).all()
    assert (f.quantile(0.5) <= f.quantile(0.95)).all()
    frame = f.to_frame()
    assert list(frame.columns) == ["mean", "lower", "upper"]


def test_quantiles_match_poisson_when_nothing_else_is_uncertain() -> None:
    index = pd.date_range("2024-01-01 09:00", periods=3, freq="h")
    f = ArrivalForecast(
        pd.Series([5.0, 50.0, 0.0], index=index),
        "profile",
        0.9,
        pd.Series(0.0, index=index),
        float("inf"),
        0.0,
    )
    from scipy import stats

    np.testing.assert_array_equal(
        f.quantile(0.9).to_numpy(), [stats.poisson.ppf(0.9, 5), stats.poisson.ppf(0.9, 50), 0]
    )
    # Day-level uncertainty widens the interval.
    wider = ArrivalForecast(f.mean, "profile", 0.9, pd.Series(0.05, index=index), np.inf, 0.0)
    assert wider.quantile(0.95).iloc[1] > f.quantile(0.95).iloc[1]


def test_update_scales_the_rest_of_the_day_and_carries_persistence() -> None:
    index = pd.DatetimeIndex(
        [
            *pd.date_range("2024-01-01 09:00", periods=4, freq="h"),
            *pd.date_range("2024-01-02 09:00", periods=4, freq="h"),
        ]
    )
    f = ArrivalForecast(
        pd.Series(100.0, index=index), "profile", 0.9, pd.Series(0.04, index=index), np.inf, 0.5
    )
    busy = f.update(pd.Series([150.0, 150.0], index=index[:2]))
    assert list(busy.mean.index) == list(index[2:])
    first, second = busy.mean.iloc[0], busy.mean.iloc[2]
    assert first > 120
    assert 100 < second < first  # persistence 0.5 carries part of the surprise
    assert busy.level_variance.iloc[0] < 0.04
    quiet = f.update(pd.Series([100.0, 100.0], index=index[:2]))
    assert quiet.mean.iloc[0] == pytest.approx(100.0)


def test_update_rejects_foreign_or_complete_observations() -> None:
    index = pd.date_range("2024-01-01 09:00", periods=3, freq="h")
    f = ArrivalForecast(
        pd.Series(10.0, index=index), "profile", 0.9, pd.Series(0.0, index=index), np.inf, 0.0
    )
    with pytest.raises(InvalidInputError, match="only intervals of the forecast"):
        f.update(pd.Series([3.0], index=[pd.Timestamp("2024-01-01 08:00")]))
    with pytest.raises(InvalidInputError, match="leave some intervals"):
        f.update(pd.Series([1.0, 2.0, 3.0], index=index))


def test_too_little_history_says_what_is_needed(history: pd.Series) -> None:
    one_week = history.iloc[:100]
    with pytest.raises(
        InvalidInputError, match="at least 2 complete days of each forecast weekday"
    ):
        forecast_arrivals(one_week, horizon_days=1)
    with pytest.raises(InvalidInputError, match="needs each forecast weekday and time of day"):
        forecast_arrivals(
            history.iloc[:40],  # Monday and Tuesday only
            index=pd.date_range("2024-01-10 08:00", periods=2, freq="30min"),
            method="seasonal_naive",
        )


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"horizon_days": 0}, "horizon_days"),
        ({"index": pd.date_range("2024-02-23 08:00", periods=3, freq="30min")}, "index"),
        ({"index": pd.DatetimeIndex(["2024-02-26 08:10"])}, "index"),
        ({"index": pd.DatetimeIndex(["2024-02-26 09:00", "2024-02-26 08:00"])}, "index"),
        ({"method": "mstl"}, "method"),
        ({"weeks": 0}, "weeks"),
    ],
)
def test_bad_arguments_name_themselves(history: pd.Series, kwargs: dict, argument: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        forecast_arrivals(history, **kwargs)
    assert info.value.argument == argument


def test_bad_histories_are_named() -> None:
    good = simulated(weeks=3)
    shuffled = good.sample(frac=1.0, random_state=0)
    for bad, match in [
        (shuffled, "sorted"),
        (pd.concat([good, good.iloc[-1:]]), "without duplicates"),
        (good.astype(float).where(good.index != good.index[5], -2.0), "non-negative"),
        (good.astype(float).where(good.index != good.index[5], 2.5), "whole-number"),
        (good.astype(float).where(good.index != good.index[5], np.nan), "finite"),
    ]:
        with pytest.raises(InvalidInputError, match=match) as info:
            forecast_arrivals(bad)
        assert info.value.argument == "history"
    irregular = good.copy()
    irregular.index = irregular.index.where(
        irregular.index != irregular.index[3], irregular.index[3] + pd.Timedelta("7min")
    )
    with pytest.raises(InvalidInputError, match="regular grid"):
        forecast_arrivals(irregular)


def test_any_numeric_dtype_and_a_microsecond_index_work(history: pd.Series) -> None:
    as_float = history.astype("float32")
    as_float.index = as_float.index.as_unit("us")
    a = forecast_arrivals(as_float, horizon_days=1).mean
    b = forecast_arrivals(history, horizon_days=1).mean
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy())
