"""Valid calls of servicekit.churn's public functions, for tests/test_bad_input.py."""

from __future__ import annotations

from servicekit import churn
from tests.support import Case

# --- evaluation and campaign profit (churn-eval) ---------------------------------------
_Y = [0, 1, 0, 1, 1, 0, 0, 1]
_P = [0.1, 0.8, 0.3, 0.6, 0.9, 0.2, 0.4, 0.7]

EVALUATION_CASES = [
    Case(churn.evaluate, lambda: {"y_true": list(_Y), "proba": list(_P), "threshold": 0.5}),
    Case(churn.lift_table, lambda: {"y_true": list(_Y), "proba": list(_P), "bins": 4}),
    Case(
        churn.calibration_table,
        lambda: {"y_true": list(_Y), "proba": list(_P), "bins": 2, "confidence": 0.9},
    ),
    Case(churn.hosmer_lemeshow, lambda: {"y_true": list(_Y), "proba": list(_P), "bins": 4}),
    Case(
        churn.campaign_profit,
        lambda: {
            "proba": list(_P),
            "customer_value": 200.0,
            "incentive_cost": 10.0,
            "contact_cost": 1.0,
            "acceptance_rate": 0.3,
            "y_true": list(_Y),
        },
    ),
]

CASES = [*EVALUATION_CASES]
