"""Discrete-event simulation of queues through Ciw, to check analytic answers.

Ciw (Palmer, Harper and Knight 2019) is an optional dependency (the ``test`` and
``bench`` extras); it is imported only inside these functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from servicekit._typing import FloatArray
from servicekit._validation import Interval, validated
from servicekit.errors import OptionalDependencyError
from servicekit.optimize.erlang import MAX_AGENTS, MAX_HANDLE_TIME, check_traffic

__all__ = ["simulate_queue"]


def import_ciw() -> Any:
    """Import Ciw, or raise :class:`OptionalDependencyError` naming the extra."""
    try:
        import ciw
    except ImportError:
        raise OptionalDependencyError(
            "this simulation needs Ciw, which is not installed; install it with "
            'pip install "servicekit[test]" (or pip install ciw)'
        ) from None
    return ciw


def batch_interval(values: FloatArray, confidence: float) -> tuple[float, float, float]:
    """Mean of batch means with a Student-t interval."""
    from scipy import stats

    finite = values[np.isfinite(values)]
    if finite.size < 2:
        return (float(finite.mean()) if finite.size else math.nan, math.nan, math.nan)
    mean = float(finite.mean())
    half = float(stats.t.ppf(0.5 + confidence / 2, finite.size - 1) * finite.std(ddof=1))
    half /= math.sqrt(finite.size)
    return mean, mean - half, mean + half


def run_network(
    ciw: Any,
    arrival_rate: float,
    handle_times: Sequence[float],
    servers: Sequence[int],
    *,
    patience: float | None,
    customers: int,
    seed: int,
) -> list[Any]:
    """Simulate a tandem of M/M/c(+M) stations; records of customers who left in time.

    Runs until about ``customers`` have arrived and ``customers / 20`` more, then keeps
    the records of the first ``customers`` arrivals only: customers still in the system
    at the end have no record, and keeping late arrivals would favour the fast ones.
    """
    count = len(handle_times)
    routing = [[1.0 if j == i + 1 else 0.0 for j in range(count)] for i in range(count)]
    options: dict[str, Any] = {}
    if patience is not None:
        options["reneging_time_distributions"] = [
            ciw.dists.Exponential(rate=1.0 / patience) for _ in range(count)
        ]
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=arrival_rate)] + [None] * (count - 1),
        service_distributions=[ciw.dists.Exponential(rate=1.0 / t) for t in handle_times],
        number_of_servers=[int(c) for c in servers],
        routing=routing,
        **options,
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    horizon = customers / arrival_rate
    simulation.simulate_until_max_time(horizon * 1.05)
    first_node: dict[int, float] = {}
    for record in simulation.get_all_records():
        if record.node == 1:
            first_node[record.id_number] = record.arrival_date
    records: list[Any] = [
        r for r in simulation.get_all_records() if first_node.get(r.id_number, horizon) < horizon
    ]
    return records


@validated(
    arrival_rate=Interval(low=0, low_open=True),
    handle_time=Interval(kind="duration", low=0, low_open=True, high=MAX_HANDLE_TIME),
    agents=Interval(kind="int", low=1, high=MAX_AGENTS),
    answer_within=Interval(kind="duration", low=0),
    patience=Interval(kind="duration", low=0, low_open=True, optional=True),
    customers=Interval(kind="int", low=100),
    batches=Interval(kind="int", low=2),
    warmup=Interval(low=0, high=1, high_open=True),
    confidence=Interval(low=0, high=1, low_open=True, high_open=True),
    random_state=Interval(kind="int", low=0),
)
def simulate_queue(
    arrival_rate: float,
    handle_time: float,
    agents: int,
    *,
    answer_within: float,
    patience: float | None = None,
    customers: int = 5000,
    batches: int = 10,
    warmup: float = 0.1,
    confidence: float = 0.95,
    random_state: int = 0,
) -> pd.DataFrame:
    """Simulate an M/M/n queue (M/M/n+M with ``patience``) and estimate its measures.

    The discrete-event counterpart of :func:`~servicekit.optimize.erlang_c` and
    :func:`~servicekit.optimize.erlang_a`: Poisson arrivals, exponential handle times
    and (optionally) exponential patience, first come first served. The first
    ``warmup`` share of arrivals is dropped (the queue starts empty); the rest are cut
    into ``batches`` consecutive batches whose means give the confidence intervals
    (batch means, Law 2015 ch. 9).

    Parameters
    ----------
    arrival_rate : float
        Calls per second; > 0, with the offered load ``arrival_rate * handle_time`` at
        most 1e7 Erlangs (ten million), as in :func:`~servicekit.optimize.erlang_c`.
    handle_time : float
        Mean handle time in seconds; in (0, 1e7] (about 116 days).
    agents : int
        Agents; in [1, 1e8].
    answer_within : float
        Answer-time target of the service level, in seconds.
    patience : float, optional
        Mean patience in seconds (Erlang A); none for Erlang C.
    customers : int, default 5000
        Arrivals to simulate (about); run time grows linearly (~0.2 ms each).
    batches : int, default 10
        Batches for the confidence intervals.
    warmup : float, default 0.1
        Share of arrivals discarded at the start.
    confidence : float, default 0.95
        Confidence level of the intervals.
    random_state : int, default 0
        Seed of Ciw's random streams.

    Returns
    -------
    DataFrame
        Indexed by measure (``prob_wait``, ``service_level``,
        ``average_speed_of_answer``, ``prob_abandon``, ``mean_wait``) with columns
        ``estimate``, ``ci_low``, ``ci_high``.

    Raises
    ------
    OptionalDependencyError
        If Ciw is not installed.

    References
    ----------
    G. I. Palmer, V. A. Knight, P. R. Harper and A. L. Hawa (2019), "Ciw: an open-source
    discrete event simulation library", Journal of Simulation 13(1), 68-82.
    A. M. Law (2015), Simulation Modeling and Analysis, 5th ed., McGraw-Hill.

    Examples
    --------
    >>> table = simulate_queue(1 / 18, 180, 14, answer_within=20, customers=2000)
    >>> list(table.columns)
    ['estimate', 'ci_low', 'ci_high']
    >>> bool(table.loc["prob_wait", "ci_low"] < 0.1741 < table.loc["prob_wait", "ci_high"])
    True
    """
    check_traffic("simulate_queue", np.asarray(arrival_rate), np.asarray(handle_time))
    ciw = import_ciw()
    records = run_network(
        ciw,
        arrival_rate,
        [handle_time],
        [agents],
        patience=patience,
        customers=customers,
        seed=random_state,
    )
    frame = pd.DataFrame(
        {
            "arrival": [r.arrival_date for r in records],
            "wait": [r.waiting_time for r in records],
            "answered": [r.record_type == "service" for r in records],
        }
    ).sort_values("arrival", kind="stable")
    frame = frame.iloc[int(len(frame) * warmup) :]
    groups = np.array_split(np.arange(len(frame)), batches)
    wait = frame["wait"].to_numpy()
    answered = frame["answered"].to_numpy()
    rows = {name: np.empty(batches) for name in _MEASURES}
    for b, index in enumerate(groups):
        w, a = wait[index], answered[index]
        rows["prob_wait"][b] = float(np.mean(w > 0))
        rows["service_level"][b] = float(np.mean(a & (w <= answer_within)))
        rows["average_speed_of_answer"][b] = float(w[a].mean()) if a.any() else math.nan
        rows["prob_abandon"][b] = float(np.mean(~a))
        rows["mean_wait"][b] = float(w.mean())
    table: pd.DataFrame = pd.DataFrame(
        [batch_interval(rows[name], confidence) for name in _MEASURES],
        index=pd.Index(_MEASURES, name="measure"),
        columns=["estimate", "ci_low", "ci_high"],
    )
    return table


_MEASURES = ["prob_wait", "service_level", "average_speed_of_answer", "prob_abandon", "mean_wait"]
