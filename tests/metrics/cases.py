"""Valid calls of servicekit.metrics' public functions, for tests/test_bad_input.py."""

from __future__ import annotations

import pandas as pd

from servicekit import metrics
from tests.support import Case


def _events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticket": ["A", "A", "A", "B", "B"],
            "activity": ["open", "reply", "solve", "open", "reply"],
            "at": [
                "2024-05-02 09:00",
                "2024-05-02 09:30",
                "2024-05-02 11:00",
                "2024-05-03 10:00",
                "2024-05-03 12:00",
            ],
            "team": ["x", "x", "x", "y", "y"],
        }
    )


def _tickets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "team": ["x", "x", "y"],
            "created": pd.to_datetime(["2024-01-02 09:00", "2024-01-02 10:00", "2024-01-03 09:00"]),
            "first_response": pd.to_datetime(["2024-01-02 09:10", None, "2024-01-03 09:05"]),
            "resolved": pd.to_datetime(["2024-01-02 12:00", None, "2024-01-04 09:00"]),
            "rating": [5, None, 3],
        }
    )


_CREATED = ["2024-01-05 16:00", "2024-01-06 10:00"]
_LATER = ["2024-01-08 10:00", "2024-01-06 12:00"]

WAITS = [5.0, 12.0, 30.0, 8.0, 40.0]
ANSWERED = [True, True, True, False, True]

CASES = [
    Case(metrics.csat, lambda: {"scores": [5, 4, 3, 5, 1], "min_n": 1}),
    Case(metrics.wilson_interval, lambda: {"successes": 3, "n": 10}),
    Case(metrics.Proportion.from_counts, lambda: {"successes": 3, "n": 10}),
    Case(metrics.nps, lambda: {"scores": [10, 9, 7, 3, 0], "min_n": 1}),
    Case(metrics.ces, lambda: {"scores": [7, 5, 3, 1, 6], "agree_min": 5, "min_n": 1}),
    Case(metrics.resolution_rate, lambda: {"resolved": [True, False, True], "min_n": 1}),
    Case(
        metrics.first_contact_resolution,
        lambda: {"contacts_per_issue": [1, 2, 1], "resolved": [True, True, False], "min_n": 1},
    ),
    Case(
        metrics.reopen_rate,
        lambda: {"reopened": [False, True, False], "resolved": [True, True, False], "min_n": 1},
    ),
    Case(metrics.escalation_rate, lambda: {"escalated": [True, False, False], "min_n": 1}),
    Case(metrics.sla_breach_rate, lambda: {"breached": [False, False, True], "min_n": 1}),
    Case(
        metrics.service_level,
        lambda: {
            "wait_seconds": WAITS,
            "answered": ANSWERED,
            "answer_within": 20,
            "short_abandon_seconds": 3,
            "min_n": 1,
        },
    ),
    Case(
        metrics.abandonment_rate,
        lambda: {
            "wait_seconds": WAITS,
            "answered": ANSWERED,
            "short_abandon_seconds": 3,
            "min_n": 1,
        },
    ),
    Case(
        metrics.average_speed_of_answer,
        lambda: {"wait_seconds": WAITS, "answered": ANSWERED},
    ),
    Case(
        metrics.occupancy,
        lambda: {"handle_seconds": [1800.0, 3000.0], "available_seconds": [3600.0, 3600.0]},
    ),
    Case(
        metrics.cx_score,
        lambda: {"parts": {"csat": 90, "resolution": 80}, "weights": {"csat": 2, "resolution": 1}},
    ),
    Case(metrics.duration_summary, lambda: {"durations": [30.0, 60.0, 45.0], "min_n": 1}),
    Case(
        metrics.average_handle_time,
        lambda: {
            "talk": [240.0, 300.0],
            "hold": [0.0, 60.0],
            "after_call_work": [30.0, 15.0],
            "min_n": 1,
        },
    ),
    Case(
        metrics.business_seconds,
        lambda: {"start": _CREATED, "end": _LATER, "calendar": metrics.BusinessCalendar()},
    ),
    Case(
        metrics.response_times,
        lambda: {"created": _CREATED, "responded": _LATER, "calendar": metrics.BusinessCalendar()},
    ),
    Case(
        metrics.combine_date_time,
        lambda: {
            "dates": ["2010-08-02", "2010-08-02"],
            "times": ["23:59:29", "0:00:57"],
            "not_before": ["2010-08-02 23:59:00", "2010-08-02 23:59:29"],
        },
    ),
    Case(
        metrics.backlog,
        lambda: {"created": _CREATED, "resolved": [None, _LATER[1]], "at": ["2024-01-07"]},
    ),
    Case(
        metrics.tickets_from_events,
        lambda: {
            "events": _events(),
            "case": "ticket",
            "activity": "activity",
            "timestamp": "at",
            "response_activities": ["reply"],
            "resolve_activities": "solve",
            "attributes": "team",
        },
    ),
    Case(
        metrics.kpi_report,
        lambda: {
            "tickets": _tickets(),
            "by": "team",
            "satisfaction": "rating",
            "calendar": metrics.BusinessCalendar(),
            "min_n": 1,
        },
    ),
]
