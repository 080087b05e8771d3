"""QuestionClassifier on Dask: Banking77 test questions in uneven partitions, one empty.

The model is fitted once per module on 2,000 training questions with the fastest option
(naive Bayes on unstemmed word n-grams: no NLTK import on the workers, which costs
seconds on a busy machine): the point is equality with the in-memory methods, not accuracy.
"""

from __future__ import annotations

import itertools
import pickle
from typing import Any

import numpy as np
import pandas as pd
import pytest

from servicekit.classify import QuestionClassifier, fit_question_classifier
from servicekit.errors import InvalidInputError
from tests.support import real_data

pytestmark = pytest.mark.realdata

SIZES = (250, 0, 37, 413)  # uneven partitions with an empty one: 700 questions


@pytest.fixture(scope="module")
def banking77() -> tuple[QuestionClassifier, pd.Series]:
    train = pd.read_csv(real_data("banking77", "train.csv"), dtype=str)
    test = pd.read_csv(real_data("banking77", "test.csv"), dtype=str)
    subset = train.sample(n=2000, random_state=0)
    model = fit_question_classifier(
        subset["text"], subset["category"], model="naive_bayes", char_ngrams=None, stem=False
    )
    texts = test["text"].sample(n=sum(SIZES), random_state=0)
    return model, texts


def partitioned(texts: pd.Series, sizes: tuple[int, ...] = SIZES) -> Any:
    import dask.dataframe as dd
    from dask.delayed import delayed

    bounds = np.cumsum((0, *sizes))
    pieces = [delayed(texts.iloc[a:b]) for a, b in itertools.pairwise(bounds)]
    series = dd.from_delayed(pieces, meta=texts.iloc[:0])
    assert series.npartitions == len(sizes)
    return series


def test_predict_and_predict_proba_equal_in_memory(
    client: Any, banking77: tuple[QuestionClassifier, pd.Series]
) -> None:
    import dask
    import dask.dataframe as dd

    model, texts = banking77
    lazy_labels = model.predict(partitioned(texts))
    lazy_proba = model.predict_proba(partitioned(texts))
    assert isinstance(lazy_labels, dd.Series)
    assert isinstance(lazy_proba, dd.DataFrame)
    assert list(lazy_proba.columns) == list(model.labels)
    labels, proba = dask.compute(lazy_labels, lazy_proba)
    assert labels.tolist() == model.predict(texts)
    assert labels.index.equals(texts.index)  # the texts' index is kept
    expected = model.predict_proba(texts)
    np.testing.assert_array_equal(proba.to_numpy(), expected.to_numpy())
    assert proba.index.equals(texts.index)
    assert proba.dtypes.eq(np.float64).all()


def test_classify_equals_in_memory(
    client: Any, banking77: tuple[QuestionClassifier, pd.Series]
) -> None:
    import dask.dataframe as dd

    model, texts = banking77
    options = {"threshold": 0.4, "margin": 0.05, "n_alternatives": 3}
    lazy = model.classify(partitioned(texts), **options)
    assert isinstance(lazy, dd.DataFrame)
    frame = lazy.compute()
    expected = model.classify(texts, **options)
    assert frame.index.equals(texts.index)
    assert [tuple(row) for row in frame.itertuples(index=False)] == [
        (p.label, p.confidence, p.alternatives, p.escalate, p.reason) for p in expected
    ]
    assert frame["escalate"].any()
    assert not frame["escalate"].all()


def test_the_model_is_in_the_graph_once(banking77: tuple[QuestionClassifier, pd.Series]) -> None:
    model, texts = banking77
    size = len(pickle.dumps(model))
    for lazy in (
        model.predict(partitioned(texts, (100,) * 7)),
        model.classify(partitioned(texts, (100,) * 7), threshold=0.5),
    ):
        graph = dict(lazy.__dask_graph__())
        heavy = [key for key, task in graph.items() if len(pickle.dumps(task)) >= size // 2]
        assert len(heavy) == 1, heavy  # one key holds the model, seven tasks refer to it


def test_bad_input_on_dask(client: Any, banking77: tuple[QuestionClassifier, pd.Series]) -> None:
    import dask.dataframe as dd

    model, texts = banking77
    with pytest.raises(InvalidInputError, match="'threshold'"):
        model.classify(partitioned(texts), threshold=2.0)
    with pytest.raises(InvalidInputError, match="must be a Dask Series"):
        model.predict(dd.from_pandas(texts.to_frame(), npartitions=2))
    blank = texts.copy()
    blank.iloc[300] = "   "
    lazy = model.predict(partitioned(blank))  # texts are checked on the workers
    assert isinstance(lazy, dd.Series)
    with pytest.raises(InvalidInputError, match="'texts'"):
        lazy.compute()


def test_a_model_pickles_for_the_workers_and_stays_immutable(
    banking77: tuple[QuestionClassifier, pd.Series],
) -> None:
    model, texts = banking77
    loaded = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(
        loaded.predict_proba(texts[:50]).to_numpy(), model.predict_proba(texts[:50]).to_numpy()
    )
    assert not loaded.coefficients.flags.writeable
    with pytest.raises(AttributeError, match="immutable"):
        loaded._model = "logistic"  # type: ignore[misc]
