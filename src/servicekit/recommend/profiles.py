"""Learning each user's feature weights w_uj from the items they interacted with."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from servicekit._typing import FloatArray, MatrixLike
from servicekit._validation import Flag, Options, validated
from servicekit.recommend._checks import InteractionsArg, Matrix
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
        One row per item.
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
        If the item counts of ``interactions`` and ``item_features`` differ.

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
        sums = np.asarray(weights.sum(axis=1)).ravel()
        means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
        weights.data -= np.repeat(means, counts)
    product: Any = weights @ features
    profiles = np.asarray(product.toarray() if sp.issparse(product) else product, dtype=np.float64)
    if normalize:
        totals = np.asarray(abs(weights).sum(axis=1)).ravel()
        np.divide(profiles, totals[:, None], out=profiles, where=totals[:, None] > 0)
        profiles[totals == 0] = 0.0
    return profiles
