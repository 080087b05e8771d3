"""Blending weighted-feature scores with collaborative scores, and the popularity baseline."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from servicekit._typing import MatrixLike
from servicekit._validation import Flag, Interval, described, fail, validated
from servicekit.recommend._checks import InteractionsArg, Matrix
from servicekit.recommend.interactions import Interactions
from servicekit.recommend.topk import TopK, blocked_top_k, pad_rows, padded_width

__all__ = ["hybrid_top_k", "popularity_top_k", "scale_rows"]


def scale_rows(block: Any) -> Any:
    """Divide each row by its largest absolute value (rows of zeros stay zero), in place."""
    peak = np.abs(block).max(axis=1, keepdims=True)
    np.divide(block, peak, out=block, where=peak > 0)
    return block


@validated(
    user_weights=Matrix(),
    item_features=Matrix(
        same_columns_as="user_weights", scores_with="user_weights", float32_scores=False
    ),
    interactions=InteractionsArg(),
    similarity=Matrix(scores_with="interactions", contracts_rows=True, float32_scores=False),
    k=Interval(kind="int", low=1),
    weight=Interval(low=0, high=1),
    exclude_seen=Flag(),
    block_size=Interval(kind="int", low=1, optional=True),
)
def hybrid_top_k(
    user_weights: MatrixLike | sp.spmatrix,
    item_features: MatrixLike | sp.spmatrix,
    interactions: Interactions | sp.spmatrix,
    similarity: Any,
    k: int = 10,
    *,
    weight: float = 0.5,
    exclude_seen: bool = True,
    block_size: int | None = None,
) -> TopK:
    """Top k of a weighted blend of feature scores and collaborative scores.

    For each user, the feature scores ``f = w_u · item_featuresᵀ`` and the
    collaborative scores ``c = x_u · similarity`` are each divided by their largest
    absolute value (so both lie in [-1, 1] whatever their units), then blended::

        score(u, i) = (1 − weight) · f̂_ui + weight · ĉ_ui

    ``weight=0`` is purely feature-based (content), ``weight=1`` purely
    collaborative. A user without history has ``ĉ = 0`` and is ranked by features
    alone, so the blend also covers cold-start users.

    Parameters
    ----------
    user_weights : array_like or scipy.sparse, shape (n_users, n_features)
        E.g. :func:`user_profiles`.
    item_features : array_like or scipy.sparse, shape (n_items, n_features)
        Feature scores ``max_u Σ_j |w_uj| · max_i |r_ji|`` beyond 1e300 are refused
        (naming the one of ``user_weights`` and ``item_features`` with the larger
        values), as they would overflow float64.
    interactions : Interactions or scipy.sparse matrix, shape (n_users, n_items)
    similarity : array_like or scipy.sparse, shape (n_items, n_items)
        E.g. :func:`item_similarity` or :func:`ease_weights`. Likewise collaborative
        scores ``max_u Σ_j |x_uj| · max_i |s_ji|`` beyond 1e300 are refused.
    k : int
    weight : float in [0, 1]
        Share of the collaborative part.
    exclude_seen : bool
        Do not recommend items the user already interacted with.
    block_size : int, optional

    Returns
    -------
    TopK

    Examples
    --------
    >>> X = sp.csr_matrix([[1, 0, 0], [0, 1, 0]])
    >>> features = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    >>> S = [[0, 0, 1.0], [0, 0, 0], [1.0, 0, 0]]
    >>> hybrid_top_k([[1.0, 0.0], [0.0, 1.0]], features, X, S, k=1, weight=0.5).items
    array([[2],
           [2]])
    """
    user_weights_: Any = user_weights
    item_features_: Any = item_features
    matrix = interactions.matrix
    n_users, n_items = matrix.shape
    if user_weights_.shape[0] != n_users:
        fail(
            "hybrid_top_k",
            "interactions",
            f"must have one row per user of 'user_weights' ({user_weights_.shape[0]})",
            described(f"{n_users} rows"),
        )
    if item_features_.shape[0] != n_items:
        fail(
            "hybrid_top_k",
            "item_features",
            f"must have one row per item of 'interactions' ({n_items})",
            described(f"{item_features_.shape[0]} rows"),
        )
    if similarity.shape != (n_items, n_items):
        fail(
            "hybrid_top_k",
            "similarity",
            f"must be items x items ({n_items}, {n_items})",
            described(f"shape {similarity.shape}"),
        )
    width = padded_width(n_items, k)
    features_t = pad_rows(item_features_, width).T
    weights = pad_rows(similarity.T, width).T
    features_t = (
        features_t.tocsr().astype(np.float64)
        if sp.issparse(features_t)
        else np.asarray(features_t, dtype=np.float64)
    )
    weights = weights.tocsr() if sp.issparse(weights) else np.asarray(weights, dtype=np.float64)

    def score_block(start: int, stop: int) -> Any:
        content = _dense(user_weights_[start:stop] @ features_t)
        collaborative = _dense(matrix[start:stop] @ weights)
        out = scale_rows(content)
        out *= 1.0 - weight
        out += weight * scale_rows(collaborative)
        return out

    return blocked_top_k(
        score_block,
        n_users,
        n_items,
        k,
        exclude=matrix if exclude_seen else None,
        block_size=block_size,
        itemsize=8,
    )


def _dense(product: Any) -> Any:
    return np.array(product.toarray() if sp.issparse(product) else product, dtype=np.float64)


@validated(
    interactions=InteractionsArg(),
    k=Interval(kind="int", low=1),
    exclude_seen=Flag(),
)
def popularity_top_k(
    interactions: Interactions | sp.spmatrix, k: int = 10, *, exclude_seen: bool = True
) -> TopK:
    """The most-popular baseline: items ranked by how many users interacted with them.

    Every user gets the same ranking (minus the items they have seen when
    ``exclude_seen``); ties go to the lower item index. Any personalised model
    should beat it.

    Parameters
    ----------
    interactions : Interactions or scipy.sparse matrix, shape (n_users, n_items)
    k : int
    exclude_seen : bool

    Returns
    -------
    TopK
        Scores are the interaction counts.

    Examples
    --------
    >>> X = sp.csr_matrix([[1, 1, 0], [0, 1, 0], [0, 1, 1]])
    >>> popularity_top_k(X, k=2).items
    array([[ 2, -1],
           [ 0,  2],
           [ 0, -1]])
    """
    matrix = interactions.matrix
    n_users, n_items = matrix.shape
    counts = np.bincount(matrix.indices, minlength=n_items).astype(np.float64)
    row = np.zeros(padded_width(n_items, k))
    row[:n_items] = counts

    def score_block(start: int, stop: int) -> Any:
        return np.tile(row, (stop - start, 1))

    return blocked_top_k(
        score_block, n_users, n_items, k, exclude=matrix if exclude_seen else None, itemsize=8
    )
