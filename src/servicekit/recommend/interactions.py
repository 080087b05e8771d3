"""Who interacted with what: a sparse users × items matrix with the original ids.

:class:`Interactions` maps arbitrary user and item ids (strings, integers) to row and
column positions, keeps the matrix in CSR form, and maps results (:class:`TopK`) back
to the original ids.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from servicekit._typing import IntArray
from servicekit._validation import Column, Flag, Frame, InstanceOf, described, fail, validated

if TYPE_CHECKING:
    from servicekit.recommend.topk import TopK

__all__ = ["Interactions"]


@dataclass(frozen=True, slots=True)
class Interactions:
    """A users × items interaction matrix with the original user and item ids.

    Every stored entry of :attr:`matrix` is one interaction; its value is the weight
    used by the models (1 for implicit feedback, the rating otherwise). A stored 0
    (a rating of 0) still counts as seen, so it is excluded from recommendations and
    counts as relevant when held out, but it adds nothing to weighted sums.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        Users × items, float64, sorted indices, no duplicates.
    user_ids, item_ids : numpy.ndarray
        The original id of each row and of each column.

    Examples
    --------
    >>> frame = pd.DataFrame({"user": ["ann", "ann", "bob"], "item": ["tea", "jam", "tea"]})
    >>> data = Interactions.from_frame(frame, user="user", item="item")
    >>> data
    Interactions(users=2, items=2, interactions=3)
    >>> data.matrix.toarray()
    array([[1., 1.],
           [0., 1.]])
    >>> data.item_ids.tolist()
    ['jam', 'tea']
    """

    matrix: sp.csr_matrix
    user_ids: np.ndarray[Any, Any]
    item_ids: np.ndarray[Any, Any]

    def __post_init__(self) -> None:
        matrix = sp.csr_matrix(self.matrix, dtype=np.float64)
        matrix.sum_duplicates()  # no-ops on a canonical matrix
        matrix.sort_indices()
        object.__setattr__(self, "matrix", matrix)
        user_ids, item_ids = np.asarray(self.user_ids), np.asarray(self.item_ids)
        for name, ids, length in (
            ("user_ids", user_ids, self.matrix.shape[0]),
            ("item_ids", item_ids, self.matrix.shape[1]),
        ):
            if ids.ndim != 1 or len(ids) != length:
                fail(
                    "Interactions",
                    name,
                    f"must hold one id per matrix {name[:4]} ({length})",
                    described(f"shape {ids.shape}"),
                )
            if len(pd.unique(ids)) != len(ids):
                fail("Interactions", name, "must not repeat an id", described("a repeated id"))
        object.__setattr__(self, "user_ids", user_ids)
        object.__setattr__(self, "item_ids", item_ids)

    def __repr__(self) -> str:
        return (
            f"Interactions(users={self.n_users}, items={self.n_items}, "
            f"interactions={self.matrix.nnz})"
        )

    @property
    def n_users(self) -> int:
        """Number of users (rows)."""
        return int(self.matrix.shape[0])

    @property
    def n_items(self) -> int:
        """Number of items (columns)."""
        return int(self.matrix.shape[1])

    @classmethod
    @validated(
        frame=Frame(min_rows=1),
        user=Column("frame"),
        item=Column("frame"),
        rating=Column("frame", optional=True),
    )
    def from_frame(
        cls, frame: pd.DataFrame, *, user: str, item: str, rating: str | None = None
    ) -> Interactions:
        """Build the matrix from a long table of (user, item[, rating]) rows.

        Users and items are numbered in sorted id order. Without ``rating`` every
        row is an implicit interaction of weight 1 (a repeated pair stays 1); with
        ``rating`` the values must be finite and >= 0 and each (user, item) pair may
        appear only once.

        Parameters
        ----------
        frame : pandas.DataFrame
            One row per interaction.
        user, item : str
            The id columns (any hashable ids; missing ids are rejected).
        rating : str, optional
            A numeric column of ratings (weights).

        Returns
        -------
        Interactions

        Raises
        ------
        InvalidInputError
            Missing ids, non-numeric, negative or missing ratings, or a pair rated twice.

        Examples
        --------
        >>> frame = pd.DataFrame({"u": [1, 1, 2], "i": [10, 20, 10], "r": [2, 0, 1]})
        >>> Interactions.from_frame(frame, user="u", item="i", rating="r").matrix.toarray()
        array([[2., 0.],
               [1., 0.]])
        """
        for argument, column in (("user", user), ("item", item)):
            missing = frame[column].isna().to_numpy()
            if missing.any():
                fail(
                    "Interactions.from_frame",
                    argument,
                    "must name a column without missing ids",
                    described(f"missing id in column {column!r} at row {int(np.argmax(missing))}"),
                )
        user_ids, rows = np.unique(frame[user].to_numpy(), return_inverse=True)
        item_ids, cols = np.unique(frame[item].to_numpy(), return_inverse=True)
        if rating is None:
            values = np.ones(len(frame))
        else:
            series = pd.to_numeric(frame[rating], errors="coerce")
            bad = (series.isna() | ~np.isfinite(series) | (series < 0)).to_numpy()
            if bad.any():
                position = int(np.argmax(bad))
                fail(
                    "Interactions.from_frame",
                    "rating",
                    f"must name a column of finite ratings >= 0 (column {rating!r})",
                    described(f"{frame[rating].iloc[position]!r} at row {position}"),
                )
            values = series.to_numpy(dtype=np.float64)
            pairs = rows.astype(np.int64) * len(item_ids) + cols
            if len(np.unique(pairs)) != len(pairs):
                fail(
                    "Interactions.from_frame",
                    "frame",
                    "must rate each (user, item) pair at most once",
                    described("a repeated (user, item) pair"),
                )
        matrix = sp.coo_matrix(
            (values, (rows.ravel(), cols.ravel())), shape=(len(user_ids), len(item_ids))
        ).tocsr()
        if rating is None:
            matrix.data[:] = 1.0  # tocsr() summed repeated implicit rows
        matrix.sort_indices()
        return cls(matrix, user_ids, item_ids)

    # ---------------------------------------------------------------- id mapping
    def _positions(self, ids: Any, argument: str, function: str, which: str) -> IntArray:
        known = self.user_ids if which == "user" else self.item_ids
        wanted = [ids] if np.ndim(ids) == 0 or isinstance(ids, Mapping) else list(ids)
        for position, one in enumerate(wanted):
            if one is None or not isinstance(one, Hashable) or isinstance(one, Mapping):
                fail(
                    function,
                    argument,
                    f"must hold {which} ids (hashable values other than None)",
                    described(f"{type(one).__name__} at position {position}"),
                )
        if not wanted:
            fail(function, argument, f"must hold at least one {which} id", described("0 ids"))
        index = pd.Index(known)
        positions = index.get_indexer(
            pd.Index(wanted, dtype=object if known.dtype == object else None)
        )
        if (positions < 0).any():
            missing = wanted[int(np.argmax(positions < 0))]
            fail(function, argument, f"must hold known {which} ids", missing)
        out: IntArray = positions.astype(np.int64)
        return out

    @validated(user_ids=InstanceOf(object))
    def user_index(self, user_ids: Hashable | Sequence[Hashable]) -> IntArray:
        """Row positions of the given user ids (one id or a sequence).

        Raises
        ------
        InvalidInputError
            If an id is not in :attr:`user_ids`.

        Examples
        --------
        >>> data = Interactions(sp.csr_matrix([[1.0], [1.0]]), ["a", "b"], ["x"])
        >>> data.user_index(["b", "a"]).tolist()
        [1, 0]
        """
        return self._positions(user_ids, "user_ids", "Interactions.user_index", "user")

    @validated(item_ids=InstanceOf(object))
    def item_index(self, item_ids: Hashable | Sequence[Hashable]) -> IntArray:
        """Column positions of the given item ids (one id or a sequence).

        Examples
        --------
        >>> data = Interactions(sp.csr_matrix([[1.0, 0.0]]), ["a"], ["x", "y"])
        >>> data.item_index("y").tolist()
        [1]
        """
        return self._positions(item_ids, "item_ids", "Interactions.item_index", "item")

    def to_frame(self) -> pd.DataFrame:
        """The interactions as a long table (user, item, rating) with the original ids.

        Examples
        --------
        >>> Interactions(sp.csr_matrix([[0.0, 2.0]]), ["a"], ["x", "y"]).to_frame()
          user item  rating
        0    a    y     2.0
        """
        coo = self.matrix.tocoo()
        frame: pd.DataFrame = pd.DataFrame(
            {"user": self.user_ids[coo.row], "item": self.item_ids[coo.col], "rating": coo.data}
        )
        return frame

    def items_of_users(self) -> list[list[Hashable]]:
        """Each user's items (original ids), in item order; for the ranking metrics.

        Examples
        --------
        >>> Interactions(sp.csr_matrix([[1.0, 1.0], [0.0, 1.0]]), ["a", "b"],
        ...              ["x", "y"]).items_of_users()
        [['x', 'y'], ['y']]
        """
        m = self.matrix
        return [
            self.item_ids[m.indices[m.indptr[u] : m.indptr[u + 1]]].tolist()
            for u in range(self.n_users)
        ]

    @validated(top=InstanceOf(object), users=InstanceOf(object, optional=True), drop_padding=Flag())
    def recommendations(
        self, top: TopK, users: Sequence[Hashable] | None = None, *, drop_padding: bool = True
    ) -> pd.DataFrame:
        """A :class:`TopK` as a table (user, rank, item, score) with the original ids.

        Parameters
        ----------
        top : TopK
            Rows are users, in the order of :attr:`user_ids` unless ``users`` is given;
            columns are item positions of this matrix.
        users : sequence, optional
            The user ids of ``top``'s rows, when they are not all users in order.
        drop_padding : bool
            Drop the ``-1`` / NaN padding of users with fewer than k eligible items.

        Returns
        -------
        pandas.DataFrame
            Columns user, rank (1 = best), item, score.

        Examples
        --------
        >>> from servicekit.recommend import top_k
        >>> data = Interactions(sp.csr_matrix([[1.0, 0.0]]), ["ann"], ["tea", "jam"])
        >>> top = top_k([[1.0]], [[0.5], [2.0]], k=2)
        >>> data.recommendations(top)
          user  rank item  score
        0  ann     1  jam    2.0
        1  ann     2  tea    0.5
        """
        from servicekit.recommend.topk import TopK

        if not isinstance(top, TopK):
            fail(
                "Interactions.recommendations",
                "top",
                "must be a TopK",
                described(type(top).__name__),
            )
        if users is None:
            if top.items.shape[0] != self.n_users:
                fail(
                    "Interactions.recommendations",
                    "top",
                    f"must have one row per user ({self.n_users}) when 'users' is not given",
                    described(f"{top.items.shape[0]} rows"),
                )
            user_ids = self.user_ids
        else:
            user_ids = self.user_ids[
                self._positions(users, "users", "Interactions.recommendations", "user")
            ]
            if len(user_ids) != top.items.shape[0]:
                fail(
                    "Interactions.recommendations",
                    "users",
                    f"must name the {top.items.shape[0]} rows of 'top'",
                    described(f"{len(user_ids)} ids"),
                )
        if top.items.size and int(top.items.max()) >= self.n_items:
            fail(
                "Interactions.recommendations",
                "top",
                f"must hold item positions < {self.n_items}",
                int(top.items.max()),
            )
        n_users, k = top.items.shape
        items = top.items.ravel()
        keep = items >= 0 if drop_padding else np.ones(items.shape, dtype=bool)
        item_ids = np.empty(items.shape, dtype=object)
        item_ids[items >= 0] = self.item_ids[items[items >= 0]]
        frame: pd.DataFrame = pd.DataFrame(
            {
                "user": np.repeat(user_ids, k)[keep],
                "rank": np.tile(np.arange(1, k + 1), n_users)[keep],
                "item": item_ids[keep],
                "score": top.scores.ravel()[keep],
            }
        )
        frame["item"] = frame["item"].infer_objects()
        return frame
