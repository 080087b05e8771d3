"""Issue #9: input parsing and edges of the metrics area (each test failed before the fix)."""

from __future__ import annotations

import math
import operator
import warnings

import numpy as np
import pandas as pd
import pytest

from servicekit._stats import confidence_label, two_sided_z, weighted_quantile, wilson_arrays
from servicekit.errors import InvalidInputError
from servicekit.metrics import (
    Proportion,
    average_handle_time,
    backlog,
    csat,
    cx_score,
    duration_summary,
    first_contact_resolution,
    kpi_report,
    nps,
    occupancy,
    response_times,
    tickets_from_events,
    wilson_interval,
)


# ----------------------------------------------------------------- 3: results as numbers
def test_a_proportion_converts_to_float_and_formats_its_value() -> None:
    p = Proportion.from_counts(45, 50)
    assert float(p) == 0.9
    assert f"{p:.1%}" == "90.0%"
    assert f"{p:.3f}" == "0.900"
    assert f"{p}" == str(p)
    assert math.isclose(float(nps([10, 10, 0], min_n=1)), 100 / 3)


def test_a_proportion_refuses_arithmetic_on_purpose() -> None:
    p = Proportion.from_counts(45, 50)
    with pytest.raises(TypeError):
        operator.mul(p, 100)
    with pytest.raises(TypeError):
        operator.lt(p, 0.5)


# ----------------------------------------------------------------- 8: shared statistics
def test_the_core_statistics_equal_scipy_and_numpy() -> None:
    from scipy import stats

    assert two_sided_z(0.9) == pytest.approx(stats.norm.ppf(0.95), abs=1e-14)
    low, high = wilson_arrays(np.array([8]), np.array([10]), 0.95)
    assert (float(low[0]), float(high[0])) == wilson_interval(8, 10)
    rng = np.random.default_rng(0)
    values, weights = rng.normal(size=20), rng.integers(0, 4, 20)
    weights[0] = 1
    q = np.linspace(0, 1, 11)
    expected = np.quantile(np.repeat(values, weights), q)
    np.testing.assert_allclose(weighted_quantile(values, weights, q), expected, rtol=1e-12)


# ----------------------------------------------------------------- 9: booleans
def test_booleans_are_not_ratings_or_counts() -> None:
    with pytest.raises(InvalidInputError, match=r"'scores'.*not booleans.*True"):
        nps([True])
    with pytest.raises(InvalidInputError, match=r"'scores'"):
        csat([5, True, 4])
    with pytest.raises(InvalidInputError, match=r"'contacts_per_issue'"):
        first_contact_resolution(np.array([True, False]))
    with pytest.raises(InvalidInputError, match=r"'durations'"):
        duration_summary([True, False])


# ----------------------------------------------------------------- 10: date formats
DAY_FIRST_LOG = pd.DataFrame(
    {
        "ticket": ["A", "A", "A"],
        "what": ["open", "reply", "solve"],
        "at": ["12/01/2024 09:00", "12/01/2024 17:00", "13/01/2024 10:00"],
    }
)


def test_a_second_date_format_is_refused_naming_the_row() -> None:
    with pytest.raises(InvalidInputError, match=r"'timestamp'.*one date format.*13/01.*position 2"):
        tickets_from_events(
            DAY_FIRST_LOG,
            case="ticket",
            activity="what",
            timestamp="at",
            response_activities="reply",
            resolve_activities="solve",
        )
    with pytest.raises(InvalidInputError, match=r"'created'.*one date format.*position 1"):
        backlog(["2024-01-12", "12/01/2024"], [None, None], ["2024-02-01"])


def test_one_consistent_non_iso_format_is_read_and_iso_variants_mix() -> None:
    log = DAY_FIRST_LOG.assign(
        at=pd.to_datetime(DAY_FIRST_LOG["at"], format="%d/%m/%Y %H:%M").dt.strftime(
            "%m/%d/%Y %H:%M"
        )
    )
    tickets = tickets_from_events(
        log,
        case="ticket",
        activity="what",
        timestamp="at",
        response_activities="reply",
        resolve_activities="solve",
    )
    assert tickets.loc["A", "created"] == pd.Timestamp("2024-01-12 09:00")
    assert tickets.loc["A", "resolved"] == pd.Timestamp("2024-01-13 10:00")
    assert not tickets.loc["A", "reopened"]
    seconds = response_times(
        ["2024-01-01", "2024-01-01T10:00:00+01:00"], ["2024-01-01T01:00", None]
    )
    assert seconds[0] == 3600


# ----------------------------------------------------------------- 11: out-of-range instants
@pytest.mark.parametrize("far", ["2300-01-01", "3024-05-02", "9999-12-31"])
def test_instants_outside_the_nanosecond_range_are_refused_naming_them(far: str) -> None:
    with pytest.raises(InvalidInputError, match=rf"'at'.*1677-09-22 and 2262-04-10.*{far}"):
        backlog(["2024-01-01"], [None], [far])
    with pytest.raises(InvalidInputError, match=rf"'resolved'.*sentinel.*{far}"):
        backlog(["2024-01-01"], [far], ["2024-01-02"])
    microseconds = np.array([far], dtype="datetime64[us]")
    with pytest.raises(InvalidInputError, match=r"'at'.*2262-04-10"):
        backlog(["2024-01-01"], [None], microseconds)
    table = pd.DataFrame({"created": ["2024-01-01"], "resolved": [far]})
    with pytest.raises(InvalidInputError, match=rf"'resolved'.*{far}.*position 0"):
        kpi_report(table, first_response=None, min_n=1)


def test_a_datetime_column_beyond_2262_is_refused_not_wrapped() -> None:
    table = pd.DataFrame(
        {
            "created": np.array(["2024-01-01"], dtype="datetime64[s]"),
            "resolved": np.array(["2300-01-01"], dtype="datetime64[s]"),
        }
    )
    with pytest.raises(InvalidInputError, match=r"'resolved'.*2300-01-01"):
        kpi_report(table, first_response=None, min_n=1)


# ----------------------------------------------------------------- 14: name clashes
@pytest.mark.parametrize("clash", ["resolved", "n_events", "created", "reopened"])
def test_attributes_named_like_an_output_column_are_refused(clash: str) -> None:
    log = pd.DataFrame(
        {
            "ticket": ["A", "A"],
            "what": ["open", "solve"],
            "at": ["2024-01-01 09:00", "2024-01-01 10:00"],
            clash: ["yes", "yes"],
        }
    )
    with pytest.raises(InvalidInputError, match=rf"'attributes'.*output column.*'{clash}'"):
        tickets_from_events(
            log,
            case="ticket",
            activity="what",
            timestamp="at",
            response_activities="open",
            resolve_activities="solve",
            attributes=clash,
        )


# ----------------------------------------------------------------- 16: extremes
def test_huge_integers_and_timedeltas_are_refused_by_name() -> None:
    with pytest.raises(InvalidInputError, match=r"'scores'.*401 digits"):
        csat([10**400])
    with pytest.raises(InvalidInputError, match=r"'n'.*int64"):
        wilson_interval(1, 10**400)
    with pytest.raises(InvalidInputError, match=r"'successes'.*timedelta64"):
        wilson_interval(np.timedelta64(1, "s"), 3)
    with pytest.raises(InvalidInputError, match=r"'contacts_per_issue'.*timedeltas"):
        first_contact_resolution([np.timedelta64(1, "s")])


def test_values_near_the_float_limit_give_correct_results_or_errors() -> None:
    assert cx_score({"a": 50, "b": 60}, weights={"a": 1e308, "b": 1e308}) == 55.0
    assert occupancy([1e308] * 2, [1e308] * 2) == 1.0
    assert duration_summary([1e308, 1e308], min_n=1).mean == 1e308
    with pytest.raises(InvalidInputError, match=r"'talk'.*float64 range"):
        average_handle_time([1e308, 1], hold=[1e308, 1], min_n=1)


def test_list_cells_and_duplicated_labels_are_refused_by_name() -> None:
    log = pd.DataFrame(
        {
            "ticket": ["A", "A"],
            "what": ["open", "solve"],
            "at": ["2024-01-01 09:00", "2024-01-01 10:00"],
            "tags": [["x"], ["y"]],
        }
    )
    kwargs = {
        "case": "ticket",
        "activity": "what",
        "timestamp": "at",
        "response_activities": "open",
        "resolve_activities": "solve",
    }
    with pytest.raises(InvalidInputError, match=r"'events'.*hashable.*'tags'"):
        tickets_from_events(log, **kwargs)
    with pytest.raises(InvalidInputError, match=r"'case'.*plain values.*row 1"):
        tickets_from_events(log.assign(ticket=["A", ["A"]]).drop(columns="tags"), **kwargs)
    tickets = pd.DataFrame({"created": ["2024-01-01", "2024-01-02"], "team": [["a"], ["b"]]})
    with pytest.raises(InvalidInputError, match=r"'by'.*plain values"):
        kpi_report(tickets, by="team", first_response=None, resolved=None, min_n=1)
    doubled = pd.concat([tickets[["created"]], tickets[["created"]]], axis=1)
    with pytest.raises(InvalidInputError, match=r"'tickets'.*duplicated column labels.*'created'"):
        kpi_report(doubled, first_response=None, resolved=None, min_n=1)


# ----------------------------------------------------------------- 17: smaller edges
def test_error_rows_count_input_rows_before_duplicates_are_dropped() -> None:
    log = pd.DataFrame(
        {
            "ticket": ["A", "A", "A"],
            "what": ["open", "open", "solve"],
            "at": ["2024-01-01 09:00", "2024-01-01 09:00", "not a date"],
        }
    )
    with pytest.raises(InvalidInputError, match=r"position 2"):
        tickets_from_events(
            log,
            case="ticket",
            activity="what",
            timestamp="at",
            response_activities="open",
            resolve_activities="solve",
        )


def test_a_999_permille_interval_is_not_printed_as_100_percent() -> None:
    assert confidence_label(0.999) == "99.9%"
    text = str(csat([5, 4, 3, 5], min_n=1, confidence=0.999))
    assert "99.9% CI" in text
    assert "100% CI" not in text
    assert "99.9% CI" in str(nps([10, 9, 3], min_n=1, confidence=0.999))


def test_aware_instants_on_a_clock_change_day_warn_against_a_calendar() -> None:
    from servicekit.errors import TimeZoneWarning
    from servicekit.metrics import BusinessCalendar, business_seconds

    calendar = BusinessCalendar(weekdays=(0, 1, 2, 3, 4, 5, 6))
    start = pd.Series(pd.to_datetime(["2024-03-31 09:00", "2024-04-02 09:00"])).dt.tz_localize(
        "Europe/Rome"
    )
    end = start + pd.Timedelta(hours=2)
    with pytest.warns(TimeZoneWarning, match=r"'start'.*Europe/Rome.*2024-03-31"):
        business_seconds(start, end, calendar)
    tickets = pd.DataFrame({"created": start, "first_response": end, "resolved": end})
    with pytest.warns(TimeZoneWarning, match=r"kpi_report\(\): 'created'"):
        kpi_report(tickets, calendar=calendar, min_n=1)
    calm = start.iloc[1:]
    with warnings.catch_warnings():
        warnings.simplefilter("error", TimeZoneWarning)
        business_seconds(calm, calm + pd.Timedelta(hours=2), calendar)
        business_seconds(start.dt.tz_convert("UTC"), end.dt.tz_convert("UTC"), calendar)
