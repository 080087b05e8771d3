"""Valid calls of servicekit.churn's public functions, for tests/test_bad_input.py."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from servicekit import churn
from tests.support import Case

# --- evaluation and campaign profit (churn-eval) ---------------------------------------
_Y = [0, 1, 0, 1, 1, 0, 0, 1]
_P = [0.1, 0.8, 0.3, 0.6, 0.9, 0.2, 0.4, 0.7]

EVALUATION_CASES = [
    Case(churn.evaluate, lambda: {"y_true": list(_Y), "proba": list(_P), "threshold": 0.5}),
    Case(churn.lift_table, lambda: {"y_true": list(_Y), "proba": list(_P), "bins": 4}),
    Case(
        churn.calibration_table,
        lambda: {"y_true": list(_Y), "proba": list(_P), "bins": 2, "confidence": 0.9},
    ),
    Case(churn.hosmer_lemeshow, lambda: {"y_true": list(_Y), "proba": list(_P), "bins": 4}),
    Case(
        churn.campaign_profit,
        lambda: {
            "proba": list(_P),
            "customer_value": 200.0,
            "incentive_cost": 10.0,
            "contact_cost": 1.0,
            "acceptance_rate": 0.3,
            "y_true": list(_Y),
        },
    ),
]

# --- models, cross-validation and the estimator (churn-core) -----------------------------
_X = [
    [1.0, 0.0],
    [2.0, 1.0],
    [3.0, 0.0],
    [4.0, 1.0],
    [5.0, 0.0],
    [6.0, 1.0],
    [7.0, 0.0],
    [8.0, 1.0],
]
_Y_FIT = [1, 1, 0, 1, 0, 0, 1, 0]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tenure": [1, 30, 2, 45, 5, 60, 3, 24, 8, 50, 12, 36],
            "contract": ["m", "y", "m", "y", "m", "y", "m", "m", "y", "y", "m", "y"],
            "id": [f"c{i}" for i in range(12)],
            "churn": ["Yes", "No", "Yes", "No", "No", "No", "Yes", "No", "Yes", "No", "Yes", "No"],
        }
    )


def _logistic() -> churn.LogisticModel:
    return churn.fit_logistic(_X, _Y_FIT)


def _model() -> churn.ChurnModel:
    return churn.fit_churn_model(_frame(), target="churn", positive="Yes", exclude=["id"])


def _classifier() -> churn.ChurnClassifier:
    return churn.ChurnClassifier().fit(_X, _Y_FIT)


def _new_path() -> Path:
    return Path(tempfile.mkdtemp()) / "model.json"


def _saved(model: churn.LogisticModel | churn.ChurnModel) -> Path:
    path = _new_path()
    model.save(path)
    return path


MODEL_CASES = [
    Case(
        churn.fit_logistic,
        lambda: {"X": [list(r) for r in _X], "y": list(_Y_FIT), "feature_names": ["a", "b"]},
    ),
    Case(churn.LogisticModel.predict_proba, lambda: {"X": [[1.0, 0.0]]}, instance=_logistic),
    Case(churn.LogisticModel.decision_function, lambda: {"X": [[1.0, 0.0]]}, instance=_logistic),
    Case(churn.LogisticModel.summary, lambda: {"confidence": 0.9}, instance=_logistic),
    Case(churn.LogisticModel.from_json, lambda: {"text": _logistic().to_json()}),
    Case(
        churn.fit_churn_model,
        lambda: {
            "frame": _frame(),
            "target": "churn",
            "positive": "Yes",
            "exclude": ["id"],
            "categorical": ["contract"],
        },
    ),
    Case(churn.ChurnModel.predict_proba, lambda: {"frame": _frame()}, instance=_model),
    Case(churn.ChurnModel.contributions, lambda: {"frame": _frame()}, instance=_model),
    Case(churn.ChurnModel.risk_drivers, lambda: {"frame": _frame(), "top": 2}, instance=_model),
    Case(churn.ChurnModel.summary, lambda: {"confidence": 0.9}, instance=_model),
    Case(churn.ChurnModel.from_json, lambda: {"text": _model().to_json()}),
    Case(churn.ChurnModel.save, lambda: {"path": _new_path()}, instance=_model),
    Case(churn.ChurnModel.load, lambda: {"path": _saved(_model())}),
    Case(churn.LogisticModel.save, lambda: {"path": _new_path()}, instance=_logistic),
    Case(churn.LogisticModel.load, lambda: {"path": _saved(_logistic())}),
    Case(
        churn.cross_validate,
        lambda: {
            "frame": _frame(),
            "target": "churn",
            "folds": 2,
            "repeats": 1,
            "random_state": 0,
            "positive": "Yes",
            "exclude": ["id"],
        },
    ),
    Case(
        churn.ChurnClassifier.fit,
        lambda: {"X": [list(r) for r in _X], "y": list(_Y_FIT)},
        instance=churn.ChurnClassifier,
    ),
    Case(churn.ChurnClassifier.predict, lambda: {"X": [[1.0, 0.0]]}, instance=_classifier),
    Case(churn.ChurnClassifier.predict_proba, lambda: {"X": [[1.0, 0.0]]}, instance=_classifier),
    Case(
        churn.ChurnClassifier.decision_function, lambda: {"X": [[1.0, 0.0]]}, instance=_classifier
    ),
]

CASES = [*EVALUATION_CASES, *MODEL_CASES]
