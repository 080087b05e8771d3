"""Valid calls of servicekit.recommend's public functions and methods, for tests/test_bad_input.py."""

from __future__ import annotations

from servicekit import recommend
from tests.recommend import small
from tests.support import Case, new_model_path, saved_model_path

_RECOMMENDED = [["a", "b", "c"], ["d", "e", "f"]]
_RELEVANT = [{"a"}, {"e", "x"}]

CASES = [
    Case(
        recommend.feature_scores,
        lambda: {"user_weights": small.WEIGHTS, "item_features": small.FEATURES},
    ),
    Case(
        recommend.feature_contributions,
        lambda: {
            "user_weights": small.WEIGHTS,
            "item_features": small.FEATURES,
            "user": 0,
            "item": 1,
        },
    ),
    Case(
        recommend.user_profiles,
        lambda: {"interactions": small.SEEN, "item_features": small.FEATURES},
    ),
    Case(
        recommend.top_k,
        lambda: {
            "user_weights": small.WEIGHTS,
            "item_features": small.FEATURES,
            "k": 2,
            "exclude": small.SEEN,
            "block_size": 2,
        },
    ),
    Case(recommend.item_similarity, lambda: {"interactions": small.RATINGS, "top_n": 2}),
    Case(
        recommend.collaborative_top_k,
        lambda: {
            "interactions": small.RATINGS,
            "similarity": small.RATINGS.T @ small.RATINGS,
            "k": 2,
        },
    ),
    Case(recommend.ease_weights, lambda: {"interactions": small.RATINGS, "l2": 1.0}),
    Case(recommend.ease_top_k, lambda: {"interactions": small.RATINGS, "k": 2, "l2": 1.0}),
    Case(
        recommend.hybrid_top_k,
        lambda: {
            "user_weights": small.FEATURES,
            "item_features": small.FEATURES,
            "interactions": small.RATINGS,
            "similarity": (small.RATINGS.T @ small.RATINGS).toarray(),
            "k": 2,
        },
    ),
    Case(recommend.popularity_top_k, lambda: {"interactions": small.RATINGS, "k": 2}),
    Case(
        recommend.train_test_split_interactions,
        lambda: {"interactions": small.RATINGS, "test_fraction": 0.3},
    ),
    Case(
        recommend.precision_at_k,
        lambda: {"recommended": _RECOMMENDED, "relevant": _RELEVANT, "k": 2},
    ),
    Case(
        recommend.recall_at_k, lambda: {"recommended": _RECOMMENDED, "relevant": _RELEVANT, "k": 2}
    ),
    Case(recommend.ndcg_at_k, lambda: {"recommended": _RECOMMENDED, "relevant": _RELEVANT, "k": 2}),
    Case(
        recommend.average_precision_at_k,
        lambda: {"recommended": _RECOMMENDED, "relevant": _RELEVANT, "k": 2},
    ),
    Case(recommend.catalog_coverage, lambda: {"recommended": _RECOMMENDED, "catalog": 10, "k": 2}),
    Case(
        recommend.ranking_report,
        lambda: {"recommended": _RECOMMENDED, "relevant": _RELEVANT, "k": 2, "catalog": 10},
    ),
    Case(
        recommend.Interactions.from_frame,
        lambda: {"frame": small.FRAME, "user": "user", "item": "item", "rating": "rating"},
    ),
    Case(
        recommend.Interactions.user_index,
        lambda: {"user_ids": ["bob"]},
        instance=small.interactions,
    ),
    Case(
        recommend.Interactions.item_index,
        lambda: {"item_ids": "jam"},
        instance=small.interactions,
    ),
    Case(
        recommend.Interactions.recommendations,
        lambda: {"top": recommend.popularity_top_k(small.interactions(), k=2)},
        instance=small.interactions,
    ),
    Case(
        recommend.fit_recommender,
        lambda: {
            "interactions": small.interactions(),
            "method": "hybrid",
            "item_features": small.ITEM_FEATURES,
        },
    ),
    Case(
        recommend.Recommender.recommend,
        lambda: {"user_ids": ["ann", "dee"], "k": 2},
        instance=small.model,
    ),
    Case(
        recommend.Recommender.recommend_for_new_user,
        lambda: {"liked_item_ids": ["jam"], "feature_weights": [1.0, 0.0], "k": 2},
        instance=small.model,
    ),
    Case(
        recommend.Recommender.explain,
        lambda: {"user_id": "ann", "item_id": "honey", "n": 3},
        instance=small.model,
    ),
    Case(recommend.Recommender.from_json, lambda: {"text": small.model().to_json()}),
    Case(recommend.Recommender.save, lambda: {"path": new_model_path()}, instance=small.model),
    Case(recommend.Recommender.load, lambda: {"path": saved_model_path(small.model())}),
]
