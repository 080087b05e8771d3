"""servicekit.churn: churn prediction, its evaluation, and retention-campaign targeting.

- :func:`fit_logistic` / :class:`LogisticModel`: logistic regression on arrays by
  Newton/IRLS, with Wald standard errors, separation detection and JSON persistence.
- :func:`fit_churn_model` / :class:`ChurnModel`: the same on a customer DataFrame with
  numeric and categorical columns, blanks, risk drivers; :func:`cross_validate`.
- :class:`ChurnClassifier`: a scikit-learn estimator over :func:`fit_logistic`.
- :func:`evaluate`, :func:`lift_table`, :func:`calibration_table`,
  :func:`hosmer_lemeshow`, :func:`campaign_profit`: evaluation and campaign targeting.
"""

from __future__ import annotations

from servicekit.churn.campaign import campaign_profit
from servicekit.churn.cross_validation import cross_validate
from servicekit.churn.estimator import ChurnClassifier
from servicekit.churn.evaluation import (
    ChurnEvaluation,
    HosmerLemeshowTest,
    calibration_table,
    evaluate,
    hosmer_lemeshow,
    lift_table,
)
from servicekit.churn.logistic import LogisticModel, fit_logistic
from servicekit.churn.model import ChurnModel, fit_churn_model
from servicekit.errors import UnseenCategoryWarning

__all__ = [
    "ChurnClassifier",
    "ChurnEvaluation",
    "ChurnModel",
    "HosmerLemeshowTest",
    "LogisticModel",
    "UnseenCategoryWarning",
    "calibration_table",
    "campaign_profit",
    "cross_validate",
    "evaluate",
    "fit_churn_model",
    "fit_logistic",
    "hosmer_lemeshow",
    "lift_table",
]
