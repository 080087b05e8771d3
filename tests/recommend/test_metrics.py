from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from servicekit.errors import InvalidInputError
from servicekit.recommend import (
    TopK,
    average_precision_at_k,
    catalog_coverage,
    ndcg_at_k,
    precision_at_k,
    ranking_report,
    recall_at_k,
)

RECOMMENDED = [["a", "b", "c", "d"], ["x", "y", "z", "w"], ["p", "q"]]
RELEVANT = [{"b", "d", "e"}, set(), {"p"}]


def test_hand_computed_values() -> None:
    # user 0: hits at ranks 2 and 4 of k=4, 3 relevant; user 1 excluded; user 2: hit at rank 1.
    assert precision_at_k(RECOMMENDED, RELEVANT, k=4) == pytest.approx((2 / 4 + 1 / 4) / 2)
    assert recall_at_k(RECOMMENDED, RELEVANT, k=4) == pytest.approx((2 / 3 + 1) / 2)
    dcg0 = 1 / math.log2(3) + 1 / math.log2(5)
    idcg0 = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(RECOMMENDED, RELEVANT, k=4) == pytest.approx((dcg0 / idcg0 + 1) / 2)
    ap0 = (1 / 2 + 2 / 4) / 3
    assert average_precision_at_k(RECOMMENDED, RELEVANT, k=4) == pytest.approx((ap0 + 1) / 2)


def test_precision_divides_by_k_not_by_list_length() -> None:
    # The common pitfall: one right item in a list of one is precision 1/k, not 1.
    assert precision_at_k([["a"]], [{"a"}], k=10) == pytest.approx(0.1)


def test_per_user_values_mark_excluded_users_nan() -> None:
    values = recall_at_k(RECOMMENDED, RELEVANT, k=4, per_user=True)
    assert np.isnan(values[1])
    assert values[2] == 1.0


def test_report_counts_users_and_coverage() -> None:
    report = ranking_report(RECOMMENDED, RELEVANT, k=2, catalog=20)
    assert report.loc[0, "users_scored"] == 2
    assert report.loc[0, "users_excluded"] == 1
    assert report.loc[0, "coverage"] == pytest.approx(6 / 20)
    assert report.loc[0, "precision"] == pytest.approx(precision_at_k(RECOMMENDED, RELEVANT, k=2))
    assert catalog_coverage(RECOMMENDED, 100, k=1) == pytest.approx(0.03)


def test_topk_and_matrices_are_accepted() -> None:
    top = TopK(np.array([[1, 0], [2, -1]]), np.array([[1.0, 0.5], [1.0, np.nan]]))
    relevant = sp.csr_matrix([[0, 1, 0], [1, 0, 0]])
    assert precision_at_k(top, relevant, k=2) == pytest.approx(0.25)


def test_bad_inputs() -> None:
    with pytest.raises(InvalidInputError, match="'recommended' must not repeat"):
        precision_at_k([["a", "a"]], [{"a"}])
    with pytest.raises(InvalidInputError, match="'relevant' must have one list per user"):
        precision_at_k([["a"]], [{"a"}, {"b"}])
    with pytest.raises(InvalidInputError, match="'relevant' must give at least one user"):
        recall_at_k([["a"]], [set()])
    with pytest.raises(InvalidInputError, match="'catalog' must be at least"):
        catalog_coverage([["a", "b"]], 1)
