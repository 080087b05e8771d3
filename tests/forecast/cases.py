"""Valid calls of servicekit.forecast's public functions, for tests/test_bad_input.py."""

from __future__ import annotations

import functools

import pandas as pd

from servicekit import forecast
from servicekit.metrics import BusinessCalendar
from tests.forecast.small import simulated
from tests.support import Case


@functools.cache
def _history() -> pd.Series:
    return simulated(weeks=6)


@functools.cache
def _forecast() -> forecast.ArrivalForecast:
    return forecast.forecast_arrivals(_history(), horizon_days=2)


def _observed() -> pd.Series:
    mean = _forecast().mean
    return mean.iloc[:5].round()


CASES = [
    Case(
        forecast.arrival_counts,
        lambda: {
            "timestamps": ["2024-01-05 09:10", "2024-01-05 09:12", "2024-01-05 10:40"],
            "open_hours": BusinessCalendar(),
        },
    ),
    Case(forecast.forecast_arrivals, lambda: {"history": _history(), "horizon_days": 2}),
    Case(forecast.ArrivalForecast.quantile, lambda: {"q": 0.9}, instance=_forecast),
    Case(forecast.ArrivalForecast.interval, lambda: {"level": 0.8}, instance=_forecast),
    Case(forecast.ArrivalForecast.update, lambda: {"observed": _observed()}, instance=_forecast),
    Case(
        forecast.backtest,
        lambda: {"history": _history(), "horizon_days": 1, "origins": ["2024-02-05", "2024-02-08"]},
    ),
    Case(
        forecast.compare_methods,
        lambda: {"history": _history(), "horizon_days": 1, "origins": ["2024-02-05", "2024-02-08"]},
    ),
]
CASES.append(
    Case(
        forecast.staff_for_forecast,
        lambda: {"forecast": _forecast(), "handle_time": 180, "answer_within": 20},
    )
)
