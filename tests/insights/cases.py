"""Valid calls of servicekit.insights' public functions and methods, for tests/test_bad_input.py."""

from __future__ import annotations

import pandas as pd

from servicekit import insights
from servicekit.insights.topics import EXAMPLE_MESSAGES
from tests.support import Case, new_model_path, saved_model_path


def _sales() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer": ["a", "a", "b", "c", "c", "c"],
            "date": [
                "2024-01-02",
                "2024-03-01",
                "2024-02-10",
                "2024-01-05",
                "2024-02-01",
                "2024-03-10",
            ],
            "amount": [20.0, 35.0, 12.5, 8.0, 9.0, 30.0],
        }
    )


def _rfm() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "recency_days": [3, 40, 200, 7, 90],
            "frequency": [9, 1, 1, 4, 2],
            "monetary": [400.0, 20.0, 15.0, 150.0, 60.0],
        }
    )


def _customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "visits": [1, 2, 1, 30, 32, 31, 12, 11, 13],
            "spend": [10, 12, 11, 300, 310, 305, 90, 95, 100],
        }
    )


def _segmentation() -> insights.Segmentation:
    return insights.segment_customers(_customers(), k=3, n_boot=0)


def _survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "food": [1, 2, 2, 0, 1, 2, 0, 1, 2, 1],
            "service": [2, 1, 2, 0, 0, 2, 1, 1, 1, 0],
            "overall": [2, 2, 2, 0, 1, 2, 0, 1, 2, 0],
        }
    )


def _topics() -> insights.Topics:
    return insights.discover_topics(list(EXAMPLE_MESSAGES), n_topics=2)


_BASKETS = [{"late", "refund"}, {"late", "refund", "rude"}, {"late"}, {"rude"}]

CASES = [
    Case(
        insights.rfm_table,
        lambda: {
            "transactions": _sales(),
            "customer": "customer",
            "time": "date",
            "amount": "amount",
        },
    ),
    Case(insights.rfm_scores, lambda: {"rfm": _rfm(), "bins": 3}),
    Case(
        insights.segment_customers,
        lambda: {
            "frame": _customers(),
            "features": ["visits", "spend"],
            "k_range": range(2, 4),
            "n_boot": 1,
        },
        skip={("features", "None"): "None means every numeric column (valid)"},
    ),
    Case(insights.Segmentation.assign, lambda: {"new_frame": _customers()}, instance=_segmentation),
    Case(insights.Segmentation.from_json, lambda: {"text": _segmentation().to_json()}),
    Case(insights.Segmentation.save, lambda: {"path": new_model_path()}, instance=_segmentation),
    Case(insights.Segmentation.load, lambda: {"path": saved_model_path(_segmentation())}),
    Case(
        insights.key_drivers,
        lambda: {"frame": _survey(), "outcome": "overall", "drivers": ["food", "service"]},
    ),
    Case(insights.frequent_itemsets, lambda: {"baskets": list(_BASKETS), "min_support": 0.5}),
    Case(
        insights.association_rules,
        lambda: {"baskets": list(_BASKETS), "min_support": 0.5, "min_confidence": 0.5},
    ),
    Case(
        insights.discover_topics,
        lambda: {"texts": list(EXAMPLE_MESSAGES), "n_topics": 2, "topic_range": range(2, 4)},
        skip={
            ("n_topics", "None"): "None chooses the number (valid)",
            ("topic_range", "None"): "None searches the default grid (valid)",
        },
    ),
    Case(insights.Topics.terms, lambda: {"n": 2}, instance=_topics),
    Case(insights.Topics.examples, lambda: {"n": 1}, instance=_topics),
    Case(insights.Topics.assign, lambda: {"texts": ["card not here"]}, instance=_topics),
]
