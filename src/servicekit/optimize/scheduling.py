"""Shift scheduling: how many agents start each kind of shift to cover every interval.

Agents needed per interval (from :func:`~servicekit.optimize.agents_required`) are
covered by shifts: each pattern works some intervals (1) and not others (0, before
and after the shift and during its break). Choosing how many agents work each pattern
at least cost is Dantzig's (1954) set-covering integer programme, solved here by
SciPy's ``milp`` (HiGHS branch and cut).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from servicekit._progress import progress_clock
from servicekit._results import ResultMixin
from servicekit._typing import ArrayLike, IntArray
from servicekit._validation import (
    Array,
    Constraint,
    Flag,
    Interval,
    _Context,
    described,
    fail,
    validated,
)
from servicekit.errors import ConvergenceError
from servicekit.optimize.erlang import MAX_AGENTS

__all__ = ["ShiftPatterns", "ShiftSchedule", "schedule_shifts", "shift_patterns"]

_OPTIMAL_GAP = 1e-9  # below this relative gap the solution is proven optimal
_MAX_COST = 1e12  # per agent and pattern: the objective stays far below HiGHS's infinity (1e20)


@dataclass(frozen=True, slots=True)
class ShiftPatterns(ResultMixin):
    """Candidate shifts as a 0/1 matrix with their start, length and break.

    Attributes
    ----------
    matrix : ndarray of int, shape (n_patterns, n_intervals)
        1 where the pattern's agent works the interval.
    starts : ndarray of int
        First interval of each shift.
    lengths : ndarray of int
        Shift length in intervals, break included.
    break_starts : ndarray of int
        First interval of the break (-1 when the shift has none).
    """

    matrix: IntArray
    starts: IntArray
    lengths: IntArray
    break_starts: IntArray

    def to_frame(self) -> pd.DataFrame:
        """One row per pattern: ``start``, ``length``, ``break_start``, ``worked`` intervals."""
        frame: pd.DataFrame = pd.DataFrame(
            {
                "start": self.starts,
                "length": self.lengths,
                "break_start": self.break_starts,
                "worked": self.matrix.sum(axis=1),
            }
        )
        return frame


@validated(
    n_intervals=Interval(kind="int", low=1),
    lengths=Array(kind="int", low=1, scalar_ok=True),
    start_every=Interval(kind="int", low=1),
    earliest_start=Interval(kind="int", low=0),
    latest_end=Interval(kind="int", low=1, optional=True),
    break_length=Interval(kind="int", low=0),
    break_after=Interval(kind="int", low=0),
    break_before_end=Interval(kind="int", low=0),
)
def shift_patterns(
    n_intervals: int,
    *,
    lengths: int | ArrayLike,
    start_every: int = 1,
    earliest_start: int = 0,
    latest_end: int | None = None,
    break_length: int = 0,
    break_after: int = 0,
    break_before_end: int = 0,
) -> ShiftPatterns:
    """Generate every candidate shift: each length, at each start, with each break slot.

    Parameters
    ----------
    n_intervals : int
        Intervals in the planning day (96 for 15-minute intervals).
    lengths : int or array-like of int
        Shift lengths in intervals, break included (32 = 8 hours of 15 minutes).
        Lengths beyond ``n_intervals`` fit in no day and give no pattern.
    start_every : int, default 1
        Start granularity in intervals (2 = shifts start on the half hour).
    earliest_start : int, default 0
        First interval a shift may start in.
    latest_end : int, optional
        Shifts end by this interval (exclusive); default ``n_intervals``.
    break_length : int, default 0
        Unpaid break length in intervals; 0 for no break.
    break_after : int, default 0
        The break starts at least this many intervals into the shift.
    break_before_end : int, default 0
        ... and ends at least this many intervals before the shift ends. Every break
        start in that window makes its own pattern.

    Returns
    -------
    ShiftPatterns

    Raises
    ------
    InvalidInputError
        If no shift fits (lengths longer than the day, or no room for the break).

    Examples
    --------
    Four-hour shifts on an eight-hour day of half hours, with a half-hour break
    between the first and last hour:

    >>> p = shift_patterns(16, lengths=8, start_every=4, break_length=1,
    ...                    break_after=2, break_before_end=2)
    >>> p.matrix.shape
    (12, 16)
    >>> p.matrix[0]
    array([1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    """
    end = n_intervals if latest_end is None else min(int(latest_end), n_intervals)
    rows, starts, sizes, breaks = [], [], [], []
    wanted = np.unique(np.asarray(lengths, dtype=np.float64))
    for length in wanted[wanted <= n_intervals]:  # longer shifts fit in no day
        shift = int(length)
        if break_length:
            slots = list(range(break_after, shift - break_before_end - break_length + 1))
        else:
            slots = [-1]
        for start in range(earliest_start, end - shift + 1, start_every):
            for slot in slots:
                row = np.zeros(n_intervals, dtype=np.int64)
                row[start : start + shift] = 1
                if slot >= 0:
                    row[start + slot : start + slot + break_length] = 0
                rows.append(row)
                starts.append(start)
                sizes.append(shift)
                breaks.append(start + slot if slot >= 0 else -1)
    if not rows:
        fail(
            "shift_patterns",
            "lengths",
            f"must leave room for a shift (and its break) between intervals {earliest_start} and {end}",
            np.asarray(lengths).tolist(),
        )
    return ShiftPatterns(
        matrix=np.asarray(rows, dtype=np.int64),
        starts=np.asarray(starts, dtype=np.int64),
        lengths=np.asarray(sizes, dtype=np.int64),
        break_starts=np.asarray(breaks, dtype=np.int64),
    )


@dataclass(frozen=True)
class _Patterns(Constraint):
    """A 0/1 matrix (n_patterns x n_intervals) or a :class:`ShiftPatterns`; returns the matrix."""

    optional: bool = False

    def describe(self) -> str:
        return "a 0/1 array of shape (n_patterns, n_intervals) or a ShiftPatterns"

    def coerce(self, value: Any, ctx: _Context) -> IntArray:
        if isinstance(value, ShiftPatterns):
            value = value.matrix
        if isinstance(value, (str, bytes, dict, set)):
            ctx.fail(f"must be {self.describe()}", described(f"a {type(value).__name__}"))
        matrix = Array(kind="bool", ndim=2).coerce(value, ctx)
        requirements: Any = ctx.arguments.get("requirements")
        width = np.size(requirements)
        if matrix.shape[1] != width:
            ctx.fail(
                f"must have one column per interval of 'requirements' ({width})",
                described(f"shape {matrix.shape}"),
            )
        out: IntArray = matrix.astype(np.int64)
        return out

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        matrix = np.asarray(valid.matrix if isinstance(valid, ShiftPatterns) else valid)
        yield "a string", "patterns"
        yield "1-d", matrix[0]
        twos = matrix.copy()
        twos[0, 0] = 2
        yield "a value other than 0/1", twos
        yield "one interval too many", np.concatenate([matrix, matrix[:, :1]], axis=1)


@dataclass(frozen=True, slots=True)
class ShiftSchedule(ResultMixin):
    """Agents per shift pattern and the coverage they give.

    Attributes
    ----------
    counts : ndarray of int
        Agents working each pattern.
    coverage : ndarray of int
        Agents working each interval.
    requirements : ndarray of int
        Agents required per interval (rounded up).
    overstaffing : ndarray of int
        ``coverage - requirements`` (never negative).
    total_cost : float
        ``sum(costs * counts)``.
    status : str
        ``"optimal"`` (proven, gap below 1e-9), ``"gap_limit"`` (stopped at the
        requested ``mip_gap``) or ``"time_limit"`` (stopped by ``time_limit`` with a
        feasible schedule that may not be optimal). Never ``"optimal"`` unless proven.
    gap : float
        Proven relative optimality gap ``(cost - bound) / cost``; 0 when optimal.
    lower_bound : float
        The solver's proven lower bound on the optimal cost.
    """

    counts: IntArray
    coverage: IntArray
    requirements: IntArray
    overstaffing: IntArray
    total_cost: float
    status: str
    gap: float
    lower_bound: float

    def to_frame(self) -> pd.DataFrame:
        """One row per interval: ``required``, ``scheduled``, ``overstaffing``."""
        frame: pd.DataFrame = pd.DataFrame(
            {
                "required": self.requirements,
                "scheduled": self.coverage,
                "overstaffing": self.overstaffing,
            }
        )
        return frame


@validated(
    requirements=Array(low=0, high=MAX_AGENTS),
    patterns=_Patterns(),
    costs=Array(low=0, high=_MAX_COST, optional=True),
    time_limit=Interval(low=0, low_open=True, optional=True),
    mip_gap=Interval(low=0, high=1, optional=True),
    progress=Flag(),
)
def schedule_shifts(
    requirements: ArrayLike,
    patterns: ArrayLike | ShiftPatterns,
    *,
    costs: ArrayLike | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    progress: bool = False,
) -> ShiftSchedule:
    """Agents per shift pattern covering every interval's requirement at least cost.

    Solves the covering integer programme

    ``min sum_p cost_p x_p``  subject to  ``sum_p a_pt x_p >= r_t`` for every interval
    ``t``, ``x_p`` a whole number >= 0,

    with ``a_pt = 1`` when pattern ``p`` works interval ``t`` and ``r_t`` the agents
    required (rounded up). Without ``costs`` every shift costs the intervals it works,
    so the objective is total paid agent-intervals.

    Parameters
    ----------
    requirements : array-like
        Agents required per interval (e.g. ``agents_required(...).scheduled``); in
        [0, 1e8] (a hundred million, the queueing functions' largest staffing).
    patterns : array-like of 0/1, shape (n_patterns, n_intervals), or ShiftPatterns
        Candidate shifts, e.g. from :func:`shift_patterns`.
    costs : array-like, optional
        Cost of one agent on each pattern, in [0, 1e12] (so that the solver's objective
        stays far below the 1e20 it treats as infinite); default: intervals worked.
    time_limit : float, optional
        Seconds the solver may run. When it stops on the limit the best schedule found
        is returned with ``status="time_limit"`` and its proven ``gap``.
    mip_gap : float, optional
        Relative gap at which to stop; default 0 (prove optimality).
    progress : bool, default False
        Show the solver's elapsed seconds on standard error (towards ``time_limit``
        when given); the solver reports no finer progress.

    Returns
    -------
    ShiftSchedule

    Raises
    ------
    InvalidInputError
        If an interval needs agents that no pattern works.
    ConvergenceError
        If the time limit passes before any feasible schedule is found.

    References
    ----------
    G. B. Dantzig (1954), "A comment on Edie's 'Traffic delays at toll booths'",
    Journal of the Operations Research Society of America 2(3), 339-341.

    Examples
    --------
    >>> patterns = [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]]
    >>> s = schedule_shifts([2, 3, 1, 1], patterns, costs=[3, 2, 2])
    >>> s.counts, s.coverage, s.status, s.total_cost
    (array([2, 1, 1]), array([2, 3, 2, 1]), 'optimal', 10.0)
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    need = np.ceil(np.round(np.asarray(requirements, dtype=np.float64), 9))
    matrix = np.asarray(patterns, dtype=np.int64)
    uncovered = (need > 0) & (matrix.sum(axis=0) == 0)
    if uncovered.any():
        at = int(np.argmax(uncovered))
        fail(
            "schedule_shifts",
            "requirements",
            "must be 0 where no pattern works",
            need[at],
            position=at,
        )
    if costs is None:
        price = matrix.sum(axis=1).astype(np.float64)
    else:
        price = np.asarray(costs, dtype=np.float64)
        if price.shape != (matrix.shape[0],):
            fail(
                "schedule_shifts",
                "costs",
                f"must have one cost per pattern ({matrix.shape[0]})",
                described(f"length {price.size}"),
            )
    options: dict[str, float] = {"mip_rel_gap": 0.0 if mip_gap is None else float(mip_gap)}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    with progress_clock("schedule_shifts: HiGHS", enabled=progress, limit=time_limit):
        result = milp(
            price,
            integrality=np.ones(matrix.shape[0]),
            constraints=LinearConstraint(matrix.T.astype(np.float64), lb=need, ub=np.inf),
            bounds=Bounds(0, np.inf),
            options=options,
        )
    if result.x is None:
        if result.status == 1:
            raise ConvergenceError(
                f"schedule_shifts(): no feasible schedule found within time_limit={time_limit} s;"
                " raise the limit or offer fewer patterns"
            )
        raise ConvergenceError(f"schedule_shifts(): the solver failed: {result.message}")
    counts = np.round(result.x).astype(np.int64)
    coverage = matrix.T @ counts
    total = float(price @ counts)
    bound = getattr(result, "mip_dual_bound", None)
    bound = total if bound is None or not math.isfinite(bound) else min(float(bound), total)
    gap = 0.0 if total == 0 else max(0.0, (total - bound) / abs(total))
    status = _status(int(result.status), gap)
    return ShiftSchedule(
        counts=counts,
        coverage=coverage,
        requirements=need.astype(np.int64),
        overstaffing=(coverage - need).astype(np.int64),
        total_cost=total,
        status=status,
        gap=gap,
        lower_bound=bound,
    )


def _status(code: int, gap: float) -> str:
    """The solver's stop reason, reporting "optimal" only when optimality is proven."""
    if code == 1:
        return "time_limit"
    return "optimal" if gap <= _OPTIMAL_GAP else "gap_limit"
