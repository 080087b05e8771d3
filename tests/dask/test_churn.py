"""The churn area on Dask: fit_logistic on the cluster, lazy scoring, same results as in memory.

Every Dask result is computed on the real two-worker LocalCluster (the ``client``
fixture) and compared with the in-memory result on the computed arrays, on the real
Telco data split into uneven partitions, one of them empty.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from servicekit.churn import fit_churn_model, fit_logistic
from servicekit.errors import ConvergenceWarning, InvalidInputError, SeparationWarning
from tests.support import real_data

pytestmark = pytest.mark.realdata

TELCO = ("telco", "WA_Fn-UseC_-Telco-Customer-Churn.csv")
# Uneven row partitions with an empty one; they add up to Telco's 7,043 rows.
CHUNKS = (1500, 0, 2543, 700, 2300)
NAMES = ["tenure", "MonthlyCharges", "TotalCharges", "SeniorCitizen", "month_to_month", "fiber"]


@pytest.fixture(scope="module")
def telco() -> pd.DataFrame:
    frame = pd.read_csv(real_data(*TELCO))
    frame["TotalCharges"] = pd.to_numeric(frame["TotalCharges"], errors="coerce").fillna(0.0)
    return frame


@pytest.fixture(scope="module")
def arrays(telco: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    X = np.column_stack(
        [
            telco["tenure"],
            telco["MonthlyCharges"],
            telco["TotalCharges"],
            telco["SeniorCitizen"],
            telco["Contract"] == "Month-to-month",
            telco["InternetService"] == "Fiber optic",
        ]
    ).astype(float)
    y = (telco["Churn"] == "Yes").to_numpy()
    return X, y


def lazy(*values: np.ndarray) -> list[Any]:
    import dask.array as da

    return [
        da.from_array(v, chunks=(CHUNKS,) if v.ndim == 1 else (CHUNKS, v.shape[1])) for v in values
    ]


def assert_same_fit(got: Any, want: Any, rtol: float = 1e-8) -> None:
    np.testing.assert_allclose(got.coef, want.coef, rtol=rtol, atol=0)
    np.testing.assert_allclose(got.std_errors, want.std_errors, rtol=rtol, atol=0)
    np.testing.assert_allclose(got.intercept, want.intercept, rtol=rtol, atol=0)
    np.testing.assert_allclose(got.intercept_std_error, want.intercept_std_error, rtol=rtol)
    np.testing.assert_allclose(got.covariance, want.covariance, rtol=1e-7, atol=0)
    np.testing.assert_allclose(got.log_likelihood, want.log_likelihood, rtol=1e-12)
    np.testing.assert_allclose(got.log_likelihood_null, want.log_likelihood_null, rtol=1e-12)
    assert got.n_obs == want.n_obs
    assert (got.n_iter, got.converged) == (want.n_iter, want.converged)
    assert got.feature_names == want.feature_names
    assert got.separated == want.separated


def test_fit_logistic_on_uneven_partitions_equals_the_in_memory_fit(
    client: Any, arrays: tuple[np.ndarray, np.ndarray]
) -> None:
    X, y = arrays
    Xd, yd = lazy(X, y)
    assert 0 in Xd.chunks[0]
    model = fit_logistic(Xd, yd, feature_names=NAMES)
    assert_same_fit(model, fit_logistic(X, y, feature_names=NAMES))
    assert model.converged
    assert model.n_obs == 7043


def test_options_weights_ridge_no_intercept_and_column_chunks(
    client: Any, arrays: tuple[np.ndarray, np.ndarray]
) -> None:
    X, y = arrays
    weights = np.random.default_rng(0).integers(0, 4, len(y)).astype(float)
    Xd, yd, wd = lazy(X, y, weights)
    ridge = fit_logistic(Xd.rechunk({1: 2}), yd, sample_weight=wd, l2=3.0)
    assert_same_fit(ridge, fit_logistic(X, y, sample_weight=weights, l2=3.0))
    # A Dask DataFrame X (its column names become feature_names), y chunked otherwise.
    import dask.dataframe as dd

    table = pd.DataFrame(X, columns=NAMES)
    plain = fit_logistic(
        dd.from_pandas(table, npartitions=3), yd.rechunk(1000), fit_intercept=False
    )
    assert_same_fit(plain, fit_logistic(table, y, fit_intercept=False))


def test_scoring_is_lazy_and_equals_in_memory(
    client: Any, arrays: tuple[np.ndarray, np.ndarray]
) -> None:
    from dask.base import is_dask_collection

    X, y = arrays
    (Xd,) = lazy(X)
    model = fit_logistic(X, y, feature_names=NAMES)
    for method in ("predict_proba", "decision_function"):
        result = getattr(model, method)(Xd)
        assert is_dask_collection(result)
        np.testing.assert_allclose(
            result.compute(), getattr(model, method)(X), rtol=1e-12, atol=1e-15
        )
    with pytest.raises(InvalidInputError, match="'X' must have 6 column"):
        model.predict_proba(Xd[:, :3])


def test_churn_model_scoring_and_risk_drivers_on_a_dask_dataframe(
    client: Any, telco: pd.DataFrame
) -> None:
    import dask.dataframe as dd
    from dask.base import is_dask_collection

    model = fit_churn_model(telco, target="Churn", positive="Yes", exclude=["customerID"])
    head = dd.from_pandas(telco.iloc[:1000], npartitions=2)
    empty = dd.from_pandas(telco.iloc[:0], npartitions=1)
    tail = dd.from_pandas(telco.iloc[1000:], npartitions=3)
    frame = dd.concat([head, empty, tail])
    proba = model.predict_proba(frame)
    drivers = model.risk_drivers(frame, top=2)
    parts = model.contributions(frame)
    assert all(is_dask_collection(r) for r in (proba, drivers, parts))
    pd.testing.assert_series_equal(proba.compute(), model.predict_proba(telco), rtol=1e-12)
    pd.testing.assert_frame_equal(drivers.compute(), model.risk_drivers(telco, top=2))
    pd.testing.assert_frame_equal(parts.compute(), model.contributions(telco), rtol=1e-12)
    with pytest.raises(InvalidInputError, match="must have the model's column"):
        model.predict_proba(frame.drop(columns=["tenure"]))


def test_separation_gives_the_same_warning_and_iterate(client: Any) -> None:
    X = np.array([[-3.0, 0.2], [-2.0, -0.1], [-1.0, 0.4], [1.0, 0.3], [2.0, -0.2], [3.0, 0.1]])
    y = np.array([0, 0, 0, 1, 1, 1])
    with pytest.warns(SeparationWarning) as memory:
        want = fit_logistic(X, y, feature_names=["tenure", "noise"])
    import dask.array as da

    Xd = da.from_array(X, chunks=((2, 0, 4), 2))
    yd = da.from_array(y, chunks=((2, 0, 4),))
    with pytest.warns(SeparationWarning) as cluster:
        got = fit_logistic(Xd, yd, feature_names=["tenure", "noise"])
    assert str(cluster[0].message) == str(memory[0].message)
    assert got.separated == want.separated == ("tenure",)
    assert (got.n_iter, got.converged) == (want.n_iter, want.converged)
    np.testing.assert_allclose(got.coef, want.coef, rtol=1e-6)
    # Too few iterations: the same ConvergenceWarning.
    with pytest.warns(ConvergenceWarning) as memory:
        fit_logistic(X[:, 1:], y, max_iter=1)
    with pytest.warns(ConvergenceWarning) as cluster:
        fit_logistic(Xd[:, 1:], yd, max_iter=1)
    assert str(cluster[0].message) == str(memory[0].message)


@pytest.mark.parametrize(
    ("spoil", "match"),
    [
        (
            lambda X, y: (np.where(np.arange(X.size).reshape(X.shape) == 6001, np.nan, X), y),
            r"'X' must be finite; got nan at position \(1000, 1\)",
        ),
        (
            lambda X, y: (X, np.where(np.arange(len(y)) == 4000, 2, y.astype(int))),
            r"'y' must be .*booleans.*got 2.0 at position 4000",
        ),
        (lambda X, y: (np.c_[X, np.full(len(y), 5.0)], y), "must not have constant columns"),
        (lambda X, y: (np.c_[X, X[:, :1] * 2.0], y), "must have linearly independent columns"),
        (lambda X, y: (X, np.zeros(len(y), dtype=int)), "must hold both classes"),
    ],
)
def test_bad_values_raise_invalid_input_naming_the_argument(
    client: Any, arrays: tuple[np.ndarray, np.ndarray], spoil: Any, match: str
) -> None:
    X, y = spoil(*arrays)
    Xd, yd = lazy(X, y)
    with pytest.raises(InvalidInputError, match=match):
        fit_logistic(Xd, yd)
    with pytest.raises(InvalidInputError, match=match.split(";")[0]):
        fit_logistic(X, y)


def test_lazy_checks_fail_before_any_computation(arrays: tuple[np.ndarray, np.ndarray]) -> None:
    import dask.array as da

    X, y = arrays
    Xd, yd = lazy(X, y)
    with pytest.raises(InvalidInputError, match="'y' must have the same length as 'X'"):
        fit_logistic(Xd, yd[:-1])
    with pytest.raises(InvalidInputError, match="'X' must be a 2-d array"):
        fit_logistic(Xd[:, 0], yd)
    with pytest.raises(InvalidInputError, match="'X' must be a 2-d array of numbers"):
        fit_logistic(Xd > 0, yd)
    with pytest.raises(InvalidInputError, match="'l2' must be"):
        fit_logistic(Xd, yd, l2=-1.0)
    with pytest.raises(InvalidInputError, match="'aliased' must be 'raise' for Dask"):
        fit_logistic(Xd, yd, aliased="drop")
    unknown = da.from_array(X, chunks=(CHUNKS, 6))[da.from_array(y, chunks=(CHUNKS,))]
    with pytest.raises(InvalidInputError, match="known chunk sizes"):
        fit_logistic(unknown, yd)


def test_a_retried_fit_after_restart_gives_the_same_model(
    client: Any, arrays: tuple[np.ndarray, np.ndarray]
) -> None:
    X, y = arrays
    Xd, yd = lazy(X, y)
    client.restart()  # workers lose their memory; the fit recomputes from the graph
    assert_same_fit(
        fit_logistic(Xd, yd, feature_names=NAMES), fit_logistic(X, y, feature_names=NAMES)
    )
