""":func:`staff_for_forecast`: agents per interval for a forecast, its uncertainty included."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from servicekit._results import ResultMixin
from servicekit._typing import FloatArray
from servicekit._validation import InstanceOf, Interval, described, fail, validated
from servicekit.errors import InvalidInputError
from servicekit.forecast._grid import nanoseconds
from servicekit.forecast.distribution import ArrivalForecast, predictive_quantile
from servicekit.optimize import agents_required, erlang_c

__all__ = ["ForecastStaffing", "staff_for_forecast"]


@dataclass(frozen=True, slots=True)
class ForecastStaffing(ResultMixin):
    """Agents per interval meeting a service level in expectation over a forecast.

    Attributes
    ----------
    agents : pandas.Series
        Agents on the phones per interval (int), meeting the target in expectation
        over the predictive distribution of the count.
    agents_for_mean : pandas.Series
        Agents that meet the target if exactly the mean count arrives.
    expected_service_level : pandas.Series
        Service level expected with ``agents``, over the predictive distribution.
    mean_staffing_service_level : pandas.Series
        Service level expected with ``agents_for_mean`` (usually below the target).
    scheduled : pandas.Series
        Agents to schedule so ``agents`` remain after shrinkage.
    """

    agents: pd.Series
    agents_for_mean: pd.Series
    expected_service_level: pd.Series
    mean_staffing_service_level: pd.Series
    scheduled: pd.Series

    @property
    def added(self) -> int:
        """Agent-intervals added over staffing to the mean (sum over intervals)."""
        return int((self.agents - self.agents_for_mean).sum())

    def to_frame(self) -> pd.DataFrame:
        """One row per interval: agents, agents for the mean, both expected service levels."""
        frame: pd.DataFrame = pd.DataFrame(
            {
                "agents": self.agents,
                "scheduled": self.scheduled,
                "agents_for_mean": self.agents_for_mean,
                "expected_service_level": self.expected_service_level,
                "mean_staffing_service_level": self.mean_staffing_service_level,
            }
        )
        return frame


def _expected_level(
    draws: FloatArray, seconds: float, handle_time: float, agents: FloatArray, answer_within: float
) -> FloatArray:
    rates = draws / seconds
    n = np.repeat(agents[:, None], draws.shape[1], axis=1)
    levels = np.asarray(
        erlang_c(rates.ravel(), handle_time, n.ravel(), answer_within=answer_within).service_level
    ).reshape(draws.shape)
    # No arrivals: nobody waits.
    levels = np.where(draws == 0, 1.0, levels)
    out: FloatArray = levels.mean(axis=1)
    return out


@validated(
    forecast=InstanceOf(ArrivalForecast),
    handle_time=Interval(kind="duration", low=0, low_open=True),
    service_level=Interval(low=0, high=1, low_open=True, high_open=True),
    answer_within=Interval(kind="duration", low=0),
    shrinkage=Interval(low=0, high=1, high_open=True),
    interval_seconds=Interval(kind="duration", low=0, low_open=True, optional=True),
    points=Interval(kind="int", low=5, high=1000),
)
def staff_for_forecast(
    forecast: ArrivalForecast,
    handle_time: float | Any,
    *,
    service_level: float = 0.8,
    answer_within: float | Any = 20,
    shrinkage: float = 0.0,
    interval_seconds: float | Any | None = None,
    points: int = 25,
) -> ForecastStaffing:
    """Agents per interval so the service level is met in expectation over the forecast.

    Staffing to the mean count meets the target only if the mean arrives; the
    service level is concave near the target, so a count above the mean costs more
    than one below it gives back, and the expected service level falls short.
    Here the count of each interval is drawn at ``points`` equally likely quantiles
    of its predictive distribution (``(k + 0.5) / points``); the Erlang C service
    level is averaged over them, and agents are added until that average reaches
    ``service_level``, starting from the staffing for the mean.

    Parameters
    ----------
    forecast : ArrivalForecast
        Counts per interval with their predictive distribution.
    handle_time : float or timedelta
        Average handle time (seconds); at most 1e7 s, and the offered load (mean count
        per second times ``handle_time``) at most 1e7 Erlangs, the bounds of
        :func:`servicekit.optimize.agents_required`.
    service_level : float, default 0.8
        Target share answered within ``answer_within``.
    answer_within : float or timedelta, default 20
        Answer-time target (seconds).
    shrinkage : float, default 0
        Share of paid time unavailable for calls, in [0, 1); sets ``scheduled``.
    interval_seconds : float or timedelta, optional
        Length of an interval; by default the forecast's grid step.
    points : int, default 25
        Quantile points per interval.

    Returns
    -------
    ForecastStaffing
        ``agents``, ``agents_for_mean``, both expected service levels, ``scheduled``
        and ``added`` (agent-intervals over staffing to the mean).

    References
    ----------
    Gans, N., Koole, G. & Mandelbaum, A. (2003). Telephone call centers: tutorial,
    review, and research prospects. MSOM 5(2), 79-141 (staffing under arrival-rate
    uncertainty).

    Examples
    --------
    >>> import pandas as pd
    >>> index = pd.date_range("2024-01-01 09:00", periods=2, freq="30min")
    >>> f = ArrivalForecast(pd.Series([100.0, 200.0], index=index), "profile", 0.9,
    ...                     pd.Series([0.02, 0.02], index=index), float("inf"), 0.0)
    >>> plan = staff_for_forecast(f, 180, service_level=0.8, answer_within=20)
    >>> plan.agents.tolist(), plan.agents_for_mean.tolist(), plan.added
    ([14, 26], [14, 24], 2)
    """
    index = forecast.mean.index
    if interval_seconds is None:
        if len(index) < 2:
            fail(
                "staff_for_forecast",
                "interval_seconds",
                "must be given for a forecast of a single interval",
                described("None"),
            )
        interval_seconds = float(np.diff(nanoseconds(pd.DatetimeIndex(index))).min()) / 1e9
    seconds = float(interval_seconds)
    mean = forecast.mean.to_numpy()
    try:
        base = agents_required(
            mean / seconds,
            handle_time,
            service_level=service_level,
            answer_within=answer_within,
        )
    except InvalidInputError as exc:  # optimize's bounds, in this function's terms
        argument = "forecast" if exc.argument == "arrival_rate" else exc.argument
        raise InvalidInputError(
            (exc.reason or str(exc)).replace(
                "'arrival_rate'", "'forecast' (its mean count per second)"
            ),
            function="staff_for_forecast",
            argument=argument,
        ) from None
    for_mean = np.atleast_1d(np.asarray(base.agents, dtype=np.float64))
    levels = (np.arange(points) + 0.5) / points
    draws = np.column_stack(
        [
            predictive_quantile(
                float(q), mean, forecast.level_variance.to_numpy(), forecast.dispersion
            )
            for q in levels
        ]
    )
    at_mean = _expected_level(draws, seconds, handle_time, for_mean, answer_within)
    agents = for_mean.copy()
    expected = at_mean.copy()
    for _ in range(1000):
        short = expected < service_level
        if not short.any():
            break
        agents[short] += 1
        expected[short] = _expected_level(
            draws[short], seconds, handle_time, agents[short], answer_within
        )
    scheduled = np.ceil(agents / (1 - shrinkage) - 1e-9)
    return ForecastStaffing(
        agents=pd.Series(agents.astype(np.int64), index=index, name="agents"),
        agents_for_mean=pd.Series(for_mean.astype(np.int64), index=index, name="agents_for_mean"),
        expected_service_level=pd.Series(expected, index=index, name="expected_service_level"),
        mean_staffing_service_level=pd.Series(
            at_mean, index=index, name="mean_staffing_service_level"
        ),
        scheduled=pd.Series(scheduled.astype(np.int64), index=index, name="scheduled"),
    )
