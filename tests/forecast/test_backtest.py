"""backtest and compare_methods: rolling origins, no look-ahead, the scores' arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError
from servicekit.forecast import backtest, compare_methods, forecast_arrivals
from tests.forecast.small import simulated


@pytest.fixture(scope="module")
def history() -> pd.Series:
    return simulated(weeks=7, seed=3)


def test_origins_refit_on_the_past_only(history: pd.Series) -> None:
    origins = ["2024-02-05", "2024-02-12"]
    table = backtest(history, method="profile", horizon_days=2, origins=origins)
    # Changing the data after the last evaluated day leaves the scores alone.
    later = history.copy()
    later[later.index >= "2024-02-14"] = 10_000
    again = backtest(later, method="profile", horizon_days=2, origins=origins)
    pd.testing.assert_frame_equal(table, again)
    assert list(table.index) == [pd.Timestamp("2024-02-05"), pd.Timestamp("2024-02-12"), "overall"]
    assert (table["n_intervals"].iloc[:2] == 40).all()
    assert table.loc["overall", "n_intervals"] == 80


def test_scores_match_a_hand_computation(history: pd.Series) -> None:
    table = backtest(history, method="historical_average", horizon_days=1, origins=["2024-02-12"])
    train = history[history.index < "2024-02-12"]
    test = history[(history.index >= "2024-02-12") & (history.index < "2024-02-13")]
    f = forecast_arrivals(train, method="historical_average", index=pd.DatetimeIndex(test.index))
    error = test.to_numpy() - f.mean.to_numpy()
    row = table.loc["overall"]
    assert row["rmse"] == pytest.approx(np.sqrt(np.mean(error**2)))
    assert row["mae"] == pytest.approx(np.mean(np.abs(error)))
    assert row["wape"] == pytest.approx(np.abs(error).sum() / test.sum())
    scale = np.mean(np.abs(train.to_numpy()[100:] - train.to_numpy()[:-100]))
    assert row["mase"] == pytest.approx(np.mean(np.abs(error)) / scale)
    bounds = f.interval(0.9)
    inside = (test.to_numpy() >= bounds["lower"].to_numpy()) & (
        test.to_numpy() <= bounds["upper"].to_numpy()
    )
    assert row["coverage"] == pytest.approx(inside.mean())
    assert row["pinball"] > 0


def test_default_origins_and_lead_days(history: pd.Series) -> None:
    table = backtest(history, method="seasonal_naive", horizon_days=5, step_days=5, lead_days=5)
    origins = table.index[:-1]
    assert origins[0] == pd.Timestamp("2024-01-29")  # 28 days of history first
    assert (table["n_intervals"].iloc[:-1] == 20).all()  # only the fifth day is scored


def test_compare_methods_side_by_side(history: pd.Series) -> None:
    table = compare_methods(
        history,
        methods={
            "naive": {"method": "seasonal_naive"},
            "avg 2w": {"method": "historical_average", "weeks": 2},
        },
        horizon_days=1,
        origins=["2024-02-05", "2024-02-12"],
    )
    assert list(table.index) == ["naive", "avg 2w"]
    ratio = table["rmse"].iloc[0] / table["rmse"].iloc[1]
    assert table["rmse_ratio"].iloc[0] == pytest.approx(ratio)


@pytest.mark.parametrize(
    ("function", "kwargs", "argument"),
    [
        (backtest, {"origins": ["2024-01-01"]}, "origins"),
        (backtest, {"origins": ["2024-02-16"], "horizon_days": 3}, "origins"),
        (compare_methods, {"methods": ["profile", "prophet"]}, "methods"),
        (compare_methods, {"methods": "profile"}, "methods"),
        (compare_methods, {"methods": {"x": {"weeks": 2}}}, "methods"),
    ],
)
def test_bad_input(history: pd.Series, function, kwargs: dict, argument: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInputError) as info:
        function(history, **kwargs)
    assert info.value.argument == argument


def test_too_short_for_a_backtest() -> None:
    with pytest.raises(InvalidInputError, match="too short for a backtest"):
        backtest(simulated(weeks=3), horizon_days=5)
