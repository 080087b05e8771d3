from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from servicekit.errors import InvalidInputError
from servicekit.recommend import TopK, feature_scores, top_k
from servicekit.recommend.topk import default_block_size


def brute_force(
    scores: np.ndarray, k: int, exclude: sp.csr_matrix | None
) -> tuple[np.ndarray, np.ndarray]:
    scores = scores.astype(np.float64).copy()
    if exclude is not None:
        scores[exclude.toarray() != 0] = -np.inf
        scores[tuple(exclude.nonzero())] = -np.inf
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    values = np.take_along_axis(scores, order, axis=1)
    items = np.full((scores.shape[0], k), -1)
    out = np.full((scores.shape[0], k), np.nan)
    items[:, : order.shape[1]] = np.where(np.isfinite(values), order, -1)
    out[:, : order.shape[1]] = np.where(np.isfinite(values), values, np.nan)
    return items, out


@pytest.mark.parametrize("seed", range(12))
def test_equals_a_stable_brute_force_argsort_with_many_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_users, n_items, n_features = rng.integers(1, 50), rng.integers(1, 700), rng.integers(1, 4)
    # Small integers: exact in float32 and full of ties, the hard case for tie-breaking.
    weights = rng.integers(-2, 3, (n_users, n_features)).astype(np.float32)
    features = rng.integers(-2, 3, (n_items, n_features)).astype(np.float32)
    exclude = sp.random(n_users, n_items, density=0.2, random_state=seed, format="csr")
    k = int(rng.integers(1, 40))
    top = top_k(weights, features, k, exclude=exclude, block_size=int(rng.integers(1, 30)))
    items, scores = brute_force(weights.astype(float) @ features.T.astype(float), k, exclude)
    np.testing.assert_array_equal(top.items, items)
    np.testing.assert_array_equal(top.scores, scores)


def test_real_valued_scores_match_brute_force_in_float64() -> None:
    rng = np.random.default_rng(1)
    weights, features = rng.standard_normal((300, 16)), rng.standard_normal((5000, 16))
    top = top_k(weights, features, k=10)
    items, scores = brute_force(feature_scores(weights, features), 10, None)
    np.testing.assert_array_equal(top.items, items)
    np.testing.assert_allclose(top.scores, scores, rtol=1e-12)
    assert top.items.dtype == np.int64
    assert top.scores.dtype == np.float64


def test_sparse_inputs_give_the_same_result() -> None:
    rng = np.random.default_rng(2)
    weights = sp.random(40, 30, density=0.3, random_state=3, format="csr")
    features = sp.random(200, 30, density=0.3, random_state=4, format="csr")
    dense = top_k(weights.toarray(), features.toarray(), k=5)
    sparse = top_k(weights, features, k=5)
    np.testing.assert_array_equal(dense.items, sparse.items)
    assert rng is not None


def test_padding_when_fewer_items_than_k() -> None:
    top = top_k([[1.0]], [[2.0], [1.0]], k=4, exclude=sp.csr_matrix([[0, 1]]))
    assert top.items.tolist() == [[0, -1, -1, -1]]
    assert top.scores[0, 0] == 2.0
    assert np.isnan(top.scores[0, 1:]).all()
    assert top.item_lists() == [[0]]
    assert len(top.to_frame()) == 1


def test_exclude_accepts_dense_zero_one() -> None:
    top = top_k([[1.0]], [[2.0], [1.0]], k=1, exclude=np.array([[1, 0]]))
    assert top.items.tolist() == [[1]]


def test_bad_inputs_name_the_argument() -> None:
    with pytest.raises(InvalidInputError, match="'item_features' must have as many columns"):
        top_k([[1.0, 2.0]], [[1.0]], k=1)
    with pytest.raises(InvalidInputError, match="'k'"):
        top_k([[1.0]], [[1.0]], k=0)
    with pytest.raises(
        InvalidInputError, match=r"'exclude' must have shape \(users, items\) = \(1, 1\)"
    ):
        top_k([[1.0]], [[1.0]], exclude=sp.csr_matrix((2, 1)))
    with pytest.raises(InvalidInputError, match="'user_weights' must be finite"):
        top_k([[np.nan]], [[1.0]])


def test_default_block_stays_under_a_fortieth_of_the_users() -> None:
    for n_users, n_items in ((400, 10), (100_000, 20_000), (5_000, 200_000)):
        assert default_block_size(n_users, n_items) * 40 <= n_users
    assert default_block_size(100, 10) == 100


def test_peak_memory_is_about_two_blocks() -> None:
    import tracemalloc

    rng = np.random.default_rng(3)
    weights = rng.standard_normal((4_000, 8), dtype=np.float32)
    features = rng.standard_normal((5_000, 8), dtype=np.float32)
    tracemalloc.start()
    top_k(weights, features, k=10)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    block = default_block_size(4_000, 5_000) * 5_008 * 4
    assert peak < 3 * block
    assert peak < 0.1 * 4 * 4_000 * 5_000


def test_topk_result_is_frozen() -> None:
    top = TopK(np.array([[0]]), np.array([[1.0]]))
    with pytest.raises(AttributeError):
        top.items = np.array([[1]])  # type: ignore[misc]
    assert top.k == 1
    assert top.n_users == 1
