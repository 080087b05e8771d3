from __future__ import annotations

import math
import warnings
from itertools import permutations

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import CollinearityWarning, InvalidInputError
from servicekit.insights import key_drivers
from tests.support import real_data


def _r2(x: np.ndarray, y: np.ndarray) -> float:
    if x.shape[1] == 0:
        return 0.0
    design = np.column_stack([np.ones(len(y)), x])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    return float(1 - np.sum((y - fitted) ** 2) / np.sum((y - y.mean()) ** 2))


def _brute_force_lmg(x: np.ndarray, y: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    """Average R² gain over every order of entry (p! orders), regressions with an intercept."""
    p = len(groups)
    total = np.zeros(p)
    for order in permutations(range(p)):
        entered: list[int] = []
        before = 0.0
        for j in order:
            entered.extend(groups[j])
            after = _r2(x[:, sorted(entered)], y)
            total[j] += after - before
            before = after
    return total / math.factorial(p)


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 300
    base = rng.normal(size=(n, 4))
    base[:, 1] += 0.6 * base[:, 0]  # correlated drivers
    frame = pd.DataFrame(base, columns=["food", "service", "price", "noise"])
    frame["area"] = rng.choice(["north", "south", "west"], size=n)
    frame["overall"] = (
        1.5 * frame["food"]
        + frame["service"]
        - 0.5 * frame["price"]
        + 0.8 * (frame["area"] == "west")
        + rng.normal(size=n)
    )
    return frame


def test_lmg_equals_brute_force_shapley(survey: pd.DataFrame) -> None:
    drivers = ["food", "service", "price", "noise", "area"]
    table = key_drivers(survey, outcome="overall", drivers=drivers)
    dummies = (survey["area"].to_numpy()[:, None] == np.array(["south", "west"])).astype(float)
    x = np.column_stack([survey[drivers[:4]].to_numpy(), dummies])
    groups = [[0], [1], [2], [3], [4, 5]]
    expected = _brute_force_lmg(x, survey["overall"].to_numpy(), groups)
    np.testing.assert_allclose(table.loc[drivers, "importance"], expected, rtol=1e-9, atol=1e-12)
    assert table["importance"].sum() == pytest.approx(table.attrs["r2"], rel=1e-10)
    assert table["share"].sum() == pytest.approx(1.0)
    assert table.index[0] == "food"
    assert np.isnan(table.loc["area", "coef"])
    assert set(table.attrs["dummy_coef"]) == {"area=south", "area=west"}
    assert table.loc["food", "coef"] == pytest.approx(1.5, abs=0.15)


def test_relative_weights_johnson(survey: pd.DataFrame) -> None:
    drivers = ["food", "service", "price", "noise"]
    table = key_drivers(survey, outcome="overall", drivers=drivers, method="relative_weights")
    # Johnson (2000) step by step: R = V Λ V', Λ* = V Λ^½ V', β = Λ*⁻¹ r_xy, ε = Λ*² β².
    corr = survey[[*drivers, "overall"]].corr().to_numpy()
    rxx, rxy = corr[:4, :4], corr[:4, 4]
    values, vectors = np.linalg.eigh(rxx)
    root = vectors @ np.diag(np.sqrt(values)) @ vectors.T
    beta = np.linalg.solve(root, rxy)
    expected = (root**2) @ (beta**2)
    np.testing.assert_allclose(table.loc[drivers, "importance"], expected, rtol=1e-9)
    assert table["importance"].sum() == pytest.approx(table.attrs["r2"], rel=1e-9)
    lmg = key_drivers(survey, outcome="overall", drivers=drivers)
    assert list(lmg.index[:2]) == list(table.index[:2])


def test_bootstrap_intervals_cover_the_estimate(survey: pd.DataFrame) -> None:
    table = key_drivers(
        survey, outcome="overall", drivers=["food", "service", "price"], n_boot=60, random_state=1
    )
    assert (table["ci_low"] <= table["importance"]).all()
    assert (table["importance"] <= table["ci_high"]).all()
    assert table.loc["food", "ci_low"] > table.loc["price", "ci_high"]


def test_collinear_drivers_are_reported(survey: pd.DataFrame) -> None:
    frame = survey.assign(food_again=2 * survey["food"] + 1)
    with pytest.warns(CollinearityWarning, match="'drivers'.*food"):
        table = key_drivers(frame, outcome="overall", drivers=["food", "food_again", "price"])
    assert table.loc["food", "importance"] == pytest.approx(table.loc["food_again", "importance"])


def test_bad_input(survey: pd.DataFrame) -> None:
    wide = pd.DataFrame(
        np.random.default_rng(0).normal(size=(40, 17)), columns=[f"x{i}" for i in range(17)]
    )
    with pytest.raises(InvalidInputError, match=r"'drivers'.*at most 15"):
        key_drivers(wide, outcome="x16", drivers=[f"x{i}" for i in range(16)])
    with pytest.raises(InvalidInputError, match="'outcome'"):
        key_drivers(survey, outcome="area", drivers=["food"])
    with pytest.raises(InvalidInputError, match=r"'drivers'.*outcome"):
        key_drivers(survey, outcome="overall", drivers=["overall"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wide_ok = key_drivers(
            pd.DataFrame(
                np.random.default_rng(0).normal(size=(40, 17)), columns=[f"x{i}" for i in range(17)]
            ),
            outcome="x16",
            drivers=[f"x{i}" for i in range(16)],
            method="relative_weights",
        )
    assert len(wide_ok) == 16


@pytest.mark.realdata
def test_restaurant_ratings_drivers() -> None:
    ratings = pd.read_csv(real_data("uci_restaurant_consumer", "rating_final.csv"))
    places = pd.read_csv(real_data("uci_restaurant_consumer", "geoplaces2.csv"), encoding="latin-1")
    frame = ratings.merge(places[["placeID", "price", "alcohol"]], on="placeID")
    table = key_drivers(
        frame,
        outcome="rating",
        drivers=["food_rating", "service_rating", "price", "alcohol"],
        n_boot=30,
    )
    assert len(frame) == 1161
    assert 0.4 < table.attrs["r2"] < 0.7
    assert set(table.index[:2]) == {"food_rating", "service_rating"}
    assert table["share"].iloc[:2].sum() > 0.9
    rw = key_drivers(
        frame,
        outcome="rating",
        drivers=["food_rating", "service_rating", "price", "alcohol"],
        method="relative_weights",
    )
    assert rw["importance"].sum() == pytest.approx(table["importance"].sum(), rel=1e-9)
