"""Small simulated count histories for the forecast tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def simulated(weeks: int = 6, seed: int = 0, step: str = "30min") -> pd.Series:
    """Weekday Poisson counts 08:00-18:00 with a weekday effect and a midday peak."""
    days = pd.bdate_range("2024-01-01", periods=weeks * 5)
    slots = pd.timedelta_range("08:00:00", "17:59:00", freq=step)
    index = pd.DatetimeIndex([d + s for d in days for s in slots])
    hours = (index.hour + index.minute / 60).to_numpy()
    shape = 1.0 + 0.8 * np.exp(-((hours - 12.0) ** 2) / 4.0)
    weekday = np.array([1.3, 1.0, 1.0, 0.95, 0.9])[index.day_of_week.to_numpy()]
    rate = 20.0 * shape * weekday
    counts = np.random.default_rng(seed).poisson(rate)
    return pd.Series(counts, index=index, name="calls")
