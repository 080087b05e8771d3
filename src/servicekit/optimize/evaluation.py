"""Evaluate process plans as queueing networks: analytic (Erlang C per stage) or simulated."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from servicekit._typing import ArrayLike
from servicekit._validation import (
    Array,
    Flag,
    InstanceOf,
    Interval,
    _Context,
    as_float_array,
    described,
    fail,
    validated,
)
from servicekit.optimize._intervals import PerInterval
from servicekit.optimize.erlang import MAX_AGENTS, MAX_HANDLE_TIME, check_traffic, erlang_c_metrics
from servicekit.optimize.process_cost import Stage, StagesTable, _edges, _schedule
from servicekit.optimize.simulation import batch_interval, import_ciw, run_network

__all__ = ["compare_plans", "evaluate_process"]

_STAGES = StagesTable()


def _stage_table(
    function: str,
    table: pd.DataFrame,
    arrival_rate: float,
    servers: np.ndarray[tuple[int], np.dtype[np.float64]],
    hours: np.ndarray[tuple[int], np.dtype[np.float64]],
    precedence: Sequence[tuple[str, str]] | None,
) -> pd.DataFrame:
    names = table["name"].tolist()
    edges = _edges(function, names, precedence)
    check_traffic(function, np.asarray(arrival_rate), hours)
    zero = np.zeros_like(hours)
    m = erlang_c_metrics(np.full_like(hours, arrival_rate), hours, servers, zero)
    stable = servers > m.traffic
    in_stage = np.where(stable, m.average_speed_of_answer + hours, np.inf)
    if stable.all():
        _, end_to_end, _ = _schedule(in_stage, edges)
    else:
        end_to_end = math.inf
    utilisation = m.traffic / servers
    frame = pd.DataFrame(
        {
            "stage": names,
            "servers": servers.astype(np.int64),
            "hours": hours,
            "utilisation": utilisation,
            "prob_wait": m.prob_wait,
            "mean_wait_hours": m.average_speed_of_answer,
            "time_in_stage_hours": in_stage,
            "stable": stable,
            "bottleneck": np.arange(len(names)) == int(np.argmax(utilisation)),
        }
    )
    total = pd.DataFrame(
        {
            "stage": ["end_to_end"],
            "servers": [int(servers.sum())],
            "hours": [float(_schedule(hours, edges)[1])],
            "utilisation": [float(utilisation.max())],
            "prob_wait": [math.nan],
            "mean_wait_hours": [end_to_end - float(_schedule(hours, edges)[1])],
            "time_in_stage_hours": [end_to_end],
            "stable": [bool(stable.all())],
            "bottleneck": [False],
        }
    )
    combined: pd.DataFrame = pd.concat([frame, total], ignore_index=True)
    return combined


def _servers(
    function: str, servers: Any, count: int
) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
    values = (
        np.broadcast_to(as_float_array(servers), (count,))
        if np.ndim(servers) == 0
        else as_float_array(servers)
    )
    if values.shape != (count,):
        fail(
            function,
            "servers",
            f"must be one number or one per stage ({count})",
            described(f"length {values.size}"),
        )
    return np.asarray(values, dtype=np.float64)


@validated(
    stages=_STAGES,
    arrival_rate=Interval(low=0, low_open=True),
    servers=PerInterval(kind="int", low=1, high=MAX_AGENTS),
    times=Array(low=0, low_open=True, high=MAX_HANDLE_TIME / 3600.0, optional=True),
)
def evaluate_process(
    stages: pd.DataFrame | Sequence[Stage],
    *,
    arrival_rate: float,
    servers: int | ArrayLike,
    times: ArrayLike | None = None,
    precedence: Sequence[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Queueing at each stage of a process: utilisation, waiting and the end-to-end time.

    Each stage is an M/M/c queue (Poisson arrivals of tickets at ``arrival_rate`` per
    hour, exponential processing with mean ``times`` hours, ``servers`` agents); by
    Jackson's theorem the stages of an open network of such queues behave as
    independent M/M/c queues, so Erlang C gives each stage's probability of waiting and
    mean wait exactly. The end-to-end time is the sum of mean times in stage along the
    longest path (exact in sequence; with parallel branches the mean of the maximum is
    larger than this longest path of means).

    Unstable stages (utilisation >= 1) are reported (``stable`` False, infinite waits,
    infinite end-to-end time), not raised on.

    Parameters
    ----------
    stages : DataFrame or sequence of Stage
        As for :func:`~servicekit.optimize.minimize_process_cost`.
    arrival_rate : float
        Tickets per hour; > 0. Each stage's offered load ``arrival_rate * hours`` may
        be at most 1e7 Erlangs (ten million), as in :func:`~servicekit.optimize.erlang_c`.
    servers : int or array-like of int
        Agents per stage (one number for all stages); in [1, 1e8].
    times : array-like, optional
        Mean hours per stage (e.g. ``ProcessPlan.times``), each at most 1e7 s (about
        2,778 hours); default ``normal_hours``.
    precedence : sequence of (str, str), optional
        As for :func:`~servicekit.optimize.minimize_process_cost`.

    Returns
    -------
    DataFrame
        One row per stage (``stage``, ``servers``, ``hours``, ``utilisation``,
        ``prob_wait``, ``mean_wait_hours``, ``time_in_stage_hours``, ``stable``,
        ``bottleneck`` for the highest utilisation) and a last row ``end_to_end``.

    References
    ----------
    J. R. Jackson (1957), "Networks of waiting lines", Operations Research 5(4), 518-521.

    Examples
    --------
    >>> stages = [Stage("triage", 20, 0.25), Stage("fix", 30, 2.0), Stage("check", 10, 0.5)]
    >>> table = evaluate_process(stages, arrival_rate=6, servers=[2, 14, 4])
    >>> table[["stage", "utilisation", "time_in_stage_hours", "bottleneck"]].round(3)
            stage  utilisation  time_in_stage_hours  bottleneck
    0      triage        0.750                0.571       False
    1         fix        0.857                2.482        True
    2       check        0.750                0.755       False
    3  end_to_end        0.857                3.808       False
    """
    table: pd.DataFrame = stages  # type: ignore[assignment]
    count = len(table)
    hours = table["normal_hours"].to_numpy() if times is None else as_float_array(times)
    if hours.shape != (count,):
        fail(
            "evaluate_process",
            "times",
            f"must have one time per stage ({count})",
            described(f"length {hours.size}"),
        )
    agents = _servers("evaluate_process", servers, count)
    return _stage_table("evaluate_process", table, float(arrival_rate), agents, hours, precedence)


@validated(
    plans=InstanceOf(Mapping),
    arrival_rate=Interval(low=0, low_open=True),
    simulate=Flag(),
    tickets=Interval(kind="int", low=100),
    confidence=Interval(low=0, high=1, low_open=True, high_open=True),
    random_state=Interval(kind="int", low=0),
)
def compare_plans(
    plans: Mapping[str, pd.DataFrame],
    *,
    arrival_rate: float,
    simulate: bool = False,
    tickets: int = 4000,
    confidence: float = 0.95,
    random_state: int = 0,
) -> pd.DataFrame:
    """Side by side: cost per ticket, end-to-end time and bottleneck of several plans.

    A plan is a stages table (see :func:`~servicekit.optimize.minimize_process_cost`)
    with a ``servers`` column and optionally an ``hours`` column (the chosen time per
    stage, default ``normal_hours``); its stages run in sequence. The analytic
    end-to-end time comes from :func:`evaluate_process`; with ``simulate=True`` each
    stable plan is also simulated through Ciw (an optional dependency) as a tandem of
    M/M/c stations, and the simulated mean end-to-end time is reported with a
    batch-means confidence interval.

    Parameters
    ----------
    plans : mapping of str to DataFrame
        Plan name -> stages table with ``servers`` (and optionally ``hours``).
    arrival_rate : float
        Tickets per hour; > 0, with each stage's offered load ``arrival_rate * hours``
        at most 1e7 Erlangs (ten million).
    simulate : bool, default False
        Also run a discrete-event simulation (needs Ciw: ``pip install "servicekit[test]"``).
    tickets : int, default 4000
        Tickets simulated per plan (after a 10% warm-up is discarded).
    confidence : float, default 0.95
        Level of the simulation's confidence interval.
    random_state : int, default 0
        Seed of the simulation.

    Returns
    -------
    DataFrame
        Indexed by plan: ``cost_per_ticket`` (``sum c_i t_i + crash_i (normal_i - t_i)``),
        ``end_to_end_hours``, ``bottleneck``, ``max_utilisation``, ``stable``; with
        ``simulate=True`` also ``simulated_hours``, ``simulated_low``, ``simulated_high``.

    Raises
    ------
    OptionalDependencyError
        If ``simulate=True`` and Ciw is not installed.

    Examples
    --------
    >>> import pandas as pd
    >>> base = pd.DataFrame({"name": ["triage", "fix"], "cost_per_hour": [20.0, 30.0],
    ...                      "normal_hours": [0.25, 2.0], "min_hours": [0.25, 1.5],
    ...                      "crash_cost_per_hour": [0.0, 40.0], "servers": [2, 14]})
    >>> faster = base.assign(hours=[0.25, 1.5], servers=[2, 12])
    >>> compare_plans({"base": base, "faster": faster}, arrival_rate=6).round(3)
            cost_per_ticket  end_to_end_hours bottleneck  max_utilisation  stable
    plan...
    base               65.0             3.053        fix            0.857    True
    faster             70.0             2.204     triage            0.750    True
    """
    rows = []
    for name, plan in plans.items():
        if not isinstance(plan, pd.DataFrame) or "servers" not in plan.columns:
            fail(
                "compare_plans",
                "plans",
                f"must map names to stage tables with a 'servers' column; plan {name!r} has none",
                described(type(plan).__name__),
            )
        table = _STAGES.coerce(plan, _context("compare_plans", "plans"))
        hours = (
            pd.to_numeric(plan["hours"], errors="coerce").to_numpy(dtype=np.float64)
            if "hours" in plan.columns
            else table["normal_hours"].to_numpy()
        )
        low, high = table["min_hours"].to_numpy(), table["normal_hours"].to_numpy()
        if (
            not np.all(np.isfinite(hours))
            or np.any(hours < low - 1e-12)
            or np.any(hours > high + 1e-12)
        ):
            fail(
                "compare_plans",
                "plans",
                f"must give each stage hours in [min_hours, normal_hours]; plan {name!r} does not",
                described(str(hours.tolist())),
            )
        servers = pd.to_numeric(plan["servers"], errors="coerce").to_numpy(dtype=np.float64)
        if (
            not np.all(np.isfinite(servers))
            or np.any(servers < 1)
            or np.any(servers > MAX_AGENTS)
            or np.any(servers != np.round(servers))
        ):
            fail(
                "compare_plans",
                "plans",
                f"must give whole numbers of servers in [1, 1e8]; plan {name!r} does not",
                described(str(servers.tolist())),
            )
        evaluated = _stage_table("compare_plans", table, float(arrival_rate), servers, hours, None)
        stages_only = evaluated.iloc[:-1]
        cost = float(
            np.dot(table["cost_per_hour"], hours)
            + np.dot(table["crash_cost_per_hour"], table["normal_hours"].to_numpy() - hours)
        )
        row: dict[str, object] = {
            "plan": name,
            "cost_per_ticket": cost,
            "end_to_end_hours": float(evaluated["time_in_stage_hours"].iloc[-1]),
            "bottleneck": str(stages_only.loc[stages_only["bottleneck"], "stage"].iloc[0]),
            "max_utilisation": float(stages_only["utilisation"].max()),
            "stable": bool(stages_only["stable"].all()),
        }
        if simulate:
            row.update(
                _simulate_plan(
                    float(arrival_rate),
                    hours,
                    servers,
                    row["stable"] is True,
                    tickets,
                    confidence,
                    random_state,
                )
            )
        rows.append(row)
    if not rows:
        fail("compare_plans", "plans", "must hold at least one plan", described("an empty mapping"))
    comparison: pd.DataFrame = pd.DataFrame(rows).set_index("plan")
    return comparison


def _simulate_plan(
    arrival_rate: float,
    hours: np.ndarray[tuple[int], np.dtype[np.float64]],
    servers: np.ndarray[tuple[int], np.dtype[np.float64]],
    stable: bool,
    tickets: int,
    confidence: float,
    seed: int,
) -> dict[str, float]:
    ciw = import_ciw()
    if not stable:
        return {"simulated_hours": math.inf, "simulated_low": math.nan, "simulated_high": math.nan}
    records = run_network(
        ciw,
        arrival_rate,
        hours.tolist(),
        servers.astype(int).tolist(),
        patience=None,
        customers=tickets,
        seed=seed,
    )
    last = len(hours)
    first_arrival: dict[int, float] = {}
    exit_time: dict[int, float] = {}
    for r in records:
        if r.node == 1:
            first_arrival[r.id_number] = r.arrival_date
        if r.node == last:
            exit_time[r.id_number] = r.exit_date
    done = sorted(
        (first_arrival[i], exit_time[i] - first_arrival[i]) for i in exit_time if i in first_arrival
    )
    times = np.asarray([t for _, t in done])
    times = times[int(times.size * 0.1) :]
    batches = [b.mean() for b in np.array_split(times, 10) if b.size]
    mean, low, high = batch_interval(np.asarray(batches), confidence)
    return {"simulated_hours": mean, "simulated_low": low, "simulated_high": high}


def _context(function: str, argument: str) -> _Context:
    return _Context(function, argument, {})
