"""The metrics area on Dask: the same results as in memory, on real data, on a real cluster.

The 4TU help-desk log (21,348 events, 4,580 tickets) is cut into partitions of very
different sizes, one of them empty, and computed on the two-worker LocalCluster of
``conftest.py``.
"""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError, SmallSampleWarning
from servicekit.metrics import BusinessCalendar, kpi_report, tickets_from_events
from tests.support import real_data

pytestmark = pytest.mark.realdata

EVENTS = {
    "case": "Case ID",
    "activity": "Activity",
    "timestamp": "Complete Timestamp",
    "response_activities": "Take in charge ticket",
    "resolve_activities": ["Resolve ticket", "Closed"],
    "attributes": ["seriousness_2", "product", "customer"],
}


def _uneven(frame: pd.DataFrame, cuts: list[int]) -> Any:
    """A Dask DataFrame of ``frame`` cut at ``cuts`` (repeat a cut for an empty partition)."""
    import dask
    import dask.dataframe as dd

    bounds = [0, *cuts, len(frame)]
    pieces = [
        dask.delayed(frame.iloc[start:stop].copy)() for start, stop in itertools.pairwise(bounds)
    ]
    return dd.from_delayed(pieces, meta=frame.iloc[:0], verify_meta=False)


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return pd.read_csv(real_data("helpdesk_italian_4tu", "finale.csv"))


@pytest.fixture(scope="module")
def tickets(log: pd.DataFrame) -> pd.DataFrame:
    """The 4,580 tickets, with a made-up rating (the log has none) for the CSAT columns."""
    tickets = tickets_from_events(log, **EVENTS).reset_index()
    rating = (tickets["n_events"] % 5 + 1).astype(np.float64)
    tickets["rating"] = rating.where(tickets.index % 3 != 0)
    return tickets


@pytest.fixture(scope="module")
def split_tickets(tickets: pd.DataFrame) -> Any:
    """Five partitions of 37, 0, 2,963, 1,000 and 580 tickets."""
    return _uneven(tickets, [37, 37, 3000, 4000])


def _report(frame: Any, **options: Any) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        return kpi_report(frame, **options)


MEANS = ["response_seconds_mean", "resolution_seconds_mean"]


@pytest.mark.parametrize(
    "options",
    [
        {"by": "seriousness_2"},
        {"by": ["seriousness_2", "product"], "satisfaction": "rating", "min_n": 1},
        {"calendar": BusinessCalendar(), "confidence": 0.9, "satisfaction": "rating"},
    ],
    ids=["one key", "two keys and CSAT", "no key, business hours"],
)
def test_kpi_report_equals_the_in_memory_report(
    client: Any, split_tickets: Any, options: dict[str, Any]
) -> None:
    expected = _report(split_tickets.compute(), **options)
    got = _report(split_tickets, **options)
    # Counts, rates, intervals, medians and percentiles exactly; the means to rounding
    # (per-partition sums added, where pandas sums each group in one pass).
    pd.testing.assert_frame_equal(got.drop(columns=MEANS), expected.drop(columns=MEANS))
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=0)
    assert got.attrs == expected.attrs == {"backlog_at": pd.Timestamp("2014-01-03 13:20:58")}
    assert got["n"].sum() == 4_580


def test_small_groups_warn_on_the_client(client: Any, split_tickets: Any) -> None:
    with pytest.warns(SmallSampleWarning, match=r"group\(s\) have fewer than min_n=30"):
        kpi_report(split_tickets, by=["seriousness_2", "product"])


def test_approximate_quantiles_are_within_the_stated_bound(
    client: Any, split_tickets: Any, tickets: pd.DataFrame
) -> None:
    from servicekit.metrics._dask import ALPHA

    options = {"by": ["seriousness_2", "product"], "min_n": 1}
    exact = _report(tickets, **options)
    got = _report(split_tickets, approximate=True, **options)
    spread = [c for c in exact.columns if c.endswith(("_median", "_p90"))]
    assert len(spread) == 4
    pd.testing.assert_frame_equal(
        got.drop(columns=spread), exact.drop(columns=spread), rtol=1e-12, check_index_type=False
    )
    error = (got[spread].to_numpy() - exact[spread].to_numpy()) / exact[spread].to_numpy()
    known = ~np.isnan(exact[spread].to_numpy())
    assert (np.isnan(got[spread].to_numpy()) == ~known).all()
    assert np.abs(error[known]).max() <= ALPHA * (1 + 1e-12)
    assert np.abs(error[known]).max() > ALPHA / 10  # a sketch, not the exact values
    # In memory the option is accepted and the exact values come back.
    pd.testing.assert_frame_equal(_report(tickets, approximate=True, **options), exact)


def test_tickets_from_events_on_a_log_partitioned_by_ticket(client: Any, log: pd.DataFrame) -> None:
    import dask.dataframe as dd

    from servicekit.dask import check_partitioned_by

    # Laid out by ticket as a log written per ticket would be (each ticket's events in
    # their file order), cut at ticket boundaries into uneven partitions and an empty one.
    by_ticket = log.sort_values("Case ID", kind="stable", ignore_index=True)
    starts = np.flatnonzero(by_ticket["Case ID"].ne(by_ticket["Case ID"].shift()))
    cuts = [int(starts[10]), int(starts[10]), int(starts[3000])]
    events = _uneven(by_ticket, cuts)
    assert events.npartitions == 4
    check_partitioned_by(events, "Case ID")
    got = tickets_from_events(events, **EVENTS)
    assert isinstance(got, dd.DataFrame)
    expected = tickets_from_events(events.compute(), **EVENTS)
    pd.testing.assert_frame_equal(got.compute().sort_index(), expected)
    assert len(expected) == 4_580


def test_a_log_not_partitioned_by_ticket_is_refused(client: Any, log: pd.DataFrame) -> None:
    import dask.dataframe as dd

    events = dd.from_pandas(log, npartitions=3)  # in file order: tickets straddle the cuts
    with pytest.raises(
        InvalidInputError,
        match=r"tickets_from_events\(\): 'events' must be partitioned by 'Case ID'.*partition_by",
    ) as info:
        tickets_from_events(events, **EVENTS)
    assert info.value.argument == "events"


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"by": "nope"}, r"kpi_report\(\): 'by' must name a column of 'tickets'"),
        ({"approximate": "yes"}, r"'approximate' must be True or False"),
        ({"confidence": 1.5}, r"'confidence'"),
        ({"created": "seriousness_2"}, r"'created' must hold instants"),
    ],
)
def test_kpi_report_bad_input_on_dask(
    split_tickets: Any, change: dict[str, Any], match: str
) -> None:
    with pytest.raises(InvalidInputError, match=match):
        kpi_report(split_tickets, **change)


def test_kpi_report_refuses_a_dask_series_and_an_empty_frame(tickets: pd.DataFrame) -> None:
    import dask.dataframe as dd

    with pytest.raises(InvalidInputError, match=r"'tickets' must be a pandas DataFrame or a dask"):
        kpi_report(dd.from_pandas(tickets["created"], npartitions=2))
    with pytest.raises(InvalidInputError, match=r"'tickets' must have at least 1 row"):
        kpi_report(dd.from_pandas(tickets.iloc[:0], npartitions=1), min_n=1)


def test_bad_values_in_a_partition_fail_naming_the_argument(
    client: Any, tickets: pd.DataFrame, log: pd.DataFrame
) -> None:
    import dask.dataframe as dd

    broken = tickets.copy()
    broken.loc[4000, "resolved"] = broken.loc[4000, "created"] - pd.Timedelta("1h")
    with pytest.raises(
        InvalidInputError,
        match=r"kpi_report\(\): 'resolved' must not be earlier than 'created'.*at position 1000",
    ) as info:
        kpi_report(_uneven(broken, [3000, 3000]), min_n=1)
    assert info.value.argument == "resolved"
    with pytest.raises(
        InvalidInputError, match=r"'resolve_activities' must name activities that occur"
    ):
        tickets_from_events(
            dd.from_pandas(log, npartitions=1), **{**EVENTS, "resolve_activities": "Resolve"}
        )


def test_a_retried_call_after_a_restart_gives_the_same_result(
    client: Any, split_tickets: Any
) -> None:
    options = {"by": ["seriousness_2", "product"], "min_n": 1}
    before = kpi_report(split_tickets, **options)
    client.restart()
    assert len(client.scheduler_info()["workers"]) == 2
    pd.testing.assert_frame_equal(kpi_report(split_tickets, **options), before)


def test_tickets_from_events_bad_arguments_on_dask_fail_at_the_call(log: pd.DataFrame) -> None:
    import dask.dataframe as dd

    events = dd.from_pandas(log, npartitions=2)
    with pytest.raises(InvalidInputError, match=r"'case' must name a column of 'events'"):
        tickets_from_events(events, **{**EVENTS, "case": "Case"})
    renamed = dd.from_pandas(log.rename(columns={"customer": "created"}), npartitions=2)
    with pytest.raises(InvalidInputError, match=r"'attributes' must not name an output column"):
        tickets_from_events(renamed, **{**EVENTS, "attributes": "created"})
