"""Holding out interactions to evaluate recommenders."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from servicekit._validation import Interval, Options, validated
from servicekit.recommend._checks import InteractionsArg
from servicekit.recommend.interactions import Interactions

__all__ = ["train_test_split_interactions"]


@validated(
    interactions=InteractionsArg(),
    test_fraction=Interval(low=0, high=1, low_open=True, high_open=True),
    random_state=Interval(kind="int", low=0),
    by=Options("user", "random"),
)
def train_test_split_interactions(
    interactions: Interactions | sp.spmatrix,
    *,
    test_fraction: float = 0.2,
    random_state: int = 0,
    by: str = "user",
) -> tuple[Interactions, Interactions]:
    """Split the interactions into a training and a test set with the same users and items.

    Parameters
    ----------
    interactions : Interactions or scipy.sparse matrix
    test_fraction : float in (0, 1)
        Share of interactions held out.
    random_state : int
        Seed; the split is deterministic for a given seed.
    by : {"user", "random"}
        ``"user"`` (default): for every user with at least 2 interactions, hold out
        ``round(test_fraction · n_u)`` of them (at least 1, never all), so every such
        user keeps history to learn from and has something to find. Users with a single
        interaction stay in training. ``"random"``: hold out a uniform random share of
        all interactions.

    Returns
    -------
    (train, test) : tuple of Interactions
        Both keep every user and item (same ids, same shape); together they hold
        each interaction exactly once.

    Examples
    --------
    >>> X = sp.csr_matrix(np.ones((2, 5)))
    >>> train, test = train_test_split_interactions(X, test_fraction=0.4)
    >>> train.matrix.sum(axis=1).A1, test.matrix.sum(axis=1).A1
    (array([3., 3.]), array([2., 2.]))
    """
    matrix = interactions.matrix
    rng = np.random.default_rng(random_state)
    in_test = np.zeros(matrix.nnz, dtype=bool)
    if by == "random":
        n_test = round(test_fraction * matrix.nnz)
        in_test[rng.choice(matrix.nnz, size=n_test, replace=False)] = True
    else:
        for user in range(matrix.shape[0]):
            start, stop = matrix.indptr[user], matrix.indptr[user + 1]
            count = stop - start
            if count < 2:
                continue
            n_test = min(count - 1, max(1, round(test_fraction * count)))
            in_test[start + rng.choice(count, size=n_test, replace=False)] = True
    coo = matrix.tocoo()
    parts = []
    for mask in (~in_test, in_test):
        part = sp.csr_matrix((coo.data[mask], (coo.row[mask], coo.col[mask])), shape=matrix.shape)
        part.sort_indices()
        parts.append(Interactions(part, interactions.user_ids, interactions.item_ids))
    return parts[0], parts[1]
