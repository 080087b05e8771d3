"""What every method returns, and the in-sample estimates of its predictive spread."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from servicekit._typing import FloatArray, IntArray
from servicekit.forecast._grid import day_numbers

__all__ = ["Fit", "day_spread", "open_days_ahead"]


@dataclass(frozen=True)
class Fit:
    """A method's forecast on a future index.

    ``mean`` is the expected count per interval; given the day's level multiplier
    ``M`` (log-normal with mean 1 and log-variance ``level_variance``), a count is
    negative binomial with mean ``M * mean`` and size ``dispersion`` (``inf``:
    Poisson). ``persistence`` carries a revised level over to later days in
    :meth:`ArrivalForecast.update`.
    """

    mean: FloatArray
    level_variance: FloatArray
    dispersion: float
    persistence: float


def day_spread(counts: FloatArray, fitted: FloatArray, days: IntArray) -> tuple[float, float]:
    """Negative-binomial size within days, and log-variance of the day level, in-sample.

    The day level is the ratio of a day's observed to fitted total; within a day,
    ``Var(y) = g + g**2 / size`` with ``g`` the fitted count rescaled to the day's
    total (method of moments). Returns ``(size, level_variance)``.
    """
    frame = pd.DataFrame({"day": days, "y": counts, "f": fitted})
    totals = frame.groupby("day")[["y", "f"]].sum()
    usable = totals[(totals["y"] > 0) & (totals["f"] > 0)]
    if len(usable) >= 2:
        ratio = np.log(usable["y"].to_numpy() / usable["f"].to_numpy())
        level_variance = float(np.var(ratio, ddof=1))
    else:
        level_variance = 0.0
    scale = (totals["y"] / totals["f"]).where(totals["f"] > 0, 1.0)
    g = frame["f"].to_numpy() * scale.reindex(frame["day"]).to_numpy()
    y = frame["y"].to_numpy()
    denominator = float(np.sum(g**2))
    excess = float(np.sum((y - g) ** 2 - g))
    size = denominator / excess if excess > 0 and denominator > 0 else np.inf
    return float(size), level_variance


def open_days_ahead(last_day: int, future: pd.DatetimeIndex, weekdays: set[int]) -> IntArray:
    """For each future interval, how many open days (weekdays in ``weekdays``) after ``last_day``."""
    days = day_numbers(future)
    unique = np.unique(days)
    ahead = {}
    for day in unique:
        span = np.arange(last_day + 1, day + 1)
        ahead[int(day)] = int(np.isin((span + 3) % 7, list(weekdays)).sum())
    out: IntArray = np.array([max(ahead[int(d)], 1) for d in days], dtype=np.int64)
    return out
