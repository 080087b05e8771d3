"""Erlang B, C and A: blocking, waiting and abandonment in a queue of identical agents.

Conventions: arrival rates are per second, handle times and patience in seconds (use
:func:`rate_per_second` for "calls per 30 minutes"). Every input may be one number or
a 1-d array with one value per interval; results broadcast, so a whole day of intervals
is one call. Agent counts are whole numbers >= 0.

The queue KPIs are the metrics area's, under the same names
(:func:`servicekit.metrics.service_level`, :func:`~servicekit.metrics.average_speed_of_answer`,
:func:`~servicekit.metrics.occupancy`):

- ``service_level``: the share of offered calls answered within ``answer_within`` seconds,
  inclusive. In Erlang C nobody abandons, so every definition agrees; in Erlang A the
  denominator is every arrival and abandons count as not answered (the metrics area's
  ``method="abandoned_negative"``).
- ``average_speed_of_answer``: the mean wait of answered calls.
- ``occupancy``: the share of agent time spent handling calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servicekit._dask import dask_aware
from servicekit._results import ResultMixin
from servicekit._typing import ArrayLike, FloatArray
from servicekit._validation import Interval, fail, validated
from servicekit.optimize import _dask as _on_dask
from servicekit.optimize._intervals import PerInterval, broadcast

__all__ = ["QueueMetrics", "erlang_a", "erlang_b", "erlang_c", "rate_per_second"]

#: Largest offered load, in Erlangs (``arrival_rate * handle_time``), any queueing
#: function of this area accepts: ten million agents' worth of calls, far beyond any
#: contact centre, while the Erlang recursions stay exact and every sum stays finite.
MAX_TRAFFIC = 1e7
#: Largest agent (server) count accepted, and the largest staffing a search may return.
MAX_AGENTS = 100_000_000
#: Longest handle time accepted, in seconds (about 116 days).
MAX_HANDLE_TIME = 1e7

RATE = PerInterval(low=0)
SECONDS = PerInterval(kind="duration", low=0, low_open=True, high=MAX_HANDLE_TIME)
WITHIN = PerInterval(kind="duration", low=0)
AGENTS = PerInterval(kind="int", low=0, high=MAX_AGENTS)
PATIENCE = PerInterval(kind="duration", low=0, low_open=True)

# Start the 1/B recursion this many standard deviations (sqrt(traffic)) below the
# traffic: below the traffic the recursion contracts errors by about k/A per step, so a
# start value accurate to ~1% is exact to machine precision by the time k reaches A
# (8 suffice from 200 to 100,000 Erlangs; the tests compare with the full recursion).
_START_SIGMAS = 8.5
_TAIL = 1e-17  # relative size of the last term kept in the Erlang A series


@dataclass(frozen=True, slots=True)
class QueueMetrics(ResultMixin):
    """Steady-state measures of a queue, one value per interval.

    Arrays have the broadcast shape of the inputs: 0-d when every input was a number
    (``float(m.service_level)`` reads it), else one entry per interval.

    Attributes
    ----------
    traffic : ndarray
        Offered load in Erlangs, ``arrival_rate * handle_time``.
    agents : ndarray
        Agents answering calls.
    prob_wait : ndarray
        Probability that an arriving call waits (finds every agent busy).
    service_level : ndarray
        Share of offered calls answered within ``answer_within`` seconds.
    average_speed_of_answer : ndarray
        Mean wait in seconds of answered calls (``inf`` when the queue is unstable).
    occupancy : ndarray
        Share of agent time spent handling calls (1 when calls arrive and there are no
        agents, 0 when no call arrives).
    prob_abandon : ndarray
        Probability that a call abandons (0 in Erlang C).
    mean_wait : ndarray
        Mean wait in seconds over all arrivals (answered or not).
    answer_within : ndarray
        The answer-time target in seconds the service level refers to.
    model : str
        ``"erlang_c"`` or ``"erlang_a"``.
    """

    traffic: FloatArray
    agents: FloatArray
    prob_wait: FloatArray
    service_level: FloatArray
    average_speed_of_answer: FloatArray
    occupancy: FloatArray
    prob_abandon: FloatArray
    mean_wait: FloatArray
    answer_within: FloatArray
    model: str = field(default="erlang_c")

    def to_frame(self) -> pd.DataFrame:
        """One row per interval with every measure as a column."""
        columns = {
            name: np.broadcast_to(np.atleast_1d(value), np.atleast_1d(self.traffic).shape)
            for name, value in self.to_dict().items()
            if name != "model"
        }
        frame: pd.DataFrame = pd.DataFrame(columns)
        frame["agents"] = frame["agents"].astype(np.int64)
        return frame


@dask_aware(_on_dask.rate_per_second)
@validated(calls=PerInterval(low=0), per_minutes=Interval(low=0, low_open=True))
def rate_per_second(calls: float | ArrayLike, *, per_minutes: float = 30) -> FloatArray:
    """Convert a call volume per interval into an arrival rate per second.

    Parameters
    ----------
    calls : float or array-like
        Calls offered per interval (e.g. a forecast per half hour); >= 0.
    per_minutes : float, default 30
        Interval length in minutes.

    Returns
    -------
    ndarray
        ``calls / (60 * per_minutes)``, the rate the queueing functions expect.

    Notes
    -----
    Dask: when ``calls`` is a 1-d Dask array the result is a Dask array with the same
    chunks, computed block by block on the workers; nothing is computed until you ask.

    Examples
    --------
    >>> float(rate_per_second(360, per_minutes=30))
    0.2
    >>> rate_per_second([90, 180], per_minutes=15)
    array([0.1, 0.2])
    """
    rate: FloatArray = np.asarray(calls, dtype=np.float64) / (60.0 * per_minutes)
    return rate


def check_traffic(
    function: str,
    arrival_rate: FloatArray,
    handle_time: FloatArray,
    *,
    argument: str = "arrival_rate",
    per: float = 1.0,
) -> None:
    """Refuse an offered load above :data:`MAX_TRAFFIC` Erlangs, naming ``argument``.

    The one place every queueing function of the area checks its load. ``handle_time``
    is already bounded by its own declared maximum, so the load is too high because of
    the arrival rate, which ``argument`` names. ``per`` converts ``arrival_rate *
    handle_time`` to Erlangs when they use different time units.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        traffic = np.asarray(arrival_rate, dtype=np.float64) * handle_time * per
    over = ~(traffic <= MAX_TRAFFIC)
    if not over.any():
        return
    rate = np.asarray(arrival_rate, dtype=np.float64)
    problem = (
        f"must keep the offered load (arrival rate times handle time) at most "
        f"{MAX_TRAFFIC:.0e} Erlangs"
    )
    if rate.ndim == 0:
        fail(function, argument, problem, float(rate))
    at = int(np.argmax(over.reshape(-1)))
    fail(function, argument, problem, float(rate.reshape(-1)[at]), position=at)


# --------------------------------------------------------------------------- Erlang B
_SCALAR_LOOP = 8


def _inverse_steps(traffic: float, start: float, inverse: float, steps: int) -> float:
    for step in range(1, steps + 1):
        inverse = 1.0 + (start + step) / traffic * inverse
        if inverse == math.inf:
            break
    return inverse


def inverse_erlang_b(traffic: FloatArray, agents: FloatArray) -> FloatArray:
    """``1 / B(agents, traffic)`` by the recursion ``R(k) = 1 + k R(k-1) / A``.

    Vectorised over intervals: each interval steps from its own start to its own agent
    count. The recursion never amplifies relative error, and below the traffic it
    shrinks it by about ``k / A`` per step, so large loads start ten standard
    deviations below the traffic from the M/M/infinity approximation ``A / (A - k)``
    instead of from ``R(0) = 1``; the result is exact to rounding either way, in
    ``O(sqrt(A) + agents - A)`` steps instead of ``O(agents)``. ``traffic`` must be
    > 0; ``R`` overflows to ``inf`` (B = 0) for agents far above the traffic.
    """
    traffic, agents = np.broadcast_arrays(traffic, agents)
    start = np.floor(traffic - _START_SIGMAS * np.sqrt(traffic))
    start = np.clip(start, 0.0, agents)
    inverse = np.where(start > 0, traffic / np.maximum(traffic - start, 1.0), 1.0)
    steps = agents - start
    if traffic.size <= _SCALAR_LOOP:  # a plain float loop beats NumPy's per-call overhead
        flat = [
            _inverse_steps(float(a), float(k0), float(r), int(m))
            for a, k0, r, m in zip(
                traffic.reshape(-1),
                start.reshape(-1),
                inverse.reshape(-1),
                steps.reshape(-1),
                strict=True,
            )
        ]
        return np.asarray(flat, dtype=np.float64).reshape(traffic.shape)
    # Intervals sorted by their number of steps: the ones still stepping are a suffix,
    # updated in place through views (no masks, no copies per step).
    order = np.argsort(steps, axis=None, kind="stable")
    remaining = steps.reshape(-1)[order]
    per_erlang = 1.0 / traffic.reshape(-1)[order]
    k = start.reshape(-1)[order].copy()
    value = inverse.reshape(-1)[order].copy()
    counts = remaining.tolist()
    first = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, int(remaining[-1]) + 1 if remaining.size else 1):
            while counts[first] < step:
                first += 1
            k[first:] += 1.0
            tail = value[first:]
            tail *= k[first:]
            tail *= per_erlang[first:]
            tail += 1.0
            if step % 256 == 0 and np.isinf(tail).all():
                break  # R = inf stays inf: every remaining interval has B = 0
    out = np.empty(value.size)
    out[order] = value
    return out.reshape(traffic.shape)


@dask_aware(_on_dask.erlang_b)
@validated(traffic=PerInterval(low=0, high=MAX_TRAFFIC), agents=AGENTS)
def erlang_b(traffic: float | ArrayLike, agents: float | ArrayLike) -> FloatArray:
    """Erlang B: the probability that a call is blocked when all agents are busy.

    The M/M/n/n loss system (no queue): ``B(n, A) = (A^n / n!) / sum_{k<=n} A^k / k!``,
    computed without factorials by the recursion ``B(k) = A B(k-1) / (k + A B(k-1))``
    (on its reciprocal), which is exact for hundreds of thousands of agents.

    Parameters
    ----------
    traffic : float or array-like
        Offered load ``A`` in Erlangs (arrival rate times handle time); in
        [0, 1e7] (ten million Erlangs).
    agents : int or array-like of int
        Number of servers ``n``; in [0, 1e8] (a hundred million).

    Returns
    -------
    ndarray
        Blocking probability, with the broadcast shape of the inputs (0-d for numbers).

    Notes
    -----
    Dask: any argument may be a 1-d Dask array (one interval per row); the others may be
    numbers or in-memory arrays of the same length. The result is a Dask array chunked
    like the first Dask argument, each block computed on a worker by this function
    (values are validated there, when the result is computed); it equals the in-memory
    result exactly.

    References
    ----------
    A. K. Erlang (1917), "Solution of some problems in the theory of probabilities of
    significance in automatic telephone exchanges", Elektroteknikeren 13.
    D. L. Jagerman (1974), "Some properties of the Erlang loss function", Bell System
    Technical Journal 53(3), 525-551 (the recursion).

    Examples
    --------
    >>> float(erlang_b(1.0, 1)), float(erlang_b(1.0, 2))
    (0.5, 0.2)
    >>> erlang_b(10.0, [10, 14, 20]).round(4)
    array([0.2146, 0.0568, 0.0019])
    >>> round(float(erlang_b(100_000.0, 100_000)), 6)
    0.002519
    """
    load = np.asarray(traffic, dtype=np.float64)
    count = np.asarray(agents, dtype=np.float64)
    broadcast("erlang_b", traffic=load, agents=count)
    idle = load == 0
    with np.errstate(divide="ignore"):
        blocked = 1.0 / inverse_erlang_b(np.where(idle, 1.0, load), count)
    out = np.where(idle, np.where(count == 0, 1.0, 0.0), blocked)
    return np.asarray(out, dtype=np.float64)


# --------------------------------------------------------------------------- Erlang C
def erlang_c_metrics(
    arrival_rate: FloatArray,
    handle_time: FloatArray,
    agents: FloatArray,
    answer_within: FloatArray,
    inverse_b: FloatArray | None = None,
) -> QueueMetrics:
    """Erlang C measures for validated, broadcast-compatible arrays (no checks).

    ``inverse_b``, when known (``1/B`` at ``agents``, e.g. from a staffing search),
    saves recomputing it.
    """
    rate, handle, count, within = np.broadcast_arrays(
        arrival_rate, handle_time, agents, answer_within
    )
    traffic = rate * handle
    stable = count > traffic
    idle = traffic == 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        inverse = (
            inverse_erlang_b(np.where(idle, 1.0, traffic), count)
            if inverse_b is None
            else np.broadcast_to(inverse_b, traffic.shape)
        )
        # C = n B / (n - A (1 - B)) written with R = 1/B so that R = inf gives C = 0.
        wait = np.where(stable, count / (inverse * (count - traffic) + traffic), 1.0)
        wait = np.where(idle, 0.0, wait)
        spare = np.where(stable, (count - traffic) / handle, 0.0)  # calls/s the queue drains
        level = np.where(stable, 1.0 - wait * np.exp(-spare * within), 0.0)
        speed = np.where(stable, wait / np.where(stable, spare, 1.0), np.inf)
        busy = np.where(count > 0, np.minimum(traffic / np.where(count > 0, count, 1.0), 1.0), 1.0)
    level = np.where(idle, 1.0, level)
    speed = np.where(idle, 0.0, speed)
    busy = np.where(idle, 0.0, busy)
    return QueueMetrics(
        traffic=np.asarray(traffic, dtype=np.float64),
        agents=np.asarray(count, dtype=np.float64),
        prob_wait=np.asarray(wait, dtype=np.float64),
        service_level=np.asarray(level, dtype=np.float64),
        average_speed_of_answer=np.asarray(speed, dtype=np.float64),
        occupancy=np.asarray(busy, dtype=np.float64),
        prob_abandon=np.zeros_like(traffic),
        mean_wait=np.asarray(speed, dtype=np.float64),
        answer_within=np.asarray(within, dtype=np.float64),
        model="erlang_c",
    )


@dask_aware(_on_dask.erlang_c)
@validated(arrival_rate=RATE, handle_time=SECONDS, agents=AGENTS, answer_within=WITHIN)
def erlang_c(
    arrival_rate: float | ArrayLike,
    handle_time: float | ArrayLike,
    agents: float | ArrayLike,
    *,
    answer_within: float | ArrayLike,
) -> QueueMetrics:
    """Erlang C: waiting, service level and speed of answer in an M/M/n queue.

    With traffic ``A = arrival_rate * handle_time`` and ``n = agents > A``:

    - ``P(wait) = C(n, A) = n B / (n - A (1 - B))`` with ``B`` the Erlang B probability;
    - ``service_level = 1 - C exp(-(n - A) T / handle_time)`` with ``T = answer_within``;
    - ``average_speed_of_answer = C handle_time / (n - A)``;
    - ``occupancy = A / n``.

    When ``n <= A`` the queue grows without bound: the result reports ``P(wait) = 1``,
    service level 0, infinite speed of answer and occupancy 1 instead of raising, so a
    day with a few understaffed intervals still evaluates.

    Parameters
    ----------
    arrival_rate : float or array-like
        Calls per second, per interval; >= 0 (see :func:`rate_per_second`). The offered
        load ``arrival_rate * handle_time`` may be at most 1e7
        Erlangs (ten million).
    handle_time : float or array-like
        Average handle time in seconds (talk, hold and after-call work); in (0,
        1e7] (about 116 days).
    agents : int or array-like of int
        Agents answering calls; in [0, 1e8] (a hundred million).
    answer_within : float or array-like
        Answer-time target ``T`` in seconds for the service level (the "20" in 80/20).

    Returns
    -------
    QueueMetrics
        ``prob_abandon`` is 0 and ``mean_wait`` equals the speed of answer.

    Notes
    -----
    Dask: any per-interval argument may be a 1-d Dask array (one interval per row); the
    others may be numbers or in-memory arrays of the same length. The result is a
    QueueMetrics whose fields are 1-d Dask arrays chunked like the first Dask argument;
    one task per block computes every field, so compute them together
    (``dask.compute(m.service_level, m.occupancy)``). Equal to the in-memory result
    exactly. Options are checked at call time, values on the workers when the result is
    computed.

    References
    ----------
    A. K. Erlang (1917), Elektroteknikeren 13. N. Gans, G. Koole and A. Mandelbaum
    (2003), "Telephone call centers: tutorial, review, and research prospects",
    Manufacturing & Service Operations Management 5(2), 79-141, section 4.1.

    Examples
    --------
    100 calls per half hour, 3-minute handle time, 14 agents, 80/20 target:

    >>> m = erlang_c(rate_per_second(100), 180, 14, answer_within=20)
    >>> print(round(float(m.service_level), 4), round(float(m.prob_wait), 4),
    ...       round(float(m.average_speed_of_answer), 2), round(float(m.occupancy), 3))
    0.8884 0.1741 7.84 0.714

    Arrays evaluate many intervals (or staffing levels) at once:

    >>> erlang_c(0.2, 240, [50, 55, 60], answer_within=20).service_level.round(4)
    array([0.4122, 0.8668, 0.9767])
    """
    rate, handle = np.asarray(arrival_rate), np.asarray(handle_time)
    count, within = np.asarray(agents), np.asarray(answer_within)
    broadcast("erlang_c", arrival_rate=rate, handle_time=handle, agents=count, answer_within=within)
    check_traffic("erlang_c", rate, handle)
    return erlang_c_metrics(rate, handle, count, within)


# --------------------------------------------------------------------------- Erlang A
def _series_lengths(rate: FloatArray, service: FloatArray, abandon: FloatArray) -> FloatArray:
    """Terms of the queue-length series each interval needs for a tail below ``_TAIL``.

    The terms ``w_k`` peak where ``lambda = n mu + k theta`` and then fall like a normal
    density of variance ``lambda / theta``, or geometrically at ratio ``lambda / (n mu)``
    when agents outpace arrivals; the smaller bound applies. The tail is verified after
    summing (see :func:`_erlang_a_chunk`).
    """
    peak = np.maximum(np.ceil((rate - service) / abandon), 0.0)
    spread = peak + 9.0 * np.sqrt(rate / abandon) + 10.0
    with np.errstate(divide="ignore"):
        geometric = np.where(
            service > rate, -math.log(_TAIL) / np.log(service / np.maximum(rate, 1e-300)), np.inf
        )
    return np.asarray(np.clip(np.minimum(spread, geometric + 10.0), 16.0, None), dtype=np.float64)


def erlang_a_metrics(
    arrival_rate: FloatArray,
    handle_time: FloatArray,
    agents: FloatArray,
    patience: FloatArray,
    answer_within: FloatArray,
) -> QueueMetrics:
    """Erlang A measures for validated, broadcast-compatible arrays (no checks)."""
    shape = np.broadcast_shapes(
        np.shape(arrival_rate),
        np.shape(handle_time),
        np.shape(agents),
        np.shape(patience),
        np.shape(answer_within),
    )
    rate, handle, count, wait_limit, within = (
        np.broadcast_to(np.asarray(x, dtype=np.float64), shape).reshape(-1)
        for x in (arrival_rate, handle_time, agents, patience, answer_within)
    )
    size = rate.size
    out = {
        name: np.empty(size) for name in ("wait", "abandon", "level", "speed", "busy", "mean_wait")
    }
    # Intervals sorted by the series length they need, summed in blocks of similar length
    # (each block as long as its longest member), so one heavy interval does not make
    # every interval pay for its terms; blocks hold at most ~1 million terms.
    service, abandon = count / handle, 1.0 / wait_limit
    lengths = _series_lengths(rate, service, abandon)
    order = np.argsort(lengths, kind="stable")
    lo = 0
    while lo < size:
        longest = int(lengths[order[min(lo + 255, size - 1)]]) + 1
        hi = min(size, lo + max(256, 1_000_000 // longest))
        part = order[lo:hi]
        length = int(lengths[part].max()) + 1
        values = _erlang_a_chunk(
            rate[part],
            handle[part],
            count[part],
            abandon[part],
            within[part],
            service[part],
            length,
        )
        for name, value in values.items():
            out[name][part] = value
        lo = hi
    traffic = rate * handle
    return QueueMetrics(
        traffic=traffic.reshape(shape),
        agents=count.reshape(shape),
        prob_wait=out["wait"].reshape(shape),
        service_level=out["level"].reshape(shape),
        average_speed_of_answer=out["speed"].reshape(shape),
        occupancy=out["busy"].reshape(shape),
        prob_abandon=out["abandon"].reshape(shape),
        mean_wait=out["mean_wait"].reshape(shape),
        answer_within=within.reshape(shape),
        model="erlang_a",
    )


def _erlang_a_chunk(
    rate: FloatArray,
    handle: FloatArray,
    count: FloatArray,
    abandon: FloatArray,
    within: FloatArray,
    service: FloatArray,
    length: int,
) -> dict[str, FloatArray]:
    """The birth-death solution for a block of intervals, as flat arrays.

    With ``w_k = prod_{i<=k} lambda / (n mu + i theta)`` (the stationary probability of
    ``k`` callers queueing relative to that of ``n`` busy agents and none queueing) and
    ``R = 1 / B(n, A)``, the probability of ``n + k`` calls in the system is
    ``w_k / (R - 1 + sum w)``. A caller finding ``k`` ahead is answered with probability
    ``n mu / (n mu + (k + 1) theta)``, and its offered wait's density is known in closed
    form (Garnett, Mandelbaum & Reiman 2002, eq. for ``V``), which gives the service level
    through a second series of the same terms.
    """
    traffic = rate * handle
    idle = rate == 0
    k = np.arange(length, dtype=np.float64)  # callers queueing
    safe_rate = np.where(idle, 1.0, rate)[:, None]
    # log w_k, k = 0..length-1, and log w_{k+1}, shifted by their maximum against overflow.
    steps = np.log(safe_rate) - np.log(service[:, None] + (k[None, :] + 1.0) * abandon[:, None])
    log_w_next = np.cumsum(steps, axis=1)
    log_w = np.concatenate([np.zeros((rate.size, 1)), log_w_next[:, :-1]], axis=1)
    top = np.maximum(log_w.max(axis=1), 0.0)
    w = np.exp(log_w - top[:, None])
    total = w.sum(axis=1)
    with np.errstate(over="ignore", divide="ignore"):
        inverse = inverse_erlang_b(np.where(idle, 1.0, traffic), count)
        scaled_rest = np.where(np.isinf(inverse), np.inf, (inverse - 1.0) * np.exp(-top))
    at_n = 1.0 / (scaled_rest + total)  # P(n busy, none queueing) * e^top
    at_n = np.where(np.isinf(scaled_rest), 0.0, at_n)
    prob_wait = at_n * total
    answered_given_k = service[:, None] / (service[:, None] + (k[None, :] + 1.0) * abandon[:, None])
    prob_abandon = at_n * (w * (1.0 - answered_given_k)).sum(axis=1)
    queue_length = at_n * (w * k[None, :]).sum(axis=1)
    mean_wait = queue_length / safe_rate[:, 0]
    # Mean offered wait of answered callers: E[V; answered | k] = P(answered | k) * sum_i 1/(n mu + i theta).
    stage = np.cumsum(1.0 / (service[:, None] + (k[None, :] + 1.0) * abandon[:, None]), axis=1)
    answered_wait = at_n * (w * answered_given_k * stage).sum(axis=1)
    answered = 1.0 - prob_abandon
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(answered > 0, answered_wait / answered, np.inf)
    # Service level: 1 - P(wait) + P(wait) (n mu / lambda) [(S - 1) - E(T) T(T)] / S, in scaled terms.
    q = np.exp(-abandon * within)
    log_e = (
        -(safe_rate[:, 0] / abandon) * np.expm1(-abandon * within) - (service + abandon) * within
    )
    log_terms = log_e[:, None] + k[None, :] * np.log(q)[:, None] + log_w_next - top[:, None]
    tilted = np.exp(log_terms).sum(axis=1)
    within_mass = (total - np.exp(-top)) - tilted
    level = 1.0 - prob_wait + at_n * (service / safe_rate[:, 0]) * within_mass
    level = np.clip(level, 0.0, 1.0)
    busy = np.where(count > 0, traffic * answered / np.where(count > 0, count, 1.0), 1.0)
    return {
        "wait": np.where(idle, 0.0, prob_wait),
        "abandon": np.where(idle, 0.0, prob_abandon),
        "level": np.where(idle, 1.0, level),
        "speed": np.where(idle, 0.0, speed),
        "busy": np.where(idle, 0.0, np.minimum(busy, 1.0)),
        "mean_wait": np.where(idle, 0.0, mean_wait),
    }


@dask_aware(_on_dask.erlang_a)
@validated(
    arrival_rate=RATE,
    handle_time=SECONDS,
    agents=AGENTS,
    patience=PATIENCE,
    answer_within=WITHIN,
)
def erlang_a(
    arrival_rate: float | ArrayLike,
    handle_time: float | ArrayLike,
    agents: float | ArrayLike,
    *,
    patience: float | ArrayLike,
    answer_within: float | ArrayLike,
) -> QueueMetrics:
    """Erlang A: the M/M/n+M queue, where waiting callers abandon after an exponential patience.

    The number of calls in the system is a birth-death process with birth rate
    ``lambda`` and death rate ``min(j, n) mu + max(j - n, 0) theta`` (``mu = 1 /
    handle_time``, ``theta = 1 / patience``); its stationary distribution is summed
    exactly (to a relative tail below 1e-17), vectorised over intervals, with no
    factorials and no overflow at thousands of agents. Unlike Erlang C the queue is
    stable at any staffing, even zero agents.

    - ``prob_wait``: an arrival finds every agent busy (PASTA);
    - ``prob_abandon = theta E[queue] / lambda``;
    - ``service_level``: share of *all* arrivals answered within ``answer_within`` seconds
      (abandons count as not answered, the metrics area's ``"abandoned_negative"``);
    - ``average_speed_of_answer``: mean wait of answered calls; ``mean_wait`` is the mean
      over all arrivals, ``prob_abandon * patience``;
    - ``occupancy = A (1 - prob_abandon) / n``.

    Parameters
    ----------
    arrival_rate : float or array-like
        Calls per second, per interval; >= 0, with ``arrival_rate * handle_time`` at
        most 1e7 Erlangs (ten million).
    handle_time : float or array-like
        Average handle time in seconds; in (0, 1e7] (about 116 days).
    agents : int or array-like of int
        Agents answering calls; in [0, 1e8] (a hundred million).
    patience : float or array-like
        Mean time in seconds a caller is willing to wait; > 0. Estimate it as total wait
        over the number of abandons (Gans, Koole & Mandelbaum 2003).
    answer_within : float or array-like
        Answer-time target in seconds for the service level.

    Returns
    -------
    QueueMetrics

    Notes
    -----
    Dask: any per-interval argument may be a 1-d Dask array (one interval per row); the
    result is a QueueMetrics of 1-d Dask arrays chunked like the first Dask argument,
    one task per block for every field. Each interval's series is summed with as many
    terms as the longest interval summed with it, so results can differ from the in-
    memory call on the same intervals in the last bit (relative 1e-15).

    References
    ----------
    O. Garnett, A. Mandelbaum and M. Reiman (2002), "Designing a call center with
    impatient customers", Manufacturing & Service Operations Management 4(3), 208-227.
    A. Mandelbaum and S. Zeltyn (2007), "Service engineering in action: the
    Palm/Erlang-A queue, with applications to call centers".

    Examples
    --------
    >>> m = erlang_a(rate_per_second(100), 180, 14, patience=300, answer_within=20)
    >>> print(round(float(m.prob_wait), 5), round(float(m.prob_abandon), 6),
    ...       round(float(m.occupancy), 6), round(float(m.service_level), 6),
    ...       round(float(m.mean_wait), 3))
    0.14526 0.013984 0.704297 0.916792 4.195

    Zero agents is a valid (if grim) staffing: everyone waits and everyone abandons.

    >>> print(float(erlang_a(0.1, 180, 0, patience=60, answer_within=20).prob_abandon))
    1.0
    """
    rate, handle, count = np.asarray(arrival_rate), np.asarray(handle_time), np.asarray(agents)
    wait_limit, within = np.asarray(patience), np.asarray(answer_within)
    broadcast(
        "erlang_a",
        arrival_rate=rate,
        handle_time=handle,
        agents=count,
        patience=wait_limit,
        answer_within=within,
    )
    check_traffic("erlang_a", rate, handle)
    return erlang_a_metrics(rate, handle, count, wait_limit, within)
