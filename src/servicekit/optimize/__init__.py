"""servicekit.optimize: contact-centre staffing and process-cost minimisation.

Queueing (``erlang``): :func:`erlang_b`, :func:`erlang_c` and :func:`erlang_a` return
exact steady-state measures as :class:`QueueMetrics`, vectorised over intervals
(rates per second, times in seconds; :func:`rate_per_second` converts calls per
interval). Staffing (``staffing``): :func:`agents_required` finds the fewest agents
meeting service-level, speed-of-answer, occupancy and abandonment targets, and
:func:`optimal_agents` the count minimising agent plus waiting cost, both as a
:class:`StaffingPlan`. Scheduling (``scheduling``): :func:`shift_patterns` and
:func:`schedule_shifts` cover the requirements with shifts (an integer programme).

Process cost (``process_cost``): :func:`process_cost` is ``C = sum_i c_i p_i``;
:func:`minimize_process_cost` and :func:`cost_time_curve` solve the time-cost linear
programme over a ticket's stages (:class:`Stage`, :class:`ProcessPlan`);
:func:`evaluate_process` and :func:`compare_plans` (``evaluation``) read plans as
queueing networks, optionally simulated with Ciw (:func:`simulate_queue`).
"""

from __future__ import annotations

from servicekit.optimize.erlang import QueueMetrics, erlang_a, erlang_b, erlang_c, rate_per_second
from servicekit.optimize.evaluation import compare_plans, evaluate_process
from servicekit.optimize.process_cost import (
    ProcessPlan,
    Stage,
    cost_time_curve,
    minimize_process_cost,
    process_cost,
)
from servicekit.optimize.scheduling import (
    ShiftPatterns,
    ShiftSchedule,
    schedule_shifts,
    shift_patterns,
)
from servicekit.optimize.simulation import simulate_queue
from servicekit.optimize.staffing import (
    StaffingPlan,
    agents_required,
    optimal_agents,
    scheduled_agents,
)

__all__ = [
    "ProcessPlan",
    "QueueMetrics",
    "ShiftPatterns",
    "ShiftSchedule",
    "StaffingPlan",
    "Stage",
    "agents_required",
    "compare_plans",
    "cost_time_curve",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "evaluate_process",
    "minimize_process_cost",
    "optimal_agents",
    "process_cost",
    "rate_per_second",
    "schedule_shifts",
    "scheduled_agents",
    "shift_patterns",
    "simulate_queue",
]
