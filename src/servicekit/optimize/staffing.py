"""How many agents each interval needs: to meet service targets, or at least total cost."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from servicekit._dask import dask_aware
from servicekit._results import ResultMixin
from servicekit._typing import ArrayLike, BoolArray, FloatArray, IntArray
from servicekit._validation import Interval, Options, fail, validated
from servicekit.optimize import _dask as _on_dask
from servicekit.optimize._intervals import PerInterval, broadcast
from servicekit.optimize.erlang import (
    AGENTS,
    MAX_AGENTS,
    PATIENCE,
    RATE,
    SECONDS,
    WITHIN,
    QueueMetrics,
    check_traffic,
    erlang_a_metrics,
    erlang_c_metrics,
    inverse_erlang_b,
)

__all__ = ["StaffingPlan", "agents_required", "optimal_agents", "scheduled_agents"]

_SHARE = PerInterval(low=0, high=1, low_open=True, high_open=True, optional=True)
_SHRINKAGE = PerInterval(low=0, high=1, high_open=True)
_MODEL = Options("erlang_c", "erlang_a")
_COST = PerInterval(low=0)


@dataclass(frozen=True, slots=True)
class StaffingPlan(ResultMixin):
    """Agents per interval and what that staffing achieves.

    Attributes
    ----------
    agents : ndarray of int
        Agents needed on the phones (answering calls), per interval.
    scheduled : ndarray of int
        Agents to schedule so that ``agents`` remain after shrinkage (breaks, training,
        absence): ``ceil(agents / (1 - shrinkage))``.
    metrics : QueueMetrics
        The queue measures achieved with ``agents``.
    shrinkage : ndarray
        The shrinkage used, per interval.
    cost_per_hour : ndarray or None
        Agent plus waiting (and abandonment) cost per hour, for :func:`optimal_agents`.
    """

    agents: IntArray
    scheduled: IntArray
    metrics: QueueMetrics
    shrinkage: FloatArray
    cost_per_hour: FloatArray | None = None

    @property
    def service_level(self) -> FloatArray:
        """Achieved service level (share answered within ``answer_within``)."""
        return self.metrics.service_level

    @property
    def average_speed_of_answer(self) -> FloatArray:
        """Achieved mean wait of answered calls, in seconds."""
        return self.metrics.average_speed_of_answer

    @property
    def occupancy(self) -> FloatArray:
        """Achieved agent occupancy."""
        return self.metrics.occupancy

    @property
    def prob_abandon(self) -> FloatArray:
        """Achieved probability of abandoning (0 under Erlang C)."""
        return self.metrics.prob_abandon

    def to_frame(self) -> pd.DataFrame:
        """One row per interval: ``agents``, ``scheduled``, then the achieved measures.

        Examples
        --------
        >>> plan = agents_required([0.05, 0.2], 180, service_level=0.8, answer_within=20)
        >>> plan.to_frame()[["traffic", "agents", "scheduled", "service_level"]].round(3)
           traffic  agents  scheduled  service_level
        0      9.0      12         12          0.809
        1     36.0      41         41          0.816
        """
        frame = self.metrics.to_frame().drop(columns=["agents"])
        size = len(frame)
        frame.insert(1, "agents", np.broadcast_to(np.atleast_1d(self.agents), size))
        frame.insert(2, "scheduled", np.broadcast_to(np.atleast_1d(self.scheduled), size))
        frame.insert(3, "shrinkage", np.broadcast_to(np.atleast_1d(self.shrinkage), size))
        if self.cost_per_hour is not None:
            frame["cost_per_hour"] = np.broadcast_to(np.atleast_1d(self.cost_per_hour), size)
        out: pd.DataFrame = frame
        return out


@dask_aware(_on_dask.scheduled_agents)
@validated(agents=AGENTS, shrinkage=_SHRINKAGE)
def scheduled_agents(agents: float | ArrayLike, *, shrinkage: float | ArrayLike) -> IntArray:
    """Agents to schedule so that ``agents`` remain available after shrinkage.

    ``ceil(agents / (1 - shrinkage))``, guarding against rounding: 14 agents at 30%
    shrinkage is exactly 20 scheduled, although ``14 / 0.7`` is 20.000000000000004 in
    floating point.

    Parameters
    ----------
    agents : int or array-like of int
        Agents needed on the phones; in [0, 1e8] (a hundred million).
    shrinkage : float or array-like
        Share of paid time not available for calls, in [0, 1).

    Returns
    -------
    ndarray of int

    Notes
    -----
    Dask: ``agents`` and ``shrinkage`` may be 1-d Dask arrays (one interval per row);
    the result is an int64 Dask array chunked like the first of them.

    Examples
    --------
    >>> int(scheduled_agents(14, shrinkage=0.3))
    20
    >>> scheduled_agents([10, 54], shrinkage=[0.0, 0.35])
    array([10, 84])
    """
    broadcast("scheduled_agents", agents=np.asarray(agents), shrinkage=np.asarray(shrinkage))
    count = np.asarray(agents, dtype=np.float64)
    share = np.asarray(shrinkage, dtype=np.float64)
    too_many = np.broadcast_to(
        count / (1.0 - share) > 2.0**53, np.broadcast_shapes(count.shape, share.shape)
    )
    if too_many.any():  # shrinkage within ~1e-9 of 1 with many agents
        at = int(np.argmax(too_many.reshape(-1)))
        fail(
            "scheduled_agents",
            "shrinkage",
            "must leave a schedulable number of agents (at most 2**53)",
            float(share) if share.ndim == 0 else float(share.reshape(-1)[at]),
            position=None if share.ndim == 0 else at,
        )
    return _scheduled(count, share)


def _scheduled(agents: FloatArray, shrinkage: FloatArray) -> IntArray:
    needed = np.asarray(agents / (1.0 - shrinkage))
    return np.asarray(np.ceil(np.round(needed, 9)), dtype=np.int64)


def _meets(
    metrics: QueueMetrics,
    service_level: FloatArray | None,
    max_occupancy: FloatArray | None,
    target_asa: FloatArray | None,
    max_abandon: FloatArray | None,
) -> BoolArray:
    ok: BoolArray = np.ones(np.shape(metrics.traffic), dtype=bool)
    if service_level is not None:
        ok &= metrics.service_level >= service_level
    if max_occupancy is not None:
        ok &= metrics.occupancy <= max_occupancy
    if target_asa is not None:
        ok &= metrics.average_speed_of_answer <= target_asa
    if max_abandon is not None:
        ok &= metrics.prob_abandon <= max_abandon
    return ok


@dask_aware(_on_dask.agents_required)
@validated(
    arrival_rate=RATE,
    handle_time=SECONDS,
    service_level=_SHARE,
    answer_within=PerInterval(kind="duration", low=0, optional=True),
    max_occupancy=PerInterval(low=0, high=1, low_open=True, optional=True),
    target_asa=PerInterval(kind="duration", low=0, low_open=True, optional=True),
    max_abandon=PerInterval(low=0, high=1, low_open=True, optional=True),
    shrinkage=_SHRINKAGE,
    model=_MODEL,
    patience=PerInterval(kind="duration", low=0, low_open=True, optional=True),
)
def agents_required(
    arrival_rate: float | ArrayLike,
    handle_time: float | ArrayLike,
    *,
    service_level: float | ArrayLike | None = 0.8,
    answer_within: float | ArrayLike | None = 20,
    max_occupancy: float | ArrayLike | None = None,
    target_asa: float | ArrayLike | None = None,
    max_abandon: float | ArrayLike | None = None,
    shrinkage: float | ArrayLike = 0.0,
    model: Literal["erlang_c", "erlang_a"] = "erlang_c",
    patience: float | ArrayLike | None = None,
) -> StaffingPlan:
    """The smallest number of agents meeting every given target, per interval.

    Each target is optional (pass ``None`` to drop it) and may differ per interval:
    service level (share answered within ``answer_within`` seconds) at least
    ``service_level``, occupancy at most ``max_occupancy``, average speed of answer at
    most ``target_asa`` seconds, and (Erlang A) probability of abandoning at most
    ``max_abandon``. Every measure improves with each added agent, so the search
    steps up from the smallest stable staffing (Erlang C) or bisects (Erlang A),
    all intervals at once.

    Parameters
    ----------
    arrival_rate : float or array-like
        Calls per second, per interval; >= 0 (see :func:`rate_per_second`), with the
        offered load ``arrival_rate * handle_time`` at most 1e7 Erlangs (ten million).
    handle_time : float or array-like
        Average handle time in seconds; in (0, 1e7] (about 116 days).
    service_level : float or array-like or None, default 0.8
        Minimum share of calls answered within ``answer_within``, in (0, 1).
    answer_within : float or array-like or None, default 20
        Answer-time target of the service level, in seconds (the "20" of 80/20).
    max_occupancy : float or array-like, optional
        Maximum share of agent time on calls, in (0, 1].
    target_asa : float or array-like, optional
        Maximum average speed of answer in seconds; > 0.
    max_abandon : float or array-like, optional
        Maximum probability of abandoning, in (0, 1]; needs ``model="erlang_a"``.
    shrinkage : float or array-like, default 0
        Share of paid time unavailable for calls, in [0, 1); sets ``scheduled``.
    model : {"erlang_c", "erlang_a"}
        The queue: no abandonment, or exponential patience with mean ``patience``.
    patience : float or array-like, optional
        Mean patience in seconds; required for (and only for) ``"erlang_a"``.

    Returns
    -------
    StaffingPlan

    Raises
    ------
    InvalidInputError
        If no target is given, a service-level target lacks ``answer_within``,
        ``max_abandon`` or ``patience`` is given for Erlang C, or ``patience`` is missing
        for Erlang A.

    Notes
    -----
    Dask: any per-interval argument may be a 1-d Dask array (one interval per row); the
    others may be numbers or in-memory arrays of the same length. The result is a
    StaffingPlan whose arrays (and whose metrics' arrays) are 1-d Dask arrays chunked
    like the first Dask argument; each block of intervals is searched on a worker by
    this function, in one task for every field. Targets, options and their combinations
    are checked at call time; values on the workers when the result is computed. Under
    Erlang C the plan equals the in-memory one exactly; under Erlang A the achieved
    measures may differ in the last bit (see :func:`erlang_a`), so an interval whose
    measure lies within 1e-15 of its target could differ by one agent.

    References
    ----------
    N. Gans, G. Koole and A. Mandelbaum (2003), "Telephone call centers: tutorial,
    review, and research prospects", MSOM 5(2), 79-141. O. Garnett, A. Mandelbaum and
    M. Reiman (2002), MSOM 4(3), 208-227 (Erlang A).

    Examples
    --------
    100 calls per half hour, 3-minute handle time, 80% answered within 20 s:

    >>> from servicekit.optimize import rate_per_second
    >>> plan = agents_required(rate_per_second(100), 180, service_level=0.8, answer_within=20)
    >>> int(plan.agents), round(float(plan.service_level), 4)
    (14, 0.8884)

    With at most 85% occupancy and 30% shrinkage, 20 agents must be scheduled:

    >>> plan = agents_required(rate_per_second(100), 180, max_occupancy=0.85, shrinkage=0.3)
    >>> int(plan.agents), int(plan.scheduled)
    (14, 20)

    A day of intervals in one call, here under Erlang A with 5-minute patience:

    >>> agents_required(rate_per_second([60, 100, 360]), 180, model="erlang_a",
    ...                 patience=300, max_abandon=0.02).agents
    array([10, 14, 41])
    """
    function = "agents_required"
    rate, handle = np.asarray(arrival_rate, dtype=np.float64), np.asarray(handle_time)
    targets = {
        "service_level": service_level,
        "max_occupancy": max_occupancy,
        "target_asa": target_asa,
        "max_abandon": max_abandon,
    }
    if all(value is None for value in targets.values()):
        fail(function, "service_level", "or another target must be given; got no target")
    if service_level is not None and answer_within is None:
        fail(function, "answer_within", "must be given with a 'service_level' target", None)
    if model == "erlang_c":
        if max_abandon is not None:
            fail(function, "max_abandon", "needs model='erlang_a' (Erlang C has no abandonment)")
        if patience is not None:
            fail(function, "patience", "is used only by model='erlang_a'", patience)
    elif patience is None:
        fail(function, "patience", "must be given for model='erlang_a'", None)
    within = np.asarray(0.0 if answer_within is None else answer_within, dtype=np.float64)
    shape = broadcast(
        function,
        arrival_rate=rate,
        handle_time=handle,
        service_level=_opt(service_level),
        answer_within=within,
        max_occupancy=_opt(max_occupancy),
        target_asa=_opt(target_asa),
        max_abandon=_opt(max_abandon),
        shrinkage=np.asarray(shrinkage),
        patience=_opt(patience),
    )
    check_traffic(function, rate, handle)
    limits = {name: _flat(value, shape) for name, value in targets.items()}
    rate_f, handle_f, within_f = (_flat(x, shape) for x in (rate, handle, within))
    assert rate_f is not None
    assert handle_f is not None
    assert within_f is not None
    if model == "erlang_c":
        agents, inverse = _search_erlang_c(rate_f, handle_f, within_f, limits)
        metrics = erlang_c_metrics(rate_f, handle_f, agents, within_f, inverse)
    else:
        wait_limit = _flat(patience, shape)
        assert wait_limit is not None
        agents = _search_erlang_a(rate_f, handle_f, wait_limit, within_f, limits)
        metrics = erlang_a_metrics(rate_f, handle_f, agents, wait_limit, within_f)
    return _plan(metrics, agents, np.asarray(shrinkage, dtype=np.float64), shape)


def _opt(value: object) -> FloatArray | None:
    return None if value is None else np.asarray(value, dtype=np.float64)


def _flat(value: object, shape: tuple[int, ...]) -> FloatArray | None:
    if value is None:
        return None
    flat: FloatArray = np.array(
        np.broadcast_to(np.asarray(value, dtype=np.float64), shape).reshape(-1)
    )
    return flat


def _plan(
    metrics: QueueMetrics,
    agents: FloatArray,
    shrinkage: FloatArray,
    shape: tuple[int, ...],
    cost: FloatArray | None = None,
) -> StaffingPlan:
    reshaped: dict[str, Any] = {
        name: value.reshape(shape)
        for name, value in metrics.to_dict().items()
        if isinstance(value, np.ndarray)
    }
    shaped = dataclasses.replace(metrics, **reshaped)
    share = np.broadcast_to(shrinkage, shape).astype(np.float64)
    return StaffingPlan(
        agents=agents.astype(np.int64).reshape(shape),
        scheduled=_scheduled(agents.reshape(shape), share),
        metrics=shaped,
        shrinkage=share,
        cost_per_hour=None if cost is None else cost.reshape(shape),
    )


def _search_erlang_c(
    rate: FloatArray, handle: FloatArray, within: FloatArray, limits: dict[str, FloatArray | None]
) -> tuple[FloatArray, FloatArray]:
    """Step every interval up from its smallest stable staffing until its targets hold.

    Returns the agent counts and ``1/B`` (Erlang B) at those counts.

    Each step updates ``R = 1/B`` by one recursion step and evaluates the Erlang C
    measures in closed form, so an interval needing ``n`` agents costs ``O(n - A)`` steps
    after the ``O(sqrt(A))`` start.
    """
    traffic = rate * handle
    start = np.floor(traffic) + 1.0
    if limits["max_occupancy"] is not None:
        start = np.maximum(start, np.ceil(np.round(traffic / limits["max_occupancy"], 9)))
    agents = np.where(traffic == 0, 0.0, start)
    found = np.full(traffic.shape, np.inf)  # 1/B = inf (B = 0) where no call arrives
    active = np.flatnonzero(traffic > 0)
    n = agents[active]
    inverse = inverse_erlang_b(traffic[active], n)
    level, asa = limits["service_level"], limits["target_asa"]
    while active.size:
        a, h = traffic[active], handle[active]
        with np.errstate(over="ignore", invalid="ignore"):
            wait = n / (inverse * (n - a) + a)
        ok = np.ones(active.size, dtype=bool)
        if level is not None:
            ok &= 1.0 - wait * np.exp(-(n - a) * within[active] / h) >= level[active]
        if asa is not None:
            ok &= wait * h / (n - a) <= asa[active]
        agents[active[ok]] = n[ok]
        found[active[ok]] = inverse[ok]
        keep = ~ok
        active, n, inverse = active[keep], n[keep] + 1.0, inverse[keep]
        with np.errstate(over="ignore"):
            inverse = 1.0 + n / traffic[active] * inverse
    return agents, found


def _search_erlang_a(
    rate: FloatArray,
    handle: FloatArray,
    patience: FloatArray,
    within: FloatArray,
    limits: dict[str, FloatArray | None],
) -> FloatArray:
    """Bisect every interval's agent count between a failing and a meeting staffing."""
    traffic = rate * handle

    def meets(index: IntArray, n: FloatArray) -> BoolArray:
        metrics = erlang_a_metrics(rate[index], handle[index], n, patience[index], within[index])
        return _meets(metrics, *(None if v is None else v[index] for v in limits.values()))

    everyone = np.arange(rate.size)
    # Bracket from the square-root staffing guess, galloping (steps doubling from
    # sqrt(A)/2) down while the targets hold or up until they do: probes stay near the
    # answer, where the birth-death series is short.
    guess = np.ceil(traffic + np.sqrt(traffic))
    step = np.maximum(1.0, np.ceil(np.sqrt(traffic) / 2.0))
    ok = meets(everyone, guess)
    low = np.where(ok, -1.0, guess)  # -1: "fewer than zero agents" always fails
    high = np.where(ok, guess, np.inf)
    down, up = everyone[ok], everyone[~ok]
    while down.size:
        probe = np.maximum(high[down] - step[down], 0.0)
        hold = meets(down, probe)
        high[down[hold]] = probe[hold]
        low[down[~hold]] = probe[~hold]
        step[down] *= 2.0
        down = down[hold & (probe > 0)]
    while up.size:
        probe = low[up] + step[up]
        hold = meets(up, probe)
        high[up[hold]] = probe[hold]
        low[up[~hold]] = probe[~hold]
        step[up] *= 2.0
        up = up[~hold]
    # k-ary search: few intervals try many candidates per round (one vectorised call),
    # many intervals bisect; monotonicity keeps "low fails, high meets" true throughout.
    open_ = everyone[high - low > 1.0]
    while open_.size:
        ways = max(2, min(32, 4096 // open_.size))
        span = high[open_] - low[open_]
        fractions = np.arange(1, ways) / ways
        candidates = low[open_][:, None] + np.ceil(span[:, None] * fractions[None, :])
        candidates = np.minimum(candidates, high[open_][:, None])
        ok = meets(np.repeat(open_, ways - 1), candidates.reshape(-1)).reshape(candidates.shape)
        high[open_] = np.minimum(high[open_], np.where(ok, candidates, np.inf).min(axis=1))
        low[open_] = np.maximum(low[open_], np.where(ok, -np.inf, candidates).max(axis=1))
        open_ = open_[high[open_] - low[open_] > 1.0]
    return high


@validated(
    arrival_rate=RATE,
    handle_time=SECONDS,
    agent_cost=_COST,
    waiting_cost=_COST,
    abandon_cost=_COST,
    answer_within=WITHIN,
    shrinkage=_SHRINKAGE,
    model=_MODEL,
    patience=PATIENCE.__class__(kind="duration", low=0, low_open=True, optional=True),
    max_agents=Interval(kind="int", low=1, high=MAX_AGENTS),
)
def optimal_agents(
    arrival_rate: float | ArrayLike,
    handle_time: float | ArrayLike,
    *,
    agent_cost: float | ArrayLike,
    waiting_cost: float | ArrayLike,
    abandon_cost: float | ArrayLike = 0.0,
    answer_within: float | ArrayLike = 20,
    shrinkage: float | ArrayLike = 0.0,
    model: Literal["erlang_c", "erlang_a"] = "erlang_c",
    patience: float | ArrayLike | None = None,
    max_agents: int = 100_000,
) -> StaffingPlan:
    """The agent count minimising agent cost plus the cost of callers' waiting, per interval.

    The staffing reading of the process-cost model ``C = min sum_i c_i p_i``: per hour,
    ``cost(n) = agent_cost * n + waiting_cost * L_q(n) + abandon_cost * 3600 * lambda *
    P(abandon)``, where ``L_q = lambda * E[wait]`` is the mean number of callers waiting
    (so ``waiting_cost`` is the cost of one caller-hour of waiting). ``L_q`` is convex and
    decreasing in ``n`` (Dyer & Proll 1977 for Erlang C), so the search steps up from
    the smallest stable staffing and stops at the first ``n`` whose successor costs more.

    Parameters
    ----------
    arrival_rate : float or array-like
        Calls per second; >= 0, with the offered load ``arrival_rate * handle_time`` at
        most 1e7 Erlangs (ten million).
    handle_time : float or array-like
        Average handle time in seconds; in (0, 1e7] (about 116 days).
    agent_cost : float or array-like
        Cost of one agent on the phones for one hour; >= 0.
    waiting_cost : float or array-like
        Cost of one caller waiting one hour; >= 0.
    abandon_cost : float or array-like, default 0
        Cost of one abandoned call (Erlang A only; lost revenue, a call back).
    answer_within : float or array-like, default 20
        Answer-time target used for the reported service level, in seconds.
    shrinkage : float or array-like, default 0
        Share of paid time unavailable for calls; sets ``scheduled``.
    model : {"erlang_c", "erlang_a"}
        Queue model; ``"erlang_a"`` needs ``patience``.
    patience : float or array-like, optional
        Mean patience in seconds, for Erlang A.
    max_agents : int, default 100000
        Upper limit of the search; in [1, 1e8].

    Returns
    -------
    StaffingPlan
        With ``cost_per_hour`` set.

    References
    ----------
    M. E. Dyer and L. G. Proll (1977), "On the validity of marginal analysis for
    allocating servers in M/M/c queues", Management Science 23(9), 1019-1022.

    Examples
    --------
    Agents cost 30 an hour and a caller's hour of waiting is valued at 60:

    >>> plan = optimal_agents(0.2, 240, agent_cost=30, waiting_cost=60)
    >>> int(plan.agents), round(float(plan.cost_per_hour), 2)
    (56, 1747.38)
    """
    function = "optimal_agents"
    if model == "erlang_a" and patience is None:
        fail(function, "patience", "must be given for model='erlang_a'", None)
    if model == "erlang_c" and patience is not None:
        fail(function, "patience", "is used only by model='erlang_a'", patience)
    rate, handle = np.asarray(arrival_rate, dtype=np.float64), np.asarray(handle_time)
    shape = broadcast(
        function,
        arrival_rate=rate,
        handle_time=handle,
        agent_cost=np.asarray(agent_cost),
        waiting_cost=np.asarray(waiting_cost),
        abandon_cost=np.asarray(abandon_cost),
        answer_within=np.asarray(answer_within),
        shrinkage=np.asarray(shrinkage),
        patience=_opt(patience),
    )
    check_traffic(function, rate, handle)
    flat = [
        _flat(x, shape)
        for x in (rate, handle, answer_within, agent_cost, waiting_cost, abandon_cost)
    ]
    rate_f, handle_f, within_f, per_agent, per_wait, per_abandon = (
        x if x is not None else np.zeros(1) for x in flat
    )
    wait_limit = _flat(patience, shape)

    def evaluate(n: FloatArray) -> tuple[QueueMetrics, FloatArray]:
        if wait_limit is None:
            metrics = erlang_c_metrics(rate_f, handle_f, n, within_f)
        else:
            metrics = erlang_a_metrics(rate_f, handle_f, n, wait_limit, within_f)
        with np.errstate(invalid="ignore"):
            queue = np.where(rate_f > 0, rate_f * metrics.mean_wait, 0.0)
        cost = (
            per_agent * n + per_wait * queue + per_abandon * 3600.0 * rate_f * metrics.prob_abandon
        )
        return metrics, cost

    traffic = rate_f * handle_f
    n = (
        np.where(traffic == 0, 0.0, np.floor(traffic) + 1.0)
        if wait_limit is None
        else np.zeros_like(traffic)
    )
    metrics, cost = evaluate(n)
    while True:
        trial = np.minimum(n + 1.0, float(max_agents))
        _, trial_cost = evaluate(trial)
        better = (trial_cost < cost) & (trial > n)
        if not better.any():
            break
        n = np.where(better, trial, n)
        cost = np.where(better, trial_cost, cost)
    metrics, cost = evaluate(n)
    return _plan(metrics, n, np.asarray(shrinkage, dtype=np.float64), shape, cost)
