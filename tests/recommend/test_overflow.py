"""Scores, profiles and blends that would overflow are refused naming the argument."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np
import pytest
import scipy.sparse as sp

from servicekit.errors import InvalidInputError
from servicekit.recommend import (
    collaborative_top_k,
    feature_scores,
    fit_recommender,
    hybrid_top_k,
    top_k,
    user_profiles,
)
from tests.recommend import small


@pytest.fixture(autouse=True)
def _overflow_is_an_error() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


@pytest.mark.parametrize("function", [feature_scores, top_k])
def test_the_argument_with_the_huge_values_is_named(function: object) -> None:
    huge = np.full_like(small.WEIGHTS, 1e200)
    with pytest.raises(InvalidInputError, match="within 1e\\+300") as caught:
        function(huge, small.FEATURES * 1e150)  # type: ignore[operator]
    assert caught.value.argument == "user_weights"
    with pytest.raises(InvalidInputError) as caught:
        function(small.WEIGHTS, sp.csr_matrix(small.FEATURES * 1e308))  # type: ignore[operator]
    assert caught.value.argument == "item_features"


def test_large_scores_below_the_bound_are_exact() -> None:
    scores = feature_scores(small.WEIGHTS * 1e150, small.FEATURES * 1e149)
    np.testing.assert_allclose(scores, feature_scores(small.WEIGHTS, small.FEATURES) * 1e299)


def test_float32_scores_have_the_float32_bound() -> None:
    weights = np.full((3, 2), 1e20, dtype=np.float32)
    features = np.full((4, 2), 1e20, dtype=np.float32)
    with pytest.raises(InvalidInputError, match="float32") as caught:
        top_k(weights, features, k=1)
    assert caught.value.argument == "user_weights"
    # The same values in float64 are scored exactly.
    top = top_k(weights.astype(np.float64), features, k=1)
    assert np.isfinite(top.scores).all()


def test_normalized_profiles_do_not_overflow_on_the_way() -> None:
    ratings = sp.csr_matrix([[1e10, 3e10]])
    features = np.array([[1e299, 0.0], [0.0, 1e299]])
    np.testing.assert_allclose(user_profiles(ratings, features), [[0.25e299, 0.75e299]])
    with pytest.raises(InvalidInputError) as caught:
        user_profiles(ratings, features, normalize=False)
    assert caught.value.argument == "item_features"


def test_collaborative_and_hybrid_refuse_huge_similarities() -> None:
    huge = np.full((4, 4), 1e308)
    with pytest.raises(InvalidInputError) as caught:
        collaborative_top_k(small.RATINGS, huge, k=2)
    assert caught.value.argument == "similarity"
    with pytest.raises(InvalidInputError) as caught:
        hybrid_top_k(small.FEATURES, small.FEATURES, small.RATINGS, huge, k=2)
    assert caught.value.argument == "similarity"


def test_models_refuse_features_and_weights_that_would_overflow() -> None:
    with pytest.raises(InvalidInputError) as caught:
        fit_recommender(
            small.interactions(), method="features", item_features=small.ITEM_FEATURES * 1e160
        )
    assert caught.value.argument == "item_features"
    model = small.model("features")
    with pytest.raises(InvalidInputError) as caught:
        model.recommend_for_new_user(feature_weights=[1e308, 1e308])
    assert caught.value.argument == "feature_weights"
    frame = model.recommend_for_new_user(feature_weights=[1e299, 0.0], k=2)
    assert np.isfinite(frame["score"]).all()
