"""servicekit.optimize: contact-centre staffing and process-cost minimisation.

Queueing (``erlang``): :func:`erlang_b`, :func:`erlang_c` and :func:`erlang_a` return
exact steady-state measures as :class:`QueueMetrics`, vectorised over intervals
(rates per second, times in seconds; :func:`rate_per_second` converts calls per
interval). Staffing (``staffing``): :func:`agents_required` finds the fewest agents
meeting service-level, speed-of-answer, occupancy and abandonment targets, and
:func:`optimal_agents` the count minimising agent plus waiting cost, both as a
:class:`StaffingPlan`.
"""

from __future__ import annotations

from servicekit.optimize.erlang import QueueMetrics, erlang_a, erlang_b, erlang_c, rate_per_second
from servicekit.optimize.staffing import (
    StaffingPlan,
    agents_required,
    optimal_agents,
    scheduled_agents,
)

__all__ = [
    "QueueMetrics",
    "StaffingPlan",
    "agents_required",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "optimal_agents",
    "rate_per_second",
    "scheduled_agents",
]
