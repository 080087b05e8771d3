from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError
from servicekit.insights import association_rules, frequent_itemsets
from tests.support import real_data

TICKETS = [
    {"late", "refund"},
    {"late", "refund", "rude"},
    {"late"},
    {"rude", "app"},
    {"late", "refund", "app"},
    {"app"},
]


def test_rules_by_hand() -> None:
    rules = association_rules(TICKETS, min_support=0.3, min_confidence=0.6)
    rule = rules[rules["antecedent"] == frozenset({"refund"})].iloc[0]
    assert rule["consequent"] == frozenset({"late"})
    assert rule["support"] == pytest.approx(0.5)
    assert rule["confidence"] == pytest.approx(1.0)
    assert rule["lift"] == pytest.approx(1 / (4 / 6))
    assert rule["leverage"] == pytest.approx(0.5 - 0.5 * 4 / 6)
    assert rule["conviction"] == np.inf
    long = pd.DataFrame(
        [(i, item) for i, basket in enumerate(TICKETS) for item in sorted(basket)],
        columns=["transaction", "item"],
    )
    pd.testing.assert_frame_equal(
        association_rules(long, min_support=0.3, min_confidence=0.6).drop(
            columns=["antecedent", "consequent"]
        ),
        rules.drop(columns=["antecedent", "consequent"]),
    )


def test_max_len_and_support_bounds() -> None:
    itemsets = frequent_itemsets(TICKETS, min_support=1 / 6)
    assert itemsets["itemset"].map(len).max() == 3
    assert frequent_itemsets(TICKETS, min_support=1 / 6, max_len=2)["itemset"].map(len).max() == 2
    assert frequent_itemsets(TICKETS, min_support=1.0).empty
    for bad in (0.0, 1.5, -0.1):
        with pytest.raises(InvalidInputError, match="'min_support'"):
            association_rules(TICKETS, min_support=bad)
    with pytest.raises(InvalidInputError, match="'baskets'"):
        association_rules([])
    with pytest.raises(InvalidInputError, match="'baskets'"):
        association_rules(["late", "refund"])


def _mlxtend_rules(
    baskets: list[set[str]], min_support: float, min_confidence: float
) -> pd.DataFrame:
    mlxtend = pytest.importorskip("mlxtend.frequent_patterns")
    from mlxtend.preprocessing import TransactionEncoder

    encoder = TransactionEncoder()
    onehot = pd.DataFrame(
        encoder.fit_transform([sorted(b) for b in baskets]), columns=encoder.columns_
    )
    itemsets = mlxtend.apriori(onehot, min_support=min_support, use_colnames=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # mlxtend's certainty metric: 0/0
        try:
            rules = mlxtend.association_rules(
                itemsets, len(onehot), metric="confidence", min_threshold=min_confidence
            )
        except TypeError:  # mlxtend < 0.23 has no num_itemsets argument
            rules = mlxtend.association_rules(
                itemsets, metric="confidence", min_threshold=min_confidence
            )
    return rules


def _keyed(rules: pd.DataFrame, a: str, c: str) -> pd.DataFrame:
    out = rules.assign(
        key=[(tuple(sorted(x)), tuple(sorted(y))) for x, y in zip(rules[a], rules[c], strict=True)]
    )
    return out.set_index("key").sort_index()


def _helpdesk_long() -> pd.DataFrame:
    """Ticket -> items: its process activities and its (first) ticket attributes."""
    log = pd.read_csv(real_data("helpdesk_italian_4tu", "finale.csv"))
    activities = pd.DataFrame(
        {"transaction": log["Case ID"], "item": "activity=" + log["Activity"]}
    )
    first = log.groupby("Case ID", sort=False).first()
    attributes = [
        pd.DataFrame({"transaction": first.index, "item": f"{name}=" + first[name].astype(str)})
        for name in ("seriousness", "service_level", "service_type", "workgroup")
    ]
    return pd.concat([activities, *attributes], ignore_index=True).drop_duplicates()


@pytest.mark.realdata
def test_helpdesk_rules_equal_mlxtend() -> None:
    long = _helpdesk_long()
    ours = association_rules(long, min_support=0.1, min_confidence=0.8)
    baskets = [set(items) for _, items in long.groupby("transaction")["item"]]
    theirs = _mlxtend_rules(baskets, 0.1, 0.8)
    assert ours.attrs["n_transactions"] == 4580
    assert len(ours) == len(theirs) > 50
    ours_k = _keyed(ours, "antecedent", "consequent")
    theirs_k = _keyed(theirs, "antecedents", "consequents")
    assert list(ours_k.index) == list(theirs_k.index)
    for mine, their in [
        ("support", "support"),
        ("confidence", "confidence"),
        ("lift", "lift"),
        ("leverage", "leverage"),
        ("conviction", "conviction"),
        ("antecedent_support", "antecedent support"),
    ]:
        np.testing.assert_allclose(ours_k[mine].to_numpy(), theirs_k[their].to_numpy(), rtol=1e-12)
