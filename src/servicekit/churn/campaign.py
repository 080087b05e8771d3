"""Retention-campaign profit: whom to contact, given churn probabilities and campaign economics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from servicekit._typing import ArrayLike
from servicekit._validation import (
    Array,
    Interval,
    as_bool_array,
    as_float_array,
    fail,
    validated,
)
from servicekit.churn.evaluation import _Ranking

__all__ = ["campaign_profit"]

#: Largest cost per customer accepted (currency units): far beyond any real campaign,
#: and small enough that a profit summed over any number of customers stays finite.
MAX_COST = 1e12
_MONEY = Interval(low=0)


@validated(
    proba=Array(low=0, high=1),
    customer_value=Interval(low=0, low_open=True),
    incentive_cost=_MONEY,
    contact_cost=_MONEY,
    acceptance_rate=Interval(low=0, high=1),
    y_true=Array(kind="bool", same_length_as="proba", optional=True),
)
def campaign_profit(
    proba: ArrayLike,
    *,
    customer_value: float,
    incentive_cost: float,
    contact_cost: float,
    acceptance_rate: float,
    y_true: ArrayLike | None = None,
) -> pd.DataFrame:
    """Expected profit of a retention campaign that contacts the customers most likely to churn.

    Customers are ranked by descending churn probability; the campaign contacts every
    customer with ``proba >= threshold``. For each distinct probability (and for
    contacting nobody) the table gives the campaign's expected profit, and marks the
    most profitable threshold. This is the *maximum profit* measure for customer churn
    (MPC) of Verbraken, Verbeke & Baesens (2013), with a fixed acceptance rate (their
    EMPC averages the same profit over a Beta-distributed acceptance rate).

    Each contacted customer is offered an incentive (cost ``d = incentive_cost``) through
    a contact that costs ``f = contact_cost``. A would-be churner accepts with
    probability ``γ = acceptance_rate`` and is then kept, worth ``CLV =
    customer_value``; a non-churner accepts the incentive anyway. So a contacted

    - would-be churner brings ``γ·(CLV − d) − f`` on average, and
    - non-churner brings ``−(d + f)``;

    customers not contacted bring 0 (the campaign's profit is measured against doing
    nothing). Contacting the top ``k`` customers with ``c`` churners among them earns
    ``c·(γ·(CLV − d) − f) − (k − c)·(d + f)``; divided by the number of customers
    ``n`` this is Verbraken et al.'s ``CLV·(γ(1 − δ) − φ)·π₀F₀(t) −
    CLV·(δ + φ)·π₁F₁(t)`` with ``δ = d/CLV`` and ``φ = f/CLV``.

    Parameters
    ----------
    proba : array-like of float
        Predicted churn probability per customer, in [0, 1].
    customer_value : float
        Value of a retained customer (customer lifetime value, CLV), > 0, in currency units.
    incentive_cost : float
        Cost of the retention incentive per customer who accepts it (``d``), in
        [0, 1e12] (larger costs are refused: profits summed over customers could overflow).
    contact_cost : float
        Cost of contacting one customer (``f``), in [0, 1e12].
    acceptance_rate : float
        Probability that a contacted would-be churner accepts and stays (``γ``), in [0, 1].
    y_true : array-like of bool or 0/1, optional
        Observed churn (1/``True``). Given, the churners among the contacted are counted
        (the profit a past campaign would have earned: evaluation of a model). Omitted,
        each customer counts as ``proba`` of a churner (the profit expected from a
        calibrated model: planning a campaign).

    Returns
    -------
    pandas.DataFrame
        One row per cut-off, from contacting nobody (``threshold`` = inf) to contacting
        everyone, with columns ``threshold`` (contact customers with ``proba >=
        threshold``), ``n_contacted``, ``fraction_contacted``, ``churners_contacted``
        (expected count when ``y_true`` is omitted), ``expected_profit``,
        ``profit_per_customer`` (``expected_profit / n``, the MPC scale) and ``best``
        (``True`` on the most profitable row; on ties, the one contacting fewest).
        ``attrs`` holds ``"best_threshold"``, ``"best_n_contacted"``,
        ``"best_fraction_contacted"``, ``"best_expected_profit"``,
        ``"break_even_proba"`` (the probability above which contacting a customer is
        expected to pay, ``(d + f) / (γ·(CLV − d) + d)``; above 1 no customer is worth
        contacting, nan when more churn probability never adds profit) and
        ``"outcomes"`` (``"observed"`` or ``"predicted"``).

    Notes
    -----
    Tied probabilities are one row: a threshold cannot split customers the model
    cannot tell apart. Without ``y_true`` the expected profit of a customer grows with
    ``proba``, so the best threshold is the lowest probability above the break-even
    probability; with ``y_true`` it shows where a model's ranking actually paid.

    References
    ----------
    T. Verbraken, W. Verbeke and B. Baesens (2013), "A novel profit maximizing metric for
    measuring classification performance of customer churn prediction models", IEEE
    Transactions on Knowledge and Data Engineering 25(5), 961-973.
    S. A. Neslin, S. Gupta, W. Kamakura, J. Lu and C. H. Mason (2006), "Defection
    detection: measuring and understanding the predictive accuracy of customer churn
    models", Journal of Marketing Research 43(2), 204-211.

    Examples
    --------
    Five customers, CLV 200, incentive 10, contact 1, 30% of churners accept: a
    contacted churner brings 0.3·190 − 1 = 56 and a non-churner −11.

    >>> table = campaign_profit(
    ...     [0.9, 0.7, 0.4, 0.1, 0.05], y_true=[1, 1, 0, 1, 0],
    ...     customer_value=200, incentive_cost=10, contact_cost=1, acceptance_rate=0.3)
    >>> table[["threshold", "n_contacted", "churners_contacted", "expected_profit", "best"]]
       threshold  n_contacted  churners_contacted  expected_profit   best
    0        inf            0                 0.0              0.0  False
    1       0.90            1                 1.0             56.0  False
    2       0.70            2                 2.0            112.0  False
    3       0.40            3                 2.0            101.0  False
    4       0.10            4                 3.0            157.0   True
    5       0.05            5                 3.0            146.0  False
    >>> table.attrs["best_threshold"], round(table.attrs["break_even_proba"], 4)
    (0.1, 0.1642)
    """
    for name, cost in (("incentive_cost", incentive_cost), ("contact_cost", contact_cost)):
        if cost > MAX_COST:
            fail(
                "campaign_profit",
                name,
                f"must be at most {MAX_COST:g} per customer (larger costs could make the "
                "profit summed over customers overflow float64)",
                cost,
            )
    p = as_float_array(proba)
    n = p.size
    churner_value = acceptance_rate * (customer_value - incentive_cost) - contact_cost
    non_churner_value = -(incentive_cost + contact_cost)
    churn = p if y_true is None else as_bool_array(y_true).astype(np.float64)

    # One cut-off per distinct probability: a threshold cannot split a tie group.
    ranking = _Ranking.of(churn, p)
    contacted = np.r_[0, np.cumsum(ranking.sizes)]
    churners = np.r_[0.0, np.cumsum(ranking.positives)]
    profit = churners * churner_value + (contacted - churners) * non_churner_value
    # Profit is exactly 0 when nobody is contacted; argmax takes the first (fewest) maximum.
    best = int(np.argmax(profit))

    table: pd.DataFrame = pd.DataFrame(
        {
            "threshold": np.r_[math.inf, ranking.p_sorted[ranking.starts]],
            "n_contacted": contacted.astype(np.int64),
            "fraction_contacted": contacted / n,
            "churners_contacted": churners,
            "expected_profit": profit,
            "profit_per_customer": profit / n,
            "best": np.arange(contacted.size) == best,
        }
    )
    slope = churner_value - non_churner_value  # extra profit per unit of churn probability
    table.attrs.update(
        {
            "best_threshold": float(table["threshold"].iloc[best]),
            "best_n_contacted": int(contacted[best]),
            "best_fraction_contacted": float(contacted[best] / n),
            "best_expected_profit": float(profit[best]),
            "break_even_proba": -non_churner_value / slope if slope > 0 else math.nan,
            "outcomes": "predicted" if y_true is None else "observed",
        }
    )
    return table
