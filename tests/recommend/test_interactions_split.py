from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from servicekit.errors import InvalidInputError
from servicekit.recommend import Interactions, popularity_top_k, train_test_split_interactions
from tests.recommend import small


def test_from_frame_maps_ids_and_back() -> None:
    data = small.interactions()
    assert data.user_ids.tolist() == ["ann", "bob", "cy", "dee"]
    assert data.item_ids.tolist() == ["honey", "jam", "scone", "tea"]
    assert data.matrix[data.user_index("ann")[0], data.item_index("tea")[0]] == 2.0
    frame = data.to_frame()
    assert len(frame) == 7
    assert set(frame.columns) == {"user", "item", "rating"}
    table = data.recommendations(popularity_top_k(data, k=2))
    assert list(table.columns) == ["user", "rank", "item", "score"]
    assert table[table.user == "dee"].item.tolist() == ["jam", "tea"]


def test_implicit_repeats_collapse_and_rated_repeats_fail() -> None:
    frame = pd.DataFrame({"u": [1, 1], "i": ["x", "x"], "r": [1.0, 2.0]})
    assert Interactions.from_frame(frame, user="u", item="i").matrix.toarray().tolist() == [[1.0]]
    with pytest.raises(InvalidInputError, match="'frame' must rate each"):
        Interactions.from_frame(frame, user="u", item="i", rating="r")


def test_zero_ratings_are_kept_as_seen() -> None:
    frame = pd.DataFrame({"u": [1, 1], "i": ["x", "y"], "r": [0, 2]})
    data = Interactions.from_frame(frame, user="u", item="i", rating="r")
    assert data.matrix.nnz == 2
    assert popularity_top_k(data, k=1).items.tolist() == [[-1]]


def test_bad_ids_and_ratings() -> None:
    frame = pd.DataFrame({"u": [1, None], "i": ["x", "y"], "r": [1, -1]})
    with pytest.raises(InvalidInputError, match="'user' must name a column without missing ids"):
        Interactions.from_frame(frame, user="u", item="i")
    with pytest.raises(InvalidInputError, match="'rating' must name a column of finite ratings"):
        Interactions.from_frame(frame.fillna(2), user="u", item="i", rating="r")
    with pytest.raises(InvalidInputError, match="'user_ids' must hold known user ids; got 'zed'"):
        small.interactions().user_index(["ann", "zed"])
    with pytest.raises(InvalidInputError, match="'item_ids' must not repeat"):
        Interactions(sp.csr_matrix((1, 2)), ["a"], ["x", "x"])


@pytest.mark.parametrize("by", ["user", "random"])
def test_split_partitions_every_interaction(by: str) -> None:
    rng = np.random.default_rng(0)
    matrix = sp.csr_matrix(
        (rng.random((50, 40)) < 0.2) * rng.integers(1, 6, (50, 40)).astype(float)
    )
    train, test = train_test_split_interactions(matrix, test_fraction=0.25, by=by, random_state=3)
    np.testing.assert_array_equal((train.matrix + test.matrix).toarray(), matrix.toarray())
    assert train.matrix.multiply(test.matrix).nnz == 0
    assert test.matrix.nnz == pytest.approx(0.25 * matrix.nnz, rel=0.15)
    again = train_test_split_interactions(matrix, test_fraction=0.25, by=by, random_state=3)[1]
    assert (again.matrix != test.matrix).nnz == 0
    if by == "user":
        counts = np.diff(matrix.indptr)
        kept = np.diff(train.matrix.indptr)
        assert ((kept >= 1) | (counts == 0)).all()
