from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError, ModelFormatError
from servicekit.recommend import Recommender, fit_recommender
from servicekit.recommend.model import METHODS
from tests.recommend import small


@pytest.mark.parametrize("method", METHODS)
def test_every_method_recommends_unseen_items_with_original_ids(method: str) -> None:
    model = small.model(method)
    table = model.recommend(["ann", "bob"], k=3)
    assert list(table.columns) == ["user", "rank", "item", "score"]
    seen = small.FRAME.groupby("user")["item"].apply(set)
    for user, items in table.groupby("user")["item"]:
        assert not set(items) & seen[user]
        assert table[table.user == user]["score"].is_monotonic_decreasing


@pytest.mark.parametrize("method", METHODS)
def test_json_round_trip_is_exact(method: str) -> None:
    model = small.model(method)
    again = Recommender.from_json(model.to_json())
    pd.testing.assert_frame_equal(
        again.recommend(["ann", "cy"], k=5), model.recommend(["ann", "cy"], k=5)
    )
    assert again.to_json() == model.to_json()


def test_altered_file_is_rejected() -> None:
    document = json.loads(small.model("ease").to_json())
    document["user_ids"][0] = "eve"
    with pytest.raises(ModelFormatError, match="checksum"):
        Recommender.from_json(json.dumps(document))
    document = json.loads(small.model("ease").to_json())
    document["weights"] = None
    with pytest.raises(ModelFormatError, match="'weights'"):
        Recommender.from_json(json.dumps(document))


def test_cold_start_without_refitting() -> None:
    model = small.model("hybrid")
    by_features = model.recommend_for_new_user(feature_weights=[0.0, 1.0], k=2)
    assert by_features["item"].tolist() == ["tea", "scone"]  # the hot items
    by_liked = model.recommend_for_new_user(["jam"], k=10)
    assert "jam" not in set(by_liked["item"])
    # "cake" has features but no ratings: item cold start through the features.
    assert "cake" in set(model.item_ids.tolist())
    with pytest.raises(
        InvalidInputError, match="'feature_weights' needs a model with item features"
    ):
        small.model("ease").recommend_for_new_user(feature_weights=[1.0, 0.0])
    with pytest.raises(
        InvalidInputError, match="'feature_weights' must hold one weight per feature"
    ):
        model.recommend_for_new_user(feature_weights=[1.0])
    with pytest.raises(InvalidInputError, match="'liked_item_ids' must hold known item ids"):
        model.recommend_for_new_user(["pizza"])
    with pytest.raises(
        InvalidInputError, match="'liked_item_ids' or 'feature_weights' must be given"
    ):
        model.recommend_for_new_user()


def test_explain_terms_sum_to_the_raw_score() -> None:
    model = small.model("features")
    terms = model.explain("ann", "honey")
    profile = model.recommend_for_new_user(["tea", "jam"], k=1)
    assert set(terms["term"]) == {"sweet", "hot"}
    assert profile is not None
    knn = small.model("item_knn")
    terms = knn.explain("bob", "tea")
    scores = knn.recommend("bob", k=5).set_index("item")["score"]
    assert terms["contribution"].sum() == pytest.approx(scores["tea"])
    assert small.model("popular").explain("ann", "scone")["contribution"].iloc[0] == 2.0


def test_fit_requires_aligned_features() -> None:
    data = small.interactions()
    with pytest.raises(InvalidInputError, match="'item_features' must be given"):
        fit_recommender(data, method="features")
    with pytest.raises(InvalidInputError, match="'item_features' must have a row for every item"):
        fit_recommender(data, method="features", item_features=small.ITEM_FEATURES.iloc[:2])
    bad = small.ITEM_FEATURES.assign(hot=["x", 0, 0, 0, 0])
    with pytest.raises(InvalidInputError, match="'item_features' must hold finite numbers"):
        fit_recommender(data, method="hybrid", item_features=bad)


def test_model_is_immutable() -> None:
    model = small.model("ease")
    with pytest.raises(AttributeError):
        model.method = "x"  # type: ignore[misc]
    assert model.options == {"l2": 300.0}
    assert repr(model) == "Recommender(method='ease', users=4, items=4)"
    assert np.isfinite(model.recommend("ann")["score"]).all()
