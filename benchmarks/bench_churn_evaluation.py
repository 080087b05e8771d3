"""Time servicekit.churn's evaluation against scikit-learn's metrics on the same scores.

Anchor: the sum of sklearn.metrics' roc_auc_score, average_precision_score, log_loss,
brier_score_loss, accuracy/precision/recall/f1 on the same arrays (what `evaluate`
replaces), measured in this run. Also prints lift_table, calibration_table and
campaign_profit times. Scores are drawn with ties (rounded to 3 decimals), as model
output on categorical data often has. Run once: python benchmarks/bench_churn_evaluation.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn import metrics as skm

from servicekit.churn import calibration_table, campaign_profit, evaluate, lift_table

N = 1_000_000


def timed(function: Callable[[], Any]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def sklearn_evaluate(y: np.ndarray, p: np.ndarray) -> None:
    predicted = p >= 0.5
    skm.roc_auc_score(y, p)
    skm.average_precision_score(y, p)
    skm.log_loss(y, p)
    skm.brier_score_loss(y, p)
    skm.accuracy_score(y, predicted)
    skm.precision_score(y, predicted, zero_division=0)
    skm.recall_score(y, predicted)
    skm.f1_score(y, predicted)


def main() -> None:
    rng = np.random.default_rng(0)
    p = np.round(rng.beta(2, 5, N), 3)
    y = rng.uniform(size=N) < p
    evaluate(y[:1000], p[:1000])  # warm imports
    sklearn_evaluate(y[:1000], p[:1000])

    ours = timed(lambda: evaluate(y, p))
    anchor = timed(lambda: sklearn_evaluate(y, p))
    result = evaluate(y, p)
    print(f"{N:,} customers, {np.unique(p).size} distinct probabilities")
    print(
        f"evaluate            {ours:7.3f} s   sklearn.metrics (8 calls) {anchor:7.3f} s   "
        f"ratio {ours / anchor:.2f}x"
    )
    print(
        f"  roc_auc diff {abs(result.roc_auc - skm.roc_auc_score(y, p)):.1e}, "
        f"pr_auc diff {abs(result.pr_auc - skm.average_precision_score(y, p)):.1e}"
    )
    print(f"lift_table          {timed(lambda: lift_table(y, p)):7.3f} s")
    print(f"calibration_table   {timed(lambda: calibration_table(y, p)):7.3f} s")
    economics = {
        "customer_value": 200,
        "incentive_cost": 10,
        "contact_cost": 1,
        "acceptance_rate": 0.3,
    }
    print(f"campaign_profit     {timed(lambda: campaign_profit(p, y_true=y, **economics)):7.3f} s")


if __name__ == "__main__":
    main()
