from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import special

from servicekit.churn import LogisticModel, fit_logistic
from servicekit.errors import (
    ConvergenceWarning,
    InvalidInputError,
    ModelFormatError,
    SeparationWarning,
)


def simulated(n: int = 400, p: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    beta = np.linspace(-1.0, 1.0, p)
    y = (rng.random(n) < special.expit(X @ beta - 0.3)).astype(float)
    return X, y


def unscaled_correlated(n: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Tenure in seconds, charges in currency and cents, call counts: scales 1 to 1e8."""
    rng = np.random.default_rng(seed)
    tenure_days = rng.uniform(0, 2000, n)
    monthly = rng.uniform(20, 120, n)
    total_cents = tenure_days / 30 * monthly * 100 + rng.normal(0, 5000, n)
    calls = rng.poisson(3, n).astype(float)
    X = np.c_[tenure_days * 86400, monthly, total_cents, calls]
    eta = 1.0 - 0.003 * tenure_days + 0.02 * monthly + 0.000003 * total_cents + 0.1 * calls
    y = (rng.random(n) < special.expit(eta)).astype(float)
    return X, y


# ----------------------------------------------------------------- agreement with statsmodels
def test_matches_statsmodels_newton() -> None:
    import statsmodels.api as sm

    X, y = simulated(p=4)
    model = fit_logistic(X, y)
    ref = sm.Logit(y, sm.add_constant(X)).fit(method="newton", disp=0)
    assert model.converged
    np.testing.assert_allclose(model.intercept, ref.params[0], rtol=1e-9)
    np.testing.assert_allclose(model.coef, ref.params[1:], rtol=1e-9)
    np.testing.assert_allclose(model.std_errors, ref.bse[1:], rtol=1e-9)
    np.testing.assert_allclose(model.intercept_std_error, ref.bse[0], rtol=1e-9)
    np.testing.assert_allclose(model.log_likelihood, ref.llf, rtol=1e-12)
    np.testing.assert_allclose(model.log_likelihood_null, ref.llnull, rtol=1e-12)
    np.testing.assert_allclose(model.pseudo_r2, ref.prsquared, rtol=1e-10)
    np.testing.assert_allclose(model.aic, ref.aic, rtol=1e-12)
    np.testing.assert_allclose(model.bic, ref.bic, rtol=1e-12)
    table = model.summary(confidence=0.9)
    np.testing.assert_allclose(table["p_value"], ref.pvalues, rtol=1e-7)
    np.testing.assert_allclose(table[["ci_low", "ci_high"]], ref.conf_int(alpha=0.1), rtol=1e-9)
    np.testing.assert_allclose(table["odds_ratio"], np.exp(ref.params), rtol=1e-9)


def test_without_intercept_matches_statsmodels() -> None:
    import statsmodels.api as sm

    X, y = simulated(p=2, seed=4)
    model = fit_logistic(X, y, fit_intercept=False)
    ref = sm.Logit(y, X).fit(method="newton", disp=0)
    np.testing.assert_allclose(model.coef, ref.params, rtol=1e-9)
    np.testing.assert_allclose(model.std_errors, ref.bse, rtol=1e-9)
    assert model.intercept == 0.0
    assert math.isnan(model.intercept_std_error)
    assert list(model.summary().index) == ["x0", "x1"]


def test_unscaled_correlated_columns_converge_where_lbfgs_stops_short() -> None:
    import statsmodels.api as sm
    from sklearn.linear_model import LogisticRegression

    X, y = unscaled_correlated()
    model = fit_logistic(X, y)
    ref = sm.Logit(y, sm.add_constant(X)).fit(method="newton", disp=0)
    assert model.converged
    np.testing.assert_allclose(model.coef, ref.params[1:], rtol=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lbfgs = LogisticRegression(penalty=None, max_iter=100).fit(X, y)
    # L-BFGS stops (within max_iter, without a warning) far from the optimum: the call
    # coefficient is off by more than half, and its likelihood is visibly lower.
    relative = np.abs(lbfgs.coef_[0] - model.coef) / np.abs(model.coef)
    assert relative.max() > 0.5
    lbfgs_eta = X @ lbfgs.coef_[0] + lbfgs.intercept_[0]
    lbfgs_ll = float(np.sum(y * lbfgs_eta - np.logaddexp(0, lbfgs_eta)))
    assert lbfgs_ll < model.log_likelihood - 1.0


def test_sample_weights_equal_repeated_rows() -> None:
    X, y = simulated(n=60, seed=2)
    weights = np.tile([1.0, 2.0, 0.0], 20)
    weighted = fit_logistic(X, y, sample_weight=weights)
    repeated = np.repeat(np.arange(60), weights.astype(int))
    plain = fit_logistic(X[repeated], y[repeated])
    np.testing.assert_allclose(weighted.coef, plain.coef, rtol=1e-9)
    np.testing.assert_allclose(weighted.std_errors, plain.std_errors, rtol=1e-9)


def test_l2_shrinks_and_is_recorded() -> None:
    X, y = simulated(seed=5)
    plain, ridge = fit_logistic(X, y), fit_logistic(X, y, l2=50.0)
    assert np.linalg.norm(ridge.coef) < np.linalg.norm(plain.coef)
    table = ridge.summary()
    assert table.attrs["l2"] == 50.0
    assert "penalised Hessian" in table.attrs["caption"]
    assert "l2: 50" in str(ridge)
    # The penalised score is zero at the estimate: X'(y - p) = l2 * beta.
    residual = y - ridge.predict_proba(X)
    np.testing.assert_allclose(X.T @ residual, 50.0 * ridge.coef, atol=1e-7)
    np.testing.assert_allclose(residual.sum(), 0.0, atol=1e-8)


# ----------------------------------------------------------------- separation, convergence
def test_complete_separation_warns_and_returns_finite_results() -> None:
    X = np.array([[-3.0, 0.2], [-2.0, -0.1], [-1.0, 0.4], [1.0, 0.3], [2.0, -0.2], [3.0, 0.1]])
    y = [0, 0, 0, 1, 1, 1]
    with pytest.warns(SeparationWarning, match=r"\['tenure'\].*l2 > 0"):
        model = fit_logistic(X, y, feature_names=["tenure", "noise"])
    assert not model.converged
    assert model.separated == ("tenure",)
    assert np.isfinite(model.coef).all()
    assert np.isfinite(model.std_errors).all()
    assert model.std_errors[0] > 100  # the likelihood is flat along the diverging direction
    assert "separated" in str(model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fit_logistic(X, y, l2=1.0).converged


def test_separation_is_recognised_when_max_iter_stops_the_fit_first() -> None:
    X = [[-3.0], [-2.0], [-1.0], [1.0], [2.0], [3.0]]
    with pytest.warns(SeparationWarning, match="iteration 12"):
        model = fit_logistic(X, [0, 0, 0, 1, 1, 1], max_iter=12)
    assert model.separated == ("x0",)
    with pytest.warns(ConvergenceWarning):  # too early to tell: no perfect predictions yet
        assert fit_logistic(X, [0, 0, 0, 1, 1, 1], max_iter=3).separated == ()


def test_quasi_complete_separation_names_the_feature() -> None:
    rng = np.random.default_rng(1)
    flag = (np.arange(40) < 8).astype(float)  # flag = 1 -> always churn
    X = np.c_[rng.normal(size=40), flag]
    y = np.r_[np.ones(8), rng.random(32) < 0.4]
    with pytest.warns(SeparationWarning, match="quasi-complete") as record:
        model = fit_logistic(X, y, feature_names=["usage", "flag"])
    assert "['flag']" in str(record[0].message)
    assert model.separated == ("flag",)
    assert np.isfinite(model.coef).all()


def test_separation_by_a_combination_names_the_diverging_features() -> None:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(30, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(float)
    with pytest.warns(SeparationWarning):
        model = fit_logistic(X, y)
    assert {"x0", "x1"} <= set(model.separated)


def test_non_convergence_warns_with_what_was_tried() -> None:
    X, y = simulated()
    with pytest.warns(ConvergenceWarning, match=r"1 Newton iteration.*max_iter=1"):
        model = fit_logistic(X, y, max_iter=1)
    assert not model.converged
    assert model.n_iter == 1


# ----------------------------------------------------------------- bad designs
def test_duplicate_columns_are_named() -> None:
    X, y = simulated(p=2)
    design = np.c_[X, 2 * X[:, 0] - X[:, 1]]
    with pytest.raises(InvalidInputError, match=r"'c' = combination of \['a', 'b'\]"):
        fit_logistic(design, y, feature_names=["a", "b", "c"])
    assert np.isfinite(fit_logistic(design, y, l2=1.0).coef).all()


def test_constant_column_is_named() -> None:
    X, y = simulated(p=2)
    with pytest.raises(InvalidInputError, match=r"constant.*\['const'\]"):
        fit_logistic(np.c_[X, np.ones(len(y))], y, feature_names=["a", "b", "const"])


def test_constant_columns_on_weighted_rows_and_under_a_ridge() -> None:
    X, y = simulated(p=2)
    design = np.c_[X, np.full(len(y), 0.1)]  # 0.1 is not exact in binary: centring leaves noise
    assert fit_logistic(design, y, l2=1.0).coef[2] == 0.0
    weights = np.ones(len(y))
    weights[:5] = 0.0
    design[:5, 2] = 7.0  # differs only on rows with weight 0
    with pytest.raises(InvalidInputError, match=r"constant.*\['x2'\]"):
        fit_logistic(design, y, sample_weight=weights)


def test_more_columns_than_rows_is_singular() -> None:
    with pytest.raises(InvalidInputError, match="linearly independent"):
        fit_logistic(np.random.default_rng(0).normal(size=(4, 6)), [0, 1, 0, 1])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"y": [1, 1, 1, 1]}, "both classes"),
        ({"feature_names": ["a"]}, "one name per column"),
        ({"feature_names": ["a", "a"]}, "repeat"),
        ({"sample_weight": [0.0, 0.0, 0.0, 0.0]}, "positive weight"),
    ],
)
def test_invalid_fits_are_errors(kwargs: dict[str, object], match: str) -> None:
    base = {"X": [[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]], "y": [0, 1, 0, 1]}
    with pytest.raises(InvalidInputError, match=match):
        fit_logistic(**{**base, **kwargs})  # type: ignore[arg-type]


def test_scoring_checks_the_width() -> None:
    model = fit_logistic(*simulated(p=3))
    with pytest.raises(InvalidInputError, match=r"predict_proba\(\): 'X' must have 3 column"):
        model.predict_proba([[1.0, 2.0]])


# ----------------------------------------------------------------- properties
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(30, 120))
def test_probabilities_lie_strictly_inside_zero_one(seed: int, n: int) -> None:
    X, y = simulated(n=n, p=2, seed=seed)
    assume(y.min() < y.max())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit_logistic(X, y)
    # Under separation fitted probabilities legitimately round to 0 or 1 (and a warning says so).
    assume(not model.separated)
    proba = model.predict_proba(X)
    assert ((proba > 0) & (proba < 1)).all()
    assert np.isfinite(model.std_errors).all()


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_permuting_rows_does_not_change_the_fit(seed: int) -> None:
    X, y = simulated(n=80, p=3, seed=seed)
    order = np.random.default_rng(seed + 1).permutation(len(y))
    a, b = fit_logistic(X, y), fit_logistic(X[order], y[order])
    np.testing.assert_allclose(a.coef, b.coef, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(a.std_errors, b.std_errors, rtol=1e-8)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.floats(1e-4, 1e4), st.integers(0, 2))
def test_scaling_a_column_scales_its_coefficient_inversely(
    seed: int, factor: float, column: int
) -> None:
    X, y = simulated(n=80, p=3, seed=seed)
    scaled = X.copy()
    scaled[:, column] *= factor
    a, b = fit_logistic(X, y), fit_logistic(scaled, y)
    np.testing.assert_allclose(b.coef[column], a.coef[column] / factor, rtol=1e-7)
    np.testing.assert_allclose(b.std_errors[column], a.std_errors[column] / factor, rtol=1e-7)
    np.testing.assert_allclose(b.log_likelihood, a.log_likelihood, rtol=1e-10)


# ----------------------------------------------------------------- persistence
@pytest.fixture(scope="module")
def saved() -> tuple[LogisticModel, str]:
    model = fit_logistic(*simulated(p=3), feature_names=["tenure", "charges", "calls"])
    return model, model.to_json()


def test_json_round_trip_is_exact(saved: tuple[LogisticModel, str]) -> None:
    model, text = saved
    again = LogisticModel.from_json(text)
    for name in ("coef", "std_errors", "covariance"):
        assert np.array_equal(getattr(again, name), getattr(model, name))
    assert again.intercept == model.intercept
    assert again.to_dict().keys() == model.to_dict().keys()
    assert again.to_json() == text
    assert json.loads(text)["format"] == "servicekit.LogisticModel"


def _edit(text: str, **changes: object) -> str:
    fields = json.loads(text)
    fields.update(changes)
    return json.dumps(fields)


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda t: t[: len(t) // 2], "invalid or truncated JSON"),
        (lambda t: "not json at all", "invalid or truncated JSON"),
        (lambda t: "[1, 2, 3]", "must be a JSON object"),
        (lambda t: json.dumps({"a": 1}), "'format'"),
        (lambda t: _edit(t, version=2), "'version' must be 1"),
        (lambda t: _edit(t, format="sklearn.LogisticRegression"), "'format'"),
        (lambda t: _edit(t, coef=json.loads(t)["coef"][:-1]), "'coef' must hold 3"),
        (lambda t: t.replace('"intercept": ', '"intercept": NaN, "x": ', 1), "non-finite"),
        (lambda t: _edit(t, n_obs="400"), "'n_obs' must be a number"),
        (lambda t: _edit(t, covariance=[[1.0]]), "'covariance'"),
        (lambda t: _edit(t, extra=1), "'extra' is not part"),
        (lambda t: _edit(t, intercept=json.loads(t)["intercept"] + 1e-9), "checksum"),
    ],
)
def test_from_json_rejects_damaged_documents(
    saved: tuple[LogisticModel, str], mutate: object, match: str
) -> None:
    _, text = saved
    with pytest.raises(ModelFormatError, match=match):
        LogisticModel.from_json(mutate(text))  # type: ignore[operator]


def test_json_round_trip_without_intercept() -> None:
    model = fit_logistic(*simulated(p=2, seed=9), fit_intercept=False)
    text = model.to_json()
    assert json.loads(text)["intercept_std_error"] is None
    again = LogisticModel.from_json(text)
    assert math.isnan(again.intercept_std_error)
    assert not again.fit_intercept
    assert np.array_equal(again.covariance, model.covariance)
