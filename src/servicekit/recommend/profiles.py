"""Learning each user's feature weights w_uj from the items they interacted with."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from servicekit._typing import FloatArray, MatrixLike
from servicekit._validation import Flag, Options, validated
from servicekit.recommend._checks import InteractionsArg, Matrix, check_product
from servicekit.recommend.interactions import Interactions

__all__ = ["user_profiles"]


@validated(
    interactions=InteractionsArg(),
    item_features=Matrix(),
    normalize=Flag(),
    weighting=Options("rating", "binary", "centered"),
)
def user_profiles(
    interactions: Interactions | sp.spmatrix,
    item_features: MatrixLike | sp.spmatrix,
    *,
    normalize: bool = True,
    weighting: str = "rating",
) -> FloatArray:
    """Each user's weight on each feature, learned from their history.

    The profile of user u is the weighted mean of the feature rows of the items u
    interacted with::

        w_u = Σ_i a_ui · r_i / Σ_i |a_ui|

    where the interaction weight ``a_ui`` is

    * ``weighting="rating"`` (default): the stored value (the rating; 1 for implicit
      feedback), so better-rated items count more;
    * ``weighting="binary"``: 1 for every interaction (ratings ignored);
    * ``weighting="centered"``: the rating minus the user's mean rating, so items
      rated below the user's average push their features' weights down (negative
      weights are then possible).

    With ``normalize=False`` the sum is not divided (heavy users get larger weights,
    which does not change their own ranking). Users without interactions (or with
    all weights zero) get a profile of zeros: every item then scores 0, so rank them
    by popularity or ask for a few liked items (cold start).

    Parameters
    ----------
    interactions : Interactions or scipy.sparse matrix, shape (n_users, n_items)
        Who interacted with what, with ratings as values.
    item_features : array_like or scipy.sparse, shape (n_items, n_features)
        One row per item. Profiles ``max_u Σ_i |a_ui| · max_j |r_ij|`` beyond 1e300
        (with ``normalize``, ``a_ui`` divided by the user's total: in effect feature
        values beyond 1e300) are refused, naming the argument with the larger
        values, as they would overflow float64 (or leave no room to score).
    normalize : bool
        Divide by the sum of absolute interaction weights (a weighted mean).
    weighting : {"rating", "binary", "centered"}
        How interactions are weighted (above).

    Returns
    -------
    numpy.ndarray of float64, shape (n_users, n_features)

    Raises
    ------
    InvalidInputError
        If the item counts of ``interactions`` and ``item_features`` differ, or
        the profiles could exceed 1e300.

    References
    ----------
    .. [1] Lops, de Gemmis & Semeraro (2011), "Content-based recommender systems:
       state of the art and trends", in *Recommender Systems Handbook*, Springer.

    Examples
    --------
    >>> ratings = sp.csr_matrix([[2.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    >>> features = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    >>> user_profiles(ratings, features)
    array([[1.        , 0.33333333],
           [0.        , 1.        ]])
    >>> user_profiles(ratings, features, weighting="binary")
    array([[1. , 0.5],
           [0. , 1. ]])
    """
    from servicekit._validation import described, fail

    features: Any = item_features
    matrix = interactions.matrix
    if matrix.shape[1] != features.shape[0]:
        fail(
            "user_profiles",
            "item_features",
            f"must have one row per item of 'interactions' ({matrix.shape[1]})",
            described(f"{features.shape[0]} rows"),
        )
    weights = matrix.copy()
    if weighting == "binary":
        weights.data[:] = 1.0
    elif weighting == "centered":
        counts = np.diff(weights.indptr)
        with np.errstate(over="ignore", invalid="ignore"):  # refused just below
            sums = np.asarray(weights.sum(axis=1)).ravel()
            means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
            weights.data -= np.repeat(means, counts)
    if normalize:
        # Divide the interaction weights (not the sums) by each user's total, so that
        # the profile, a weighted mean of feature rows, is formed without overflow.
        # Scaling by the largest weight first keeps the total itself finite.
        with np.errstate(over="ignore", invalid="ignore"):
            peaks = np.asarray(abs(weights).max(axis=1).toarray()).ravel()
            counts = np.diff(weights.indptr)
            weights.data /= np.repeat(np.where(peaks > 0, peaks, 1.0), counts)
            totals = np.asarray(abs(weights).sum(axis=1)).ravel()
            weights.data /= np.repeat(np.where(totals > 0, totals, 1.0), counts)
    check_product("user_profiles", "interactions", weights, "item_features", features)
    product: Any = weights @ features
    profiles = np.asarray(product.toarray() if sp.issparse(product) else product, dtype=np.float64)
    return profiles
