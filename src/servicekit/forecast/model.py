""":func:`forecast_arrivals`: counts per future interval from a history of counts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from servicekit._validation import Flag, Interval, Options, described, fail, validated
from servicekit.forecast._grid import (
    CountSeries,
    horizon_index,
    key_codes,
    nanoseconds,
    step_of,
)
from servicekit.forecast.distribution import ArrivalForecast
from servicekit.forecast.methods.baselines import (
    fit_historical_average,
    fit_seasonal_naive,
    window,
)
from servicekit.forecast.methods.common import Fit
from servicekit.forecast.methods.profile import (
    MIN_DAYS_PER_WEEKDAY,
    ProfileTooShortError,
    fit_profile,
)

__all__ = ["METHODS", "forecast_arrivals"]

#: The forecasting methods, in the order of the docs.
METHODS = ("seasonal_naive", "historical_average", "profile")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _future_index(history: pd.Series, index: Any, horizon_days: int) -> pd.DatetimeIndex:
    if index is None:
        return horizon_index(history, horizon_days)
    function = "forecast_arrivals"
    if not isinstance(index, pd.DatetimeIndex):
        try:
            index = pd.DatetimeIndex(index)
        except (TypeError, ValueError):
            fail(
                function,
                "index",
                "must be a DatetimeIndex of future interval starts",
                described(f"a {type(index).__name__}"),
            )
    if len(index) == 0:
        fail(function, "index", "must hold at least one interval", described("an empty index"))
    if index.tz is not None or index.hasnans:
        fail(
            function,
            "index",
            "must hold time-zone-naive interval starts without NaT",
            described(str(index[:3])),
        )
    stamps = nanoseconds(index)
    if (np.diff(stamps) <= 0).any():
        fail(function, "index", "must be sorted without duplicates", described(str(index[:3])))
    if index[0] <= history.index[-1]:
        fail(
            function,
            "index",
            f"must start after the history (which ends at {history.index[-1]})",
            index[0],
        )
    step = step_of(pd.DatetimeIndex(history.index))
    off = (stamps - nanoseconds(pd.DatetimeIndex(history.index[:1]))[0]) % step != 0
    if off.any():
        fail(
            function,
            "index",
            f"must lie on the history's grid (step {pd.Timedelta(step)})",
            index[int(np.flatnonzero(off)[0])],
        )
    future: pd.DatetimeIndex = pd.DatetimeIndex(index.to_numpy(dtype="datetime64[ns]"))
    return future


def _check_covered(
    history: pd.Series, future: pd.DatetimeIndex, argument: str, method: str
) -> None:
    known = np.isin(key_codes(future), key_codes(pd.DatetimeIndex(history.index)))
    if not known.all():
        stamp = future[int(np.flatnonzero(~known)[0])]
        fail(
            "forecast_arrivals",
            argument,
            f"is too short for method {method!r}: it needs each forecast weekday and time of day "
            f"at least once, and has no {_WEEKDAYS[stamp.weekday()]} {stamp.time()}",
            described(f"{len(history)} intervals from {history.index[0]} to {history.index[-1]}"),
        )


@validated(
    history=CountSeries(),
    horizon_days=Interval(kind="int", low=1),
    method=Options(*METHODS),
    level=Interval(low=0, high=1, low_open=True, high_open=True),
    weeks=Interval(kind="int", low=1, optional=True),
    shrink=Flag(),
)
def forecast_arrivals(
    history: pd.Series,
    *,
    horizon_days: int = 5,
    method: str = "profile",
    index: pd.DatetimeIndex | None = None,
    level: float = 0.9,
    weeks: int | None = None,
    shrink: bool = True,
) -> ArrivalForecast:
    """Forecast the count of arrivals in each future interval, with its predictive distribution.

    Parameters
    ----------
    history : pandas.Series
        Whole-number counts per interval, indexed by interval starts on a regular
        grid (e.g. every 5 minutes) that may skip closed hours and days; a whole
        number of days per day is best (partial days are left out of the profile's
        day totals).
    horizon_days : int, default 5
        Open days to forecast: the next ``horizon_days`` days after the history on
        whose weekday the history has intervals, each with the intervals the
        history has on that weekday (on at least half of its days).
    method : {"profile", "historical_average", "seasonal_naive"}
        ``"seasonal_naive"``: the latest count at the same weekday and time (one
        week earlier). ``"historical_average"``: the mean count at the same weekday
        and time over the last ``weeks`` weeks. ``"profile"``: weekday level with
        day-to-day persistence times a shrunk intraday profile (see Notes).
    index : pandas.DatetimeIndex, optional
        Exactly the future interval starts to forecast (overrides ``horizon_days``);
        they must follow the history and lie on its grid.
    level : float, default 0.9
        Default level of the forecast's prediction intervals.
    weeks : int, optional
        Use only the last ``weeks`` weeks of history (all by default); for
        ``"historical_average"`` and ``"profile"``.
    shrink : bool, default True
        ``"profile"`` only: shrink each weekday's intraday profile towards the
        profile pooled over weekdays (empirical Bayes).

    Returns
    -------
    ArrivalForecast
        ``mean`` per interval, quantiles and intervals, and :meth:`~ArrivalForecast.update`.

    Raises
    ------
    InvalidInputError
        On a history with an unsorted or duplicated index, off a regular grid,
        holding negative, fractional or missing counts, or too short for the method
        (the message says what is needed: the profile needs two complete days of
        each forecast weekday); on an ``index`` overlapping the history.

    Notes
    -----
    The profile model: log daily volume is a weekday effect plus an AR(1)
    deviation across consecutive open days, fitted by least squares on the log
    scale (Weinberg, Brown & Stroud 2007); the expected day total is
    ``exp(alpha_w + phi**h * r_T + v_h / 2)`` for ``h`` open days ahead, with ``v_h``
    the AR forecast variance plus the weekday effect's estimation variance. The
    intraday profile is the weekday's share of each slot in its complete days,
    shrunk towards the profile pooled over weekdays with the empirical-Bayes
    weight ``1 - noise / spread`` (Shen & Huang 2008). Within a day, counts are
    negative binomial with a size fitted by moments; the predictive distribution
    mixes it over the log-normal day level. The baselines get the same kind of
    predictive distribution, with the day-level and within-day spread of their
    own in-sample errors (leave-one-out for the historical average).

    References
    ----------
    Weinberg, J., Brown, L. D. & Stroud, J. R. (2007). Bayesian forecasting of an
    inhomogeneous Poisson process with applications to call center data. JASA 102(480).
    Shen, H. & Huang, J. Z. (2008). Interday forecasting and intraday updating of
    call center arrivals. Manufacturing & Service Operations Management 10(3).
    Taylor, J. W. (2008). A comparison of univariate time series methods for
    forecasting intraday arrivals at a call center. Management Science 54(2).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> index = pd.date_range("2024-01-01", periods=21 * 24, freq="h")
    >>> counts = pd.Series(np.where(index.hour.isin(range(9, 17)), 10, 0), index=index)
    >>> f = forecast_arrivals(counts, horizon_days=1)
    >>> f.mean.index[0], len(f.mean), round(float(f.mean.sum()), 6)
    (Timestamp('2024-01-22 00:00:00'), 24, 80.0)
    >>> float(forecast_arrivals(counts, horizon_days=1, method="seasonal_naive").mean.iloc[9])
    10.0
    """
    future = _future_index(history, index, horizon_days)
    if method == "seasonal_naive":
        _check_covered(history, future, "history", method)
        fit: Fit = fit_seasonal_naive(history, future)
    elif method == "historical_average":
        recent = window(history, weeks)
        _check_covered(recent, future, "history" if weeks is None else "weeks", method)
        fit = fit_historical_average(history, future, weeks)
    else:
        _check_covered(
            window(history, weeks), future, "history" if weeks is None else "weeks", method
        )
        try:
            fit = fit_profile(history, future, weeks, shrink)
        except ProfileTooShortError as short:
            fail(
                "forecast_arrivals",
                "history" if weeks is None else "weeks",
                f"is too short for method 'profile': it needs at least {MIN_DAYS_PER_WEEKDAY} "
                f"complete days of each forecast weekday and has {short.days} "
                f"{_WEEKDAYS[short.weekday]}(s)",
                described(
                    f"{len(history)} intervals from {history.index[0]} to {history.index[-1]}"
                ),
            )
    return ArrivalForecast(
        mean=pd.Series(fit.mean, index=future, name="mean"),
        method=method,
        level=float(level),
        level_variance=pd.Series(fit.level_variance, index=future, name="level_variance"),
        dispersion=float(fit.dispersion),
        persistence=float(fit.persistence),
    )
