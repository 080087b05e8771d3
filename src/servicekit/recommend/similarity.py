"""Item-item similarity from co-interactions, and item-based collaborative filtering."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from servicekit._typing import FloatArray
from servicekit._validation import Flag, Interval, Options, described, fail, validated
from servicekit.recommend._checks import InteractionsArg, Matrix
from servicekit.recommend.interactions import Interactions
from servicekit.recommend.topk import TopK, blocked_top_k, pad_rows, padded_width

__all__ = ["collaborative_top_k", "item_similarity"]


def _keep_top_n(similarity: FloatArray, top_n: int) -> sp.csr_matrix:
    """Each row's ``top_n`` largest positive entries (ties: lower column) as CSR."""
    n = similarity.shape[0]
    keep = min(top_n, n)
    order = np.argsort(-similarity, axis=1, kind="stable")[:, :keep]
    values = np.take_along_axis(similarity, order, axis=1)
    rows = np.repeat(np.arange(n), keep)
    matrix = sp.csr_matrix((values.ravel(), (rows, order.ravel())), shape=(n, n))
    matrix.data[matrix.data <= 0] = 0.0
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return matrix


@validated(
    interactions=InteractionsArg(),
    metric=Options("cosine", "jaccard", "dot"),
    shrinkage=Interval(low=0),
    top_n=Interval(kind="int", low=1, optional=True),
)
def item_similarity(
    interactions: Interactions | sp.spmatrix,
    *,
    metric: str = "cosine",
    shrinkage: float = 0.0,
    top_n: int | None = None,
) -> Any:
    """Similarity of every pair of items from the users who interacted with both.

    With ``X`` the users × items matrix (ratings as values) and ``c = XᵀX``:

    * ``"cosine"``: ``s_ij = c_ij / (‖x_i‖·‖x_j‖ + shrinkage)``;
    * ``"jaccard"``: on 0/1 interactions, ``s_ij = |U_i ∩ U_j| / (|U_i ∪ U_j| + shrinkage)``;
    * ``"dot"``: ``s_ij = c_ij / (1 + shrinkage)`` (raw co-occurrence).

    ``shrinkage`` (Koren 2008) pulls similarities resting on few common users
    towards 0. The diagonal is 0: an item is not its own neighbour.

    Parameters
    ----------
    interactions : Interactions or scipy.sparse matrix, shape (n_users, n_items)
    metric : {"cosine", "jaccard", "dot"}
    shrinkage : float
        Added to the denominator, >= 0.
    top_n : int, optional
        Keep only each item's ``top_n`` most similar items (positive similarities).

    Returns
    -------
    numpy.ndarray of shape (n_items, n_items), or scipy.sparse.csr_matrix when ``top_n`` is set
        Row i holds item i's similarity to every item. The dense form takes
        8·n_items² bytes; use ``top_n`` for large catalogues.

    References
    ----------
    .. [1] Sarwar, Karypis, Konstan & Riedl (2001), "Item-based collaborative
       filtering recommendation algorithms", WWW '01.
    .. [2] Koren (2008), "Factorization meets the neighborhood", KDD '08 (shrinkage).

    Examples
    --------
    >>> X = sp.csr_matrix([[1, 1, 0], [1, 1, 1], [0, 0, 1]])
    >>> item_similarity(X).round(3)
    array([[0. , 1. , 0.5],
           [1. , 0. , 0.5],
           [0.5, 0.5, 0. ]])
    >>> item_similarity(X, metric="jaccard", top_n=1).toarray().round(3)
    array([[0.   , 1.   , 0.   ],
           [1.   , 0.   , 0.   ],
           [0.333, 0.   , 0.   ]])
    """
    matrix = interactions.matrix
    if metric == "jaccard":
        matrix = matrix.copy()
        matrix.data[:] = 1.0
    co = (matrix.T @ matrix).toarray()
    if metric == "cosine":
        norms = np.sqrt(np.diag(co).copy())
        denominator = np.outer(norms, norms) + shrinkage
    elif metric == "jaccard":
        counts = np.diag(co).copy()
        denominator = counts[:, None] + counts[None, :] - co + shrinkage
    else:
        denominator = np.full(co.shape, 1.0 + shrinkage)
    similarity = np.divide(co, denominator, out=np.zeros_like(co), where=denominator > 0)
    np.fill_diagonal(similarity, 0.0)
    if top_n is not None:
        return _keep_top_n(similarity, top_n)
    return similarity


@validated(
    interactions=InteractionsArg(),
    similarity=Matrix(scores_with="interactions", contracts_rows=True, float32_scores=False),
    k=Interval(kind="int", low=1),
    exclude_seen=Flag(),
    block_size=Interval(kind="int", low=1, optional=True),
)
def collaborative_top_k(
    interactions: Interactions | sp.spmatrix,
    similarity: Any,
    k: int = 10,
    *,
    exclude_seen: bool = True,
    block_size: int | None = None,
) -> TopK:
    """Item-based kNN: score items by their similarity to each user's items.

    ``score(u, i) = Σ_j x_uj · s_ji``: the user's ratings times the similarity of
    each rated item j to item i (``X @ S``), computed in blocks of users and reduced
    to the k best exactly as :func:`top_k` does (ties: lower item index).

    Parameters
    ----------
    interactions : Interactions or scipy.sparse matrix, shape (n_users, n_items)
    similarity : array_like or scipy.sparse, shape (n_items, n_items)
        Usually :func:`item_similarity`; any item-item weight matrix works (EASE's
        weights give :func:`ease_top_k`). Scores ``max_u Σ_j |x_uj| · max_i |s_ji|``
        beyond 1e300 would overflow float64 and are refused (naming the one of
        ``interactions`` and ``similarity`` with the larger values).
    k : int
        Items per user.
    exclude_seen : bool
        Do not recommend items the user already interacted with.
    block_size : int, optional
        Users per block (default as for :func:`top_k`).

    Returns
    -------
    TopK
        Users without any item scoring above... every item scores 0 for a user with
        no history; ties then go to the lowest item indices.

    Examples
    --------
    >>> X = sp.csr_matrix([[1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 1]])
    >>> S = item_similarity(X)
    >>> collaborative_top_k(X, S, k=1).items
    array([[2],
           [1],
           [0]])
    """
    matrix = interactions.matrix
    n_items = matrix.shape[1]
    if similarity.shape != (n_items, n_items):
        fail(
            "collaborative_top_k",
            "similarity",
            f"must be items x items ({n_items}, {n_items})",
            described(f"shape {similarity.shape}"),
        )
    return item_model_top_k(matrix, similarity, k, exclude_seen=exclude_seen, block_size=block_size)


def item_model_top_k(
    matrix: sp.csr_matrix,
    weights: Any,
    k: int,
    *,
    exclude_seen: bool,
    block_size: int | None,
) -> TopK:
    """Top k of ``matrix @ weights`` per user (shared by item kNN and EASE)."""
    n_users, n_items = matrix.shape
    width = padded_width(n_items, k)
    right = pad_rows(weights.T, width).T
    right = right.tocsr() if sp.issparse(right) else np.ascontiguousarray(right)

    def score_block(start: int, stop: int) -> Any:
        product = matrix[start:stop] @ right
        return product.toarray() if sp.issparse(product) else np.asarray(product)

    return blocked_top_k(
        score_block,
        n_users,
        n_items,
        k,
        exclude=matrix if exclude_seen else None,
        block_size=block_size,
        itemsize=8,
    )
