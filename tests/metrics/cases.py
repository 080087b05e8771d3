"""Valid calls of servicekit.metrics' public functions, for tests/test_bad_input.py."""

from __future__ import annotations

from servicekit import metrics
from tests.support import Case

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
]
