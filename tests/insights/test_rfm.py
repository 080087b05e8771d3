from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError
from servicekit.insights import rfm_scores, rfm_table
from tests.support import real_data


def _sales() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer": ["a", "a", "b", "c", "c", "c"],
            "date": pd.to_datetime(
                [
                    "2024-01-02",
                    "2024-03-01 18:00",
                    "2024-02-10",
                    "2024-01-05",
                    "2024-02-01",
                    "2024-03-10 09:30",
                ],
                format="ISO8601",
            ),
            "amount": [20.0, 35.0, 12.5, 8.0, 9.0, 30.0],
        }
    )


def test_rfm_table_by_hand() -> None:
    table = rfm_table(
        _sales(), customer="customer", time="date", amount="amount", as_of="2024-03-11"
    )
    assert table.loc["a", "recency_days"] == 9  # 2024-03-01 18:00 -> 03-11 00:00 is 9.25 days
    assert table.loc["c", "recency_days"] == 0
    assert table["frequency"].tolist() == [2, 1, 3]
    assert table.loc["c", "monetary"] == pytest.approx(47.0)
    assert table.loc["a", "first_purchase"] == pd.Timestamp("2024-01-02")
    default = rfm_table(_sales(), customer="customer", time="date", amount="amount")
    assert default.attrs["as_of"] == pd.Timestamp("2024-03-11")


def test_refunds_are_an_option_not_a_crash() -> None:
    sales = pd.concat(
        [
            _sales(),
            pd.DataFrame(
                {"customer": ["a"], "date": [pd.Timestamp("2024-03-05")], "amount": [-5.0]}
            ),
        ],
        ignore_index=True,
    )
    with pytest.raises(InvalidInputError, match=r"'amount'.*negative='net'"):
        rfm_table(sales, customer="customer", time="date", amount="amount")
    net = rfm_table(sales, customer="customer", time="date", amount="amount", negative="net")
    assert net.loc["a", "monetary"] == pytest.approx(50.0)
    assert net.loc["a", "frequency"] == 2  # a refund is not a purchase
    dropped = rfm_table(sales, customer="customer", time="date", amount="amount", negative="drop")
    assert dropped.loc["a", "monetary"] == pytest.approx(55.0)


def test_bad_times_and_as_of() -> None:
    sales = _sales()
    with pytest.raises(InvalidInputError, match="'as_of'"):
        rfm_table(sales, customer="customer", time="date", amount="amount", as_of="2024-01-01")
    sales["date"] = ["x"] * len(sales)
    with pytest.raises(InvalidInputError, match="'time'"):
        rfm_table(sales, customer="customer", time="date", amount="amount")
    sales = _sales()
    sales["amount"] = ["1"] * len(sales)
    with pytest.raises(InvalidInputError, match="'amount'"):
        rfm_table(sales, customer="customer", time="date", amount="amount")


def test_scores_tie_rule() -> None:
    rfm = pd.DataFrame(
        {
            "recency_days": np.arange(10),
            "frequency": [1] * 6 + [2, 2, 3, 9],
            "monetary": np.arange(10.0),
        }
    )
    scores = rfm_scores(rfm)
    # Untied: two customers per score; the most recent get 5.
    assert scores["r_score"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert scores["m_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # Ties share the score of their middle position: six 1s sit at rank 3.5 of 10.
    assert scores["f_score"].tolist() == [2] * 6 + [4, 4, 5, 5]
    assert scores.loc[9, "rfm_code"] == "155"
    assert scores.loc[9, "segment"] == "cannot lose them"
    three = rfm_scores(rfm, bins=3)
    assert set(three["r_score"]) == {1, 2, 3}


@pytest.mark.realdata
def test_cdnow_equals_plain_pandas() -> None:
    raw = pd.read_csv(real_data("cdnow", "cdnow_master.csv"))
    table = rfm_table(raw, customer="customer_id", time="date", amount="amount", as_of="1998-07-01")
    when = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    by = raw.assign(when=when).groupby("customer_id")
    expected = pd.DataFrame(
        {
            "recency_days": (pd.Timestamp("1998-07-01") - by["when"].max()).dt.days,
            "frequency": by.size(),
            "monetary": by["amount"].sum(),
        }
    )
    expected["monetary_mean"] = expected["monetary"] / expected["frequency"]
    assert len(table) == 23_544
    pd.testing.assert_frame_equal(
        table[["recency_days", "frequency", "monetary", "monetary_mean"]],
        expected,
        check_dtype=False,
        check_names=False,
    )
    assert (table["first_purchase"] == by["when"].min()).all()
    scores = rfm_scores(table)
    assert set(scores["r_score"]) == {1, 2, 3, 4, 5}
    # Frequency is heavily tied (most bought once), so its scores are uneven but ordered.
    assert table.groupby(scores["f_score"])["frequency"].min().is_monotonic_increasing
    assert scores["segment"].nunique() >= 6
