"""Top-k on Dask: restaurant profiles of the UCI data, users split into uneven row blocks."""

from __future__ import annotations

import importlib.util
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from servicekit.errors import InvalidInputError
from servicekit.recommend import TopK, top_k, user_profiles
from tests.support import real_data

pytestmark = pytest.mark.realdata

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "recommend_restaurants.py"


@pytest.fixture(scope="module")
def restaurants() -> tuple[np.ndarray, np.ndarray, sp.csr_matrix]:
    """User profiles (138 x features), restaurant features (130 x features), ratings."""
    spec = importlib.util.spec_from_file_location("recommend_restaurants", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(EXAMPLE.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(EXAMPLE.parent))
    data, features = module.load(real_data("uci_restaurant_consumer"))
    item_features = features.to_numpy()
    profiles = user_profiles(data, item_features)
    return np.asarray(profiles), item_features, data.matrix


def by_rows(values: np.ndarray, layout: tuple[int, ...]) -> Any:
    import dask.array as da

    rows = (*layout, values.shape[0] - sum(layout))
    # Columns chunked too: top_k puts every feature of a user in one block itself.
    return da.from_array(values, chunks=(rows, max(1, values.shape[1] // 2)))


def test_top_k_equals_in_memory_block_for_block(
    client: Any, restaurants: tuple[np.ndarray, np.ndarray, sp.csr_matrix]
) -> None:
    """Chunks made of whole in-memory blocks: the same matrix products, the same result.

    OpenBLAS rounds a product differently with another thread count; the workers run one
    BLAS thread each, so the in-memory reference does too.
    """
    import dask
    import dask.array as da
    from threadpoolctl import threadpool_limits

    profiles, items, seen = restaurants
    for k, exclude in ((5, None), (10, seen), (200, seen)):  # 200 > 130 items: padding
        with threadpool_limits(limits=1, user_api="blas"):
            expected = top_k(profiles, items, k, exclude=exclude, block_size=10)
        lazy = top_k(by_rows(profiles, (40, 0, 30)), items, k, exclude=exclude, block_size=10)
        assert isinstance(lazy, TopK)
        assert isinstance(lazy.items, da.Array)
        assert isinstance(lazy.scores, da.Array)
        assert lazy.items.shape == expected.items.shape
        got = TopK(*dask.compute(lazy.items, lazy.scores))
        assert got.items.dtype == np.int64
        np.testing.assert_array_equal(got.items, expected.items)
        np.testing.assert_array_equal(got.scores, expected.scores)
        assert got.item_lists() == expected.item_lists()


@pytest.mark.parametrize("layout", [(40, 0, 13, 60), (1,)])
def test_top_k_on_any_chunks_equals_in_memory_up_to_rounding(
    client: Any, restaurants: tuple[np.ndarray, np.ndarray, sp.csr_matrix], layout: tuple[int, ...]
) -> None:
    """Other chunks: BLAS rounds a product by its shape, so near-ties may swap (as in memory)."""
    import dask
    import dask.array as da

    profiles, items, seen = restaurants
    k = 200
    expected = top_k(profiles, items, k, exclude=seen)
    lazy = top_k(by_rows(profiles, layout), items, k, exclude=seen)
    assert isinstance(lazy.items, da.Array)
    got = TopK(*dask.compute(lazy.items, lazy.scores))
    np.testing.assert_array_equal(got.items < 0, expected.items < 0)
    np.testing.assert_allclose(got.scores, expected.scores, rtol=1e-12, atol=1e-12)
    exact = profiles @ items.T
    rows = np.arange(len(profiles))[:, None]
    kept = got.items >= 0
    np.testing.assert_allclose(
        exact[rows, np.where(kept, got.items, 0)][kept], got.scores[kept], rtol=1e-12
    )
    assert not seen[rows[:, [0] * k][kept], got.items[kept]].any()  # exclusions respected
    assert all(len(set(row)) == len(row) for row in got.item_lists())


def test_item_features_enter_the_graph_once(
    restaurants: tuple[np.ndarray, np.ndarray, sp.csr_matrix],
) -> None:
    profiles, items, seen = restaurants
    lazy = top_k(by_rows(profiles, (10, 10, 10, 10, 10)), items, 5, exclude=seen)
    graph = dict(lazy.items.__dask_graph__())
    size = len(pickle.dumps(items))
    heavy = [key for key, task in graph.items() if len(pickle.dumps(task)) >= size // 2]
    blocks = len(lazy.items.chunks[0])
    assert blocks == 6
    assert len(heavy) == 1  # the item features: one key, whatever the number of blocks


def test_bad_input_on_dask(
    client: Any, restaurants: tuple[np.ndarray, np.ndarray, sp.csr_matrix]
) -> None:
    import dask.array as da

    profiles, items, seen = restaurants
    with pytest.raises(InvalidInputError, match="'k'"):
        top_k(by_rows(profiles, (50,)), items, 0)
    with pytest.raises(InvalidInputError, match="'item_features'"):
        top_k(by_rows(profiles, (50,)), items[:, :3], 5)
    with pytest.raises(InvalidInputError, match="'exclude'"):
        top_k(by_rows(profiles, (50,)), items, 5, exclude=seen[:3])
    with pytest.raises(InvalidInputError, match="must be in memory"):
        top_k(by_rows(profiles, (50,)), da.from_array(items), 5)
    bad = profiles.copy()
    bad[100, 0] = np.nan
    lazy = top_k(by_rows(bad, (50,)), items, 5)  # values: checked on the workers
    assert isinstance(lazy.items, da.Array)
    with pytest.raises(InvalidInputError, match="'user_weights'"):
        lazy.items.compute()
