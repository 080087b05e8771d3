"""EASE: the closed-form item-item model of Steck (2019)."""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from servicekit._typing import FloatArray
from servicekit._validation import Flag, Interval, described, fail, validated
from servicekit.recommend._checks import InteractionsArg
from servicekit.recommend.interactions import Interactions
from servicekit.recommend.similarity import item_model_top_k
from servicekit.recommend.topk import TopK

__all__ = ["DEFAULT_MAX_ITEMS", "ease_top_k", "ease_weights"]

#: Largest catalogue EASE accepts by default: its weights take 8·n² bytes (3.2 GB at
#: 20,000 items) and fitting needs about twice that, which fits a 24 GiB machine.
DEFAULT_MAX_ITEMS = 20_000


@validated(
    interactions=InteractionsArg(),
    l2=Interval(low=0, low_open=True),
    max_items=Interval(kind="int", low=1),
)
def ease_weights(
    interactions: Interactions | sp.spmatrix,
    *,
    l2: float = 300.0,
    max_items: int = DEFAULT_MAX_ITEMS,
) -> FloatArray:
    """The EASE item-item weight matrix B.

    ``P = (XᵀX + λI)⁻¹`` and ``B = I − P·diag(1/diag(P))``, i.e.
    ``B_ij = −P_ij / P_jj`` off the diagonal and ``B_ii = 0``: the ridge regression of
    every item's column on all other items, with the constraint that no item
    predicts itself. Scores are ``X @ B``.

    Parameters
    ----------
    interactions : Interactions or scipy.sparse matrix, shape (n_users, n_items)
    l2 : float
        The ridge penalty λ > 0 (Steck uses a few hundred on movie data).
    max_items : int
        Refuse catalogues larger than this: B is dense, 8·n_items² bytes, and the
        inversion needs about as much again.

    Returns
    -------
    numpy.ndarray of float64, shape (n_items, n_items)

    Raises
    ------
    InvalidInputError
        If the catalogue has more than ``max_items`` items.

    References
    ----------
    .. [1] Steck (2019), "Embarrassingly Shallow Autoencoders for Sparse Data",
       The Web Conference (WWW '19), eq. 8.

    Examples
    --------
    >>> X = sp.csr_matrix([[1, 1, 0], [1, 1, 1], [0, 0, 1]])
    >>> ease_weights(X, l2=1.0).round(3)
    array([[0.   , 0.625, 0.2  ],
           [0.625, 0.   , 0.2  ],
           [0.125, 0.125, 0.   ]])
    """
    matrix = interactions.matrix
    n_items = matrix.shape[1]
    if n_items > max_items:
        gigabytes = 8 * n_items**2 / 1e9
        fail(
            "ease_weights",
            "interactions",
            f"must have at most max_items={max_items} items for EASE (its dense weights "
            f"would take {gigabytes:.1f} GB, about twice that while fitting); raise "
            "max_items if memory allows, or use item_similarity(top_n=...)",
            described(f"{n_items} items"),
        )
    gram = np.asarray((matrix.T @ matrix).toarray(), dtype=np.float64)
    gram[np.diag_indices(n_items)] += l2
    # Cholesky factor and inverse in place: one n x n matrix at a time.
    factor, info = scipy.linalg.lapack.dpotrf(gram, lower=True, overwrite_a=True, clean=True)
    if info != 0:  # pragma: no cover - XᵀX + λI with λ > 0 is positive definite
        fail("ease_weights", "l2", "must make XᵀX + l2·I positive definite", l2)
    inverse, info = scipy.linalg.lapack.dpotri(factor, lower=True, overwrite_c=True)
    lower = np.tril(inverse)
    precision = lower + np.tril(lower, -1).T
    del inverse, lower
    weights = precision / (-np.diag(precision))[None, :]
    np.fill_diagonal(weights, 0.0)
    return np.asarray(weights)


@validated(
    interactions=InteractionsArg(),
    k=Interval(kind="int", low=1),
    l2=Interval(low=0, low_open=True),
    exclude_seen=Flag(),
    max_items=Interval(kind="int", low=1),
    block_size=Interval(kind="int", low=1, optional=True),
)
def ease_top_k(
    interactions: Interactions | sp.spmatrix,
    k: int = 10,
    *,
    l2: float = 300.0,
    exclude_seen: bool = True,
    max_items: int = DEFAULT_MAX_ITEMS,
    block_size: int | None = None,
) -> TopK:
    """Top-k recommendations of EASE (Steck 2019) for every user.

    Fits :func:`ease_weights` and ranks ``X @ B`` per user in blocks (ties: lower
    item index). On implicit feedback EASE is a strong baseline: Steck reports it
    ahead of item kNN and of most deep models on MovieLens-20M, Netflix and MSD.

    Parameters
    ----------
    interactions : Interactions or scipy.sparse matrix, shape (n_users, n_items)
    k : int
        Items per user.
    l2 : float
        Ridge penalty λ > 0.
    exclude_seen : bool
        Do not recommend items the user already interacted with.
    max_items : int
        Catalogue size limit (see :func:`ease_weights`).
    block_size : int, optional
        Users per block.

    Returns
    -------
    TopK

    References
    ----------
    .. [1] Steck (2019), "Embarrassingly Shallow Autoencoders for Sparse Data", WWW '19.

    Examples
    --------
    >>> X = sp.csr_matrix([[1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 1], [1, 1, 0, 0]])
    >>> ease_top_k(X, k=1, l2=1.0).items
    array([[2],
           [1],
           [0],
           [2]])
    """
    weights = ease_weights(interactions, l2=l2, max_items=max_items)
    return item_model_top_k(
        interactions.matrix, weights, k, exclude_seen=exclude_seen, block_size=block_size
    )
