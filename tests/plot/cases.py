"""Valid calls of servicekit.plot's functions, for tests/test_bad_input.py (with matplotlib)."""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from servicekit import plot
from servicekit.churn import calibration_table, lift_table
from servicekit.classify import evaluate_classifier, fit_question_classifier
from servicekit.forecast import ArrivalForecast
from servicekit.insights import segment_customers
from servicekit.metrics import Proportion, kpi_report
from servicekit.optimize import Stage, agents_required, cost_time_curve, schedule_shifts
from tests.support import Case

_Y = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0]
_P = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05]


@functools.cache
def _weekly() -> pd.DataFrame:
    from servicekit.datasets import make_tickets

    tickets = make_tickets(300, days=14, random_state=0)
    week = tickets["created"].dt.to_period("W").dt.start_time
    return kpi_report(tickets.assign(week=week), by="week", satisfaction="csat", min_n=1)


@functools.cache
def _staffing() -> tuple[Any, Any]:
    plan = agents_required([0.01, 0.02, 0.015], 240)
    schedule = schedule_shifts(plan.scheduled, [[1, 1, 0], [0, 1, 1]])
    return plan, schedule


@functools.cache
def _report() -> Any:
    clf = fit_question_classifier(
        ["lost card", "stolen card", "reset PIN", "new PIN"], ["card", "card", "pin", "pin"]
    )
    return evaluate_classifier(clf, ["card stolen", "PIN new", "lost PIN"], ["card", "pin", "pin"])


def _forecast() -> ArrivalForecast:
    index = pd.date_range("2024-04-15 09:00", periods=3, freq="h")
    mean = pd.Series([10.0, 12.0, 9.0], index=index)
    return ArrivalForecast(mean, "profile", 0.9, pd.Series(0.0, index=index), 50.0, 0.0)


CASES = [
    Case(plot.plot_kpi_trend, lambda: {"report": _weekly(), "kpi": "csat"}),
    Case(
        plot.plot_kpi_trend,
        lambda: {"report": {"a": Proportion.from_counts(3, 4), "b": Proportion.from_counts(1, 4)}},
    ),
    Case(plot.plot_lift, lambda: {"table": lift_table(_Y, _P, bins=5)}),
    Case(plot.plot_calibration, lambda: {"table": calibration_table(_Y, _P, bins=3)}),
    Case(
        plot.plot_staffing,
        lambda: {
            "plan": _staffing()[0],
            "schedule": _staffing()[1],
            "times": pd.date_range("2024-04-15 08:00", periods=3, freq="30min"),
        },
    ),
    Case(
        plot.plot_cost_time,
        lambda: {"curve": cost_time_curve([Stage("a", 20, 2, 1, 50)], deadlines=[0.5, 1.5, 2.0])},
    ),
    Case(plot.plot_confusion, lambda: {"report": _report(), "normalize": True}),
    Case(
        plot.plot_forecast,
        lambda: {
            "forecast": _forecast(),
            "actuals": pd.Series([9, 13, 8], index=_forecast().mean.index),
            "level": 0.8,
        },
    ),
    Case(
        plot.plot_segments,
        lambda: {
            "segmentation": segment_customers(
                pd.DataFrame({"visits": [1, 2, 1, 30, 32, 31], "spend": [10, 12, 11, 30, 31, 30]}),
                k=2,
                transform="none",
                n_boot=0,
            )
        },
    ),
]
