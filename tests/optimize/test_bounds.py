"""The documented bounds of the queueing, process and scheduling functions.

Beyond them a call would overflow float64, loop without end (``n + 1 == n`` at 1e308
agents) or hand the MILP solver numbers it treats as infinite; each is refused with
``InvalidInputError`` naming the argument instead.
"""

from __future__ import annotations

import numpy as np
import pytest

from servicekit.errors import InvalidInputError
from servicekit.optimize import (
    agents_required,
    erlang_a,
    erlang_b,
    erlang_c,
    evaluate_process,
    optimal_agents,
    process_cost,
    schedule_shifts,
    scheduled_agents,
    shift_patterns,
)
from servicekit.optimize.erlang import MAX_AGENTS, MAX_HANDLE_TIME, MAX_TRAFFIC
from servicekit.optimize.process_cost import Stage


def _refused(argument: str, call: object) -> InvalidInputError:
    assert callable(call)
    with pytest.raises(InvalidInputError) as info:
        call()
    assert info.value.argument == argument, str(info.value)
    return info.value


def test_largest_traffic_is_accepted_and_exact() -> None:
    rate = MAX_TRAFFIC / 180.0
    plan = agents_required(rate, 180, service_level=0.8, answer_within=20)
    assert MAX_TRAFFIC < int(plan.agents) < MAX_TRAFFIC + 100
    assert float(plan.service_level) >= 0.8
    fewer = erlang_c(rate, 180, int(plan.agents) - 1, answer_within=20)
    assert float(fewer.service_level) < 0.8


@pytest.mark.parametrize("rate", [MAX_TRAFFIC / 180.0 * 1.01, 1e308])
def test_traffic_above_the_maximum_names_arrival_rate(rate: float) -> None:
    calls = [
        lambda: erlang_c([0.1, rate], 180, 40, answer_within=20),
        lambda: erlang_a(rate, 180, 40, patience=300, answer_within=20),
        lambda: agents_required(rate, 180),
        lambda: optimal_agents(rate, 180, agent_cost=30, waiting_cost=60),
    ]
    for call in calls:
        error = _refused("arrival_rate", call)
        assert "1e+07 Erlangs" in str(error)
    assert "position 1" in str(_refused("arrival_rate", calls[0]))


def test_handle_time_and_agents_have_a_maximum() -> None:
    _refused("handle_time", lambda: erlang_c(0.1, MAX_HANDLE_TIME * 2, 40, answer_within=20))
    _refused("agents", lambda: erlang_c(0.1, 180, MAX_AGENTS + 1, answer_within=20))
    _refused("agents", lambda: scheduled_agents(1e308, shrinkage=0.3))
    _refused("traffic", lambda: erlang_b(MAX_TRAFFIC * 2, 10))
    _refused(
        "max_agents",
        lambda: optimal_agents(0.1, 180, agent_cost=1, waiting_cost=1, max_agents=MAX_AGENTS + 1),
    )


def test_most_agents_far_above_the_traffic_block_nobody() -> None:
    # Many intervals take the vectorised recursion, which stops once every 1/B is inf.
    blocked = erlang_b(np.full(20, 1.0), MAX_AGENTS)
    assert blocked.tolist() == [0.0] * 20
    level = erlang_c(np.full(20, 0.1), 180, MAX_AGENTS, answer_within=20).service_level
    assert level.tolist() == [1.0] * 20


def test_shrinkage_next_to_one_cannot_overflow_the_schedule() -> None:
    _refused("shrinkage", lambda: scheduled_agents([10, MAX_AGENTS], shrinkage=[0.3, 1 - 1e-16]))
    assert int(scheduled_agents(MAX_AGENTS, shrinkage=0.5)) == 2 * MAX_AGENTS


def test_process_cost_overflow_names_the_larger_factor() -> None:
    assert "position 0" in str(_refused("costs", lambda: process_cost([1e308, 1.0], [2.0, 1.0])))
    _refused("times", lambda: process_cost([2.0, 3.0], [1e200, 1e308]))
    assert process_cost([1e150, 1.0], [1e150, 1.0]) == pytest.approx(1e300)


def test_evaluate_process_bounds() -> None:
    stages = [Stage("triage", 20, 0.25), Stage("fix", 30, 2.0)]
    _refused("arrival_rate", lambda: evaluate_process(stages, arrival_rate=1e308, servers=2))
    _refused("servers", lambda: evaluate_process(stages, arrival_rate=6, servers=[2, 1e9]))
    _refused("times", lambda: evaluate_process(stages, arrival_rate=6, servers=2, times=[1, 1e5]))


def test_shift_lengths_beyond_the_day_make_no_pattern() -> None:
    both = shift_patterns(8, lengths=[4, 1e308])
    assert both.matrix.shape == shift_patterns(8, lengths=4).matrix.shape
    _refused("lengths", lambda: shift_patterns(8, lengths=1e308))


def test_schedule_shifts_bounds() -> None:
    patterns = [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]]
    _refused("requirements", lambda: schedule_shifts([1e308, 1, 1, 1], patterns))
    _refused("costs", lambda: schedule_shifts([2, 3, 1, 1], patterns, costs=[1e13, 2, 2]))
    big = schedule_shifts([MAX_AGENTS, 1, 1, 1], patterns, costs=[1e12, 2, 2])
    assert big.status == "optimal"
    assert big.counts.tolist() == [MAX_AGENTS, 0, 1]
