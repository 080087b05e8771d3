from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.churn import campaign_profit
from servicekit.errors import InvalidInputError

ECONOMICS = {
    "customer_value": 200.0,
    "incentive_cost": 10.0,
    "contact_cost": 1.0,
    "acceptance_rate": 0.3,
}


def _brute_force(p: np.ndarray, churn: np.ndarray, k: int) -> float:
    """Profit of contacting the k highest-probability customers, one customer at a time."""
    total = 0.0
    for i in np.argsort(-p, kind="stable")[:k]:
        if churn[i]:  # probability-weighted when churn is a probability
            total += churn[i] * (0.3 * (200 - 10) - 1)
        total += (1 - churn[i]) * -(10 + 1)
    return total


def test_hand_computed_with_observed_outcomes() -> None:
    table = campaign_profit(
        [0.9, 0.7, 0.4, 0.1, 0.05], y_true=[True, True, False, True, False], **ECONOMICS
    )
    assert table["expected_profit"].tolist() == pytest.approx([0, 56, 112, 101, 157, 146])
    assert table["n_contacted"].tolist() == [0, 1, 2, 3, 4, 5]
    assert table["fraction_contacted"].tolist() == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert table["profit_per_customer"].iloc[4] == pytest.approx(157 / 5)
    assert table["best"].tolist() == [False, False, False, False, True, False]
    assert table.attrs["best_threshold"] == 0.1
    assert table.attrs["best_n_contacted"] == 4
    assert table.attrs["best_fraction_contacted"] == pytest.approx(0.8)
    assert table.attrs["best_expected_profit"] == pytest.approx(157)
    assert table.attrs["outcomes"] == "observed"
    assert math.isinf(table["threshold"].iloc[0])


def test_expected_profit_without_outcomes_uses_probabilities() -> None:
    p = np.array([0.5, 0.2, 0.05])
    table = campaign_profit(p, **ECONOMICS)
    per_customer = p * 56 - (1 - p) * 11
    assert table["expected_profit"].tolist() == pytest.approx(np.r_[0, np.cumsum(per_customer)])
    assert table["churners_contacted"].tolist() == pytest.approx([0, 0.5, 0.7, 0.75])
    assert table.attrs["outcomes"] == "predicted"
    # break-even (d + f) / (γ(CLV − d) + d) = 11 / 67: contact 0.5 and 0.2, not 0.05
    assert table.attrs["break_even_proba"] == pytest.approx(11 / 67)
    assert table.attrs["best_threshold"] == 0.2


def test_ties_form_one_cut_off() -> None:
    table = campaign_profit([0.3, 0.8, 0.3, 0.3], y_true=[1, 0, 0, 1], **ECONOMICS)
    assert table["threshold"].tolist()[1:] == [0.8, 0.3]
    assert table["n_contacted"].tolist() == [0, 1, 4]
    assert table["churners_contacted"].tolist() == [0, 0, 2]


def test_order_of_rows_does_not_matter() -> None:
    rng = np.random.default_rng(0)
    p = np.round(rng.uniform(size=200), 2)
    y = rng.uniform(size=200) < p
    order = rng.permutation(200)
    pd.testing.assert_frame_equal(
        campaign_profit(p, y_true=y, **ECONOMICS),
        campaign_profit(p[order], y_true=y[order], **ECONOMICS),
    )


def test_matches_verbraken_mpc_formula() -> None:
    # profit per customer = CLV(γ(1−δ) − φ)·π₀F₀ − CLV(δ + φ)·π₁F₁, δ = d/CLV, φ = f/CLV,
    # with π₀F₀ the share of all customers that are contacted churners (π₁F₁: non-churners).
    rng = np.random.default_rng(1)
    p = rng.uniform(size=500)
    y = rng.uniform(size=500) < p
    table = campaign_profit(p, y_true=y, **ECONOMICS)
    clv, delta, phi, gamma = 200.0, 10 / 200, 1 / 200, 0.3
    for threshold, per_customer in zip(
        table["threshold"][1:], table["profit_per_customer"][1:], strict=True
    ):
        contacted = p >= threshold
        churners = np.mean(contacted & y)
        non_churners = np.mean(contacted & ~y)
        mpc = clv * (gamma * (1 - delta) - phi) * churners - clv * (delta + phi) * non_churners
        assert per_customer == pytest.approx(mpc, abs=1e-9)


def test_never_profitable_campaign_contacts_nobody() -> None:
    table = campaign_profit(
        [0.9, 0.8],
        y_true=[1, 1],
        customer_value=100,
        incentive_cost=0,
        contact_cost=200,
        acceptance_rate=1.0,
    )
    assert table.attrs["best_n_contacted"] == 0
    assert math.isinf(table.attrs["best_threshold"])
    assert table.attrs["best_expected_profit"] == 0.0
    free = campaign_profit(
        [0.9], customer_value=100, incentive_cost=0, contact_cost=0, acceptance_rate=0.0
    )
    assert math.isnan(free.attrs["break_even_proba"])


@pytest.mark.parametrize(
    ("argument", "value", "message"),
    [
        ("customer_value", 0.0, "'customer_value' must be a real number > 0; got 0.0"),
        ("incentive_cost", -1.0, "'incentive_cost' must be a real number >= 0; got -1.0"),
        ("contact_cost", math.nan, "'contact_cost'"),
        ("acceptance_rate", 1.5, r"'acceptance_rate' must be a real number in \[0, 1\]"),
    ],
)
def test_bad_economics_are_named(argument: str, value: float, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        campaign_profit([0.2, 0.4], **{**ECONOMICS, argument: value})


def test_mismatched_outcomes_are_an_error() -> None:
    with pytest.raises(InvalidInputError, match="'y_true' must have the same length as 'proba'"):
        campaign_profit([0.2, 0.4], y_true=[1, 0, 1], **ECONOMICS)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 1).map(lambda x: round(x, 2)), min_size=1, max_size=40),
    st.data(),
)
def test_profit_properties(p_list: list[float], data: st.DataObject) -> None:
    p = np.array(p_list)
    y = np.array(data.draw(st.lists(st.booleans(), min_size=p.size, max_size=p.size)))
    observed = campaign_profit(p, y_true=y, **ECONOMICS)
    predicted = campaign_profit(p, **ECONOMICS)
    for table, churn in ((observed, y.astype(float)), (predicted, p)):
        assert table["expected_profit"].iloc[0] == 0.0
        assert table["n_contacted"].iloc[-1] == p.size
        assert table["best"].sum() == 1
        assert table["expected_profit"].max() == table.attrs["best_expected_profit"]
        assert table.attrs["best_expected_profit"] >= 0.0
        for k, profit in zip(table["n_contacted"], table["expected_profit"], strict=True):
            assert profit == pytest.approx(_brute_force(p, churn, int(k)), abs=1e-9)
    # in expectation the best cut-off is where probabilities cross the break-even point
    best = predicted.attrs["best_threshold"]
    break_even = predicted.attrs["break_even_proba"]
    assert (p[p >= best] >= break_even - 1e-12).all()
    assert (p[p < best] <= break_even + 1e-12).all()
