"""Declared constraints for the recommend area's matrix and list arguments.

They plug into :func:`servicekit._validation.validated` like the core constraints: each
checks and coerces one argument and generates the violating values the bad-input test
feeds back.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from servicekit._validation import Array, Constraint, _Context, described, fail

__all__ = [
    "SCORE_LIMIT",
    "SCORE_LIMIT_FLOAT32",
    "Exclude",
    "InteractionsArg",
    "ItemLists",
    "Matrix",
    "Weights",
    "as_csr",
    "check_product",
]

#: Largest score (or profile value) magnitude a float64 product may reach. Kept well
#: below float64's maximum (about 1.8e308) so that the sums, the hybrid's scaling and
#: a caller's further arithmetic on the scores stay finite.
SCORE_LIMIT = 1e300
#: The same for products computed in float32 (:func:`top_k` and :func:`feature_scores`
#: with float32 inputs); float32's maximum is about 3.4e38.
SCORE_LIMIT_FLOAT32 = 1e36


def as_csr(value: Any) -> sp.csr_matrix:
    """Any scipy.sparse matrix or array as a canonical float CSR matrix (duplicates summed)."""
    matrix = sp.csr_matrix(value)
    if matrix.dtype.kind != "f":
        matrix = matrix.astype(np.float64)
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


def _check_numbers(values: np.ndarray[Any, Any], ctx: _Context, low: float | None) -> None:
    if values.size == 0:
        return
    if not np.isfinite(values).all():
        bad = values[~np.isfinite(values)][0]
        ctx.fail("must be finite", described("nan" if math.isnan(bad) else repr(float(bad))))
    if low is not None and (values < low).any():
        ctx.fail(f"must hold numbers >= {low:g}", float(values[values < low][0]))


def _abs_max(matrix: Any, axis: int) -> np.ndarray[Any, Any]:
    """Largest absolute value along ``axis`` (0: of each column, 1: of each row), as float64."""
    if sp.issparse(matrix):
        if matrix.shape[axis] == 0:
            return np.zeros(matrix.shape[1 - axis])
        out = abs(sp.csr_matrix(matrix)).max(axis=axis).toarray().ravel()
    else:
        arr = np.asarray(matrix)
        if arr.shape[axis] == 0:
            return np.zeros(arr.shape[1 - axis])
        out = np.abs(arr).max(axis=axis)
    out = np.asarray(out, dtype=np.float64)
    return np.where(np.isnan(out), math.inf, out)


def product_bound(left: Any, right: Any, *, right_transposed: bool = False) -> float:
    """An upper bound on every ``|(left @ right)[u, i]|`` and on every partial sum of it.

    ``max_u Σ_j |left_uj| · max_i |right_ji|``, computed in float64 (``inf`` when the
    bound itself overflows float64). ``right_transposed=True`` means the product is
    ``left @ right.T`` (``right`` holds one row per output column).
    """
    peaks = _abs_max(right, 0 if right_transposed else 1)
    with np.errstate(over="ignore", invalid="ignore"):
        if sp.issparse(left):
            sums = abs(sp.csr_matrix(left).astype(np.float64)) @ peaks
        else:
            sums = np.abs(np.asarray(left, dtype=np.float64)) @ peaks
        sums = np.asarray(sums, dtype=np.float64).ravel()
        if sums.size == 0:
            return 0.0
        if np.isnan(sums).any():
            return math.inf
        return float(sums.max())


def check_product(
    function: str,
    left_name: str,
    left: Any,
    right_name: str,
    right: Any,
    *,
    right_transposed: bool = False,
    float32: bool = False,
    blame: str | None = None,
) -> None:
    """Refuse factors whose product ``left @ right`` (scores, profiles) would overflow.

    The shared overflow check of the recommend area: every function that multiplies
    user weights, interactions or similarities by item features calls it (through
    :class:`Matrix`'s ``scores_with`` or directly). The bound of
    :func:`product_bound` must not exceed :data:`SCORE_LIMIT` (or
    :data:`SCORE_LIMIT_FLOAT32` when the product is computed in float32). The
    argument named is ``blame`` if given, else the factor holding the larger values.
    """
    limit = SCORE_LIMIT_FLOAT32 if float32 else SCORE_LIMIT
    bound = product_bound(left, right, right_transposed=right_transposed)
    if bound <= limit:
        return
    if blame is None:
        left_peak = float(_abs_max(left, 0).max(initial=0.0))
        right_peak = float(_abs_max(right, 0).max(initial=0.0))
        blame = left_name if left_peak >= right_peak else right_name
    other = right_name if blame == left_name else left_name
    precision = "float32" if float32 else "float64"
    fail(
        function,
        blame,
        f"must keep the products with '{other}' within {limit:g} in magnitude "
        f"({precision} scores would overflow)",
        described(
            "values whose products reach "
            + ("more than 1.8e308" if math.isinf(bound) else f"{bound:.3g}")
        ),
    )


def _factor(value: Any) -> Any:
    """The matrix of an argument (an Interactions' matrix, or the value itself)."""
    return value.matrix if hasattr(value, "matrix") else value


def _is_float32(value: Any) -> bool:
    return getattr(_factor(value), "dtype", None) == np.float32


@dataclass(frozen=True)
class Weights(Array):
    """The core :class:`~servicekit._validation.Array`, without its overflow warning.

    Array's fast finiteness test sums the values, which warns (overflow) for finite
    values near float64's maximum before the exact test accepts them; this silences
    that warning so that the function's own bound (:func:`check_product`) can refuse
    them naming the argument.
    """

    def _check_values(self, arr: np.ndarray[Any, Any], ctx: _Context) -> None:
        with np.errstate(over="ignore", invalid="ignore"):
            super()._check_values(arr, ctx)


@dataclass(frozen=True)
class Matrix(Constraint):
    """A finite 2-d matrix, dense (array_like, DataFrame) or scipy.sparse.

    Dense float32 input stays float32 (the fast scoring precision); other dense input
    becomes float64. Sparse input becomes CSR. ``same_columns_as`` names an earlier
    argument whose number of columns (features) this one must match.

    ``scores_with`` names an earlier argument this one is multiplied with: the scores
    ``scores_with @ this.T`` (``scores_with @ this`` when ``contracts_rows``) must stay
    within :data:`SCORE_LIMIT` (:data:`SCORE_LIMIT_FLOAT32` when both are float32
    and the product is computed in float32), see :func:`check_product`.
    """

    low: float | None = None
    same_columns_as: str | None = None
    sparse_ok: bool = True
    optional: bool = False
    scores_with: str | None = None
    contracts_rows: bool = False
    float32_scores: bool = True

    def describe(self) -> str:
        return "a 2-d matrix of numbers" + (" (dense or scipy.sparse)" if self.sparse_ok else "")

    def coerce(self, value: Any, ctx: _Context) -> Any:
        if sp.issparse(value):
            if not self.sparse_ok:
                ctx.fail(f"must be {self.describe()}", described("a scipy.sparse matrix"))
            out: Any = as_csr(value)
            _check_numbers(out.data, ctx, self.low)
        else:
            if isinstance(value, (str, bytes, dict, set)):
                ctx.fail(f"must be {self.describe()}", described(f"a {type(value).__name__}"))
            raw = value.to_numpy() if isinstance(value, (pd.DataFrame, pd.Series)) else value
            try:
                arr = np.asarray(raw)
            except ValueError:
                ctx.fail(f"must be {self.describe()}", described("a ragged sequence"))
            if arr.dtype.kind not in "iufb":
                ctx.fail(f"must be {self.describe()}", described(f"values of dtype {arr.dtype}"))
            if arr.ndim != 2:
                ctx.fail(
                    f"must be {self.describe()}",
                    described(f"a {arr.ndim}-d array of shape {arr.shape}"),
                )
            out = arr if arr.dtype == np.float32 else arr.astype(np.float64)
            _check_numbers(out, ctx, self.low)
        if out.shape[0] < 1 or out.shape[1] < 1:
            ctx.fail("must have at least one row and one column", described(f"shape {out.shape}"))
        if self.same_columns_as is not None:
            other = ctx.arguments.get(self.same_columns_as)
            if other is not None and hasattr(other, "shape") and other.shape[1] != out.shape[1]:
                ctx.fail(
                    f"must have as many columns (features) as '{self.same_columns_as}' "
                    f"({other.shape[1]})",
                    described(f"{out.shape[1]} columns"),
                )
        if self.scores_with is not None:
            other = ctx.arguments.get(self.scores_with)
            if other is not None and hasattr(_factor(other), "shape"):
                left = _factor(other)
                inner = out.shape[0] if self.contracts_rows else out.shape[1]
                if left.shape[1] == inner:
                    check_product(
                        ctx.function,
                        self.scores_with,
                        left,
                        ctx.argument,
                        out,
                        right_transposed=not self.contracts_rows,
                        float32=self.float32_scores and _is_float32(left) and _is_float32(out),
                    )
        return out

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a string", "matrix"
        yield "a 1-d array", np.ones(3)
        yield "non-numeric", np.array([["a", "b"]])
        good = valid.toarray() if sp.issparse(valid) else np.asarray(valid, dtype=np.float64)
        with_nan = good.copy()
        with_nan.flat[-1] = np.nan
        yield "NaN", with_nan
        with_inf = good.copy()
        with_inf.flat[-1] = np.inf
        yield "inf", with_inf
        if self.low is not None:
            below = good.copy()
            below.flat[-1] = self.low - 1
            yield "below the lower bound", below
        if self.same_columns_as is not None:
            yield "one column too many", np.hstack([good, good[:, :1]])
        yield "empty", np.empty((0, good.shape[1]))

    def extreme_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        shape = valid.shape if hasattr(valid, "shape") else np.shape(valid)
        if len(shape) == 2:
            yield "1e308 everywhere", np.full(shape, 1e308)


@dataclass(frozen=True)
class InteractionsArg(Constraint):
    """An :class:`~servicekit.recommend.Interactions`, or a users × items matrix of ratings >= 0.

    A scipy.sparse (or dense) matrix is wrapped in an ``Interactions`` whose ids are the
    row and column positions. Stored entries are the interactions; values are their
    weights (1 for implicit feedback, the rating otherwise).
    """

    optional: bool = False

    def describe(self) -> str:
        return "an Interactions or a scipy.sparse users x items matrix of numbers >= 0"

    def coerce(self, value: Any, ctx: _Context) -> Any:
        from servicekit.recommend.interactions import Interactions

        if isinstance(value, Interactions):
            return value
        matrix = Matrix(low=0.0).coerce(value, ctx)
        if not sp.issparse(matrix):
            matrix = sp.csr_matrix(matrix)
        matrix = as_csr(matrix).astype(np.float64)
        return Interactions(matrix, np.arange(matrix.shape[0]), np.arange(matrix.shape[1]))

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a string", "ratings"
        yield "a 1-d array", np.ones(3)
        good = valid.matrix.toarray() if hasattr(valid, "matrix") else _dense(valid)
        with_nan = good.copy()
        with_nan.flat[-1] = np.nan
        yield "NaN", sp.csr_matrix(with_nan)
        negative = good.copy()
        negative.flat[-1] = -1.0
        yield "a negative rating", sp.csr_matrix(negative)


def _dense(value: Any) -> np.ndarray[Any, Any]:
    return np.asarray(value.toarray() if sp.issparse(value) else value, dtype=np.float64)


@dataclass(frozen=True)
class Exclude(Constraint):
    """Items not to recommend: a users × items scipy.sparse matrix (or a dense 0/1 array).

    Its shape must be (rows of ``users``, rows of ``items``), two earlier arguments.
    Every stored entry is excluded, whatever its value.
    """

    users: str = "user_weights"
    items: str = "item_features"
    optional: bool = True

    def describe(self) -> str:
        return "a scipy.sparse users x items matrix"

    def coerce(self, value: Any, ctx: _Context) -> Any:
        if sp.issparse(value):
            matrix = sp.csr_matrix(value)
        else:
            arr = np.asarray(value) if not isinstance(value, (str, bytes, dict, set)) else None
            if arr is None or arr.dtype.kind not in "iufb" or arr.ndim != 2:
                ctx.fail(f"must be {self.describe()}", described(f"a {type(value).__name__}"))
            matrix = sp.csr_matrix(arr.astype(bool))
        users, items = ctx.arguments.get(self.users), ctx.arguments.get(self.items)
        expected = (_rows(users), _rows(items))
        if matrix.shape != expected:
            ctx.fail(
                f"must have shape (users, items) = {expected}",
                described(f"shape {matrix.shape}"),
            )
        matrix.sort_indices()
        return matrix

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield "a string", "seen"
        shape = valid.shape if valid is not None else (1, 1)
        yield "one row too many", sp.csr_matrix((shape[0] + 1, shape[1]))
        yield "one column too many", sp.csr_matrix((shape[0], shape[1] + 1))


def _rows(value: Any) -> int:
    if value is None:
        return -1
    if hasattr(value, "matrix"):
        return int(value.matrix.shape[0])
    return int(value.shape[0])


@dataclass(frozen=True)
class ItemLists(Constraint):
    """One list of item ids per user (ranked lists or sets of relevant items).

    Accepts a sequence of sequences/sets of hashable ids, a
    :class:`~servicekit.recommend.TopK` (its item indices, padding dropped), or an
    :class:`~servicekit.recommend.Interactions` / scipy.sparse matrix (each row's stored
    items, as indices). Returns ``list[list]``. ``ranked=True`` rejects repeated items
    within a list (a ranking holds each item once).
    """

    ranked: bool = False
    same_length_as: str | None = None
    optional: bool = False

    def describe(self) -> str:
        return "a sequence with one list of item ids per user"

    def coerce(self, value: Any, ctx: _Context) -> list[list[Hashable]]:
        from servicekit.recommend.interactions import Interactions
        from servicekit.recommend.topk import TopK

        if isinstance(value, TopK):
            lists: list[list[Hashable]] = value.item_lists()
        elif isinstance(value, Interactions) or sp.issparse(value):
            matrix = value.matrix if isinstance(value, Interactions) else sp.csr_matrix(value)
            lists = [
                matrix.indices[matrix.indptr[u] : matrix.indptr[u + 1]].tolist()
                for u in range(matrix.shape[0])
            ]
        else:
            if isinstance(value, (str, bytes, dict)) or not isinstance(
                value, (Sequence, np.ndarray, pd.Series)
            ):
                ctx.fail(f"must be {self.describe()}", described(f"a {type(value).__name__}"))
            lists = []
            for position, items in enumerate(value):
                if isinstance(items, (str, bytes, dict)) or not isinstance(
                    items, (Sequence, set, frozenset, np.ndarray, pd.Series)
                ):
                    ctx.fail(
                        "must hold one list (or set) of item ids per user",
                        described(f"a {type(items).__name__} at position {position}"),
                    )
                row = list(items)
                for item in row:
                    if (
                        item is None
                        or (isinstance(item, float) and math.isnan(item))
                        or not isinstance(item, Hashable)
                    ):
                        ctx.fail(
                            "must hold item ids (no missing values)",
                            described(f"{item!r} in the list at position {position}"),
                        )
                if self.ranked and len(set(row)) != len(row):
                    ctx.fail(
                        "must not repeat an item within a user's ranked list",
                        described(f"a repeat in the list at position {position}"),
                    )
                lists.append(row)
        if not lists:
            ctx.fail("must hold at least one user", described("0 users"))
        if self.same_length_as is not None:
            other = ctx.arguments.get(self.same_length_as)
            if isinstance(other, list) and len(other) != len(lists):
                ctx.fail(
                    f"must have one list per user of '{self.same_length_as}' ({len(other)})",
                    described(f"{len(lists)} lists"),
                )
        return lists

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a string", "items"
        yield "a number", 3
        yield "empty", []
        yield "a non-list element", [3]
        yield "a missing id", [[None]]
        if self.ranked:
            yield "a repeated item", [[1, 1]]
        if self.same_length_as is not None:
            yield "one list too many", [[1]] * 50
