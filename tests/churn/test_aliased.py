"""Issue #9 (churn): aliased columns, DataFrame names, weighted n, extreme scales, tiny tol."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import special

from servicekit.churn import ChurnClassifier, LogisticModel, fit_logistic
from servicekit.errors import (
    AliasedColumnsWarning,
    InvalidInputError,
    ModelFormatError,
    ServicekitWarning,
)
from tests.support import real_data


def _data(n: int = 300, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    tenure = rng.normal(size=n)
    level = rng.integers(0, 3, n)
    onehot = np.eye(3)[level]  # three dummies that sum to the intercept
    X = np.c_[tenure, onehot]
    eta = -0.3 + 0.8 * tenure + np.array([0.0, 0.7, -0.5])[level]
    y = (rng.random(n) < special.expit(eta)).astype(float)
    return X, y


NAMES = ["tenure", "plan=a", "plan=b", "plan=c"]


# ----------------------------------------------------------------- item 1: aliased="drop"
def test_raise_is_the_default_and_names_the_aliased_column() -> None:
    X, y = _data()
    with pytest.raises(InvalidInputError, match=r"'plan=c' = combination of"):
        fit_logistic(X, y, feature_names=NAMES)


def test_drop_fits_without_the_aliased_column_and_reports_it() -> None:
    X, y = _data()
    with pytest.warns(AliasedColumnsWarning, match=r"dropped 1 aliased column\(s\) \['plan=c'\]"):
        model = fit_logistic(X, y, feature_names=NAMES, aliased="drop")
    reduced = fit_logistic(X[:, :3], y, feature_names=NAMES[:3])
    assert model.aliased == {"plan=c": ("intercept", "plan=a", "plan=b")}
    # R's glm: NA coefficient and standard error, the rest equal the reduced fit.
    assert np.isnan(model.coef[3])
    assert np.isnan(model.std_errors[3])
    np.testing.assert_allclose(model.coef[:3], reduced.coef, rtol=1e-12)
    np.testing.assert_allclose(model.std_errors[:3], reduced.std_errors, rtol=1e-12)
    assert model.intercept == pytest.approx(reduced.intercept, rel=1e-12)
    assert np.isnan(model.covariance[4]).all()
    assert np.isnan(model.covariance[:, 4]).all()
    np.testing.assert_allclose(model.covariance[:4, :4], reduced.covariance, rtol=1e-12)
    assert model.n_params == reduced.n_params == 4
    assert model.aic == pytest.approx(reduced.aic, rel=1e-12)
    assert model.bic == pytest.approx(reduced.bic, rel=1e-12)
    # Prediction gives the aliased column no weight.
    np.testing.assert_allclose(model.predict_proba(X), reduced.predict_proba(X[:, :3]), rtol=1e-12)
    table = model.summary()
    assert table.loc["plan=c"].isna().all()
    assert table.attrs["aliased"] == {"plan=c": ["intercept", "plan=a", "plan=b"]}
    assert "1 aliased column(s) dropped" in table.attrs["caption"]
    assert "dropped 'plan=c'" in str(model)


def test_drop_warns_once_for_constant_zero_and_combined_columns() -> None:
    X, y = _data()
    X = np.c_[X, np.full(len(X), 2.0), np.zeros(len(X)), X[:, 0] * 3 - X[:, 1]]
    names = [*NAMES, "two", "zeros", "combo"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = fit_logistic(X, y, feature_names=names, aliased="drop")
    aliased_warnings = [w for w in caught if issubclass(w.category, AliasedColumnsWarning)]
    assert len(aliased_warnings) == 1
    assert "['plan=c', 'two', 'zeros', 'combo']" in str(aliased_warnings[0].message)
    assert model.aliased == {
        "plan=c": ("intercept", "plan=a", "plan=b"),
        "two": ("intercept",),
        "zeros": (),
        "combo": ("tenure", "plan=a"),
    }
    assert model.converged
    assert np.isfinite(model.coef[:3]).all()


def test_drop_without_intercept_and_with_l2() -> None:
    X, y = _data()
    X0 = np.c_[X, np.zeros(len(X))]
    with pytest.warns(AliasedColumnsWarning):
        plain = fit_logistic(X0, y, fit_intercept=False, aliased="drop")
    assert list(plain.aliased) == ["x4"]  # the dummies are independent without an intercept
    with pytest.warns(AliasedColumnsWarning):
        ridge = fit_logistic(X0, y, fit_intercept=False, l2=1.0, aliased="drop")
    assert list(ridge.aliased) == ["x4"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", AliasedColumnsWarning)
        penalised = fit_logistic(X, y, l2=1.0, aliased="drop")  # unique: nothing dropped
    assert not penalised.aliased
    assert np.isfinite(penalised.coef).all()


def test_aliased_model_round_trips_through_json_with_nulls() -> None:
    X, y = _data()
    with pytest.warns(AliasedColumnsWarning):
        model = fit_logistic(X, y, feature_names=NAMES, aliased="drop")
    text = model.to_json()
    document = json.loads(text)
    assert document["coef"][3] is None
    assert document["covariance"][4][0] is None
    again = LogisticModel.from_json(text)
    assert again.aliased == model.aliased
    np.testing.assert_array_equal(again.coef, model.coef)  # NaN in the same place
    np.testing.assert_array_equal(again.covariance, model.covariance)
    assert again.to_json() == text
    # A null where no column is aliased is refused.
    document.pop("aliased")
    with pytest.raises(ModelFormatError, match="must be null exactly for the aliased columns"):
        LogisticModel.from_json(json.dumps(document))
    # Full-rank fits keep the old layout (no "aliased" field).
    assert "aliased" not in json.loads(fit_logistic(X[:, :3], y).to_json())


def test_classifier_drops_aliased_columns_with_zero_coef() -> None:
    X, y = _data()
    with pytest.warns(AliasedColumnsWarning):
        clf = ChurnClassifier().fit(X, y)
    assert clf.coef_[0, 3] == 0.0
    assert np.isnan(clf.model_.coef[3])
    np.testing.assert_allclose(clf.decision_function(X), X @ clf.coef_[0] + clf.intercept_[0])


@pytest.mark.realdata
def test_onehot_pipeline_on_telco_scores_like_logistic_regression() -> None:
    from sklearn.compose import make_column_transformer
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame = pd.read_csv(real_data("telco", "WA_Fn-UseC_-Telco-Customer-Churn.csv"))
    frame["TotalCharges"] = pd.to_numeric(frame["TotalCharges"], errors="coerce").fillna(0.0)
    y = (frame.pop("Churn") == "Yes").astype(int)
    X = frame.drop(columns=["customerID"])
    numeric = ["tenure", "MonthlyCharges", "TotalCharges"]
    categorical = [c for c in X.columns if c not in numeric]
    pipeline = make_pipeline(
        make_column_transformer((OneHotEncoder(), categorical), (StandardScaler(), numeric)),
        ChurnClassifier(),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AliasedColumnsWarning)
        scores = cross_val_score(
            pipeline, X, y, cv=StratifiedKFold(3, shuffle=True, random_state=0), scoring="roc_auc"
        )
    assert scores.mean() >= 0.84


# ----------------------------------------------------------------- item 2: DataFrame names
def test_dataframe_column_names_become_feature_names() -> None:
    X, y = _data()
    frame = pd.DataFrame(X[:, :3], columns=NAMES[:3])
    model = fit_logistic(frame, pd.Series(y, name="churn"))
    assert model.feature_names == tuple(NAMES[:3])
    assert list(model.summary().index) == ["intercept", *NAMES[:3]]
    # Explicit names win; non-string column labels fall back to x0, x1, ...
    assert fit_logistic(frame, y, feature_names=["a", "b", "c"]).feature_names == ("a", "b", "c")
    assert fit_logistic(pd.DataFrame(X[:, :3]), y).feature_names == ("x0", "x1", "x2")
    with pytest.raises(InvalidInputError, match=r"'X' must not repeat a column name"):
        fit_logistic(pd.DataFrame(X[:, :3], columns=["a", "b", "a"]), y)


# ----------------------------------------------------------------- item 12: weighted n
def test_bic_and_n_obs_use_the_weight_sum_like_statsmodels_freq_weights() -> None:
    import statsmodels.api as sm

    X, y = _data()
    X = X[:, :3]
    weights = np.random.default_rng(2).integers(0, 4, len(y)).astype(float)
    model = fit_logistic(X, y, sample_weight=weights)
    ref = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), freq_weights=weights).fit()
    repeated = fit_logistic(
        np.repeat(X, weights.astype(int), axis=0), np.repeat(y, weights.astype(int))
    )
    assert model.n_obs == weights.sum() == repeated.n_obs
    assert model.bic == pytest.approx(ref.bic_llf, rel=1e-10)
    assert model.bic == pytest.approx(repeated.bic, rel=1e-10)
    assert model.aic == pytest.approx(repeated.aic, rel=1e-10)
    # Zero-weight rows do not count.
    padded = fit_logistic(
        np.r_[X, X[:50]], np.r_[y, y[:50]], sample_weight=np.r_[weights, np.zeros(50)]
    )
    assert padded.n_obs == model.n_obs
    assert padded.bic == pytest.approx(model.bic, rel=1e-12)


# ----------------------------------------------------------------- item 17: scale and tol
@pytest.mark.parametrize("factor", [1e-200, 1e160])
def test_extreme_column_scales_get_a_clear_message(factor: float) -> None:
    X, y = _data()
    with pytest.raises(InvalidInputError, match=r"'x0' \(spread [0-9.]+e[+-]\d+\).*") as info:
        fit_logistic(X[:, :3] * [factor, 1, 1], y)
    assert "rescale" in str(info.value)


@pytest.mark.parametrize("factor", [1e-100, 1e100])
def test_large_but_representable_scales_fit_exactly(factor: float) -> None:
    X, y = _data()
    base = fit_logistic(X[:, :3], y)
    scaled = fit_logistic(X[:, :3] * [factor, 1, 1], y)
    assert scaled.coef[0] * factor == pytest.approx(base.coef[0], rel=1e-10)
    assert scaled.std_errors[0] * factor == pytest.approx(base.std_errors[0], rel=1e-10)


@pytest.mark.parametrize("tol", [1e-17, 1e-300])
def test_tol_below_machine_precision_converges_without_warning(tol: float) -> None:
    X, y = _data()
    base = fit_logistic(X[:, :3], y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ServicekitWarning)
        model = fit_logistic(X[:, :3], y, tol=tol)
    assert model.converged
    np.testing.assert_allclose(model.coef, base.coef, rtol=1e-9)
