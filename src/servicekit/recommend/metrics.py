"""Ranking metrics with the definitions of Microsoft Recommenders.

``recommended`` is one ranked list of items per user (best first) and ``relevant``
one collection of relevant items per user, for the same users in the same order.
Every metric is the mean over the users that have at least one relevant item; users
without any are excluded (their recall is undefined and counting them as zero would
punish the model for missing test data). :func:`ranking_report` states how many
users were scored and excluded.

Precision@k divides by k, not by the length of the list: a model that recommends
fewer than k items is not rewarded for it. (Dividing by the number of relevant
items instead, as some libraries do under the name "precision", gives a recall.)
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from servicekit._typing import FloatArray
from servicekit._validation import Flag, Interval, described, fail, validated
from servicekit.recommend._checks import ItemLists

__all__ = [
    "average_precision_at_k",
    "catalog_coverage",
    "ndcg_at_k",
    "precision_at_k",
    "ranking_report",
    "recall_at_k",
]

Lists = Sequence[Sequence[Hashable]] | Any

_RECOMMENDED = ItemLists(ranked=True)
_RELEVANT = ItemLists(same_length_as="recommended")
_K = Interval(kind="int", low=1)


def _per_user(recommended: Any, relevant: Any, k: int, metric: str) -> FloatArray:
    out = np.full(len(recommended), np.nan)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    for user, (ranked, wanted) in enumerate(zip(recommended, relevant, strict=True)):
        relevant_set = set(wanted)
        if not relevant_set:
            continue
        hits = np.array([item in relevant_set for item in ranked[:k]], dtype=float)
        if metric == "precision":
            out[user] = hits.sum() / k
        elif metric == "recall":
            out[user] = hits.sum() / len(relevant_set)
        elif metric == "ndcg":
            ideal = discounts[: min(k, len(relevant_set))].sum()
            out[user] = (hits * discounts[: hits.size]).sum() / ideal
        else:  # average precision
            precision_at = np.cumsum(hits) / np.arange(1, hits.size + 1)
            out[user] = (precision_at * hits).sum() / min(k, len(relevant_set))
    return out


def _summarise(values: FloatArray, per_user: bool, function: str) -> Any:
    if per_user:
        return values
    scored = ~np.isnan(values)
    if not scored.any():
        fail(
            function,
            "relevant",
            "must give at least one user a relevant item",
            described("no relevant items"),
        )
    return float(values[scored].mean())


@validated(recommended=_RECOMMENDED, relevant=_RELEVANT, k=_K, per_user=Flag())
def precision_at_k(
    recommended: Lists, relevant: Lists, k: int = 10, *, per_user: bool = False
) -> Any:
    """Precision@k: the share of the k recommendations that are relevant.

    ``P@k(u) = |top_k(u) ∩ relevant(u)| / k``, averaged over users with relevant items.

    Parameters
    ----------
    recommended : sequence of sequences, or TopK
        Ranked items per user, best first (only the first k count).
    relevant : sequence of collections, Interactions or scipy.sparse matrix
        Relevant items per user (a matrix: each row's stored items).
    k : int
    per_user : bool
        Return the per-user values (NaN for excluded users) instead of the mean.

    Returns
    -------
    float (or numpy.ndarray with ``per_user=True``)

    References
    ----------
    .. [1] Microsoft Recommenders, ``recommenders.evaluation.python_evaluation``
       (precision_at_k, recall_at_k, ndcg_at_k, map_at_k).

    Examples
    --------
    >>> precision_at_k([["a", "b", "c"], ["d"]], [{"a", "c"}, {"e"}], k=3)
    0.3333333333333333
    """
    return _summarise(_per_user(recommended, relevant, k, "precision"), per_user, "precision_at_k")


@validated(recommended=_RECOMMENDED, relevant=_RELEVANT, k=_K, per_user=Flag())
def recall_at_k(recommended: Lists, relevant: Lists, k: int = 10, *, per_user: bool = False) -> Any:
    """Recall@k: the share of a user's relevant items found in the top k.

    ``R@k(u) = |top_k(u) ∩ relevant(u)| / |relevant(u)|``.

    Examples
    --------
    >>> recall_at_k([["a", "b", "c"], ["d"]], [{"a", "c"}, {"e"}], k=3)
    0.5
    """
    return _summarise(_per_user(recommended, relevant, k, "recall"), per_user, "recall_at_k")


@validated(recommended=_RECOMMENDED, relevant=_RELEVANT, k=_K, per_user=Flag())
def ndcg_at_k(recommended: Lists, relevant: Lists, k: int = 10, *, per_user: bool = False) -> Any:
    """Normalised discounted cumulative gain at k (binary relevance).

    ``DCG@k = Σ_{r=1..k} rel_r / log2(r + 1)``, divided by the DCG of an ideal list
    that puts ``min(k, |relevant|)`` relevant items first.

    References
    ----------
    .. [1] Järvelin & Kekäläinen (2002), "Cumulated gain-based evaluation of IR
       techniques", ACM TOIS 20(4).

    Examples
    --------
    >>> round(ndcg_at_k([["x", "a"]], [{"a"}], k=2), 4)
    0.6309
    """
    return _summarise(_per_user(recommended, relevant, k, "ndcg"), per_user, "ndcg_at_k")


@validated(recommended=_RECOMMENDED, relevant=_RELEVANT, k=_K, per_user=Flag())
def average_precision_at_k(
    recommended: Lists, relevant: Lists, k: int = 10, *, per_user: bool = False
) -> Any:
    """MAP@k: the mean over users of the average precision at k.

    ``AP@k(u) = Σ_{r=1..k} P@r(u) · rel_r / min(k, |relevant(u)|)``: the precision at
    each rank holding a relevant item, averaged over the relevant items that could
    fit in k places (Microsoft Recommenders' ``map_at_k``). ``per_user=True`` gives
    each user's AP@k.

    Examples
    --------
    >>> average_precision_at_k([["a", "x", "b"]], [{"a", "b"}], k=3)
    0.8333333333333333
    """
    return _summarise(_per_user(recommended, relevant, k, "ap"), per_user, "average_precision_at_k")


@validated(recommended=ItemLists(ranked=True), catalog=Interval(kind="int", low=1), k=_K)
def catalog_coverage(recommended: Lists, catalog: int, k: int = 10) -> float:
    """Share of the catalogue that appears in at least one user's top k.

    Parameters
    ----------
    recommended : sequence of sequences, or TopK
    catalog : int
        The number of items that could have been recommended.
    k : int

    Returns
    -------
    float in [0, 1]

    References
    ----------
    .. [1] Ge, Delgado-Battenfeld & Jannach (2010), "Beyond accuracy: evaluating
       recommender systems by coverage and serendipity", RecSys '10.

    Examples
    --------
    >>> catalog_coverage([["a", "b"], ["a", "c"]], catalog=10, k=2)
    0.3
    """
    lists: Any = recommended
    distinct = {item for ranked in lists for item in ranked[:k]}
    if len(distinct) > catalog:
        fail(
            "catalog_coverage",
            "catalog",
            f"must be at least the {len(distinct)} distinct items recommended",
            catalog,
        )
    return len(distinct) / catalog


@validated(
    recommended=_RECOMMENDED,
    relevant=_RELEVANT,
    k=_K,
    catalog=Interval(kind="int", low=1, optional=True),
)
def ranking_report(
    recommended: Lists, relevant: Lists, k: int = 10, *, catalog: int | None = None
) -> pd.DataFrame:
    """All ranking metrics at k in one row, with the number of users scored and excluded.

    Parameters
    ----------
    recommended, relevant, k
        As for :func:`precision_at_k`.
    catalog : int, optional
        Catalogue size for :func:`catalog_coverage` (NaN when not given).

    Returns
    -------
    pandas.DataFrame
        One row: k, precision, recall, ndcg, map, coverage, users_scored,
        users_excluded (users without relevant items).

    Examples
    --------
    >>> ranking_report([["a", "b"], ["c", "d"]], [{"a"}, set()], k=2, catalog=4)
       k  precision  recall  ndcg  map  coverage  users_scored  users_excluded
    0  2        0.5     1.0   1.0  1.0       1.0             1               1
    """
    precision = _per_user(recommended, relevant, k, "precision")
    scored = ~np.isnan(precision)
    if not scored.any():
        fail(
            "ranking_report",
            "relevant",
            "must give at least one user a relevant item",
            described("no relevant items"),
        )
    row: dict[str, Any] = {"k": k, "precision": float(precision[scored].mean())}
    for name, metric in (("recall", "recall"), ("ndcg", "ndcg"), ("map", "ap")):
        row[name] = float(np.nanmean(_per_user(recommended, relevant, k, metric)))
    row["coverage"] = (
        catalog_coverage(recommended, catalog, k) if catalog is not None else float("nan")
    )
    row["users_scored"] = int(scored.sum())
    row["users_excluded"] = int((~scored).sum())
    frame: pd.DataFrame = pd.DataFrame([row])
    return frame
