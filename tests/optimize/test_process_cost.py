from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError
from servicekit.optimize import Stage, cost_time_curve, minimize_process_cost, process_cost


def _stages() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["triage", "diagnosis", "resolution", "follow-up"],
            "cost_per_hour": [20.0, 30.0, 30.0, 10.0],
            "normal_hours": [2.0, 8.0, 12.0, 4.0],
            "min_hours": [1.0, 4.0, 6.0, 2.0],
            "crash_cost_per_hour": [50.0, 45.0, 60.0, 15.0],
        }
    )


def _cost(stages: pd.DataFrame, times: np.ndarray) -> float:
    return float(
        stages["cost_per_hour"] @ times
        + stages["crash_cost_per_hour"] @ (stages["normal_hours"].to_numpy() - times)
    )


def test_process_cost_is_the_source_formula() -> None:
    assert process_cost([40, 60, 80], [0.5, 2.0, 1.5]) == 260.0
    assert process_cost([1.0], [0.0]) == 0.0


def test_sequence_matches_a_grid_search() -> None:
    stages = _stages()
    plan = minimize_process_cost(stages, deadline=20.0)
    grids = [
        np.arange(lo, hi + 1e-9, 0.5)
        for lo, hi in zip(stages["min_hours"], stages["normal_hours"], strict=True)
    ]
    best = min(
        _cost(stages, np.array(t)) for t in itertools.product(*grids) if sum(t) <= 20.0 + 1e-9
    )
    assert plan.total_cost == pytest.approx(best)
    assert plan.end_to_end_hours == pytest.approx(20.0)
    assert plan.status == "optimal"
    assert list(plan.start_times) == pytest.approx([0.0, 2.0, 6.0, 18.0])
    assert plan.critical_path == ("triage", "diagnosis", "resolution", "follow-up")


def test_loose_deadline_keeps_normal_times_when_crashing_costs_more() -> None:
    plan = minimize_process_cost(_stages(), deadline=100.0)
    assert list(plan.times) == [2.0, 8.0, 12.0, 4.0]
    assert plan.total_cost == pytest.approx(20 * 2 + 30 * 8 + 30 * 12 + 10 * 4)


def test_dag_parallel_branches_and_critical_path() -> None:
    precedence = [
        ("triage", "resolution"),
        ("diagnosis", "resolution"),
        ("resolution", "follow-up"),
    ]
    plan = minimize_process_cost(_stages(), deadline=16.0, precedence=precedence)
    assert plan.end_to_end_hours <= 16.0 + 1e-9
    # triage (2 h) runs beside diagnosis, so it is not critical and never crashed.
    assert plan.times[0] == pytest.approx(2.0)
    assert "triage" not in plan.critical_path
    assert plan.critical_path[-2:] == ("resolution", "follow-up")
    frame = plan.to_frame()
    assert list(frame["critical"]) == [name in plan.critical_path for name in frame["name"]]


def test_infeasible_deadline_names_deadline_and_shortest_time() -> None:
    with pytest.raises(InvalidInputError, match=r"'deadline'.*13 hours") as info:
        minimize_process_cost(_stages(), deadline=12.0)
    assert info.value.argument == "deadline"


def test_precedence_errors() -> None:
    with pytest.raises(InvalidInputError, match="cycle"):
        minimize_process_cost(
            _stages(), deadline=50, precedence=[("triage", "diagnosis"), ("diagnosis", "triage")]
        )
    with pytest.raises(InvalidInputError, match="'precedence'"):
        minimize_process_cost(_stages(), deadline=50, precedence=[("triage", "nowhere")])


def test_stage_records_and_defaults() -> None:
    plan = minimize_process_cost([Stage("a", 10, 2.0), Stage("b", 5, 1.0, 0.5, 20)], deadline=2.5)
    assert list(plan.times) == pytest.approx([2.0, 0.5])


def test_cost_time_curve_is_convex_and_decreasing() -> None:
    curve = cost_time_curve(_stages(), deadlines=np.arange(12.0, 28.0, 1.0))
    assert curve["status"].iloc[0] == "infeasible"
    feasible = curve[curve["status"] == "optimal"]
    costs = feasible["total_cost"].to_numpy()
    assert np.all(np.diff(costs) <= 1e-9)
    assert np.all(np.diff(costs, 2) >= -1e-9)
