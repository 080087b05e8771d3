"""The predictive distribution of counts per interval, and :class:`ArrivalForecast`."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from servicekit._results import ResultMixin
from servicekit._typing import FloatArray
from servicekit._validation import Interval, described, fail, validated
from servicekit.forecast._grid import CountSeries, day_numbers

__all__ = ["ArrivalForecast", "predictive_quantile", "total_size"]


def total_size(level_variance: FloatArray, size: float) -> FloatArray:
    """Negative-binomial size of a count, the day level's spread included (moment matched).

    With ``Y | M ~ NB(M * m, size)`` and ``Var(M) = c2 = exp(level_variance) - 1``,
    ``Var(Y) = m + m**2 * ((1 + c2) / size + c2)``: a negative binomial of size
    ``1 / ((1 + c2) / size + c2)`` (``inf``: Poisson).
    """
    c2 = np.expm1(np.maximum(level_variance, 0.0))
    inverse = (1 + c2) / size + c2
    with np.errstate(divide="ignore"):
        out: FloatArray = np.where(inverse > 0, 1 / np.maximum(inverse, 1e-300), np.inf)
    return out


def predictive_quantile(
    q: float, mean: FloatArray, level_variance: FloatArray, size: float
) -> FloatArray:
    """Smallest whole count ``y`` with ``P(count <= y) >= q``, per interval."""
    sizes = total_size(level_variance, size)
    out = np.zeros(len(mean))
    poisson = ~np.isfinite(sizes)
    positive = mean > 0
    at = poisson & positive
    out[at] = stats.poisson.ppf(q, mean[at])
    at = ~poisson & positive
    out[at] = stats.nbinom.ppf(q, sizes[at], sizes[at] / (sizes[at] + mean[at]))
    return out


@dataclass(frozen=True, slots=True)
class ArrivalForecast(ResultMixin):
    """Forecast counts per future interval with their predictive distribution.

    Given the day's level multiplier ``M`` (mean 1, variance
    ``c2 = exp(level_variance) - 1``), the count of an interval with mean ``m`` is
    negative binomial with mean ``M * m`` and size ``dispersion`` (variance
    ``m + m**2 / dispersion``; ``inf`` is Poisson). Mixed over ``M``, the count is
    taken as negative binomial with mean ``m`` and variance
    ``m + m**2 * ((1 + c2) / dispersion + c2)`` (a gamma-mixed Poisson, matched in
    its first two moments). So the predictive distribution holds Poisson noise,
    over-dispersion within the day and the uncertainty of the day's volume.

    Attributes
    ----------
    mean : pandas.Series
        Expected count per interval, indexed by interval start.
    method : str
        ``"seasonal_naive"``, ``"historical_average"`` or ``"profile"``.
    level : float
        Default level of :meth:`interval` and :meth:`to_frame`.
    level_variance : pandas.Series
        Log-variance of each interval's day level (0: the level is known).
    dispersion : float
        Negative-binomial size within a day (``inf``: Poisson).
    persistence : float
        Share of a day's log-level surprise carried to the next open day
        (used by :meth:`update`; 0 for the baselines).

    Examples
    --------
    >>> import pandas as pd
    >>> index = pd.date_range("2024-01-01 09:00", periods=2, freq="h")
    >>> f = ArrivalForecast(pd.Series([10.0, 20.0], index=index), "profile", 0.9,
    ...                     pd.Series([0.0, 0.0], index=index), float("inf"), 0.0)
    >>> f.quantile(0.5).tolist()
    [10.0, 20.0]
    """

    mean: pd.Series
    method: str
    level: float
    level_variance: pd.Series
    dispersion: float
    persistence: float

    @validated(q=Interval(low=0, high=1, low_open=True, high_open=True))
    def quantile(self, q: float) -> pd.Series:
        """The ``q``-quantile of the count of each interval (whole numbers).

        Parameters
        ----------
        q : float
            Probability in (0, 1).

        Returns
        -------
        pandas.Series
            Smallest count ``y`` with ``P(count <= y) >= q``, on the forecast's index.

        Examples
        --------
        >>> import pandas as pd
        >>> index = pd.date_range("2024-01-01 09:00", periods=1, freq="h")
        >>> f = ArrivalForecast(pd.Series([100.0], index=index), "profile", 0.9,
        ...                     pd.Series([0.0], index=index), float("inf"), 0.0)
        >>> f.quantile(0.95).tolist()  # Poisson(100)
        [117.0]
        """
        values = predictive_quantile(
            q, self.mean.to_numpy(), self.level_variance.to_numpy(), self.dispersion
        )
        return pd.Series(values, index=self.mean.index, name=f"q{q:g}")

    @validated(level=Interval(low=0, high=1, low_open=True, high_open=True, optional=True))
    def interval(self, level: float | None = None) -> pd.DataFrame:
        """Central prediction interval per interval: ``lower`` and ``upper`` counts.

        Parameters
        ----------
        level : float, optional
            Probability in (0, 1) that a count falls inside (the forecast's ``level``
            by default); the bounds are the ``(1 - level) / 2`` and
            ``(1 + level) / 2`` quantiles.

        Returns
        -------
        pandas.DataFrame
            Columns ``lower`` and ``upper`` on the forecast's index.

        Examples
        --------
        >>> import pandas as pd
        >>> index = pd.date_range("2024-01-01 09:00", periods=1, freq="h")
        >>> f = ArrivalForecast(pd.Series([100.0], index=index), "profile", 0.9,
        ...                     pd.Series([0.0], index=index), float("inf"), 0.0)
        >>> f.interval().to_numpy().tolist()
        [[84.0, 117.0]]
        """
        chosen = self.level if level is None else level
        frame: pd.DataFrame = pd.DataFrame(
            {
                "lower": self.quantile((1 - chosen) / 2).to_numpy(),
                "upper": self.quantile((1 + chosen) / 2).to_numpy(),
            },
            index=self.mean.index,
        )
        return frame

    def to_frame(self) -> pd.DataFrame:
        """One row per interval: ``mean`` and the ``lower``/``upper`` bounds at ``level``.

        Examples
        --------
        >>> import pandas as pd
        >>> index = pd.date_range("2024-01-01 09:00", periods=1, freq="h")
        >>> f = ArrivalForecast(pd.Series([100.0], index=index), "profile", 0.9,
        ...                     pd.Series([0.0], index=index), float("inf"), 0.0)
        >>> f.to_frame()
                              mean  lower  upper
        2024-01-01 09:00:00  100.0   84.0  117.0
        """
        frame = self.interval()
        frame.insert(0, "mean", self.mean.to_numpy())
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Fields as a plain dict (the Series stay Series)."""
        return {
            "mean": self.mean,
            "method": self.method,
            "level": self.level,
            "level_variance": self.level_variance,
            "dispersion": self.dispersion,
            "persistence": self.persistence,
        }

    @validated(observed=CountSeries(min_len=1))
    def update(self, observed: pd.Series) -> ArrivalForecast:
        """Revise the intervals not yet observed, given the counts observed so far.

        For each forecast day with observations, the day's level multiplier ``M``
        (prior: mean 1, variance ``exp(level_variance) - 1``, as a gamma) is
        updated with the observed total ``S`` against its forecast ``E``, counting
        the observations' over-dispersion ``phi = 1 + sum(mean**2) / (dispersion * E)``:
        posterior gamma with shape ``a + S / phi`` and rate ``a + E / phi``. The
        day's remaining intervals are scaled by the posterior mean and take its
        variance; later days without observations are scaled by the posterior mean
        raised to ``persistence ** k`` (``k`` forecast days later). This is the
        gamma-Poisson form of the within-day updating of Weinberg, Brown & Stroud (2007).

        Parameters
        ----------
        observed : pandas.Series
            Counts on some of the forecast's intervals (same grid; usually the
            morning of the first day).

        Returns
        -------
        ArrivalForecast
            A forecast of the intervals not in ``observed``.

        Raises
        ------
        InvalidInputError
            If ``observed`` holds intervals outside the forecast, or covers all of it.

        References
        ----------
        Weinberg, J., Brown, L. D. & Stroud, J. R. (2007). Bayesian forecasting of an
        inhomogeneous Poisson process with applications to call center data.
        JASA 102(480), 1185-1198.

        Examples
        --------
        >>> import pandas as pd
        >>> index = pd.date_range("2024-01-01 09:00", periods=4, freq="h")
        >>> f = ArrivalForecast(pd.Series([100.0] * 4, index=index), "profile", 0.9,
        ...                     pd.Series([0.04] * 4, index=index), float("inf"), 0.0)
        >>> morning = pd.Series([130.0, 125.0], index=index[:2])
        >>> f.update(morning).mean.round(1).tolist()  # a busy morning raises the afternoon
        [124.5, 124.5]
        """
        index = self.mean.index
        inside = observed.index.isin(index)
        if not inside.all():
            position = int(np.flatnonzero(~inside)[0])
            fail(
                "ArrivalForecast.update",
                "observed",
                "must hold only intervals of the forecast",
                described(f"{observed.index[position]} at position {position}"),
            )
        seen = index.isin(observed.index)
        if seen.all():
            fail(
                "ArrivalForecast.update",
                "observed",
                "must leave some intervals of the forecast to revise",
                described(f"all {len(index)} intervals"),
            )
        mean = self.mean.to_numpy().copy()
        variance = self.level_variance.to_numpy().copy()
        days = day_numbers(pd.DatetimeIndex(index))
        order = np.unique(days)
        observed_values = observed.reindex(index).to_numpy()
        carried = 0.0  # log-multiplier carried to later days
        steps_since = 0
        for day in order:
            on = days == day
            seen_today = on & seen
            if seen_today.any():
                expected = float(mean[seen_today].sum())
                total = float(np.nansum(observed_values[seen_today]))
                prior_var = math.expm1(float(variance[on][0]))
                extra = (
                    0.0
                    if math.isinf(self.dispersion)
                    else float(np.sum(mean[seen_today] ** 2))
                    / (self.dispersion * max(expected, 1e-12))
                )
                phi = 1.0 + extra
                if prior_var <= 0:
                    multiplier, post_var = 1.0, 0.0
                else:
                    a = 1.0 / prior_var
                    shape, rate = a + total / phi, a + expected / phi
                    multiplier = shape / rate
                    post_var = math.log1p((shape / rate**2) / multiplier**2)
                mean[on] *= multiplier
                variance[on] = post_var
                carried, steps_since = math.log(multiplier), 0
            elif carried != 0.0:
                steps_since += 1
                mean[on] *= math.exp(carried * self.persistence**steps_since)
        keep = ~seen
        return replace(
            self,
            mean=pd.Series(mean[keep], index=index[keep], name=self.mean.name),
            level_variance=pd.Series(variance[keep], index=index[keep]),
        )
