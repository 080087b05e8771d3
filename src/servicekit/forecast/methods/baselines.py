"""The two baselines: the seasonal naive and the historical average per weekday and interval."""

from __future__ import annotations

import numpy as np
import pandas as pd

from servicekit._typing import FloatArray
from servicekit.forecast._grid import day_numbers, key_codes
from servicekit.forecast.methods.common import Fit, day_spread

__all__ = ["fit_historical_average", "fit_seasonal_naive", "window"]

_WEEK = pd.Timedelta(days=7)


def window(history: pd.Series, weeks: int | None) -> pd.Series:
    """The last ``weeks`` weeks of the history (all of it for ``None``)."""
    if weeks is None:
        return history
    start = history.index[-1].normalize() - (weeks * _WEEK) + pd.Timedelta(days=1)
    recent: pd.Series = history[history.index >= start]
    return recent


def fit_seasonal_naive(history: pd.Series, future: pd.DatetimeIndex) -> Fit:
    """The latest count at the same weekday and time (one week earlier when the week is whole)."""
    index = pd.DatetimeIndex(history.index)
    latest = history.groupby(key_codes(index)).last()
    mean = latest.reindex(key_codes(future)).to_numpy(dtype=np.float64)
    # In-sample one-week-ahead forecasts, for the spread.
    earlier = history.reindex(index - _WEEK).to_numpy(dtype=np.float64)
    have = ~np.isnan(earlier)
    size, level_variance = _spread(history.to_numpy()[have], earlier[have], index[have])
    return Fit(mean, np.full(len(future), level_variance), size, 0.0)


def fit_historical_average(
    history: pd.Series, future: pd.DatetimeIndex, weeks: int | None = None
) -> Fit:
    """Mean count at the same weekday and time over the last ``weeks`` weeks."""
    recent = window(history, weeks)
    index = pd.DatetimeIndex(recent.index)
    codes = key_codes(index)
    grouped = recent.groupby(codes)
    means = grouped.mean()
    mean = means.reindex(key_codes(future)).to_numpy(dtype=np.float64)
    fitted = means.reindex(codes).to_numpy(dtype=np.float64)
    # Leave-one-out fitted values, so the in-sample spread is not flattered by the fit.
    n = grouped.count().reindex(codes).to_numpy(dtype=np.float64)
    y = recent.to_numpy()
    keep = n > 1
    loo = np.where(keep, (fitted * n - y) / np.maximum(n - 1, 1), fitted)
    size, level_variance = _spread(y[keep], loo[keep], index[keep])
    return Fit(mean, np.full(len(future), level_variance), size, 0.0)


def _spread(y: FloatArray, fitted: FloatArray, index: pd.DatetimeIndex) -> tuple[float, float]:
    if len(y) == 0:
        return float(np.inf), 0.0
    return day_spread(y, fitted, day_numbers(index))
