"""The profile model: a weekday level with day-to-day persistence times a shrunk intraday profile.

Daily volume ``N_d`` on day ``d`` with weekday ``w(d)`` follows

    log N_d = alpha_w(d) + r_d,    r_d = phi * r_(d-1) + e_d,    e_d ~ Normal(0, s**2)

(Weinberg, Brown & Stroud 2007; Taylor 2008): a weekday effect plus an AR(1)
deviation carried from one open day to the next. Given ``N_d``, counts per interval
follow the weekday's intraday profile ``p_w`` (shares summing to one), estimated by
pooling all complete days of that weekday and shrunk towards the profile pooled over
weekdays (Shen & Huang 2008), with negative-binomial over-dispersion within the day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from servicekit._typing import FloatArray, IntArray
from servicekit.forecast._grid import FutureIndex, day_numbers, keys
from servicekit.forecast.methods.baselines import window
from servicekit.forecast.methods.common import Fit, day_spread, open_days_ahead

__all__ = ["MIN_DAYS_PER_WEEKDAY", "ProfileTooShortError", "fit_profile"]

#: Complete days of each forecast weekday the profile needs.
MIN_DAYS_PER_WEEKDAY = 2
_MAX_PERSISTENCE = 0.95


class ProfileTooShortError(Exception):
    """Raised with the weekday that has too few complete days (the caller reports it)."""

    def __init__(self, weekday: int, days: int):
        super().__init__(weekday, days)
        self.weekday = weekday
        self.days = days


def _daily_table(history: pd.Series) -> tuple[pd.DataFrame, dict[int, IntArray]]:
    """Per complete day: weekday and total over the weekday's regular slots."""
    index = pd.DatetimeIndex(history.index)
    weekday, slot = keys(index)
    days = day_numbers(index)
    layout = FutureIndex.of(history).slots
    frame = pd.DataFrame({"day": days, "weekday": weekday, "slot": slot, "y": history.to_numpy()})
    regular = np.zeros(len(frame), dtype=bool)
    for w, slots in layout.items():
        regular |= (weekday == w) & np.isin(slot, slots)
    frame = frame[regular]
    per_day = frame.groupby("day").agg(
        weekday=("weekday", "first"), n=("y", "size"), total=("y", "sum")
    )
    needed = per_day["weekday"].map({w: len(s) for w, s in layout.items()})
    complete = per_day[(per_day["n"] == needed) & (per_day["total"] > 0)]
    return complete, layout


def _profiles(history: pd.Series, complete: pd.DataFrame, shrink: bool) -> pd.Series:
    """Share of the day's total per (weekday, slot), shrunk towards the pooled profile."""
    index = pd.DatetimeIndex(history.index)
    weekday, slot = keys(index)
    days = day_numbers(index)
    on = np.isin(days, complete.index.to_numpy())
    frame = pd.DataFrame({"weekday": weekday[on], "slot": slot[on], "y": history.to_numpy()[on]})
    sums = frame.groupby(["weekday", "slot"])["y"].sum()
    totals = complete.groupby("weekday")["total"].sum()
    own: pd.Series = sums / totals.reindex(sums.index.get_level_values("weekday")).to_numpy()
    if not shrink or len(totals) < 2:
        return own
    pooled_sums = frame.groupby("slot")["y"].sum()
    out = []
    for w, share in own.groupby(level="weekday"):
        slots = share.index.get_level_values("slot")
        pooled = pooled_sums.reindex(slots).to_numpy()
        pooled = pooled / pooled.sum()
        p = share.to_numpy()
        # Empirical-Bayes weight: multinomial sampling noise of p against its spread from pooled.
        noise = float(np.sum(p * (1 - p)) / totals[w])
        spread = float(np.sum((p - pooled) ** 2))
        weight = max(0.0, 1.0 - noise / spread) if spread > 0 else 0.0
        out.append(pd.Series(weight * p + (1 - weight) * pooled, index=share.index))
    shrunk: pd.Series = pd.concat(out)
    return shrunk


def fit_profile(
    history: pd.Series,
    future: pd.DatetimeIndex,
    weeks: int | None = None,
    shrink: bool = True,
) -> Fit:
    """Fit the profile model on ``history`` and forecast ``future``."""
    recent = window(history, weeks)
    complete, _layout = _daily_table(recent)
    future_weekday, future_slot = keys(future)
    counts = complete.groupby("weekday").size()
    for w in np.unique(future_weekday):
        have = int(counts.get(w, 0))
        if have < MIN_DAYS_PER_WEEKDAY:
            raise ProfileTooShortError(int(w), have)

    # Day level: weekday effect on the log scale, AR(1) deviation across open days.
    log_total = np.log(complete["total"].to_numpy(dtype=np.float64))
    wd = complete["weekday"].to_numpy()
    alpha = pd.Series(log_total).groupby(wd).mean()
    n_per_weekday = pd.Series(log_total).groupby(wd).size()
    r = log_total - alpha.reindex(wd).to_numpy()
    persistence, innovation = _ar1(r)
    spread_of_r = float(np.var(r, ddof=1)) if len(r) > 1 else 0.0

    last_day = int(complete.index[-1])
    ahead = open_days_ahead(last_day, future, set(int(w) for w in alpha.index))
    powers = persistence**ahead
    # Leave-one-out deviations (the weekday effect estimated without the day), so
    # their spread is that of an out-of-sample day.
    n_of_day = n_per_weekday.reindex(wd).to_numpy(dtype=np.float64)
    r_out = r * n_of_day / np.maximum(n_of_day - 1, 1)
    level_variance = np.empty(len(ahead))
    for h in np.unique(ahead):
        at = ahead == h
        level_variance[at] = _h_step_variance(r_out, persistence, innovation, int(h))
    # ... plus the estimation variance of the weekday effect.
    level_variance += spread_of_r / n_per_weekday.reindex(future_weekday).to_numpy()
    log_level = alpha.reindex(future_weekday).to_numpy() + powers * r[-1]
    expected_total = np.exp(log_level + level_variance / 2)

    shares = _profiles(recent, complete, shrink)
    share = shares.reindex(pd.MultiIndex.from_arrays([future_weekday, future_slot])).to_numpy()
    share = np.nan_to_num(share, nan=0.0)
    mean: FloatArray = expected_total * share

    # Within-day dispersion: counts against the day's total times the weekday's
    # profile estimated without that day (leave one day out, so the profile's own
    # estimation error counts as it does out of sample).
    index = pd.DatetimeIndex(recent.index)
    wk, sl = keys(index)
    days = day_numbers(index)
    on = np.isin(days, complete.index.to_numpy())
    y = recent.to_numpy()[on]
    frame = pd.DataFrame({"weekday": wk[on], "slot": sl[on], "y": y})
    slot_sums = frame.groupby(["weekday", "slot"])["y"].transform("sum").to_numpy()
    day_total = complete["total"].reindex(days[on]).to_numpy()
    weekday_total = complete.groupby("weekday")["total"].sum().reindex(wk[on]).to_numpy()
    rest = weekday_total - day_total
    fitted = np.where(rest > 0, (slot_sums - y) / np.where(rest > 0, rest, 1.0), 0.0) * day_total
    size, _ = day_spread(y, fitted, days[on])
    return Fit(mean, np.asarray(level_variance, dtype=np.float64), size, persistence)


def _h_step_variance(r: FloatArray, phi: float, innovation: float, h: int) -> float:
    """Variance of the ``h``-step forecast error of the day deviation.

    The larger of the AR(1) formula ``s**2 * sum(phi**(2i), i < h)`` and the mean
    squared in-sample ``h``-step error ``r[t+h] - phi**h * r[t]`` (which also holds
    what the AR(1) misses, such as drift over weeks) when 5 or more pairs exist.
    """
    formula = innovation * sum(phi ** (2 * i) for i in range(h))
    if len(r) - h < 5:
        return float(formula)
    errors = r[h:] - phi**h * r[:-h]
    return max(float(formula), float(np.mean(errors**2)))


def _ar1(r: FloatArray) -> tuple[float, float]:
    """Least-squares AR(1) coefficient (clipped to [0, 0.95]) and innovation variance."""
    if len(r) < 4:
        return 0.0, float(np.var(r, ddof=1)) if len(r) > 1 else 0.0
    previous, current = r[:-1], r[1:]
    denominator = float(np.sum(previous**2))
    phi = float(np.sum(previous * current) / denominator) if denominator > 0 else 0.0
    phi = min(max(phi, 0.0), _MAX_PERSISTENCE)
    residual = current - phi * previous
    return phi, float(np.sum(residual**2) / max(len(residual) - 1, 1))
