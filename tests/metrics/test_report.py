from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from servicekit.errors import InvalidInputError, SmallSampleWarning
from servicekit.metrics import (
    BusinessCalendar,
    backlog,
    business_seconds,
    csat,
    kpi_report,
    tickets_from_events,
)
from tests.support import real_data

ALL_COLUMNS = [
    "n",
    "responded",
    "response_seconds_mean",
    "response_seconds_median",
    "response_seconds_p90",
    "resolved",
    "resolution_rate",
    "resolution_rate_ci_low",
    "resolution_rate_ci_high",
    "resolution_seconds_mean",
    "resolution_seconds_median",
    "resolution_seconds_p90",
    "rated",
    "csat",
    "csat_ci_low",
    "csat_ci_high",
    "backlog",
]


def generated_tickets(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.uniform(0, 60 * 86400, n), unit="s")
    response = pd.to_timedelta(rng.lognormal(8, 1.5, n), unit="s")
    resolution = response + pd.to_timedelta(rng.lognormal(11, 1, n), unit="s")
    first_response = pd.Series(created + response).where(rng.random(n) > 0.05)
    resolved = pd.Series(created + resolution).where(rng.random(n) > 0.15)
    rating = pd.Series(rng.integers(1, 6, n), dtype="Int64").where(rng.random(n) > 0.6)
    return pd.DataFrame(
        {
            "team": rng.choice(["billing", "tech", "sales"], n),
            "channel": rng.choice(["mail", "phone"], n),
            "created": created,
            "first_response": first_response.to_numpy(),
            "resolved": resolved.to_numpy(),
            "rating": rating,
        }
    )


def plain_report(tickets: pd.DataFrame, keys: list[str], end: pd.Timestamp) -> pd.DataFrame:
    """The same numbers written directly with pandas and statsmodels."""
    t = tickets.assign(
        response=(tickets["first_response"] - tickets["created"]).dt.total_seconds(),
        resolution=(tickets["resolved"] - tickets["created"]).dt.total_seconds(),
        is_resolved=tickets["resolved"].notna(),
        is_rated=tickets["rating"].notna(),
        is_satisfied=tickets["rating"] >= 4,
        is_open=tickets["resolved"].isna() | (tickets["resolved"] > end),
    )
    g = t.groupby(keys)
    out = pd.DataFrame(
        {
            "n": g.size(),
            "responded": g["response"].count(),
            "response_seconds_mean": g["response"].mean(),
            "response_seconds_median": g["response"].median(),
            "response_seconds_p90": g["response"].quantile(0.9),
            "resolved": g["is_resolved"].sum(),
            "resolution_seconds_mean": g["resolution"].mean(),
            "resolution_seconds_median": g["resolution"].median(),
            "resolution_seconds_p90": g["resolution"].quantile(0.9),
            "rated": g["is_rated"].sum(),
            "satisfied": g["is_satisfied"].sum(),
            "backlog": g["is_open"].sum(),
        }
    )
    out["resolution_rate"] = out["resolved"] / out["n"]
    low, high = proportion_confint(out["resolved"], out["n"], method="wilson")
    out["resolution_rate_ci_low"], out["resolution_rate_ci_high"] = low, high
    out["csat"] = out["satisfied"] / out["rated"]
    with np.errstate(divide="ignore", invalid="ignore"):  # groups without ratings give NaN
        low, high = proportion_confint(out["satisfied"], out["rated"], method="wilson")
    out["csat_ci_low"], out["csat_ci_high"] = low, high
    return out


def test_matches_plain_pandas_with_two_keys() -> None:
    tickets = generated_tickets(3000)
    report = kpi_report(tickets, by=["team", "channel"], satisfaction="rating")
    assert list(report.columns) == ALL_COLUMNS
    assert report.index.names == ["team", "channel"]
    end = report.attrs["backlog_at"]
    assert end == max(
        tickets["created"].max(), tickets["first_response"].max(), tickets["resolved"].max()
    )
    expected = plain_report(tickets, ["team", "channel"], end)
    assert len(report) == 6
    for column in ALL_COLUMNS:
        np.testing.assert_allclose(
            report[column].to_numpy(dtype=float),
            expected[column].to_numpy(dtype=float),
            rtol=1e-12,
            err_msg=column,
        )


def test_overall_row_and_csat_agree_with_the_functions() -> None:
    tickets = generated_tickets(400, seed=1)
    report = kpi_report(tickets, satisfaction="rating")
    assert list(report.index) == ["all"]
    row = report.loc["all"]
    expected = csat(tickets["rating"], missing="omit")
    assert (row["rated"], row["csat"]) == (expected.n, pytest.approx(expected.value))
    assert (row["csat_ci_low"], row["csat_ci_high"]) == pytest.approx(
        (expected.ci_low, expected.ci_high)
    )
    at = [report.attrs["backlog_at"]]  # a Timestamp keeps its nanoseconds
    assert row["backlog"] == backlog(tickets["created"], tickets["resolved"], at)[0]


def test_columns_follow_what_is_given() -> None:
    tickets = generated_tickets(50)
    only_created = kpi_report(tickets, first_response=None, resolved=None, min_n=1)
    assert list(only_created.columns) == ["n"]
    assert "backlog_at" not in only_created.attrs
    no_ratings = kpi_report(tickets, min_n=1)
    assert "csat" not in no_ratings.columns
    assert "backlog" in no_ratings.columns


def test_business_hours_clock() -> None:
    tickets = generated_tickets(300, seed=2)
    cal = BusinessCalendar(holidays=["2024-01-01"])
    report = kpi_report(tickets, calendar=cal)
    seconds = business_seconds(tickets["created"], tickets["first_response"], cal)
    assert report.loc["all", "response_seconds_median"] == pytest.approx(np.nanmedian(seconds))
    wall = kpi_report(tickets)
    assert report.loc["all", "response_seconds_mean"] < wall.loc["all", "response_seconds_mean"]


def test_missing_keys_form_their_own_group_and_empty_stats_are_nan() -> None:
    tickets = pd.DataFrame(
        {
            "team": ["a", None, "a"],
            "created": pd.to_datetime(["2024-01-02 09:00", "2024-01-02 10:00", "2024-01-02 11:00"]),
            "first_response": pd.to_datetime([None, "2024-01-02 10:05", None]),
            "resolved": pd.to_datetime([None, None, "2024-01-02 12:00"]),
            "rating": [None, 5.0, None],
        }
    )
    with pytest.warns(SmallSampleWarning, match="2 of 2 group"):
        report = kpi_report(tickets, by="team", satisfaction="rating")
    assert report["n"].sum() == 3
    assert len(report) == 2
    a = report.loc["a"]
    assert a["responded"] == 0
    assert np.isnan(a["response_seconds_mean"])
    assert a["rated"] == 0
    assert np.isnan(a["csat"])
    assert np.isnan(a["csat_ci_low"])
    assert a["resolution_rate"] == 0.5


def test_text_instants_are_parsed() -> None:
    tickets = pd.DataFrame(
        {
            "created": ["2024-01-02 09:00", "2024-01-02 10:00"],
            "first_response": ["2024-01-02 09:30", None],
            "resolved": [None, "2024-01-03 10:00"],
        }
    )
    report = kpi_report(tickets, min_n=1)
    assert report.loc["all", "response_seconds_mean"] == 1800.0
    assert report.loc["all", "resolution_seconds_mean"] == 86400.0


def test_aware_instants_are_compared_in_utc_and_empty_columns_are_missing() -> None:
    created = pd.Series(pd.to_datetime(["2024-01-02 09:00", "2024-01-02 10:00"]))
    tickets = pd.DataFrame(
        {
            "created": created.dt.tz_localize("Europe/Rome"),
            "first_response": pd.to_datetime(["2024-01-02 08:30", "2024-01-02 09:30"]),
            "resolved": [np.nan, np.nan],  # how an all-empty CSV column reads
        }
    )
    report = kpi_report(tickets, min_n=1)
    # 09:00 in Rome is 08:00 UTC; the naive responses count as UTC.
    assert report.loc["all", "response_seconds_mean"] == 1800.0
    assert report.loc["all", "resolved"] == 0
    assert report.loc["all", "backlog"] == 2


def test_bad_tables_name_the_problem() -> None:
    tickets = generated_tickets(20)
    late = tickets.copy()
    late.loc[3, "resolved"] = late.loc[3, "created"] - pd.Timedelta("1h")
    with pytest.raises(
        InvalidInputError, match=r"'resolved' must not be earlier than 'created'.*position 3"
    ):
        kpi_report(late, min_n=1)
    early = tickets.copy()
    early.loc[4, "first_response"] = early.loc[4, "created"] - pd.Timedelta("1s")
    with pytest.raises(InvalidInputError, match=r"'first_response'.*position 4"):
        kpi_report(early, min_n=1)
    bad_rating = tickets.assign(rating=[6] + [5] * 19)
    with pytest.raises(InvalidInputError, match=r"'satisfaction'.*1..5.*6.0 at position 0"):
        kpi_report(bad_rating, satisfaction="rating", min_n=1)
    half = tickets.assign(rating=[4.5] + [5] * 19)
    with pytest.raises(InvalidInputError, match=r"'satisfaction'.*whole-number"):
        kpi_report(half, satisfaction="rating", min_n=1)
    with pytest.raises(InvalidInputError, match=r"'satisfaction'.*dtype"):
        kpi_report(tickets.assign(rating="good"), satisfaction="rating", min_n=1)
    with pytest.raises(InvalidInputError, match="'satisfied_min' must be <= scale"):
        kpi_report(tickets, satisfaction="rating", satisfied_min=6, min_n=1)
    missing_created = tickets.copy()
    missing_created.loc[2, "created"] = pd.NaT
    with pytest.raises(InvalidInputError, match=r"'created' must not have missing.*position 2"):
        kpi_report(missing_created, min_n=1)
    with pytest.raises(InvalidInputError, match=r"'by' must name a column"):
        kpi_report(tickets, by=["team", "nope"], min_n=1)
    with pytest.raises(InvalidInputError, match=r"'created'.*numbers"):
        kpi_report(tickets.assign(created=1.0), min_n=1)


def test_ratings_on_another_scale() -> None:
    tickets = generated_tickets(100).assign(rating=lambda t: (t["rating"] * 2).astype("Float64"))
    report = kpi_report(tickets, satisfaction="rating", scale=10, satisfied_min=8, min_n=1)
    expected = csat(tickets["rating"], scale=10, satisfied_min=8, missing="omit")
    assert report.loc["all", "csat"] == pytest.approx(expected.value)


# ------------------------------------------------------------------------- real data
@pytest.mark.realdata
@pytest.mark.parametrize("key", ["seriousness", "seriousness_2"])
def test_italian_report_by_seriousness_matches_plain_pandas(key: str) -> None:
    log = pd.read_csv(real_data("helpdesk_italian_4tu", "finale.csv"))
    tickets = tickets_from_events(
        log,
        case="Case ID",
        activity="Activity",
        timestamp="Complete Timestamp",
        response_activities="Take in charge ticket",
        resolve_activities=["Resolve ticket", "Closed"],
        attributes=key,
    )
    report = kpi_report(tickets, by=key, min_n=1)
    # "seriousness" holds one value ("Value 1") in the whole log; "seriousness_2" has four.
    assert len(report) == (1 if key == "seriousness" else 4)
    assert report["n"].sum() == 4_580
    end = report.attrs["backlog_at"]
    assert end == pd.Timestamp("2014-01-03 13:20:58")
    expected = plain_report(tickets.assign(rating=np.nan), [key], end)
    for column in [*ALL_COLUMNS[:12], "backlog"]:
        np.testing.assert_allclose(
            report[column].to_numpy(dtype=float),
            expected[column].to_numpy(dtype=float),
            rtol=1e-12,
            err_msg=column,
        )
    assert report["backlog"].sum() == 11  # the 11 tickets never resolved


def test_vectorised_wilson_is_the_scalar_formula() -> None:
    from servicekit._stats import wilson_arrays as _wilson_arrays
    from servicekit.metrics import wilson_interval

    successes = np.array([0, 3, 10, 0, 7])
    trials = np.array([10, 10, 10, 0, 40])
    low, high = _wilson_arrays(successes, trials, 0.9)
    for k, n, lo, hi in zip(successes, trials, low, high, strict=True):
        expected = wilson_interval(int(k), int(n), confidence=0.9)
        np.testing.assert_array_equal([lo, hi], expected)
    assert (low[0], high[2]) == (0.0, 1.0)
    assert np.isnan(low[3])
    assert np.isnan(high[3])
    with pytest.raises(InvalidInputError, match=r"'successes' must be <= n \(2\)"):
        wilson_interval(3, 2)
