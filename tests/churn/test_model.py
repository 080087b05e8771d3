from __future__ import annotations

import hashlib
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import special

from servicekit.churn import (
    ChurnModel,
    UnseenCategoryWarning,
    cross_validate,
    fit_churn_model,
    fit_logistic,
)
from servicekit.errors import InvalidInputError, ModelFormatError, ServicekitWarning
from tests.support import real_data

TELCO = ("telco", "WA_Fn-UseC_-Telco-Customer-Churn.csv")


def small_frame(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tenure = rng.integers(1, 72, n)
    contract = rng.choice(["Month-to-month", "One year", "Two year"], n, p=[0.5, 0.3, 0.2])
    charges = rng.uniform(20, 110, n).round(2)
    eta = 0.5 - 0.05 * tenure + 0.01 * charges - 1.0 * (contract != "Month-to-month")
    churn = np.where(rng.random(n) < special.expit(eta), "Yes", "No")
    return pd.DataFrame(
        {
            "customerID": [f"C{i:04d}" for i in range(n)],
            "tenure": tenure,
            "Contract": contract,
            "charges": [str(c) for c in charges],  # numbers as text, like Telco's TotalCharges
            "Churn": churn,
        }
    )


def fit_small(frame: pd.DataFrame | None = None, **options: object) -> ChurnModel:
    table = small_frame() if frame is None else frame
    kwargs: dict[str, object] = {"target": "Churn", "positive": "Yes", "exclude": ["customerID"]}
    return fit_churn_model(table, **{**kwargs, **options})  # type: ignore[arg-type]


# ----------------------------------------------------------------- columns and targets
def test_types_are_inferred_and_numeric_text_is_parsed() -> None:
    model = fit_small()
    assert model.encoder.numeric == ("tenure", "charges")
    assert model.encoder.categorical == ("Contract",)
    assert model.encoder.reference["Contract"] == "Month-to-month"  # most frequent
    assert model.logistic.feature_names == (
        "tenure",
        "charges",
        "Contract=One year",
        "Contract=Two year",
    )


@pytest.mark.filterwarnings("ignore::servicekit.errors.SeparationWarning")
def test_categorical_override() -> None:
    model = fit_small(categorical=["Contract", "tenure"])
    assert model.encoder.numeric == ("charges",)
    assert set(model.encoder.categorical) == {"Contract", "tenure"}
    with pytest.raises(InvalidInputError, match=r"'categorical'.*'customerID'"):
        fit_small(exclude=[], categorical=["Contract", "tenure", "charges"])


def test_identifier_columns_are_rejected_with_advice() -> None:
    with pytest.raises(InvalidInputError, match=r"'customerID' looks like an identifier.*exclude"):
        fit_small(frame=small_frame(n=120), exclude=[])


@pytest.mark.parametrize(
    ("change", "options", "match"),
    [
        (lambda f: f.assign(Churn=np.where(f.index < 5, "Maybe", f["Churn"])), {}, "exactly two"),
        (lambda f: f.assign(Churn=f["Churn"].where(f.index != 3)), {}, "missing values"),
        (lambda f: f, {"positive": "yes"}, r"one of the values of 'Churn'"),
        (lambda f: f, {"positive": None}, r"'positive' must say which value"),
    ],
)
def test_target_errors(change: object, options: dict[str, object], match: str) -> None:
    frame = change(small_frame())  # type: ignore[operator]
    with pytest.raises(InvalidInputError, match=match):
        fit_small(frame, **options)


def test_zero_one_and_boolean_targets_need_no_positive() -> None:
    frame = small_frame()
    as_int = frame.assign(Churn=(frame["Churn"] == "Yes").astype(int))
    as_bool = frame.assign(Churn=frame["Churn"] == "Yes")
    reference = fit_small(frame)
    for table in (as_int, as_bool):
        model = fit_churn_model(table, target="Churn", exclude=["customerID"])
        assert model.positive == 1
        np.testing.assert_allclose(model.logistic.coef, reference.logistic.coef, rtol=1e-12)


# ----------------------------------------------------------------- blanks
def test_blanks_are_reported_and_handled_per_policy() -> None:
    frame = small_frame()
    frame.loc[[2, 7], "charges"] = " "
    frame.loc[4, "Contract"] = None
    imputed = fit_small(frame)
    assert imputed.missing_counts == {"charges": 2, "Contract": 1}
    assert imputed.logistic.n_obs == 60
    assert "missing/blank values" in str(imputed)
    dropped = fit_small(frame, missing="drop")
    assert dropped.n_dropped == 3
    assert dropped.logistic.n_obs == 57
    with (
        pytest.warns(ServicekitWarning, match="missing 'charges'"),
        pytest.warns(ServicekitWarning, match="missing 'Contract'"),
    ):
        scores = dropped.predict_proba(frame)
    assert scores.isna().sum() == 3
    with pytest.raises(InvalidInputError, match=r"missing or blank.*\[2, 4, 7\]"):
        fit_small(frame, missing="raise")


def test_text_that_is_not_a_number_in_a_numeric_column() -> None:
    model = fit_small()
    frame = small_frame().assign(charges=lambda f: f["charges"].where(f.index != 5, "n/a"))
    with pytest.raises(InvalidInputError, match=r"'charges' must hold numbers.*'n/a' at row 5"):
        model.predict_proba(frame)


# ----------------------------------------------------------------- scoring and drivers
def test_unseen_category_is_scored_as_reference_with_a_warning() -> None:
    model = fit_small()
    rows = small_frame().head(2).copy()
    rows["Contract"] = ["Three year", "Month-to-month"]
    rows["tenure"] = [10, 10]
    rows["charges"] = ["50", "50"]
    with pytest.warns(UnseenCategoryWarning, match=r"'Contract'.*\['Three year'\]"):
        scores = model.predict_proba(rows)
    assert scores.iloc[0] == scores.iloc[1]


def test_missing_columns_are_an_error() -> None:
    model = fit_small()
    with pytest.raises(
        InvalidInputError, match=r"'frame' must have the model's column\(s\) \['charges'\]"
    ):
        model.predict_proba(small_frame().drop(columns=["charges"]))


def test_predictions_keep_the_index_and_match_the_logistic_model() -> None:
    model = fit_small()
    frame = small_frame().set_index("customerID", drop=False)
    scores = model.predict_proba(frame)
    assert scores.index.equals(frame.index)
    design = np.c_[
        frame["tenure"],
        frame["charges"].astype(float),
        frame["Contract"] == "One year",
        frame["Contract"] == "Two year",
    ].astype(float)
    np.testing.assert_allclose(scores, model.logistic.predict_proba(design), rtol=1e-12)


def test_contributions_explain_each_log_odds_exactly() -> None:
    model = fit_small()
    frame = small_frame()
    table = model.contributions(frame)
    log_odds = special.logit(model.predict_proba(frame))
    np.testing.assert_allclose(table.sum(axis=1) + model.baseline_log_odds, log_odds, atol=1e-10)
    # Baseline customer: training means, reference level -> all contributions zero.
    baseline = frame.head(1).assign(
        tenure=model.encoder.baseline["tenure"],
        charges=model.encoder.baseline["charges"],
        Contract="Month-to-month",
    )
    np.testing.assert_allclose(model.contributions(baseline).to_numpy(), 0.0, atol=1e-12)


def test_risk_drivers_are_the_largest_contributions() -> None:
    model = fit_small()
    frame = small_frame().head(4)
    drivers = model.risk_drivers(frame, top=2)
    assert list(drivers.columns) == ["rank", "feature", "value", "contribution"]
    contributions = model.contributions(frame)
    raising = contributions.gt(0).sum(axis=1).clip(upper=2)
    assert len(drivers) == raising.sum()
    for label, rows in drivers.groupby(level=0):
        expected = contributions.loc[label].sort_values(ascending=False).head(2)
        expected = expected[expected > 0]
        assert list(rows["feature"]) == list(expected.index)
        assert list(rows["rank"]) == list(range(1, len(rows) + 1))
        np.testing.assert_allclose(rows["contribution"], expected.to_numpy())
        assert rows["value"].iloc[0] == frame.loc[label, rows["feature"].iloc[0]]


def test_risk_drivers_are_only_contributions_that_raise_the_risk() -> None:
    """Issue #9 item 6: a zero contribution (the reference level) is not a driver."""
    frame = pd.DataFrame(
        {
            "tenure": [1, 30, 2, 45, 5, 60, 3, 24, 8, 50, 12, 36],
            "gender": ["Male", "Female"] * 6,
            "churn": [1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0],
        }
    )
    model = fit_churn_model(frame, target="churn")
    reference = model.encoder.reference["gender"]
    contributions = model.contributions(frame)
    drivers = model.risk_drivers(frame, top=2)
    assert (drivers["contribution"] > 0).all()
    assert not ((drivers["feature"] == "gender") & (drivers["value"] == reference)).any()
    # Customers without any risk-raising column get no row; others at most `top`.
    expected = contributions.gt(0).sum(axis=1).clip(upper=2)
    assert drivers.groupby(level=0).size().reindex(frame.index, fill_value=0).equals(expected)
    assert (contributions["gender"] == 0).any()  # zero rows existed and were left out
    typical = pd.DataFrame({"tenure": [model.encoder.baseline["tenure"]], "gender": [reference]})
    assert model.risk_drivers(typical).empty  # fewer than `top` (here none): no rows


def test_aliased_numeric_columns_are_an_error() -> None:
    frame = small_frame().assign(tenure_months=lambda f: f["tenure"] * 1.0)
    with pytest.raises(InvalidInputError, match=r"linear combinations.*\['tenure_months'\]"):
        fit_small(frame)


def test_aliased_dummies_are_dropped_and_recorded() -> None:
    frame = small_frame()
    internet = np.where(np.arange(60) % 4 == 0, "No", "Fiber")
    security = np.where(
        internet == "No", "No internet service", np.where(np.arange(60) % 3, "Yes", "No")
    )
    frame = frame.assign(Internet=internet, Security=security)
    model = fit_small(frame)
    assert dict(model.encoder.aliased) == {"Security=No internet service": ("Internet=No",)}
    assert "Security=No internet service" not in model.logistic.feature_names


# ----------------------------------------------------------------- persistence
def test_churn_model_json_round_trip_and_damage() -> None:
    model = fit_small()
    text = model.to_json()
    again = ChurnModel.from_json(text)
    frame = small_frame()
    assert np.array_equal(again.predict_proba(frame), model.predict_proba(frame))
    assert again.to_json() == text
    fields = json.loads(text)
    fields["logistic"]["coef"] = fields["logistic"]["coef"][:-1]
    with pytest.raises(ModelFormatError, match=r"logistic\.coef"):
        ChurnModel.from_json(json.dumps(fields))
    fields = json.loads(text)
    fields["encoder"]["reference"]["Contract"] = "Ten year"
    with pytest.raises(ModelFormatError, match="reference"):
        ChurnModel.from_json(json.dumps(fields))
    fields = json.loads(text)
    fields["encoder"]["levels"]["Contract"].append("Ten year")
    with pytest.raises(ModelFormatError, match="one coefficient per design column"):
        ChurnModel.from_json(json.dumps(fields))
    fields = json.loads(text)
    fields["encoder"]["scaler"] = "standard"
    with pytest.raises(ModelFormatError, match=r"encoder\.scaler' is not part"):
        ChurnModel.from_json(json.dumps(fields))
    fields = json.loads(text)
    fields["encoder"]["fill_values"]["tenure"] = 99.0
    with pytest.raises(ModelFormatError, match="checksum"):
        ChurnModel.from_json(json.dumps(fields))
    with pytest.raises(ModelFormatError, match="'format'"):
        ChurnModel.from_json(model.logistic.to_json())
    with pytest.raises(ModelFormatError, match="truncated"):
        ChurnModel.from_json(text[:-10])


# ----------------------------------------------------------------- cross-validation
def test_cross_validate_rows_and_errors() -> None:
    scores = cross_validate(
        small_frame(n=100),
        target="Churn",
        folds=3,
        repeats=2,
        positive="Yes",
        exclude=["customerID"],
    )
    assert len(scores) == 6
    assert list(scores[["repeat", "fold"]].itertuples(index=False, name=None))[:4] == [
        (0, 0),
        (0, 1),
        (0, 2),
        (1, 0),
    ]
    assert (scores["n_train"] + scores["n_test"] == 100).all()
    assert scores["roc_auc"].between(0, 1).all()
    blanks = small_frame(n=100)
    blanks.loc[[3, 50, 77], "charges"] = ""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dropped = cross_validate(
            blanks, target="Churn", folds=2, positive="Yes", exclude=["customerID"], missing="drop"
        )
    assert dropped["n_test"].sum() == 97
    assert (dropped["n_train"] + dropped["n_test"] == 97).all()
    with pytest.raises(InvalidInputError, match=r"'fit_options'.*shuffle"):
        cross_validate(small_frame(), target="Churn", shuffle=True)
    with pytest.raises(InvalidInputError, match="'folds' must not exceed"):
        cross_validate(
            small_frame(n=20), target="Churn", folds=19, positive="Yes", exclude=["customerID"]
        )


# ----------------------------------------------------------------- Telco (real data)
@pytest.fixture(scope="module")
def telco() -> pd.DataFrame:
    return pd.read_csv(real_data(*TELCO))


@pytest.fixture(scope="module")
def telco_model(telco: pd.DataFrame) -> ChurnModel:
    return fit_churn_model(telco, target="Churn", positive="Yes", exclude=["customerID"])


@pytest.fixture(scope="module")
def telco_design(telco: pd.DataFrame, telco_model: ChurnModel) -> tuple[np.ndarray, np.ndarray]:
    design, scorable = telco_model.encoder.encode(telco, "test")
    assert scorable.all()
    return design, (telco["Churn"] == "Yes").to_numpy(dtype=float)


@pytest.mark.realdata
def test_telco_matches_statsmodels_newton(
    telco_model: ChurnModel, telco_design: tuple[np.ndarray, np.ndarray]
) -> None:
    import statsmodels.api as sm

    X, y = telco_design
    ref = sm.Logit(y, sm.add_constant(X)).fit(method="newton", disp=0)
    assert ref.mle_retvals["converged"]
    for model in (telco_model.logistic, fit_logistic(X, y)):
        assert model.converged
        np.testing.assert_allclose(model.coef, ref.params[1:], rtol=1e-6)
        np.testing.assert_allclose(model.intercept, ref.params[0], rtol=1e-6)
        np.testing.assert_allclose(model.std_errors, ref.bse[1:], rtol=1e-6)
        np.testing.assert_allclose(model.intercept_std_error, ref.bse[0], rtol=1e-6)
        np.testing.assert_allclose(model.log_likelihood, ref.llf, rtol=1e-10)


@pytest.mark.realdata
def test_telco_blanks_and_structural_aliasing(telco: pd.DataFrame, telco_model: ChurnModel) -> None:
    assert telco_model.missing_counts == {"TotalCharges": 11}
    assert telco_model.encoder.numeric == (
        "SeniorCitizen",
        "tenure",
        "MonthlyCharges",
        "TotalCharges",
    )
    aliased = dict(telco_model.encoder.aliased)
    assert aliased["MultipleLines=No phone service"] == ("PhoneService=No",)
    services = [
        "OnlineSecurity",
        "OnlineBackup",
        "DeviceProtection",
        "TechSupport",
        "StreamingTV",
        "StreamingMovies",
    ]
    for column in services:
        assert aliased[f"{column}=No internet service"] == ("InternetService=No",)
    assert len(aliased) == 7
    dropped = fit_churn_model(
        telco, target="Churn", positive="Yes", exclude=["customerID"], missing="drop"
    )
    assert dropped.n_dropped == 11
    assert dropped.logistic.n_obs == 7032
    with pytest.raises(InvalidInputError, match="TotalCharges"):
        fit_churn_model(
            telco, target="Churn", positive="Yes", exclude=["customerID"], missing="raise"
        )


@pytest.mark.realdata
def test_telco_cross_validated_auc(telco: pd.DataFrame) -> None:
    scores = cross_validate(
        telco,
        target="Churn",
        folds=5,
        repeats=2,
        random_state=0,
        positive="Yes",
        exclude=["customerID"],
    )
    assert len(scores) == 10
    print(f"Telco repeated stratified 5-fold ROC AUC: {scores['roc_auc'].mean():.4f}")
    assert scores["roc_auc"].mean() >= 0.84


@pytest.mark.realdata
def test_telco_risk_drivers_and_round_trip(telco: pd.DataFrame, telco_model: ChurnModel) -> None:
    customers = telco.head(3)
    drivers = telco_model.risk_drivers(customers)
    assert 0 < len(drivers) <= 9
    assert (drivers["contribution"] > 0).all()
    assert drivers.groupby(level=0)["contribution"].apply(lambda c: c.is_monotonic_decreasing).all()
    again = ChurnModel.from_json(telco_model.to_json())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.array_equal(again.predict_proba(telco), telco_model.predict_proba(telco))


def test_category_levels_match_by_value_not_by_dtype_text() -> None:
    """Issue #9 item 13: a column made float by one NaN, scored with integer codes."""
    frame = pd.DataFrame(
        {
            "plan": [1, 2, 1, 2, 1, 2, 2, 1, 2, np.nan, 1, 2],
            "churn": [1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0],
        }
    )
    model = fit_churn_model(frame, target="churn", categorical=["plan"])
    assert model.encoder.levels == {"plan": ("1", "2")}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no UnseenCategoryWarning
        by_code = model.predict_proba(pd.DataFrame({"plan": [1, 2]}))
        by_numpy = model.predict_proba(pd.DataFrame({"plan": np.array([1, 2], dtype=np.int8)}))
    expected = model.predict_proba(frame.head(2))
    np.testing.assert_array_equal(by_code, expected)
    np.testing.assert_array_equal(by_numpy, expected)
    assert by_code[0] != by_code[1]
    # A model file written with the old float text ("2.0") still scores integer codes.
    document = json.loads(model.to_json())
    document["encoder"]["levels"]["plan"] = ["1.0", "2.0"]
    reference = model.encoder.reference["plan"]
    document["encoder"]["reference"]["plan"] = f"{reference}.0"
    document["logistic"]["feature_names"] = [f"{model.logistic.feature_names[0]}.0"]
    body = {k: v for k, v in document.items() if k != "checksum"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    document["checksum"] = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    old = ChurnModel.from_json(json.dumps(document))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(old.predict_proba(pd.DataFrame({"plan": [1, 2]})), expected)
