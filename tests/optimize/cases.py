"""Valid calls of servicekit.optimize's public functions, for tests/test_bad_input.py."""

from __future__ import annotations

import pandas as pd

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


def _stages() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["triage", "fix", "check"],
            "cost_per_hour": [20.0, 30.0, 10.0],
            "normal_hours": [0.5, 4.0, 1.0],
            "min_hours": [0.25, 2.0, 0.5],
            "crash_cost_per_hour": [40.0, 45.0, 15.0],
        }
    )


def _plan() -> pd.DataFrame:
    return _stages().assign(servers=[2, 30, 8])


CASES += [
    Case(optimize.process_cost, lambda: {"costs": [20.0, 30.0], "times": [0.5, 4.0]}),
    Case(
        optimize.minimize_process_cost,
        lambda: {"stages": _stages(), "deadline": 5.0, "precedence": [("triage", "fix")]},
    ),
    Case(optimize.cost_time_curve, lambda: {"stages": _stages(), "deadlines": [4.0, 5.0]}),
    Case(
        optimize.evaluate_process,
        lambda: {
            "stages": _stages(),
            "arrival_rate": 6.0,
            "servers": [2, 30, 8],
            "times": [0.5, 4.0, 1.0],
        },
    ),
    Case(
        optimize.compare_plans,
        lambda: {
            "plans": {"base": _plan()},
            "arrival_rate": 6.0,
            "simulate": False,
            "tickets": 200,
            "confidence": 0.9,
            "random_state": 1,
        },
    ),
    Case(
        optimize.shift_patterns,
        lambda: {
            "n_intervals": 16,
            "lengths": [6, 8],
            "start_every": 2,
            "earliest_start": 0,
            "latest_end": 16,
            "break_length": 1,
            "break_after": 2,
            "break_before_end": 2,
        },
    ),
    Case(
        optimize.schedule_shifts,
        lambda: {
            "requirements": [1, 2, 2, 1],
            "patterns": [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]],
            "costs": [2.0, 2.0, 2.0],
            "time_limit": 10.0,
            "mip_gap": 0.0,
        },
    ),
    Case(
        optimize.simulate_queue,
        lambda: {
            "arrival_rate": 0.05,
            "handle_time": 60,
            "agents": 4,
            "answer_within": 20,
            "patience": 120,
            "customers": 100,
            "batches": 2,
            "warmup": 0.1,
            "confidence": 0.9,
            "random_state": 0,
        },
    ),
]
