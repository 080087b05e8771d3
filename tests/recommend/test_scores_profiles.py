from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from servicekit.errors import InvalidInputError
from servicekit.recommend import feature_contributions, feature_scores, user_profiles


def test_feature_scores_is_exactly_the_formula() -> None:
    rng = np.random.default_rng(0)
    weights, features = rng.random((4, 3)), rng.random((5, 3))
    expected = np.array(
        [
            [sum(weights[u, j] * features[i, j] for j in range(3)) for i in range(5)]
            for u in range(4)
        ]
    )
    np.testing.assert_allclose(feature_scores(weights, features), expected, rtol=1e-14)
    np.testing.assert_allclose(
        feature_scores(sp.csr_matrix(weights), sp.csr_matrix(features)), expected, rtol=1e-14
    )


def test_contributions_sum_to_the_score() -> None:
    weights, features = [[0.5, -0.3, 0.2]], [[0.9, 0.2, 0.4], [0.1, 0.1, 0.1]]
    terms = feature_contributions(weights, features, user=0, item=0)
    assert terms["contribution"].sum() == pytest.approx(feature_scores(weights, features)[0, 0])
    with pytest.raises(InvalidInputError, match="'item' must be < 2"):
        feature_contributions(weights, features, user=0, item=2)


def test_profiles_are_rating_weighted_means_and_alternatives() -> None:
    ratings = sp.csr_matrix([[3.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    features = np.array([[1.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
    np.testing.assert_allclose(user_profiles(ratings, features), [[0.75, 0.25], [0.0, 0.0]])
    np.testing.assert_allclose(
        user_profiles(ratings, features, normalize=False), [[3.0, 1.0], [0.0, 0.0]]
    )
    np.testing.assert_allclose(
        user_profiles(ratings, features, weighting="binary"), [[0.5, 0.5], [0, 0]]
    )
    # centered: ratings 3 and 1 around the mean 2 become +1 and -1.
    np.testing.assert_allclose(
        user_profiles(ratings, features, weighting="centered"), [[0.5, -0.5], [0, 0]]
    )


def test_profiles_reject_misaligned_features() -> None:
    with pytest.raises(InvalidInputError, match="'item_features' must have one row per item"):
        user_profiles(sp.csr_matrix(np.ones((2, 3))), np.ones((4, 2)))
    with pytest.raises(InvalidInputError, match="'interactions' must hold numbers >= 0"):
        user_profiles(sp.csr_matrix([[-1.0]]), np.ones((1, 2)))
