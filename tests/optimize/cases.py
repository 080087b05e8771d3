"""Valid calls of servicekit.optimize's public functions, for tests/test_bad_input.py."""

from __future__ import annotations

from servicekit import optimize
from tests.support import Case

RATES = [0.05, 0.1, 0.2]

CASES = [
    Case(optimize.rate_per_second, lambda: {"calls": [90, 180], "per_minutes": 15}),
    Case(optimize.erlang_b, lambda: {"traffic": [1.0, 10.0], "agents": [2, 14]}),
    Case(
        optimize.erlang_c,
        lambda: {"arrival_rate": RATES, "handle_time": 180, "agents": 40, "answer_within": 20},
    ),
    Case(
        optimize.erlang_a,
        lambda: {
            "arrival_rate": RATES,
            "handle_time": 180,
            "agents": 30,
            "patience": 300,
            "answer_within": 20,
        },
    ),
    Case(
        optimize.agents_required,
        lambda: {
            "arrival_rate": RATES,
            "handle_time": 180,
            "service_level": 0.8,
            "answer_within": 20,
            "max_occupancy": 0.9,
            "target_asa": 30,
            "max_abandon": 0.05,
            "shrinkage": 0.3,
            "model": "erlang_a",
            "patience": 300,
        },
    ),
    Case(
        optimize.optimal_agents,
        lambda: {
            "arrival_rate": RATES,
            "handle_time": 180,
            "agent_cost": 30,
            "waiting_cost": 60,
            "abandon_cost": 2,
            "answer_within": 20,
            "shrinkage": 0.3,
            "model": "erlang_a",
            "patience": 300,
            "max_agents": 1000,
        },
    ),
    Case(optimize.scheduled_agents, lambda: {"agents": [10, 14], "shrinkage": 0.3}),
]
