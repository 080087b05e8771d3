"""The source model's score: R(u, i) = Σ_j w_uj · r_ji, for small problems and explanations."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from servicekit._typing import FloatArray, MatrixLike
from servicekit._validation import Interval, validated
from servicekit.recommend._checks import Matrix

__all__ = ["feature_contributions", "feature_scores"]


@validated(
    user_weights=Matrix(),
    item_features=Matrix(same_columns_as="user_weights", scores_with="user_weights"),
)
def feature_scores(
    user_weights: MatrixLike | sp.spmatrix, item_features: MatrixLike | sp.spmatrix
) -> FloatArray:
    """Every user's score for every item: ``R = user_weights @ item_features.T``.

    ``R[u, i] = Σ_j w_uj · r_ji``, user u's weight on feature j times item i's value
    of feature j. This forms the dense n_users × n_items matrix; for many users use
    :func:`top_k`, which scores in blocks and keeps only the best items.

    Parameters
    ----------
    user_weights : array_like or scipy.sparse, shape (n_users, n_features)
        w_uj.
    item_features : array_like or scipy.sparse, shape (n_items, n_features)
        r_ji, one row per item. Together with ``user_weights``, the score bound
        ``max_u Σ_j |w_uj| · max_i |r_ji|`` must not exceed 1e300 (1e36 when both
        are float32, as the product is then computed in float32); otherwise the
        argument holding the larger values is refused (the scores would overflow).

    Returns
    -------
    numpy.ndarray of float64, shape (n_users, n_items)

    Raises
    ------
    InvalidInputError
        If the feature counts differ, a value is not finite, or the scores could
        exceed 1e300 (1e36 in float32).

    Examples
    --------
    Three users weighing price, quality and speed; two plans described by them:

    >>> weights = [[0.5, 0.3, 0.2], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]]
    >>> plans = [[0.9, 0.2, 0.4], [0.3, 0.9, 0.6]]
    >>> feature_scores(weights, plans)
    array([[0.59, 0.54],
           [0.29, 0.81],
           [0.46, 0.6 ]])
    """
    left: Any = user_weights
    right: Any = item_features
    product: Any = left @ right.T
    dense = product.toarray() if sp.issparse(product) else np.asarray(product)
    return np.asarray(dense, dtype=np.float64)


@validated(
    user_weights=Matrix(),
    item_features=Matrix(
        same_columns_as="user_weights", scores_with="user_weights", float32_scores=False
    ),
    user=Interval(kind="int", low=0),
    item=Interval(kind="int", low=0),
)
def feature_contributions(
    user_weights: MatrixLike | sp.spmatrix,
    item_features: MatrixLike | sp.spmatrix,
    user: int,
    item: int,
) -> pd.DataFrame:
    """The terms w_uj · r_ji of one score, largest in absolute value first.

    Parameters
    ----------
    user_weights, item_features
        As for :func:`feature_scores` (computed in float64: the bound is 1e300).
    user, item : int
        Row of ``user_weights`` and row of ``item_features``.

    Returns
    -------
    pandas.DataFrame
        Columns feature (column position), user_weight, item_value, contribution;
        the contributions sum to the score.

    Examples
    --------
    >>> feature_contributions([[0.5, 0.3, 0.2]], [[0.9, 0.2, 0.4]], user=0, item=0)
       feature  user_weight  item_value  contribution
    0        0          0.5         0.9          0.45
    1        2          0.2         0.4          0.08
    2        1          0.3         0.2          0.06
    """
    from servicekit._validation import fail

    user_weights_: Any = user_weights
    item_features_: Any = item_features
    if user >= user_weights_.shape[0]:
        fail("feature_contributions", "user", f"must be < {user_weights_.shape[0]}", user)
    if item >= item_features_.shape[0]:
        fail("feature_contributions", "item", f"must be < {item_features_.shape[0]}", item)
    weights = _row(user_weights_, user)
    values = _row(item_features_, item)
    terms = weights * values
    order = np.argsort(-np.abs(terms), kind="stable")
    frame: pd.DataFrame = pd.DataFrame(
        {
            "feature": order,
            "user_weight": weights[order],
            "item_value": values[order],
            "contribution": terms[order],
        }
    )
    return frame


def _row(matrix: Any, index: int) -> FloatArray:
    row = matrix[index]
    dense = row.toarray().ravel() if sp.issparse(row) else np.asarray(row).ravel()
    return np.asarray(dense, dtype=np.float64)
