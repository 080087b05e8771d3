"""The cost of a service process, C = min_t sum_i c_i p_i(t), and its time-cost trade-off.

A ticket's journey runs through stages (triage, diagnosis, resolution, follow-up).
Stage ``i`` costs ``cost_per_hour`` while it processes, normally takes
``normal_hours`` and can be sped up ("crashed") to ``min_hours`` at
``crash_cost_per_hour`` for every hour saved. :func:`minimize_process_cost` chooses
each stage's time so the end-to-end time (the longest path through the stages) meets a
deadline at least total cost: the classic CPM time-cost linear programme
(Kelley 1961), solved with SciPy's HiGHS.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from servicekit._results import ResultMixin
from servicekit._typing import ArrayLike, FloatArray
from servicekit._validation import (
    Array,
    Constraint,
    Interval,
    _Context,
    as_float_array,
    described,
    fail,
    validated,
)

__all__ = ["ProcessPlan", "Stage", "cost_time_curve", "minimize_process_cost", "process_cost"]

STAGE_COLUMNS = ("name", "cost_per_hour", "normal_hours", "min_hours", "crash_cost_per_hour")
_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class Stage(ResultMixin):
    """One stage of a service process.

    Attributes
    ----------
    name : str
        Unique stage name.
    cost_per_hour : float
        Cost ``c_i`` per hour while the stage processes a ticket; >= 0.
    normal_hours : float
        The stage's usual (longest) processing time; > 0.
    min_hours : float
        The shortest achievable time, in (0, ``normal_hours``]; defaults to ``normal_hours``
        (the stage cannot be sped up).
    crash_cost_per_hour : float
        Extra cost of each hour saved below ``normal_hours``; >= 0.
    """

    name: str
    cost_per_hour: float
    normal_hours: float
    min_hours: float | None = None
    crash_cost_per_hour: float = 0.0


@dataclass(frozen=True)
class StagesTable(Constraint):
    """A table of stages: a DataFrame with :data:`STAGE_COLUMNS` or a sequence of :class:`Stage`.

    Returns a DataFrame with exactly those columns, float times and costs. Names must be
    unique non-empty strings, costs >= 0, ``0 < min_hours <= normal_hours`` (a missing
    ``min_hours`` or ``crash_cost_per_hour`` column means no speed-up).
    """

    optional: bool = False

    def describe(self) -> str:
        return "a DataFrame of stages (columns " + ", ".join(STAGE_COLUMNS) + ") or Stage records"

    def coerce(self, value: Any, ctx: _Context) -> pd.DataFrame:
        if isinstance(value, pd.DataFrame):
            table = value.copy()
        elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
            if not all(isinstance(item, Stage) for item in value):
                ctx.fail(f"must be {self.describe()}", described("a sequence of non-Stage items"))
            table = pd.DataFrame([item.to_dict() for item in value])
        else:
            ctx.fail(f"must be {self.describe()}", described(f"a {type(value).__name__}"))
        if len(table) == 0:
            ctx.fail("must hold at least one stage", described("0 rows"))
        if "min_hours" not in table.columns:
            table["min_hours"] = np.nan
        if "crash_cost_per_hour" not in table.columns:
            table["crash_cost_per_hour"] = 0.0
        missing = [c for c in STAGE_COLUMNS if c not in table.columns]
        if missing:
            ctx.fail(
                f"must have the column(s) {missing}", described(f"columns {list(table.columns)}")
            )
        names = table["name"].tolist()
        for i, name in enumerate(names):
            if not isinstance(name, str) or not name.strip():
                ctx.fail(
                    "must have non-empty string stage names", described(f"{name!r} at row {i}")
                )
        if len(set(names)) != len(names):
            duplicate = next(n for n in names if names.count(n) > 1)
            ctx.fail("must have unique stage names", duplicate)
        for column in STAGE_COLUMNS[1:]:
            numbers = pd.to_numeric(table[column], errors="coerce").astype(np.float64)
            if column == "min_hours":
                numbers = numbers.fillna(pd.to_numeric(table["normal_hours"], errors="coerce"))
            if column == "crash_cost_per_hour":
                numbers = numbers.fillna(0.0)
            bad = ~np.isfinite(numbers.to_numpy()) | (numbers.to_numpy() < 0)
            if column in ("normal_hours", "min_hours"):
                bad |= numbers.to_numpy() <= 0
            if bad.any():
                row = int(np.argmax(bad))
                ctx.fail(
                    f"must have finite {column} > {'0' if 'hours' in column else '= 0'}",
                    described(f"{table[column].iloc[row]!r} for stage {names[row]!r}"),
                )
            table[column] = numbers
        over = table["min_hours"].to_numpy() > table["normal_hours"].to_numpy()
        if over.any():
            row = int(np.argmax(over))
            ctx.fail(
                "must have min_hours <= normal_hours",
                described(
                    f"{table['min_hours'].iloc[row]:g} > {table['normal_hours'].iloc[row]:g} for stage {names[row]!r}"
                ),
            )
        out: pd.DataFrame = table[list(STAGE_COLUMNS)].reset_index(drop=True)
        return out

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a string", "triage"
        yield "a list of numbers", [1.0, 2.0]
        frame = (
            valid if isinstance(valid, pd.DataFrame) else pd.DataFrame([s.to_dict() for s in valid])
        )
        yield "no rows", frame.iloc[:0]
        yield "a missing column", frame.drop(columns=["normal_hours"])
        negative = frame.copy()
        negative.loc[0, "cost_per_hour"] = -1.0
        yield "a negative cost", negative
        nan = frame.copy()
        nan.loc[0, "normal_hours"] = np.nan
        yield "a NaN time", nan
        crossed = frame.copy()
        crossed.loc[0, "min_hours"] = float(crossed.loc[0, "normal_hours"]) + 1.0
        yield "min above normal", crossed
        twice = frame.copy()
        twice["name"] = twice["name"].iloc[0]
        yield "duplicate names", twice


_STAGES = StagesTable()


@validated(costs=Array(low=0), times=Array(low=0, same_length_as="costs"))
def process_cost(costs: ArrayLike, times: ArrayLike) -> float:
    """Total cost of a process, ``C = sum_i c_i p_i``.

    Parameters
    ----------
    costs : array-like
        Cost per hour ``c_i`` of each stage; >= 0.
    times : array-like
        Processing time ``p_i`` of each stage, in hours; >= 0. The total must be
        finite in float64: when it would overflow, ``InvalidInputError`` names
        whichever of ``costs`` and ``times`` holds the larger value.

    Returns
    -------
    float

    Examples
    --------
    >>> process_cost([40, 60, 80], [0.5, 2.0, 1.5])
    260.0
    """
    rates, hours = as_float_array(costs), as_float_array(times)
    with np.errstate(over="ignore", invalid="ignore"):
        total = float(np.dot(rates, hours))
    if not math.isfinite(total):  # overflowed float64: blame the larger factor
        argument, values = ("costs", rates) if rates.max() >= hours.max() else ("times", hours)
        fail(
            "process_cost",
            argument,
            "must keep the total cost sum_i c_i p_i within float64 (below 1.8e308)",
            float(values.max()),
            position=int(np.argmax(values)),
        )
    return total


@dataclass(frozen=True, slots=True)
class ProcessPlan(ResultMixin):
    """The least-cost stage times meeting a deadline.

    Attributes
    ----------
    names : tuple of str
        Stage names, in the order given.
    times : ndarray
        Hours per stage, in stage order.
    start_times : ndarray
        Earliest start of each stage, in hours from the ticket's arrival.
    total_cost : float
        ``sum_i c_i t_i + crash_i (normal_i - t_i)``.
    end_to_end_hours : float
        The longest path through the stages with these times.
    critical_path : tuple of str
        Stages with no slack, in the order they run.
    deadline : float
        The deadline the plan meets, in hours.
    status : str
        ``"optimal"`` (HiGHS proved optimality).
    """

    names: tuple[str, ...]
    times: FloatArray
    start_times: FloatArray
    total_cost: float
    end_to_end_hours: float
    critical_path: tuple[str, ...]
    deadline: float
    status: str

    def to_frame(self) -> pd.DataFrame:
        """One row per stage: ``name``, ``hours``, ``start``, ``finish``, ``critical``.

        Examples
        --------
        >>> stages = [Stage("triage", 20, 1.0, 0.5, 30), Stage("fix", 30, 4.0, 2.0, 50)]
        >>> minimize_process_cost(stages, deadline=4.0).to_frame()
             name  hours  start  finish  critical
        0  triage    0.5    0.0     0.5      True
        1     fix    3.5    0.5     4.0      True
        """
        frame: pd.DataFrame = pd.DataFrame(
            {
                "name": list(self.names),
                "hours": self.times,
                "start": self.start_times,
                "finish": self.start_times + self.times,
                "critical": [name in self.critical_path for name in self.names],
            }
        )
        return frame


def _edges(function: str, names: list[str], precedence: Any) -> list[tuple[int, int]]:
    """Precedence pairs as index pairs (a chain when ``None``); rejects unknown names and cycles."""
    if precedence is None:
        return [(i, i + 1) for i in range(len(names) - 1)]
    index = {name: i for i, name in enumerate(names)}
    if isinstance(precedence, (str, bytes)) or not isinstance(precedence, Sequence):
        fail(
            function,
            "precedence",
            "must be a sequence of (before, after) stage-name pairs",
            precedence,
        )
    edges = []
    for pair in precedence:
        if (
            not isinstance(pair, Sequence)
            or isinstance(pair, str)
            or len(pair) != 2
            or any(p not in index for p in pair)
        ):
            fail(function, "precedence", f"must pair stage names (one of {names[:12]})", pair)
        if pair[0] == pair[1]:
            fail(function, "precedence", "must not make a stage precede itself", pair)
        edges.append((index[pair[0]], index[pair[1]]))
    if topological_order(len(names), edges) is None:
        fail(function, "precedence", "must not contain a cycle", described(f"{list(precedence)!r}"))
    return edges


def topological_order(count: int, edges: Sequence[tuple[int, int]]) -> list[int] | None:
    """A topological order of ``count`` nodes under ``edges`` (Kahn), or ``None`` on a cycle."""
    indegree = [0] * count
    successors: list[list[int]] = [[] for _ in range(count)]
    for a, b in edges:
        successors[a].append(b)
        indegree[b] += 1
    ready = [i for i in range(count) if indegree[i] == 0]
    order: list[int] = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for nxt in successors[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    return order if len(order) == count else None


def _schedule(
    times: FloatArray, edges: Sequence[tuple[int, int]]
) -> tuple[FloatArray, float, list[int]]:
    """Earliest starts, the makespan and the zero-slack (critical) stages in run order."""
    count = times.size
    order = topological_order(count, edges)
    assert order is not None
    start = np.zeros(count)
    for node in order:
        for a, b in edges:
            if a == node:
                start[b] = max(start[b], start[a] + times[a])
    finish = start + times
    makespan = float(finish.max())
    latest_finish = np.full(count, makespan)
    for node in reversed(order):
        for a, b in edges:
            if a == node:
                latest_finish[a] = min(latest_finish[a], latest_finish[b] - times[b])
    slack = latest_finish - finish
    critical = [i for i in order if slack[i] <= 1e-7 * max(1.0, makespan)]
    critical.sort(key=lambda i: (start[i], i))
    return start, makespan, critical


def _solve(
    table: pd.DataFrame, edges: list[tuple[int, int]], deadline: float
) -> tuple[FloatArray, float, str]:
    """The LP in (t, s): min sum (c - crash) t, s_j >= s_i + t_i, s_i + t_i <= deadline."""
    from scipy.optimize import linprog

    count = len(table)
    cost = table["cost_per_hour"].to_numpy()
    crash = table["crash_cost_per_hour"].to_numpy()
    normal = table["normal_hours"].to_numpy()
    shortest = table["min_hours"].to_numpy()
    objective = np.concatenate([cost - crash, np.zeros(count)])
    rows = []
    for a, b in edges:  # t_a + s_a - s_b <= 0
        row = np.zeros(2 * count)
        row[a], row[count + a], row[count + b] = 1.0, 1.0, -1.0
        rows.append(row)
    for i in range(count):  # t_i + s_i <= deadline
        row = np.zeros(2 * count)
        row[i], row[count + i] = 1.0, 1.0
        rows.append(row)
    bounds_rhs = np.concatenate([np.zeros(len(edges)), np.full(count, deadline)])
    bounds = [(shortest[i], normal[i]) for i in range(count)] + [(0.0, None)] * count
    result = linprog(
        objective, A_ub=np.asarray(rows), b_ub=bounds_rhs, bounds=bounds, method="highs"
    )
    if result.status != 0:  # pragma: no cover - feasibility is checked before solving
        raise RuntimeError(f"HiGHS failed on a feasible time-cost LP: {result.message}")
    times = np.clip(np.asarray(result.x[:count], dtype=np.float64), shortest, normal)
    total = float(np.dot(cost, times) + np.dot(crash, normal - times))
    return times, total, "optimal"


def _prepare(
    function: str, stages: pd.DataFrame, precedence: Sequence[tuple[str, str]] | None
) -> tuple[list[tuple[int, int]], float]:
    edges = _edges(function, stages["name"].tolist(), precedence)
    _, shortest, _ = _schedule(stages["min_hours"].to_numpy(), edges)
    return edges, shortest


@validated(stages=_STAGES, deadline=Interval(low=0, low_open=True))
def minimize_process_cost(
    stages: pd.DataFrame | Sequence[Stage],
    *,
    deadline: float,
    precedence: Sequence[tuple[str, str]] | None = None,
) -> ProcessPlan:
    """Stage times meeting an end-to-end deadline at least total cost (a linear programme).

    With ``t_i`` the hours given to stage ``i`` and ``s_i`` its start, solve

    ``min sum_i c_i t_i + crash_i (normal_i - t_i)``
    subject to ``min_i <= t_i <= normal_i``, ``s_j >= s_i + t_i`` for every precedence
    pair ``(i, j)``, ``s_i >= 0`` and ``s_i + t_i <= deadline``.

    Stages run one after another in the order given unless ``precedence`` says
    otherwise (a DAG: stages without a path between them run in parallel). Note the
    source model's reading: when a stage's running cost exceeds its crash cost
    (``c_i > crash_i``) speeding it up *saves* money, so it runs at ``min_hours``
    whatever the deadline.

    Parameters
    ----------
    stages : DataFrame or sequence of Stage
        Columns ``name``, ``cost_per_hour``, ``normal_hours``, ``min_hours``,
        ``crash_cost_per_hour`` (the last two optional).
    deadline : float
        Maximum end-to-end time in hours; > 0.
    precedence : sequence of (str, str), optional
        ``(before, after)`` stage-name pairs; default: the stages in sequence.

    Returns
    -------
    ProcessPlan

    Raises
    ------
    InvalidInputError
        If the deadline is shorter than the shortest achievable end-to-end time (the
        message states it), or ``precedence`` names unknown stages or has a cycle.

    References
    ----------
    J. E. Kelley (1961), "Critical-path planning and scheduling: mathematical basis",
    Operations Research 9(3), 296-320. Q. Huangfu and J. A. J. Hall (2018),
    "Parallelizing the dual revised simplex method", Mathematical Programming
    Computation 10(1), 119-142 (HiGHS).

    Examples
    --------
    >>> import pandas as pd
    >>> stages = pd.DataFrame({
    ...     "name": ["triage", "diagnosis", "resolution", "follow-up"],
    ...     "cost_per_hour": [20.0, 30.0, 30.0, 10.0],
    ...     "normal_hours": [2.0, 8.0, 12.0, 4.0],
    ...     "min_hours": [1.0, 4.0, 6.0, 2.0],
    ...     "crash_cost_per_hour": [50.0, 45.0, 60.0, 15.0],
    ... })
    >>> plan = minimize_process_cost(stages, deadline=20.0)
    >>> plan.times, round(plan.total_cost, 2)
    (array([ 2.,  4., 12.,  2.]), 750.0)
    >>> plan.critical_path
    ('triage', 'diagnosis', 'resolution', 'follow-up')

    Triage may run beside diagnosis when the precedence says so:

    >>> parallel = minimize_process_cost(stages, deadline=16.0, precedence=[
    ...     ("triage", "resolution"), ("diagnosis", "resolution"), ("resolution", "follow-up")])
    >>> parallel.start_times
    array([ 0.,  0.,  4., 14.])
    """
    table: pd.DataFrame = stages  # type: ignore[assignment]  # coerced by StagesTable
    limit = float(deadline)
    edges, shortest = _prepare("minimize_process_cost", table, precedence)
    if shortest > limit * (1 + _TOLERANCE):
        fail(
            "minimize_process_cost",
            "deadline",
            f"must be at least the shortest achievable end-to-end time, {shortest:g} hours",
            limit,
        )
    times, total, status = _solve(table, edges, limit)
    start, makespan, critical = _schedule(times, edges)
    names = tuple(table["name"].tolist())
    return ProcessPlan(
        names=names,
        times=times,
        start_times=start,
        total_cost=total,
        end_to_end_hours=makespan,
        critical_path=tuple(names[i] for i in critical),
        deadline=limit,
        status=status,
    )


@validated(stages=_STAGES, deadlines=Array(low=0, low_open=True))
def cost_time_curve(
    stages: pd.DataFrame | Sequence[Stage],
    *,
    deadlines: ArrayLike,
    precedence: Sequence[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """The least total cost at each deadline: the project time-cost curve.

    Parameters
    ----------
    stages : DataFrame or sequence of Stage
        As for :func:`minimize_process_cost`.
    deadlines : array-like
        Deadlines in hours; > 0. Deadlines shorter than the shortest achievable time
        are reported as infeasible (cost ``nan``) instead of raising.
    precedence : sequence of (str, str), optional
        As for :func:`minimize_process_cost`.

    Returns
    -------
    DataFrame
        One row per deadline: ``deadline``, ``total_cost``, ``end_to_end_hours``,
        ``critical_path`` (names joined by " > "; empty when infeasible), ``status`` (``"optimal"`` or
        ``"infeasible"``).

    Examples
    --------
    >>> stages = [Stage("triage", 20, 2, 1, 50), Stage("fix", 30, 12, 6, 60)]
    >>> cost_time_curve(stages, deadlines=[6, 8, 10, 14])
       deadline  total_cost  end_to_end_hours critical_path      status
    0       6.0         NaN               NaN                infeasible
    1       8.0       580.0               8.0  triage > fix     optimal
    2      10.0       520.0              10.0  triage > fix     optimal
    3      14.0       400.0              14.0  triage > fix     optimal
    """
    table: pd.DataFrame = stages  # type: ignore[assignment]
    edges, shortest = _prepare("cost_time_curve", table, precedence)
    names = table["name"].tolist()
    rows: list[tuple[float, float, float, str, str]] = []
    for limit in as_float_array(deadlines):
        if shortest > limit * (1 + _TOLERANCE):
            rows.append((float(limit), math.nan, math.nan, "", "infeasible"))
            continue
        times, total, status = _solve(table, edges, float(limit))
        _, makespan, critical = _schedule(times, edges)
        rows.append((float(limit), total, makespan, " > ".join(names[i] for i in critical), status))
    curve: pd.DataFrame = pd.DataFrame(
        rows, columns=["deadline", "total_cost", "end_to_end_hours", "critical_path", "status"]
    )
    return curve
