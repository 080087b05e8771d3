"""Memory-bounded, exact top-k selection over blocks of users.

Every recommender in this area ends the same way: for a block of users, compute the
block's scores against all items (one matrix product), remove the excluded items,
and keep the k best per user. :func:`top_k` does this for the weighted-feature scores
``user_weights @ item_features.T``; :func:`blocked_top_k` is the engine the
collaborative models share.

How the k best are found without sorting every row
---------------------------------------------------
Items are dealt into ``m`` interleaved groups (item ``j`` goes to group ``j mod m``)
and each group's maximum is taken with one vectorised pass over the block (an
element-wise maximum of ``c = n_items / m`` contiguous slabs). Any item among a user's
k best lies in a group whose maximum is among the k largest group maxima; when the
k-th and (k+1)-th largest maxima differ, those k groups (``k·c`` candidates) hold the
exact top k, which are then ranked by (score descending, item index ascending). Rows
where the maxima tie at the boundary (or with fewer than k eligible items) fall back
to a stable full sort of the row, so the result always equals a brute-force stable
argsort: ties go to the lower item index.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from servicekit._dask import dask_aware
from servicekit._results import ResultMixin
from servicekit._typing import FloatArray, IntArray, MatrixLike
from servicekit._validation import Interval, validated
from servicekit.recommend import _dask as _on_dask
from servicekit.recommend._checks import Exclude, Matrix

__all__ = ["DEFAULT_BLOCK_BYTES", "TopK", "blocked_top_k", "default_block_size", "top_k"]

#: Target size of one block of scores (bytes) when ``block_size`` is not given.
DEFAULT_BLOCK_BYTES = 8 * 2**20


@dataclass(frozen=True, slots=True)
class TopK(ResultMixin):
    """The k best items per user, best first.

    Attributes
    ----------
    items : numpy.ndarray of int64, shape (n_users, k)
        Item positions (columns), best first; ``-1`` pads users with fewer than k
        eligible items.
    scores : numpy.ndarray of float64, shape (n_users, k)
        Their scores; NaN where ``items`` is ``-1``.

    Examples
    --------
    >>> top = TopK(np.array([[2, 0, -1]]), np.array([[0.9, 0.5, np.nan]]))
    >>> top.item_lists()
    [[2, 0]]
    >>> top.to_frame()
       user  rank  item  score
    0     0     1     2    0.9
    1     0     2     0    0.5
    """

    items: IntArray
    scores: FloatArray

    @property
    def k(self) -> int:
        """Number of columns (the k asked for)."""
        return int(self.items.shape[1])

    @property
    def n_users(self) -> int:
        """Number of rows (users)."""
        return int(self.items.shape[0])

    def item_lists(self) -> list[list[Any]]:
        """One ranked list of item positions per user, padding dropped (for the metrics)."""
        return [row[row >= 0].tolist() for row in self.items]

    def to_frame(self) -> pd.DataFrame:
        """Long table (user, rank, item, score) of positions, padding dropped.

        :meth:`Interactions.recommendations` gives the same table with original ids.
        """
        n_users, k = self.items.shape
        keep = self.items.ravel() >= 0
        frame: pd.DataFrame = pd.DataFrame(
            {
                "user": np.repeat(np.arange(n_users), k)[keep],
                "rank": np.tile(np.arange(1, k + 1), n_users)[keep],
                "item": self.items.ravel()[keep],
                "score": self.scores.ravel()[keep],
            }
        )
        return frame


def default_block_size(n_users: int, n_items: int, itemsize: int = 4) -> int:
    """Users per block when ``block_size`` is not given.

    About :data:`DEFAULT_BLOCK_BYTES` of scores per block (cache-friendly), at least 8
    users, and at most a fortieth of the users when there are 400 or more, so the two
    blocks alive at a time stay under a twentieth of the dense score matrix.

    Examples
    --------
    >>> default_block_size(100_000, 20_000)
    104
    >>> default_block_size(50, 10)
    50
    """
    by_bytes = max(8, DEFAULT_BLOCK_BYTES // max(1, n_items * itemsize))
    cap = n_users if n_users < 400 else max(8, n_users // 40)
    return int(max(1, min(by_bytes, cap)))


def _group_count(n_items: int, k: int) -> int:
    """Number of interleaved groups ``m``: about 16 items per group, m at least 4k."""
    return max(4 * k, math.ceil(n_items / 16))


def select_top_k(block: Any, n_items: int, k: int, groups: int) -> tuple[IntArray, FloatArray]:
    """Exact k best columns of each row of ``block`` (modified in place).

    ``block`` is (rows, groups * c) with c >= 1; columns >= ``n_items`` are padding and
    are overwritten with -inf; excluded entries must already be -inf.
    """
    rows, width = block.shape
    kk = min(k, n_items)
    if width > n_items:
        block[:, n_items:] = -np.inf
    items = np.full((rows, k), -1, dtype=np.int64)
    scores = np.full((rows, k), np.nan)
    if rows == 0:
        return items, scores
    per_group = width // groups
    exact = np.ones(rows, dtype=bool)
    if per_group > 1 and groups > kk:
        maxima = block.reshape(rows, per_group, groups).max(axis=1)
        best_groups = np.argpartition(maxima, groups - kk, axis=1)[:, groups - kk :]
        kth = np.take_along_axis(maxima, best_groups, axis=1).min(axis=1)
        # Unambiguous rows: exactly kk groups reach the k-th maximum, and it is finite.
        exact = ((maxima >= kth[:, None]).sum(axis=1) != kk) | ~np.isfinite(kth)
        fast = np.flatnonzero(~exact)
        if fast.size:
            candidates = (
                best_groups[fast][:, :, None] + groups * np.arange(per_group)[None, None, :]
            ).reshape(fast.size, kk * per_group)
            values = block[fast[:, None], candidates]  # gathers k·c per row, no row copies
            order = np.lexsort((candidates, -values), axis=1)[:, :kk]
            items[fast, :kk] = np.take_along_axis(candidates, order, axis=1)
            scores[fast, :kk] = np.take_along_axis(values, order, axis=1)
    tied = np.flatnonzero(exact)
    if tied.size:
        items[tied, :kk], scores[tied, :kk] = _tie_aware_top_k(block[tied, :n_items], kk)
    padding = ~np.isfinite(scores)
    items[padding] = -1
    scores[padding] = np.nan
    return items, scores


def _tie_aware_top_k(rows: Any, k: int) -> tuple[IntArray, FloatArray]:
    """Exact k best per row when values tie at the k-th place (vectorised, no full sort).

    With t the k-th largest value of a row, every entry above t is in, and the
    remaining places go to the entries equal to t with the lowest column indices.
    """
    n = rows.shape[1]
    kth = np.partition(rows, n - k, axis=1)[:, n - k][:, None]
    above = rows > kth
    need = k - above.sum(axis=1, keepdims=True)
    equal = rows == kth
    chosen = above | (equal & (np.cumsum(equal, axis=1) <= need))
    columns = np.nonzero(chosen)[1].reshape(rows.shape[0], k)  # row-major: sorted per row
    values = np.take_along_axis(rows, columns, axis=1)
    order = np.lexsort((columns, -values), axis=1)
    return np.take_along_axis(columns, order, axis=1), np.take_along_axis(values, order, axis=1)


def blocked_top_k(
    score_block: Callable[[int, int], Any],
    n_users: int,
    n_items: int,
    k: int,
    *,
    exclude: sp.csr_matrix | None = None,
    block_size: int | None = None,
    itemsize: int = 4,
) -> TopK:
    """Top k per user from a function computing one block of scores at a time.

    Parameters
    ----------
    score_block : callable
        ``score_block(start, stop)`` returns a writable float array of shape
        ``(stop - start, width)`` with ``width >= padded_width(n_items, k)``... in
        practice :func:`padded_width` columns, the first ``n_items`` being scores.
    n_users, n_items, k : int
        Sizes; ``k`` may exceed ``n_items`` (the rest is padding).
    exclude : scipy.sparse.csr_matrix, optional
        Users × items; every stored entry is excluded.
    block_size : int, optional
        Users per block (default :func:`default_block_size`).
    itemsize : int
        Bytes per score, for the default block size.

    Returns
    -------
    TopK
    """
    size = block_size or default_block_size(n_users, n_items, itemsize)
    groups = _group_count(n_items, k)
    items = np.empty((n_users, k), dtype=np.int64)
    scores = np.empty((n_users, k))
    for start in range(0, n_users, size):
        stop = min(start + size, n_users)
        block = score_block(start, stop)
        if exclude is not None and exclude.nnz:
            part = exclude[start:stop]
            rows = np.repeat(np.arange(stop - start), np.diff(part.indptr))
            block[rows, part.indices] = -np.inf
        items[start:stop], scores[start:stop] = select_top_k(block, n_items, k, groups)
    return TopK(items, scores)


def padded_width(n_items: int, k: int) -> int:
    """Columns of a score block: ``n_items`` rounded up to a multiple of the group count."""
    groups = _group_count(n_items, k)
    return groups * math.ceil(n_items / groups)


def pad_rows(matrix: Any, rows: int) -> Any:
    """``matrix`` with zero rows appended up to ``rows`` (dense or sparse)."""
    extra = rows - matrix.shape[0]
    if extra <= 0:
        return matrix
    if sp.issparse(matrix):
        return sp.vstack(
            [matrix, sp.csr_matrix((extra, matrix.shape[1]), dtype=matrix.dtype)]
        ).tocsr()
    return np.vstack([matrix, np.zeros((extra, matrix.shape[1]), dtype=matrix.dtype)])


@dask_aware(_on_dask.top_k)
@validated(
    user_weights=Matrix(),
    item_features=Matrix(same_columns_as="user_weights", scores_with="user_weights"),
    k=Interval(kind="int", low=1),
    exclude=Exclude(),
    block_size=Interval(kind="int", low=1, optional=True),
)
def top_k(
    user_weights: MatrixLike | sp.spmatrix,
    item_features: MatrixLike | sp.spmatrix,
    k: int = 10,
    *,
    exclude: sp.spmatrix | None = None,
    block_size: int | None = None,
) -> TopK:
    """The k highest-scoring items per user, never forming the dense score matrix.

    Scores are ``R = user_weights @ item_features.T`` (:func:`feature_scores`),
    computed for ``block_size`` users at a time with one matrix product each, in
    float32 when both inputs are float32 and float64 otherwise.

    Parameters
    ----------
    user_weights : array_like or scipy.sparse, shape (n_users, n_features)
        w_uj, each user's weight on each feature.
    item_features : array_like or scipy.sparse, shape (n_items, n_features)
        r_ji, one row per item. The scores must stay finite in the precision they
        are computed in: when ``max_u Σ_j |w_uj| · max_i |r_ji|`` exceeds 1e300, or
        1e36 when both inputs are float32 (float32's largest value is about 3.4e38),
        the argument holding the larger values is refused. Convert float32 inputs
        to float64 to score values beyond that float32 bound.
    k : int
        Items per user (k may exceed the number of items: the rest is padding).
    exclude : scipy.sparse matrix, shape (n_users, n_items), optional
        Items not to recommend (e.g. already seen): every stored entry is excluded.
    block_size : int, optional
        Users per block. The default keeps a block of scores near 8 MiB and at most a
        fortieth of the users. Peak memory is about two blocks of scores, a padded
        copy of ``item_features`` and the n_users × k result: under a tenth of the
        dense float32 score matrix whenever there are at least 400 users and
        80 × n_features users.

    Returns
    -------
    TopK
        ``items`` (n_users × k, best first) and ``scores``. Ties go to the lower
        item index. A user with fewer than k eligible items gets ``-1`` items and NaN
        scores in the last columns.

    Raises
    ------
    InvalidInputError
        Different feature counts, ``k < 1``, non-finite values, ``exclude`` of the
        wrong shape, scores that could exceed 1e300 (1e36 in float32).

    Notes
    -----
    Dask: ``user_weights`` may be a 2-d Dask array with one user per row, chunked by
    rows (column chunks are merged); ``item_features`` and ``exclude`` stay in memory
    and enter the task graph once each. Each block of users is scored and reduced to its
    k best on a worker by this function, so no block of scores leaves its worker; the
    result is a TopK whose ``items`` (int64) and ``scores`` are lazy (n_users, k) Dask
    arrays chunked like the users. Gather it with ``TopK(*dask.compute(top.items,
    top.scores))`` before using item_lists or to_frame. It equals the in-memory result
    when every chunk holds whole blocks of ``block_size`` users and BLAS runs the same
    number of threads; otherwise scores agree to rounding of the matrix product (BLAS
    rounds by the product's shape) and items whose scores tie within that rounding may
    swap places, exactly as changing ``block_size`` does in memory.

    Examples
    --------
    >>> weights = [[1.0, 0.0], [0.5, 0.5]]
    >>> features = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    >>> top = top_k(weights, features, k=2)
    >>> top.items
    array([[0, 2],
           [2, 0]])
    >>> top.scores
    array([[1. , 1. ],
           [1. , 0.5]])
    >>> seen = sp.csr_matrix(([1], ([0], [0])), shape=(2, 3))
    >>> top_k(weights, features, k=3, exclude=seen).items
    array([[ 2,  1, -1],
           [ 2,  0,  1]])
    """
    users: Any = user_weights
    items_: Any = item_features
    single = _dtype(users) == np.float32 and _dtype(items_) == np.float32
    dtype = np.float32 if single else np.float64
    n_users, n_items = users.shape[0], items_.shape[0]
    width = padded_width(n_items, k)
    right = pad_rows(items_.astype(dtype), width)
    right_t = right.T.tocsr() if sp.issparse(right) else np.ascontiguousarray(right.T)
    left = users.astype(dtype) if sp.issparse(users) else np.ascontiguousarray(users, dtype=dtype)

    def score_block(start: int, stop: int) -> Any:
        product = left[start:stop] @ right_t
        return product.toarray() if sp.issparse(product) else product

    return blocked_top_k(
        score_block,
        n_users,
        n_items,
        k,
        exclude=exclude,
        block_size=block_size,
        itemsize=np.dtype(dtype).itemsize,
    )


def _dtype(matrix: Any) -> Any:
    return matrix.dtype
