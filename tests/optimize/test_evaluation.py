from __future__ import annotations

import builtins
import math

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError, OptionalDependencyError
from servicekit.optimize import (
    Stage,
    compare_plans,
    erlang_a,
    erlang_c,
    evaluate_process,
    minimize_process_cost,
    simulate_queue,
)

STAGES = [Stage("triage", 20, 0.25), Stage("fix", 30, 2.0, 1.5, 40), Stage("check", 10, 0.5)]


def test_evaluate_process_uses_erlang_c_per_stage() -> None:
    table = evaluate_process(STAGES, arrival_rate=6, servers=[2, 14, 4])
    fix = erlang_c(6.0, 2.0, 14, answer_within=0)
    row = table.set_index("stage").loc["fix"]
    assert row["prob_wait"] == pytest.approx(float(fix.prob_wait))
    assert row["time_in_stage_hours"] == pytest.approx(float(fix.average_speed_of_answer) + 2.0)
    assert table["stage"].iloc[-1] == "end_to_end"
    assert table["time_in_stage_hours"].iloc[-1] == pytest.approx(
        table["time_in_stage_hours"].iloc[:-1].sum()
    )
    assert table.set_index("stage").loc["fix", "bottleneck"]


def test_unstable_stage_is_reported() -> None:
    table = evaluate_process(STAGES, arrival_rate=6, servers=[1, 14, 4]).set_index("stage")
    assert not table.loc["triage", "stable"]
    assert math.isinf(table.loc["end_to_end", "time_in_stage_hours"])
    assert table.loc["triage", "bottleneck"]


def test_evaluate_a_process_plan_times() -> None:
    plan = minimize_process_cost(STAGES, deadline=2.5)
    table = evaluate_process(STAGES, arrival_rate=6, servers=12, times=plan.times)
    assert list(table["hours"].iloc[:-1]) == pytest.approx(list(plan.times))
    with pytest.raises(InvalidInputError, match="'servers'"):
        evaluate_process(STAGES, arrival_rate=6, servers=[1, 2])


def _plan(servers: list[int], hours: list[float] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame([s.to_dict() for s in STAGES]).assign(servers=servers)
    return frame if hours is None else frame.assign(hours=hours)


def test_compare_plans_costs_and_bottlenecks() -> None:
    table = compare_plans(
        {"base": _plan([2, 14, 4]), "crashed": _plan([2, 12, 4], [0.25, 1.5, 0.5])}, arrival_rate=6
    )
    assert table.loc["base", "cost_per_ticket"] == pytest.approx(20 * 0.25 + 30 * 2 + 10 * 0.5)
    assert table.loc["crashed", "cost_per_ticket"] == pytest.approx(
        20 * 0.25 + 30 * 1.5 + 40 * 0.5 + 10 * 0.5
    )
    assert table.loc["base", "bottleneck"] == "fix"
    with pytest.raises(InvalidInputError, match="'plans'"):
        compare_plans({"bad": _plan([2, 14, 4], [0.25, 3.0, 0.5])}, arrival_rate=6)
    with pytest.raises(InvalidInputError, match="'plans'"):
        compare_plans({"bad": pd.DataFrame([s.to_dict() for s in STAGES])}, arrival_rate=6)


def test_compare_plans_simulation_needs_ciw(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_ciw(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "ciw":
            raise ImportError("No module named 'ciw'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ciw)
    with pytest.raises(OptionalDependencyError, match=r"servicekit\[test\]"):
        compare_plans({"base": _plan([2, 14, 4])}, arrival_rate=6, simulate=True)


def test_compare_plans_simulated_interval_covers_jackson() -> None:
    pytest.importorskip("ciw")
    table = compare_plans(
        {"base": _plan([2, 14, 4]), "short": _plan([1, 14, 4])},
        arrival_rate=6,
        simulate=True,
        tickets=3000,
        confidence=0.99,
    )
    base = table.loc["base"]
    assert base["simulated_low"] <= base["end_to_end_hours"] <= base["simulated_high"]
    assert math.isinf(table.loc["short", "simulated_hours"])


@pytest.mark.parametrize("patience", [None, 300.0])
def test_ciw_simulation_agrees_with_erlang(patience: float | None) -> None:
    pytest.importorskip("ciw")
    rate, handle, agents = 1 / 18, 180.0, 14
    sim = simulate_queue(
        rate, handle, agents, answer_within=20, patience=patience, customers=8000, confidence=0.99
    )
    if patience is None:
        exact = erlang_c(rate, handle, agents, answer_within=20)
    else:
        exact = erlang_a(rate, handle, agents, patience=patience, answer_within=20)
    for measure in ("prob_wait", "service_level", "average_speed_of_answer", "prob_abandon"):
        value = float(getattr(exact, measure))
        low, high = sim.loc[measure, "ci_low"], sim.loc[measure, "ci_high"]
        if patience is None and measure == "prob_abandon":
            assert (low, high) == (0.0, 0.0)
            continue
        assert low <= value <= high, (measure, value, low, high)
    assert np.isfinite(sim["estimate"]).all()
