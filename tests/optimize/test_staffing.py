from __future__ import annotations

import numpy as np
import pytest

from servicekit.errors import InvalidInputError
from servicekit.optimize import (
    StaffingPlan,
    agents_required,
    erlang_a,
    erlang_c,
    optimal_agents,
    rate_per_second,
    scheduled_agents,
)

HALF_HOUR_100 = rate_per_second(100)


def test_issue_figures_100_calls() -> None:
    plan = agents_required(HALF_HOUR_100, 180, service_level=0.8, answer_within=20)
    assert isinstance(plan, StaffingPlan)
    assert int(plan.agents) == 14
    assert float(plan.service_level) == pytest.approx(0.8884, abs=5e-5)
    assert float(plan.average_speed_of_answer) == pytest.approx(7.84, abs=5e-3)
    assert float(plan.occupancy) == pytest.approx(0.714, abs=5e-4)


def test_issue_figures_max_occupancy_and_shrinkage() -> None:
    plan = agents_required(HALF_HOUR_100, 180, max_occupancy=0.85, shrinkage=0.3)
    assert int(plan.agents) == 14
    assert int(plan.scheduled) == 20


def test_issue_figures_360_calls() -> None:
    plan = agents_required(rate_per_second(360), 240, service_level=0.8, answer_within=20)
    assert int(plan.agents) == 54


def test_smallest_count_meets_and_one_fewer_does_not() -> None:
    rates = np.linspace(0.005, 0.6, 40)
    plan = agents_required(rates, 200, service_level=0.9, answer_within=15, target_asa=10)
    n = plan.agents
    at = erlang_c(rates, 200, n, answer_within=15)
    below = erlang_c(rates, 200, n - 1, answer_within=15)
    assert np.all((at.service_level >= 0.9) & (at.average_speed_of_answer <= 10))
    assert np.all((below.service_level < 0.9) | (below.average_speed_of_answer > 10))


def test_erlang_a_search_against_a_scan() -> None:
    rates = np.array([0.0, 0.01, 0.1, 0.3, 2.0])
    plan = agents_required(
        rates, 180, service_level=0.85, answer_within=30, model="erlang_a", patience=240
    )
    for rate, count in zip(rates, plan.agents, strict=True):
        scan = np.arange(0, 600)
        m = erlang_a(rate, 180, scan, patience=240, answer_within=30)
        assert count == scan[np.argmax(m.service_level >= 0.85)]


def test_max_abandon_target() -> None:
    plan = agents_required(
        HALF_HOUR_100, 180, service_level=None, max_abandon=0.01, model="erlang_a", patience=300
    )
    n = int(plan.agents)
    assert float(plan.prob_abandon) <= 0.01
    assert (
        float(erlang_a(HALF_HOUR_100, 180, n - 1, patience=300, answer_within=20).prob_abandon)
        > 0.01
    )


def test_targets_broadcast_per_interval() -> None:
    plan = agents_required(0.1, 180, service_level=[0.7, 0.8, 0.95], shrinkage=[0, 0.2, 0.4])
    assert plan.agents.shape == (3,)
    assert np.all(np.diff(plan.agents) > 0)
    assert list(plan.scheduled) == list(scheduled_agents(plan.agents, shrinkage=[0, 0.2, 0.4]))
    frame = plan.to_frame()
    assert list(frame.columns[:4]) == ["traffic", "agents", "scheduled", "shrinkage"]
    assert len(frame) == 3


def test_no_calls_need_no_agents() -> None:
    assert list(agents_required([0.0, 0.0], 180).agents) == [0, 0]


def test_scheduled_agents_guards_rounding() -> None:
    assert int(scheduled_agents(14, shrinkage=0.3)) == 20
    assert int(scheduled_agents(7, shrinkage=0.3)) == 10
    assert int(scheduled_agents(15, shrinkage=0.3)) == 22


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"service_level": None}, "service_level"),
        ({"answer_within": None}, "answer_within"),
        ({"max_abandon": 0.05}, "max_abandon"),
        ({"patience": 300}, "patience"),
        ({"model": "erlang_a"}, "patience"),
        ({"service_level": [0.8, 0.9]}, "service_level"),
    ],
)
def test_inconsistent_targets_name_the_argument(kwargs: dict[str, object], argument: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        agents_required([0.1, 0.2, 0.3], 180, **kwargs)  # type: ignore[arg-type]
    assert info.value.argument == argument


def test_optimal_agents_is_the_cost_minimum_of_a_scan() -> None:
    rates = np.array([0.02, 0.2, 0.5])
    plan = optimal_agents(rates, 240, agent_cost=30, waiting_cost=60)
    assert plan.cost_per_hour is not None
    for rate, count, cost in zip(rates, plan.agents, plan.cost_per_hour, strict=True):
        scan = np.arange(int(rate * 240) + 1, int(rate * 240) + 80)
        m = erlang_c(rate, 240, scan, answer_within=20)
        costs = 30 * scan + 60 * rate * m.mean_wait
        assert count == scan[np.argmin(costs)]
        assert cost == pytest.approx(costs.min())


def test_optimal_agents_erlang_a_with_abandon_cost() -> None:
    cheap = optimal_agents(0.2, 240, agent_cost=30, waiting_cost=10, model="erlang_a", patience=120)
    dear = optimal_agents(
        0.2, 240, agent_cost=30, waiting_cost=10, abandon_cost=20, model="erlang_a", patience=120
    )
    assert int(dear.agents) > int(cheap.agents)
    scan = np.arange(0, 120)
    m = erlang_a(0.2, 240, scan, patience=120, answer_within=20)
    costs = 30 * scan + 10 * 0.2 * m.mean_wait + 20 * 3600 * 0.2 * m.prob_abandon
    assert int(dear.agents) == scan[np.argmin(costs)]


def test_optimal_agents_patience_rules() -> None:
    with pytest.raises(InvalidInputError, match="'patience'"):
        optimal_agents(0.2, 240, agent_cost=30, waiting_cost=60, model="erlang_a")
    with pytest.raises(InvalidInputError, match="'patience'"):
        optimal_agents(0.2, 240, agent_cost=30, waiting_cost=60, patience=60)
