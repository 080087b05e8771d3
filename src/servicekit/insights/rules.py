"""Frequent itemsets (apriori on a sparse boolean matrix) and association rules."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from servicekit._validation import Interval, described, fail, validated

__all__ = ["association_rules", "frequent_itemsets"]

Basket = Iterable[Hashable]


def _matrix(baskets: Any, function: str) -> tuple[sp.csc_matrix, list[Hashable]]:
    """Transactions × items sparse boolean matrix (CSC) and the item of each column."""
    if isinstance(baskets, pd.DataFrame):
        missing = [c for c in ("transaction", "item") if c not in baskets.columns]
        if missing:
            fail(
                function,
                "baskets",
                f"must have the column(s) {missing}",
                described(f"columns {list(baskets.columns)}"),
            )
        if baskets.empty:
            fail(function, "baskets", "must hold at least one transaction", described("0 rows"))
        if baskets[["transaction", "item"]].isna().to_numpy().any():
            fail(
                function,
                "baskets",
                "must not hold missing transactions or items",
                described("a missing value"),
            )
        rows, _ = pd.factorize(baskets["transaction"])
        columns, items = pd.factorize(baskets["item"])
        n_rows = int(rows.max()) + 1
        item_list: list[Hashable] = list(items)
    else:
        if isinstance(baskets, (str, bytes, dict)) or not isinstance(baskets, Iterable):
            fail(
                function,
                "baskets",
                "must be a list of item sets or a DataFrame with 'transaction' and 'item'",
                described(f"{type(baskets).__name__}"),
            )
        index: dict[Hashable, int] = {}
        row_list: list[int] = []
        column_list: list[int] = []
        n_rows = 0
        for basket in baskets:
            if isinstance(basket, (str, bytes)) or not isinstance(basket, Iterable):
                fail(
                    function,
                    "baskets",
                    "must hold iterables of items (one per transaction)",
                    basket,
                    position=n_rows,
                )
            for item in set(basket):
                if item is None or (isinstance(item, float) and np.isnan(item)):
                    fail(function, "baskets", "must not hold missing items", item, position=n_rows)
                column_list.append(index.setdefault(item, len(index)))
                row_list.append(n_rows)
            n_rows += 1
        if n_rows == 0:
            fail(function, "baskets", "must hold at least one transaction", described("0"))
        rows = np.asarray(row_list, dtype=np.int64)
        columns = np.asarray(column_list, dtype=np.int64)
        item_list = list(index)
    data = np.ones(len(rows), dtype=bool)
    matrix = sp.csc_matrix((data, (rows, columns)), shape=(n_rows, len(item_list)))
    matrix.sum_duplicates()
    matrix.data[:] = True
    return matrix, item_list


def _apriori(
    matrix: sp.csc_matrix, min_count: float, max_len: int | None
) -> dict[tuple[int, ...], int]:
    """Every itemset (sorted column tuple) with count >= min_count, with its count.

    Level-wise apriori (Agrawal & Srikant 1994): candidates of size k+1 join two
    frequent k-itemsets sharing their first k-1 items and are pruned unless every
    k-subset is frequent; counts come from intersecting the transaction-id lists of
    the sparse matrix's columns (kept for each frequent itemset).
    """
    counts = np.diff(matrix.indptr)
    tids: dict[tuple[int, ...], np.ndarray[Any, Any]] = {}
    frequent: dict[tuple[int, ...], int] = {}
    for column in np.flatnonzero(counts >= min_count):
        key = (int(column),)
        tids[key] = matrix.indices[matrix.indptr[column] : matrix.indptr[column + 1]]
        frequent[key] = int(counts[column])
    level = sorted(tids)
    size = 1
    while level and (max_len is None or size < max_len):
        by_prefix: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
        for itemset in level:
            by_prefix.setdefault(itemset[:-1], []).append(itemset)
        next_tids: dict[tuple[int, ...], np.ndarray[Any, Any]] = {}
        for group in by_prefix.values():
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    candidate = (*a, b[-1])
                    if size >= 2 and any(
                        candidate[:j] + candidate[j + 1 :] not in tids
                        for j in range(len(candidate) - 2)
                    ):
                        continue
                    common = np.intersect1d(tids[a], tids[b], assume_unique=True)
                    if len(common) >= min_count:
                        next_tids[candidate] = common
                        frequent[candidate] = len(common)
        tids.update(next_tids)
        level = sorted(next_tids)
        size += 1
    return frequent


def _itemsets(
    baskets: Any, min_support: float, max_len: int | None, function: str
) -> tuple[dict[tuple[int, ...], int], list[Hashable], int]:
    matrix, items = _matrix(baskets, function)
    n = matrix.shape[0]
    # Support >= min_support as counts, with a tolerance for min_support * n round-off.
    min_count = min_support * n - 1e-9 * n
    return _apriori(matrix, min_count, max_len), items, n


@validated(
    min_support=Interval(low=0, high=1, low_open=True),
    max_len=Interval(kind="int", low=1, optional=True),
)
def frequent_itemsets(
    baskets: Any, *, min_support: float = 0.01, max_len: int | None = None
) -> pd.DataFrame:
    """Itemsets found in at least a share ``min_support`` of the transactions.

    Parameters
    ----------
    baskets : list of sets of items, or DataFrame
        One collection of items per transaction, or a long table with columns
        ``transaction`` and ``item`` (one row per item of a transaction; repeats
        count once).
    min_support : float in (0, 1], default 0.01
    max_len : int, optional
        Longest itemset to look for.

    Returns
    -------
    DataFrame
        ``itemset`` (frozenset), ``support`` and ``count``, largest support first.

    Raises
    ------
    InvalidInputError
        For ``min_support`` outside (0, 1], or baskets that are empty, missing items
        or of the wrong shape.

    References
    ----------
    Agrawal, R., & Srikant, R. (1994). Fast algorithms for mining association rules.
    *Proc. 20th VLDB*, 487-499.

    Examples
    --------
    >>> baskets = [{"late", "refund"}, {"late", "refund", "rude"}, {"late"}, {"rude"}]
    >>> table = frequent_itemsets(baskets, min_support=0.5)
    >>> table["itemset"] = table["itemset"].map(sorted)  # frozensets, shown sorted
    >>> table
              itemset  support  count
    0          [late]     0.75      3
    1        [refund]     0.50      2
    2          [rude]     0.50      2
    3  [late, refund]     0.50      2
    """
    frequent, items, n = _itemsets(baskets, min_support, max_len, "frequent_itemsets")
    return _itemset_table(frequent, items, n)


def _itemset_table(
    frequent: dict[tuple[int, ...], int], items: list[Hashable], n: int
) -> pd.DataFrame:
    keys = sorted(frequent, key=lambda key: (-frequent[key], len(key), key))
    result_: pd.DataFrame = pd.DataFrame(
        {
            "itemset": [frozenset(items[i] for i in key) for key in keys],
            "support": [frequent[key] / n for key in keys],
            "count": np.array([frequent[key] for key in keys], dtype=np.int64),
        }
    )
    return result_


@validated(
    min_support=Interval(low=0, high=1, low_open=True),
    min_confidence=Interval(low=0, high=1),
    max_len=Interval(kind="int", low=2, optional=True),
)
def association_rules(
    baskets: Any,
    *,
    min_support: float = 0.01,
    min_confidence: float = 0.5,
    max_len: int | None = None,
) -> pd.DataFrame:
    """Association rules ``antecedent -> consequent`` between items that occur together.

    Frequent itemsets are mined by apriori on a sparse transactions × items boolean
    matrix (see :func:`frequent_itemsets`); every split of a frequent itemset into a
    non-empty antecedent A and consequent C becomes a rule, kept when its confidence
    reaches ``min_confidence``. With ``s(X)`` the share of transactions holding all
    of X:

    * support ``s(A ∪ C)``: how common the combination is;
    * confidence ``s(A ∪ C) / s(A)``: how often C comes with A;
    * lift ``confidence / s(C)``: how much A raises the chance of C (1 = independent);
    * leverage ``s(A ∪ C) - s(A) s(C)``: co-occurrence beyond independence, in shares;
    * conviction ``(1 - s(C)) / (1 - confidence)``: infinite for rules that always
      hold.

    These are the definitions of mlxtend's ``association_rules``, whose output the
    tests match.

    Parameters
    ----------
    baskets : list of sets of items, or DataFrame
        One collection of items per transaction (ticket → tags, invoice → products),
        or a long table with columns ``transaction`` and ``item``.
    min_support : float in (0, 1], default 0.01
    min_confidence : float in [0, 1], default 0.5
    max_len : int, optional
        Largest number of items in a rule (antecedent plus consequent), at least 2.

    Returns
    -------
    DataFrame
        ``antecedent`` and ``consequent`` (frozensets), ``antecedent_support``,
        ``consequent_support``, ``support``, ``confidence``, ``lift``, ``leverage``
        and ``conviction``; sorted by lift, then confidence, then support (largest
        first). ``attrs`` holds ``n_transactions`` and ``n_itemsets``.

    Raises
    ------
    InvalidInputError
        For ``min_support`` outside (0, 1], ``min_confidence`` outside [0, 1], or
        baskets that are empty, hold missing items or have the wrong shape.

    References
    ----------
    Agrawal, R., Imieliński, T., & Swami, A. (1993). Mining association rules between
    sets of items in large databases. *Proc. ACM SIGMOD*, 207-216.
    Brin, S., Motwani, R., Ullman, J. D., & Tsur, S. (1997). Dynamic itemset counting
    and implication rules for market basket data. *Proc. ACM SIGMOD*, 255-264.

    Examples
    --------
    >>> tickets = [{"late", "refund"}, {"late", "refund", "rude"}, {"late"}, {"rude"}]
    >>> rules = association_rules(tickets, min_support=0.5, min_confidence=0.6)
    >>> for rule in rules.itertuples():
    ...     print(sorted(rule.antecedent), "->", sorted(rule.consequent),
    ...           rule.support, round(rule.confidence, 3), round(rule.lift, 3))
    ['refund'] -> ['late'] 0.5 1.0 1.333
    ['late'] -> ['refund'] 0.5 0.667 1.333
    """
    frequent, items, n = _itemsets(baskets, min_support, max_len, "association_rules")
    rows = []
    for itemset, count in frequent.items():
        if len(itemset) < 2:
            continue
        for size in range(1, len(itemset)):
            for antecedent in _subsets(itemset, size):
                consequent = tuple(i for i in itemset if i not in antecedent)
                confidence = count / frequent[antecedent]
                if confidence < min_confidence:
                    continue
                rows.append(
                    (
                        antecedent,
                        consequent,
                        frequent[antecedent] / n,
                        frequent[consequent] / n,
                        count / n,
                        confidence,
                    )
                )
    columns = [
        "antecedent",
        "consequent",
        "antecedent_support",
        "consequent_support",
        "support",
        "confidence",
    ]
    table = pd.DataFrame(rows, columns=columns)
    s_a = table["antecedent_support"].to_numpy(dtype=np.float64)
    s_c = table["consequent_support"].to_numpy(dtype=np.float64)
    conf = table["confidence"].to_numpy(dtype=np.float64)
    table["lift"] = conf / s_c
    table["leverage"] = table["support"].to_numpy(dtype=np.float64) - s_a * s_c
    with np.errstate(divide="ignore", invalid="ignore"):
        table["conviction"] = np.where(conf >= 1.0, np.inf, (1 - s_c) / (1 - np.minimum(conf, 1)))
    table = table.sort_values(
        ["lift", "confidence", "support"], ascending=False, kind="stable"
    ).reset_index(drop=True)
    table["antecedent"] = [frozenset(items[i] for i in key) for key in table["antecedent"]]
    table["consequent"] = [frozenset(items[i] for i in key) for key in table["consequent"]]
    table.attrs["n_transactions"] = n
    table.attrs["n_itemsets"] = len(frequent)
    result_: pd.DataFrame = table
    return result_


def _subsets(itemset: tuple[int, ...], size: int) -> Iterable[tuple[int, ...]]:
    from itertools import combinations

    return combinations(itemset, size)
