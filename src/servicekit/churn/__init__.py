"""servicekit.churn: churn prediction, its evaluation, and retention-campaign targeting."""

from __future__ import annotations

from servicekit.churn.campaign import campaign_profit
from servicekit.churn.evaluation import (
    ChurnEvaluation,
    HosmerLemeshowTest,
    calibration_table,
    evaluate,
    hosmer_lemeshow,
    lift_table,
)

__all__ = [
    "ChurnEvaluation",
    "HosmerLemeshowTest",
    "calibration_table",
    "campaign_profit",
    "evaluate",
    "hosmer_lemeshow",
    "lift_table",
]
