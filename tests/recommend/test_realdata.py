from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.support import real_data

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "recommend_restaurants.py"


@pytest.fixture(scope="module")
def example() -> object:
    spec = importlib.util.spec_from_file_location("recommend_restaurants", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["recommend_restaurants"] = module
    # The example imports its sibling example_data.py, as it does when run as a script.
    sys.path.insert(0, str(EXAMPLE.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(EXAMPLE.parent))
    return module


@pytest.fixture(scope="module")
def table(example: object) -> pd.DataFrame:
    folder = real_data("uci_restaurant_consumer")
    data, features = example.load(folder)  # type: ignore[attr-defined]
    runs = [example.evaluate(data, features, random_state=seed) for seed in range(3)]  # type: ignore[attr-defined]
    return pd.concat(runs).groupby("model").mean(numeric_only=True)


@pytest.mark.realdata
def test_restaurant_data_loads_with_features(example: object) -> None:
    data, features = example.load(real_data("uci_restaurant_consumer"))  # type: ignore[attr-defined]
    assert (data.n_users, data.n_items, data.matrix.nnz) == (138, 130, 1161)
    assert features.shape[0] == 130
    assert (features.sum(axis=1) > 0).all()


@pytest.mark.realdata
@pytest.mark.parametrize("model", ["features", "item kNN", "EASE", "hybrid", "most popular"])
def test_every_model_beats_random(table: pd.DataFrame, model: str) -> None:
    for metric in ("precision", "recall", "ndcg"):
        assert table.loc[model, metric] > table.loc["random", metric], (model, metric)


@pytest.mark.realdata
def test_collaborative_models_beat_popularity(table: pd.DataFrame) -> None:
    for model in ("item kNN", "EASE", "hybrid"):
        assert table.loc[model, "ndcg"] > 1.5 * table.loc["most popular", "ndcg"]
