"""QuestionClassifier on Dask: a Dask Series of texts, classified partition by partition.

The fitted model enters the task graph once per call, as a single key
(``dask.delayed(model)``): the scheduler ships it to each worker that needs it once,
whatever the number of partitions, instead of embedding it in every task. Each partition
goes through the in-memory method on a worker, which validates its texts (a blank text
fails when the result is computed); the result keeps the Series' index and partitions.

Dask is imported only inside the functions here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from servicekit._dask import require_dask
from servicekit._validation import fail

#: Columns of :meth:`QuestionClassifier.classify` on Dask: the fields of Prediction.
PREDICTION_COLUMNS = ("label", "confidence", "alternatives", "escalate", "reason")


def _predict(texts: pd.Series, model: Any) -> pd.Series:
    labels = model.predict(texts.tolist()) if len(texts) else []
    out: pd.Series = pd.Series(labels, index=texts.index, name=texts.name, dtype=object)
    return out


def _predict_proba(texts: pd.Series, model: Any) -> pd.DataFrame:
    if len(texts):
        values = model.predict_proba(texts.tolist()).to_numpy()
    else:
        values = np.empty((0, len(model.labels)))
    out: pd.DataFrame = pd.DataFrame(
        values, index=texts.index, columns=list(model.labels), dtype=np.float64
    )
    return out


def _classify(texts: pd.Series, model: Any, options: dict[str, Any]) -> pd.DataFrame:
    predictions = model.classify(texts.tolist(), **options) if len(texts) else []
    frame: pd.DataFrame = pd.DataFrame(
        {
            "label": pd.Series([p.label for p in predictions], dtype=object),
            "confidence": pd.Series([p.confidence for p in predictions], dtype=np.float64),
            "alternatives": pd.Series([p.alternatives for p in predictions], dtype=object),
            "escalate": pd.Series([p.escalate for p in predictions], dtype=bool),
            "reason": pd.Series([p.reason for p in predictions], dtype=object),
        }
    )
    frame.index = texts.index
    return frame


def _texts(method: str, texts: Any) -> Any:
    require_dask(f"QuestionClassifier.{method}")
    import dask.dataframe as dd

    if not isinstance(texts, dd.Series):
        fail(
            f"QuestionClassifier.{method}",
            "texts",
            "must be a Dask Series (one text per row) when given as a Dask collection",
            type(texts).__name__,
        )
    return texts


def _shared(model: Any) -> Any:
    """The model as one graph key, shipped to each worker once (not once per partition)."""
    from dask.delayed import delayed

    return delayed(model, pure=False, traverse=False)


def predict(model: Any, texts: Any) -> Any:
    """Dask implementation of :meth:`QuestionClassifier.predict`: a Dask Series of labels."""
    series = _texts("predict", texts)
    meta = pd.Series([], dtype=object, name=series.name)
    return series.map_partitions(_predict, _shared(model), meta=meta)


def predict_proba(model: Any, texts: Any) -> Any:
    """Dask implementation of :meth:`QuestionClassifier.predict_proba`: a Dask DataFrame."""
    series = _texts("predict_proba", texts)
    meta = pd.DataFrame(np.empty((0, len(model.labels))), columns=list(model.labels))
    return series.map_partitions(_predict_proba, _shared(model), meta=meta)


def classify(model: Any, texts: Any, **options: Any) -> Any:
    """Dask implementation of :meth:`QuestionClassifier.classify`: a Dask DataFrame."""
    series = _texts("classify", texts)
    model.classify(["probe"], **options)  # threshold, margin, n_alternatives: checked now
    meta = _classify(pd.Series([], dtype=object), model, options)
    return series.map_partitions(_classify, _shared(model), options, meta=meta)
