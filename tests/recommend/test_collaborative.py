from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from servicekit.errors import InvalidInputError
from servicekit.recommend import (
    collaborative_top_k,
    ease_top_k,
    ease_weights,
    hybrid_top_k,
    item_similarity,
    popularity_top_k,
)

RNG = np.random.default_rng(7)
X = sp.csr_matrix((RNG.random((60, 25)) < 0.2).astype(float))


def test_ease_matches_the_closed_form_of_steck() -> None:
    gram = (X.T @ X).toarray() + 5.0 * np.eye(25)
    precision = np.linalg.inv(gram)
    expected = np.eye(25) - precision / np.diag(precision)[None, :]
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(ease_weights(X, l2=5.0), expected, atol=1e-12)


def test_ease_top_k_ranks_x_times_b_and_skips_seen() -> None:
    scores = X.toarray() @ ease_weights(X, l2=5.0)
    scores[X.toarray() != 0] = -np.inf
    expected = np.argsort(-scores, axis=1, kind="stable")[:, :5]
    np.testing.assert_array_equal(ease_top_k(X, k=5, l2=5.0, block_size=7).items, expected)


def test_ease_refuses_catalogues_beyond_the_limit() -> None:
    with pytest.raises(InvalidInputError, match="'interactions' must have at most max_items=10"):
        ease_weights(X, max_items=10)


def test_cosine_similarity_and_shrinkage() -> None:
    dense = X.toarray()
    norms = np.linalg.norm(dense, axis=0)
    expected = dense.T @ dense / (np.outer(norms, norms) + 2.0)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(item_similarity(X, shrinkage=2.0), expected, atol=1e-12)


def test_jaccard_and_top_n_sparse() -> None:
    similarity = item_similarity(X, metric="jaccard")
    assert similarity.max() <= 1.0
    assert np.allclose(similarity, similarity.T)
    sparse = item_similarity(X, metric="jaccard", top_n=3)
    assert sp.issparse(sparse)
    assert (np.diff(sparse.indptr) <= 3).all()
    row = np.argsort(-similarity[0], kind="stable")[:3]
    assert set(sparse[0].indices) <= set(row.tolist())


def test_collaborative_top_k_is_x_times_s() -> None:
    similarity = item_similarity(X, top_n=5)
    scores = (X @ similarity).toarray()
    scores[X.toarray() != 0] = -np.inf
    expected = np.argsort(-scores, axis=1, kind="stable")[:, :4]
    np.testing.assert_array_equal(collaborative_top_k(X, similarity, k=4).items, expected)
    with pytest.raises(InvalidInputError, match="'similarity' must be items x items"):
        collaborative_top_k(X, np.ones((3, 3)))


def test_hybrid_blends_scaled_parts() -> None:
    features = RNG.random((25, 4))
    weights = RNG.random((60, 4))
    similarity = item_similarity(X)
    only_content = hybrid_top_k(
        weights, features, X, similarity, k=3, weight=0.0, exclude_seen=False
    )
    content = weights @ features.T
    np.testing.assert_array_equal(
        only_content.items, np.argsort(-content, axis=1, kind="stable")[:, :3]
    )
    only_cf = hybrid_top_k(weights, features, X, similarity, k=3, weight=1.0)
    np.testing.assert_array_equal(only_cf.items, collaborative_top_k(X, similarity, k=3).items)


def test_popularity_counts_users() -> None:
    top = popularity_top_k(X, k=1, exclude_seen=False)
    counts = np.bincount(X.indices, minlength=25)
    assert (top.items[:, 0] == np.argmax(counts)).all()
    assert (top.scores[:, 0] == counts.max()).all()
