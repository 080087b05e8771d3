"""A fitted recommender a backend can keep: recommend, cold start, explain, save."""

from __future__ import annotations

import itertools
import os
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from servicekit._persistence import (
    PATH,
    Document,
    JsonText,
    encode_array,
    read_file,
    write_document,
    write_file,
)
from servicekit._typing import ArrayLike, FloatArray
from servicekit._validation import (
    Flag,
    InstanceOf,
    Interval,
    Options,
    described,
    fail,
    validated,
)
from servicekit.recommend._checks import InteractionsArg, Weights, check_product
from servicekit.recommend.ease import DEFAULT_MAX_ITEMS, ease_weights
from servicekit.recommend.hybrid import scale_rows
from servicekit.recommend.interactions import Interactions
from servicekit.recommend.profiles import user_profiles
from servicekit.recommend.similarity import item_similarity
from servicekit.recommend.topk import TopK, blocked_top_k, padded_width

__all__ = ["METHODS", "Recommender", "fit_recommender"]

#: The methods :func:`fit_recommender` offers.
METHODS: tuple[str, ...] = ("ease", "item_knn", "features", "hybrid", "popular")
FORMAT = "servicekit.Recommender"
FORMAT_VERSION = 1
_USES_FEATURES = ("features", "hybrid")
_USES_WEIGHTS = ("ease", "item_knn", "hybrid")


class Recommender:
    """A fitted, immutable recommender; get one from :func:`fit_recommender` or :meth:`from_json`.

    Every method speaks in the original user and item ids. Scores of the
    collaborative methods are ``x_u @ W`` (W: EASE weights or item similarities);
    of ``"features"``, ``w_u · r_i`` with the learned profile ``w_u``; ``"hybrid"``
    blends both after scaling each user's scores to a largest magnitude of 1
    (see :func:`hybrid_top_k`); ``"popular"`` ranks by interaction counts.

    Examples
    --------
    >>> frame = pd.DataFrame({"user": ["a", "a", "b", "b", "c"],
    ...                       "item": ["tea", "jam", "tea", "jam", "tea"]})
    >>> data = Interactions.from_frame(frame, user="user", item="item")
    >>> model = fit_recommender(data, method="item_knn")
    >>> model
    Recommender(method='item_knn', users=3, items=2)
    >>> model.recommend(["c"], k=1)
      user  rank item     score
    0    c     1  jam  0.816497
    """

    __slots__ = (
        "_feature_names",
        "_features",
        "_item_ids",
        "_method",
        "_options",
        "_popularity",
        "_profiles",
        "_seen",
        "_user_ids",
        "_weights",
    )
    _method: str
    _user_ids: np.ndarray[Any, Any]
    _item_ids: np.ndarray[Any, Any]
    _seen: sp.csr_matrix
    _features: FloatArray | None
    _feature_names: tuple[str, ...]
    _profiles: FloatArray | None
    _weights: Any
    _popularity: FloatArray
    _options: dict[str, Any]

    def __init__(
        self,
        *,
        method: str,
        interactions: Interactions,
        features: FloatArray | None,
        feature_names: tuple[str, ...],
        profiles: FloatArray | None,
        weights: Any,
        options: dict[str, Any],
    ) -> None:
        for array in (features, profiles, weights):
            if isinstance(array, np.ndarray):
                array.setflags(write=False)
        set_ = object.__setattr__
        set_(self, "_method", method)
        set_(self, "_user_ids", interactions.user_ids)
        set_(self, "_item_ids", interactions.item_ids)
        set_(self, "_seen", interactions.matrix)
        set_(self, "_features", features)
        set_(self, "_feature_names", feature_names)
        set_(self, "_profiles", profiles)
        set_(self, "_weights", weights)
        counts = np.bincount(interactions.matrix.indices, minlength=interactions.n_items)
        set_(self, "_popularity", counts.astype(np.float64))
        set_(self, "_options", dict(options))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Recommender is immutable; fit a new one instead")

    def __repr__(self) -> str:
        return (
            f"Recommender(method={self._method!r}, users={len(self._user_ids)}, "
            f"items={len(self._item_ids)})"
        )

    # ------------------------------------------------------------------ description
    @property
    def method(self) -> str:
        """``"ease"``, ``"item_knn"``, ``"features"``, ``"hybrid"`` or ``"popular"``."""
        return self._method

    @property
    def user_ids(self) -> np.ndarray[Any, Any]:
        """The known users' ids."""
        ids: np.ndarray[Any, Any] = self._user_ids.copy()
        return ids

    @property
    def item_ids(self) -> np.ndarray[Any, Any]:
        """The catalogue's item ids."""
        ids: np.ndarray[Any, Any] = self._item_ids.copy()
        return ids

    @property
    def options(self) -> dict[str, Any]:
        """The options the model was fitted with (a copy)."""
        return dict(self._options)

    @property
    def interactions(self) -> Interactions:
        """The training interactions (users × catalogue items)."""
        return Interactions(self._seen, self._user_ids, self._item_ids)

    # ------------------------------------------------------------------ scoring
    def _scores(self, history: sp.csr_matrix, profiles: FloatArray | None, width: int) -> Any:
        """Dense (users, width) scores; columns beyond the catalogue are padding."""
        n_items = len(self._item_ids)
        rows = history.shape[0]
        out = np.zeros((rows, width))
        if self._method == "popular":
            out[:, :n_items] = self._popularity
            return out
        content = collaborative = None
        if self._method in _USES_FEATURES and profiles is not None and self._features is not None:
            content = profiles @ self._features.T
        if self._method in _USES_WEIGHTS:
            product = history @ self._weights
            collaborative = np.asarray(product.toarray() if sp.issparse(product) else product)
        if self._method == "hybrid" and content is not None and collaborative is not None:
            weight = float(self._options["weight"])
            out[:, :n_items] = (1.0 - weight) * scale_rows(content) + weight * scale_rows(
                collaborative
            )
        elif content is not None:
            out[:, :n_items] = content
        elif collaborative is not None:
            out[:, :n_items] = collaborative
        return out

    def _top(
        self, history: sp.csr_matrix, profiles: FloatArray | None, k: int, exclude_seen: bool
    ) -> TopK:
        n_items = len(self._item_ids)
        width = padded_width(n_items, k)

        def score_block(start: int, stop: int) -> Any:
            part = profiles[start:stop] if profiles is not None else None
            return self._scores(history[start:stop], part, width)

        return blocked_top_k(
            score_block,
            history.shape[0],
            n_items,
            k,
            exclude=history if exclude_seen else None,
            itemsize=8,
        )

    def _frame(self, top: TopK, users: np.ndarray[Any, Any] | None) -> pd.DataFrame:
        n_rows, k = top.items.shape
        keep = top.items.ravel() >= 0
        items = top.items.ravel()[keep]
        columns: dict[str, Any] = {}
        if users is not None:
            columns["user"] = np.repeat(users, k)[keep]
        columns["rank"] = np.tile(np.arange(1, k + 1), n_rows)[keep]
        columns["item"] = self._item_ids[items]
        columns["score"] = top.scores.ravel()[keep]
        frame: pd.DataFrame = pd.DataFrame(columns)
        return frame

    @validated(user_ids=InstanceOf(object), k=Interval(kind="int", low=1), exclude_seen=Flag())
    def recommend(
        self, user_ids: Hashable | Sequence[Hashable], k: int = 10, exclude_seen: bool = True
    ) -> pd.DataFrame:
        """The k best items for known users.

        Parameters
        ----------
        user_ids : id or sequence of ids
            Users seen in training.
        k : int
            Items per user; users with fewer than k eligible items get fewer rows.
        exclude_seen : bool
            Skip items the user already interacted with.

        Returns
        -------
        pandas.DataFrame
            Columns user, rank (1 = best), item, score; ties go to the earlier
            catalogue item.

        Raises
        ------
        InvalidInputError
            If an id is not a known user (use :meth:`recommend_for_new_user`).

        Examples
        --------
        >>> data = Interactions(sp.csr_matrix([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]]),
        ...                     ["ann", "bob"], ["tea", "jam", "honey"])
        >>> fit_recommender(data, method="ease", l2=1.0).recommend("bob", k=1)
          user  rank item     score
        0  bob     1  jam  0.333333
        """
        rows = self.interactions._positions(user_ids, "user_ids", "Recommender.recommend", "user")
        profiles = self._profiles[rows] if self._profiles is not None else None
        top = self._top(self._seen[rows], profiles, k, exclude_seen)
        return self._frame(top, self._user_ids[rows])

    @validated(
        liked_item_ids=InstanceOf(object, optional=True),
        feature_weights=Weights(optional=True),
        k=Interval(kind="int", low=1),
    )
    def recommend_for_new_user(
        self,
        liked_item_ids: Hashable | Sequence[Hashable] | None = None,
        *,
        feature_weights: ArrayLike | None = None,
        k: int = 10,
    ) -> pd.DataFrame:
        """Recommendations for a user unseen in training, without refitting.

        Give the items the user liked (collaborative methods score them like a
        known user's history; ``"features"`` averages their features into a
        profile), or, for ``"features"`` and ``"hybrid"``, the user's weight on each
        feature directly. Liked items are never recommended back.

        Parameters
        ----------
        liked_item_ids : id or sequence of ids, optional
            Catalogue items the user liked.
        feature_weights : array_like, optional
            One weight per feature (``"features"`` and ``"hybrid"`` only). Weights
            whose scores ``Σ_j |w_j| · max_i |r_ij|`` would exceed 1e300 in magnitude
            (the model's item features r) are refused.
        k : int

        Returns
        -------
        pandas.DataFrame
            Columns rank, item, score.

        Raises
        ------
        InvalidInputError
            Neither argument given, an unknown item, weights of the wrong length,
            weights for a method without features, or weights whose scores would
            exceed 1e300.

        Examples
        --------
        >>> data = Interactions(sp.csr_matrix([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]),
        ...                     ["ann", "bob"], ["tea", "jam", "honey"])
        >>> model = fit_recommender(data, method="item_knn")
        >>> model.recommend_for_new_user(["honey"], k=2)
           rank item     score
        0     1  jam  0.707107
        1     2  tea  0.000000
        """
        name = "Recommender.recommend_for_new_user"
        n_items = len(self._item_ids)
        if liked_item_ids is None and feature_weights is None:
            fail(name, "liked_item_ids", "or 'feature_weights' must be given", None)
        history = sp.csr_matrix((1, n_items))
        if liked_item_ids is not None:
            liked = self.interactions._positions(liked_item_ids, "liked_item_ids", name, "item")
            history = sp.csr_matrix(
                (
                    np.ones(len(set(liked.tolist()))),
                    ([0] * len(set(liked.tolist())), sorted(set(liked.tolist()))),
                ),
                shape=(1, n_items),
            )
        profiles = None
        weights_given: Any = feature_weights
        if weights_given is not None:
            if self._method not in _USES_FEATURES or self._features is None:
                fail(
                    name,
                    "feature_weights",
                    f"needs a model with item features, not {self._method!r}",
                    described("feature weights"),
                )
            if weights_given.shape != (self._features.shape[1],):
                fail(
                    name,
                    "feature_weights",
                    f"must hold one weight per feature ({self._features.shape[1]})",
                    described(f"{weights_given.shape[0]} weights"),
                )
            profiles = weights_given[None, :]
            check_product(
                name,
                "feature_weights",
                profiles,
                "item features",
                self._features,
                right_transposed=True,
                blame="feature_weights",
            )
        elif self._features is not None:
            profiles = user_profiles(history, self._features, weighting="binary")
        top = self._top(history.tocsr(), profiles, k, True)
        return self._frame(top, None)

    @validated(
        user_id=InstanceOf(object), item_id=InstanceOf(object), n=Interval(kind="int", low=1)
    )
    def explain(self, user_id: Hashable, item_id: Hashable, *, n: int = 10) -> pd.DataFrame:
        """The terms of one score that contributed most, largest magnitude first.

        Parameters
        ----------
        user_id : id
            A known user.
        item_id : id
            A catalogue item.
        n : int
            Terms to return at most (per part for ``"hybrid"``).

        Returns
        -------
        pandas.DataFrame
            Columns part (``"features"``, ``"collaborative"`` or ``"popularity"``),
            term (a feature name, or an item the user interacted with), user_value
            (the user's weight or rating), item_value (the item's feature value, or
            the weight linking the two items) and contribution (their product). The
            contributions of a part sum to its raw score (before the hybrid's scaling)
            when all terms are shown.

        Examples
        --------
        >>> data = Interactions(sp.csr_matrix([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]),
        ...                     ["ann", "bob"], ["tea", "jam", "honey"])
        >>> fit_recommender(data, method="item_knn").explain("ann", "honey")
                    part term  user_value  item_value  contribution
        0  collaborative  jam         1.0    0.707107      0.707107
        1  collaborative  tea         1.0    0.000000      0.000000
        """
        name = "Recommender.explain"
        data = self.interactions
        user = int(data._positions(user_id, "user_id", name, "user")[0])
        item = int(data._positions(item_id, "item_id", name, "item")[0])
        parts: list[pd.DataFrame] = []
        if self._method == "popular":
            parts.append(
                pd.DataFrame(
                    {
                        "part": ["popularity"],
                        "term": ["interactions"],
                        "user_value": [1.0],
                        "item_value": [self._popularity[item]],
                        "contribution": [self._popularity[item]],
                    }
                )
            )
        if (
            self._method in _USES_FEATURES
            and self._profiles is not None
            and self._features is not None
        ):
            weights, values = self._profiles[user], self._features[item]
            terms = weights * values
            order = np.argsort(-np.abs(terms), kind="stable")[:n]
            parts.append(
                pd.DataFrame(
                    {
                        "part": "features",
                        "term": [self._feature_names[j] for j in order],
                        "user_value": weights[order],
                        "item_value": values[order],
                        "contribution": terms[order],
                    }
                )
            )
        if self._method in _USES_WEIGHTS:
            start, stop = self._seen.indptr[user], self._seen.indptr[user + 1]
            sources = self._seen.indices[start:stop]
            ratings = self._seen.data[start:stop]
            column = self._weights[:, [item]]
            column = np.asarray(column.toarray() if sp.issparse(column) else column).ravel()
            links = column[sources]
            terms = ratings * links
            order = np.argsort(-np.abs(terms), kind="stable")[:n]
            parts.append(
                pd.DataFrame(
                    {
                        "part": "collaborative",
                        "term": self._item_ids[sources[order]],
                        "user_value": ratings[order],
                        "item_value": links[order],
                        "contribution": terms[order],
                    }
                )
            )
        frame: pd.DataFrame = pd.concat(parts, ignore_index=True)
        frame["term"] = frame["term"].infer_objects()
        return frame

    # ------------------------------------------------------------------ persistence
    def to_json(self) -> str:
        """Everything needed to recommend, as JSON text (no pickle).

        Ids, the training interactions, item features, profiles and the item-item
        weights (exact float64), the options and a checksum; see
        :mod:`servicekit._persistence`.

        Examples
        --------
        >>> data = Interactions(sp.csr_matrix([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]),
        ...                     ["ann", "bob"], ["tea", "jam", "honey"])
        >>> model = fit_recommender(data, method="ease")
        >>> again = Recommender.from_json(model.to_json())
        >>> again.recommend("ann").equals(model.recommend("ann"))
        True
        """
        weights: Any = None
        if sp.issparse(self._weights):
            weights = {"sparse": True, **_encode_csr(sp.csr_matrix(self._weights))}
        elif self._weights is not None:
            weights = {"sparse": False, "values": encode_array(self._weights)}
        fields = {
            "method": self._method,
            "user_ids": self._user_ids.tolist(),
            "item_ids": self._item_ids.tolist(),
            "interactions": _encode_csr(self._seen),
            "features": None if self._features is None else encode_array(self._features),
            "feature_names": list(self._feature_names),
            "profiles": None if self._profiles is None else encode_array(self._profiles),
            "weights": weights,
            "options": self._options,
        }
        return write_document(FORMAT, FORMAT_VERSION, fields)

    @validated(path=PATH)
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the recommender to ``path`` as UTF-8 JSON (exactly :meth:`to_json`'s text).

        The file is replaced only once completely written. Read it back with
        :meth:`load` or :func:`servicekit.load`.

        Parameters
        ----------
        path : str or path-like
            The file to write (conventionally ``*.json``).

        Examples
        --------
        >>> import tempfile
        >>> import pandas as pd
        >>> ratings = pd.DataFrame({"user": ["a", "a", "b"], "item": ["x", "y", "x"]})
        >>> model = fit_recommender(Interactions.from_frame(ratings, user="user", item="item"), method="item_knn")
        >>> path = tempfile.mkdtemp() + "/model.json"
        >>> model.save(path)
        >>> Recommender.load(path).to_json() == model.to_json()
        True
        """
        write_file(path, self.to_json())

    @classmethod
    @validated(path=PATH)
    def load(cls, path: str | os.PathLike[str]) -> Recommender:
        """Read a file written by :meth:`save` (validated like :meth:`from_json`).

        Parameters
        ----------
        path : str or path-like
            A ``servicekit.Recommender`` file.

        Raises
        ------
        ModelFormatError
            If the file is not UTF-8 JSON of this format or fails validation.
        FileNotFoundError
            If there is no such file.

        Examples
        --------
        >>> Recommender.load("no-such-model.json")
        Traceback (most recent call last):
        ...
        FileNotFoundError: [Errno 2] No such file or directory: 'no-such-model.json'
        """
        return cls.from_json(read_file(path))

    @classmethod
    @validated(text=JsonText())
    def from_json(cls, text: str) -> Recommender:
        """Load a recommender saved with :meth:`to_json`.

        Raises
        ------
        ModelFormatError
            If the text is not a servicekit recommender, is of another format version,
            or was truncated or altered (shapes, types and the checksum are verified).

        Examples
        --------
        >>> Recommender.from_json('{"format": "servicekit.Recommender", "version": 9}')
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Recommender model file: field 'version' must be 1 (the version this servicekit reads), got 9
        """
        doc = Document(text, FORMAT, FORMAT_VERSION)
        doc.expect_keys(
            {
                "format",
                "version",
                "checksum",
                "method",
                "user_ids",
                "item_ids",
                "interactions",
                "features",
                "feature_names",
                "profiles",
                "weights",
                "options",
            }
        )
        method = doc.text("method", options=METHODS)
        user_ids = _ids(doc, "user_ids")
        item_ids = _ids(doc, "item_ids")
        n_users, n_items = len(user_ids), len(item_ids)
        seen = _decode_csr(doc.section("interactions"), (n_users, n_items), low=0.0)
        names = doc.texts("feature_names", allow_empty=True)
        features = profiles = None
        if method in _USES_FEATURES:
            features = doc.array("features", shape=(n_items, len(names)))
            profiles = doc.array("profiles", shape=(n_users, len(names)))
        elif not (doc.is_null("features") and doc.is_null("profiles")):
            doc.fail("features", f"must be null for method {method!r}")
        weights: Any = None
        if method in _USES_WEIGHTS:
            section = doc.section("weights")
            if section.flag("sparse"):
                section.expect_keys({"sparse", "shape", "indptr", "indices", "data"})
                weights = _decode_csr(section, (n_items, n_items))
            else:
                section.expect_keys({"sparse", "values"})
                weights = section.array("values", shape=(n_items, n_items))
        elif not doc.is_null("weights"):
            doc.fail("weights", f"must be null for method {method!r}")
        options = doc.mapping("options")
        doc.verify_checksum()
        interactions = Interactions(seen, np.asarray(user_ids), np.asarray(item_ids))
        return cls(
            method=method,
            interactions=interactions,
            features=features,
            feature_names=names,
            profiles=profiles,
            weights=weights,
            options=options,
        )


def _encode_csr(matrix: sp.csr_matrix) -> dict[str, Any]:
    return {
        "shape": list(matrix.shape),
        "indptr": matrix.indptr.tolist(),
        "indices": matrix.indices.tolist(),
        "data": encode_array(matrix.data),
    }


def _decode_csr(doc: Document, shape: tuple[int, int], low: float | None = None) -> sp.csr_matrix:
    if doc.fields.get("shape") != list(shape):
        doc.fail("shape", f"must be {list(shape)}")
    indptr, indices = doc.fields.get("indptr"), doc.fields.get("indices")
    if not isinstance(indptr, list) or not all(type(v) is int for v in indptr):
        doc.fail("indptr", "must be a list of integers")
    if not isinstance(indices, list) or not all(type(v) is int for v in indices):
        doc.fail("indices", "must be a list of integers")
    if (
        len(indptr) != shape[0] + 1
        or indptr[0] != 0
        or indptr[-1] != len(indices)
        or any(b < a for a, b in itertools.pairwise(indptr))
    ):
        doc.fail("indptr", "is not a valid CSR row index")
    if indices and (min(indices) < 0 or max(indices) >= shape[1]):
        doc.fail("indices", f"must hold column positions < {shape[1]}")
    data = doc.array("data", shape=(len(indices),), low=low)
    matrix = sp.csr_matrix(
        (np.array(data), np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int32)),
        shape=shape,
    )
    matrix.sort_indices()
    return matrix


def _ids(doc: Document, key: str) -> list[Any]:
    value = doc.fields.get(key)
    if not isinstance(value, list) or not value:
        doc.fail(key, "must be a non-empty list of ids")
    kinds = {type(v) for v in value}
    if not (kinds <= {str} or kinds <= {int}):
        doc.fail(key, "must hold only strings or only integers")
    if len(set(value)) != len(value):
        doc.fail(key, "must not repeat an id")
    return value


def _json_ids(ids: np.ndarray[Any, Any], function: str) -> np.ndarray[Any, Any]:
    """Ids as int64 or str (what JSON stores exactly), or InvalidInputError."""
    if ids.dtype.kind in "iu":
        return ids.astype(np.int64)
    values = ids.tolist()
    if all(isinstance(v, str) for v in values):
        return np.asarray(values, dtype=object)
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        return np.asarray(values, dtype=np.int64)
    fail(
        function,
        "interactions",
        "must have user and item ids that are all strings or all "
        "integers (what a saved model can hold)",
        described(f"ids of dtype {ids.dtype}"),
    )


def _feature_table(features: pd.DataFrame, item_ids: np.ndarray[Any, Any]) -> tuple[Any, ...]:
    name = "fit_recommender"
    if features.index.has_duplicates:
        fail(
            name,
            "item_features",
            "must have one row per item id (a unique index)",
            described("a repeated item id in the index"),
        )
    numeric = features.apply(pd.to_numeric, errors="coerce")
    values = numeric.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        fail(
            name,
            "item_features",
            "must hold finite numbers",
            described(f"{features.iloc[row, col]!r} in column {features.columns[col]!r}"),
        )
    known = pd.Index(item_ids)
    missing = ~known.isin(features.index)
    if missing.any():
        fail(
            name,
            "item_features",
            "must have a row for every item of 'interactions'",
            described(f"no row for item {item_ids[int(np.argmax(missing))]!r}"),
        )
    extra = features.index[~features.index.isin(known)]
    catalog = (
        np.concatenate([item_ids, np.asarray(sorted(extra.tolist()), dtype=item_ids.dtype)])
        if len(extra)
        else item_ids
    )
    table = np.ascontiguousarray(numeric.reindex(catalog).to_numpy(dtype=np.float64))
    # A learned profile is a weighted mean of feature rows, so |w_uj| <= max_i |r_ij|
    # and every score of the fitted model is at most Σ_j (max_i |r_ij|)².
    peaks = np.abs(table).max(axis=0)[None, :]
    check_product(name, "item_features", peaks, "item_features", table, right_transposed=True)
    return table, catalog, tuple(str(c) for c in features.columns)


@validated(
    interactions=InteractionsArg(),
    method=Options(*METHODS),
    item_features=InstanceOf(pd.DataFrame, optional=True),
    l2=Interval(low=0, low_open=True),
    metric=Options("cosine", "jaccard", "dot"),
    shrinkage=Interval(low=0),
    top_n=Interval(kind="int", low=1, optional=True),
    weight=Interval(low=0, high=1),
    weighting=Options("rating", "binary", "centered"),
    max_items=Interval(kind="int", low=1),
)
def fit_recommender(
    interactions: Interactions | sp.spmatrix,
    *,
    method: str = "ease",
    item_features: pd.DataFrame | None = None,
    l2: float = 300.0,
    metric: str = "cosine",
    shrinkage: float = 0.0,
    top_n: int | None = None,
    weight: float = 0.5,
    weighting: str = "rating",
    max_items: int = DEFAULT_MAX_ITEMS,
) -> Recommender:
    """Fit a recommender on interactions (and item features for content methods).

    Parameters
    ----------
    interactions : Interactions or scipy.sparse matrix
        Users × items; ids must be all strings or all integers (to be saved).
    method : {"ease", "item_knn", "features", "hybrid", "popular"}
        ``"ease"`` (:func:`ease_weights`), ``"item_knn"`` (:func:`item_similarity`),
        ``"features"`` (:func:`user_profiles` on ``item_features``), ``"hybrid"``
        (both of the last two, blended by ``weight``; :func:`hybrid_top_k`),
        ``"popular"`` (interaction counts; the baseline).
    item_features : pandas.DataFrame, optional
        Required by ``"features"`` and ``"hybrid"``: numeric columns, indexed by item
        id, a row for every item of ``interactions``. Items only in this table join
        the catalogue (they can be recommended from their features: item cold start).
        Features whose scores could exceed 1e300 in magnitude
        (``Σ_j (max_i |r_ij|)² > 1e300``, e.g. values beyond about 1e150) are refused.
    l2 : float
        EASE's ridge penalty.
    metric, shrinkage, top_n
        Item kNN similarity options (also the collaborative part of ``"hybrid"``).
    weight : float in [0, 1]
        Share of the collaborative part in ``"hybrid"``.
    weighting : {"rating", "binary", "centered"}
        How profiles are learned (:func:`user_profiles`).
    max_items : int
        EASE's catalogue limit.

    Returns
    -------
    Recommender

    Raises
    ------
    InvalidInputError
        Missing or misaligned ``item_features``, ids that cannot be saved, too many
        items for EASE.

    Examples
    --------
    >>> data = Interactions(sp.csr_matrix([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
    ...                     ["ann", "bob"], ["tea", "jam", "honey"])
    >>> features = pd.DataFrame({"sweet": [0.0, 1.0, 1.0], "hot": [1.0, 0.0, 0.0]},
    ...                         index=["tea", "jam", "honey"])
    >>> model = fit_recommender(data, method="features", item_features=features)
    >>> model.recommend("bob", k=1)
      user  rank   item  score
    0  bob     1  honey    1.0
    """
    name = "fit_recommender"
    user_ids = _json_ids(interactions.user_ids, name)
    item_ids = _json_ids(interactions.item_ids, name)
    matrix = interactions.matrix
    features = None
    feature_names: tuple[str, ...] = ()
    if method in _USES_FEATURES:
        if item_features is None:
            fail(name, "item_features", f"must be given for method {method!r}", None)
        features, item_ids, feature_names = _feature_table(item_features, item_ids)
        if len(item_ids) > matrix.shape[1]:
            matrix = sp.hstack(
                [matrix, sp.csr_matrix((matrix.shape[0], len(item_ids) - matrix.shape[1]))]
            ).tocsr()
    data = Interactions(matrix, user_ids, item_ids)
    profiles = None if features is None else user_profiles(data, features, weighting=weighting)
    weights: Any = None
    options: dict[str, Any] = {"weighting": weighting}
    if method == "ease":
        weights = ease_weights(data, l2=l2, max_items=max_items)
        options = {"l2": l2}
    elif method in ("item_knn", "hybrid"):
        weights = item_similarity(data, metric=metric, shrinkage=shrinkage, top_n=top_n)
        options.update(metric=metric, shrinkage=shrinkage, top_n=top_n)
        if method == "hybrid":
            options["weight"] = weight
    return Recommender(
        method=method,
        interactions=data,
        features=features,
        feature_names=feature_names,
        profiles=profiles,
        weights=weights,
        options=options,
    )
