"""staff_for_forecast: staffing over the predictive distribution, against optimize's Erlang C."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError
from servicekit.forecast import ArrivalForecast, staff_for_forecast
from servicekit.optimize import agents_required, erlang_c


def _forecast(variance: float, size: float = np.inf) -> ArrivalForecast:
    index = pd.date_range("2024-01-01 08:00", periods=4, freq="30min")
    mean = pd.Series([20.0, 120.0, 300.0, 0.0], index=index)
    return ArrivalForecast(mean, "profile", 0.9, pd.Series(variance, index=index), size, 0.0)


def test_mean_staffing_matches_agents_required_and_uncertainty_adds_agents() -> None:
    f = _forecast(0.02)
    plan = staff_for_forecast(f, 240, service_level=0.8, answer_within=20)
    direct = agents_required(f.mean.to_numpy() / 1800, 240, service_level=0.8, answer_within=20)
    np.testing.assert_array_equal(plan.agents_for_mean.to_numpy(), np.asarray(direct.agents))
    assert (plan.agents >= plan.agents_for_mean).all()
    assert plan.added >= 1
    assert (plan.expected_service_level >= 0.8).all()
    # Staffed to the mean, the expected service level falls short where calls arrive.
    busy = f.mean > 0
    assert (plan.mean_staffing_service_level[busy] < plan.expected_service_level[busy]).any()
    frame = plan.to_frame()
    assert list(frame.columns[:3]) == ["agents", "scheduled", "agents_for_mean"]


def test_expected_service_level_is_the_average_over_quantile_draws() -> None:
    f = _forecast(0.0)
    plan = staff_for_forecast(f, 240, service_level=0.8, answer_within=20, points=9)
    draws = [f.quantile((k + 0.5) / 9).iloc[1] for k in range(9)]
    levels = [
        float(erlang_c(d / 1800, 240, float(plan.agents.iloc[1]), answer_within=20).service_level)
        for d in draws
    ]
    assert plan.expected_service_level.iloc[1] == pytest.approx(np.mean(levels))


def test_more_uncertainty_needs_more_agents() -> None:
    calm = staff_for_forecast(_forecast(0.0), 240, service_level=0.9, answer_within=20)
    wild = staff_for_forecast(_forecast(0.1, size=20.0), 240, service_level=0.9, answer_within=20)
    assert wild.agents.sum() > calm.agents.sum()
    shrunk = staff_for_forecast(
        _forecast(0.0), 240, service_level=0.9, answer_within=20, shrinkage=0.3
    )
    assert (shrunk.scheduled >= np.ceil(shrunk.agents / 0.7 - 1e-9)).all()


def test_single_interval_needs_its_length() -> None:
    index = pd.DatetimeIndex(["2024-01-01 08:00"])
    f = ArrivalForecast(
        pd.Series([50.0], index=index), "profile", 0.9, pd.Series(0.0, index=index), np.inf, 0.0
    )
    with pytest.raises(InvalidInputError) as info:
        staff_for_forecast(f, 180)
    assert info.value.argument == "interval_seconds"
    assert staff_for_forecast(f, 180, interval_seconds=900).agents.iloc[0] > 0


def test_optimize_bounds_are_reported_in_this_functions_terms() -> None:
    # The load bound lives in optimize (agents_required); the error names this
    # function's own argument: the forecast whose mean count per second is too high.
    index = pd.date_range("2024-01-01 09:00", periods=2, freq="30min")
    mean = pd.Series([100.0, 1e300], index=index)
    f = ArrivalForecast(mean, "profile", 0.9, pd.Series(0.02, index=index), np.inf, 0.0)
    with pytest.raises(InvalidInputError) as info:
        staff_for_forecast(f, 180)
    assert (info.value.function, info.value.argument) == ("staff_for_forecast", "forecast")
    assert "'forecast'" in str(info.value)
    assert "at position 1" in str(info.value)
    with pytest.raises(InvalidInputError) as info:
        staff_for_forecast(f, 1e308)
    assert (info.value.function, info.value.argument) == ("staff_for_forecast", "handle_time")
