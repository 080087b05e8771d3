"""servicekit.recommend: weighted-feature scores, collaborative filtering and exact top-k.

- :func:`feature_scores`, :func:`feature_contributions` — R(u, i) = Σ_j w_uj · r_ji;
- :func:`user_profiles` — w_uj learned from each user's history;
- :func:`top_k` / :class:`TopK` — the k best items per user in bounded memory;
- :func:`item_similarity`, :func:`collaborative_top_k` — item-based kNN;
- :func:`ease_weights`, :func:`ease_top_k` — EASE (Steck 2019);
- :func:`hybrid_top_k`, :func:`popularity_top_k` — blends and the baseline;
- :class:`Interactions` — ids ↔ matrix positions;
- ranking metrics (:func:`precision_at_k`, ..., :func:`ranking_report`) and
  :func:`train_test_split_interactions`;
- :func:`fit_recommender` / :class:`Recommender` — a fitted model to keep and save.
"""

from __future__ import annotations

from servicekit.recommend.ease import DEFAULT_MAX_ITEMS, ease_top_k, ease_weights
from servicekit.recommend.hybrid import hybrid_top_k, popularity_top_k
from servicekit.recommend.interactions import Interactions
from servicekit.recommend.metrics import (
    average_precision_at_k,
    catalog_coverage,
    ndcg_at_k,
    precision_at_k,
    ranking_report,
    recall_at_k,
)
from servicekit.recommend.model import Recommender, fit_recommender
from servicekit.recommend.profiles import user_profiles
from servicekit.recommend.scores import feature_contributions, feature_scores
from servicekit.recommend.similarity import collaborative_top_k, item_similarity
from servicekit.recommend.split import train_test_split_interactions
from servicekit.recommend.topk import TopK, top_k

__all__ = [
    "DEFAULT_MAX_ITEMS",
    "Interactions",
    "Recommender",
    "TopK",
    "average_precision_at_k",
    "catalog_coverage",
    "collaborative_top_k",
    "ease_top_k",
    "ease_weights",
    "feature_contributions",
    "feature_scores",
    "fit_recommender",
    "hybrid_top_k",
    "item_similarity",
    "ndcg_at_k",
    "popularity_top_k",
    "precision_at_k",
    "ranking_report",
    "recall_at_k",
    "top_k",
    "train_test_split_interactions",
    "user_profiles",
]
