from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from servicekit.churn import ChurnClassifier
from servicekit.errors import InvalidInputError, ServicekitWarning

_ESTIMATORS = [ChurnClassifier(), ChurnClassifier(l2=1.0)]


# No expected failures: the unpenalised estimator drops aliased columns instead of
# refusing a singular design (check_sample_weight_equivalence_on_dense_data fits 30
# features on a handful of weighted rows).
@parametrize_with_checks(_ESTIMATORS)
def test_sklearn_conformance(estimator: ChurnClassifier, check: Any) -> None:
    # sklearn's generated data is often separable: our warnings say so, sklearn's checks
    # only care about behaviour.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ServicekitWarning)
        check(estimator)  # type: ignore[operator]


def test_multiclass_is_rejected_with_sklearn_and_servicekit_errors() -> None:
    X = np.arange(12.0).reshape(6, 2)
    with pytest.raises(InvalidInputError, match="Only binary classification is supported"):
        ChurnClassifier().fit(X, [0, 1, 2, 0, 1, 2])


def test_nan_message_names_function_argument_and_sklearn_phrase() -> None:
    X = np.ones((4, 2))
    X[1, 1] = np.nan
    with pytest.raises(InvalidInputError, match=r"ChurnClassifier.fit\(\): 'X'.*NaN") as info:
        ChurnClassifier().fit(X, [0, 1, 0, 1])
    assert info.value.argument == "X"


def test_matches_fit_logistic_and_keeps_feature_names() -> None:
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"tenure": rng.normal(size=80), "charges": rng.normal(size=80)})
    y = (rng.random(80) < 0.4).astype(int)
    clf = ChurnClassifier().fit(frame, y)
    assert clf.feature_names_in_.tolist() == ["tenure", "charges"]
    assert clf.model_.feature_names == ("tenure", "charges")
    with pytest.raises(InvalidInputError, match="features"):
        clf.predict(frame.to_numpy()[:, :1])
