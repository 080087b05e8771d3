from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError
from servicekit.metrics import duration_summary, response_times, tickets_from_events
from tests.support import real_data

RESPONSE = ["Take in charge ticket"]
RESOLVE = ["Resolve ticket", "Closed"]


def _log(rows: list[tuple[str, str, str]], **extra: list[object]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["case", "activity", "at"])
    for name, values in extra.items():
        frame[name] = values
    return frame


def _convert(log: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
    # Default names as in a log that has all of them; tests without "close" pass their own.
    options: dict[str, object] = {
        "case": "case",
        "activity": "activity",
        "timestamp": "at",
        "response_activities": "reply",
        "resolve_activities": ["solve", "close"],
    }
    options.update(kwargs)
    return tickets_from_events(log, **options)  # type: ignore[arg-type]


def test_one_row_per_ticket_with_the_documented_fields() -> None:
    log = _log(
        [
            ("T2", "open", "2024-05-03 10:00"),
            ("T1", "reply", "2024-05-02 09:30"),
            ("T1", "open", "2024-05-02 09:00"),  # out of order in the log
            ("T1", "solve", "2024-05-02 11:00"),
            ("T1", "close", "2024-05-04 11:00"),
            ("T3", "open", "2024-05-05 08:00"),
            ("T3", "reply", "2024-05-05 08:00"),
        ]
    )
    tickets = _convert(log)
    assert list(tickets.index) == ["T1", "T2", "T3"]
    assert tickets.index.name == "case"
    assert list(tickets.columns) == [
        "created",
        "first_response",
        "resolved",
        "reopened",
        "n_events",
    ]
    t1 = tickets.loc["T1"]
    assert t1["created"] == pd.Timestamp("2024-05-02 09:00")
    assert t1["first_response"] == pd.Timestamp("2024-05-02 09:30")
    assert t1["resolved"] == pd.Timestamp("2024-05-04 11:00")  # the LAST resolve event
    assert not t1["reopened"]  # a close after a solve is not a reopening
    assert t1["n_events"] == 4
    assert pd.isna(tickets.loc["T2", "first_response"])
    assert pd.isna(tickets.loc["T2", "resolved"])
    assert tickets.loc["T3", "first_response"] == tickets.loc["T3", "created"]
    assert tickets["n_events"].dtype == np.int64
    assert tickets["reopened"].dtype == bool


def test_reopened_means_work_after_a_resolve() -> None:
    log = _log(
        [
            ("A", "open", "2024-01-01 09:00"),
            ("A", "solve", "2024-01-01 10:00"),
            ("A", "reply", "2024-01-02 10:00"),  # customer came back
            ("A", "solve", "2024-01-02 11:00"),
            ("B", "open", "2024-01-01 09:00"),
            ("B", "solve", "2024-01-01 10:00"),
            ("B", "close", "2024-01-03 10:00"),
            ("C", "solve", "2024-01-01 09:00"),  # resolved at once, then worked on
            ("C", "reply", "2024-01-01 09:05"),
            ("D", "open", "2024-01-01 09:00"),
        ]
    )
    tickets = _convert(log)
    assert tickets["reopened"].to_dict() == {"A": True, "B": False, "C": True, "D": False}
    # A reopened ticket that was never resolved again keeps its last resolve instant.
    assert tickets.loc["C", "resolved"] == pd.Timestamp("2024-01-01 09:00")


def test_events_at_the_same_instant_keep_the_log_order() -> None:
    same = "2024-01-01 10:00"
    first = _convert(
        _log([("A", "open", same), ("A", "solve", same), ("A", "reply", same)]),
        resolve_activities="solve",
    )
    second = _convert(
        _log([("A", "open", same), ("A", "reply", same), ("A", "solve", same)]),
        resolve_activities="solve",
    )
    assert bool(first.loc["A", "reopened"]) is True
    assert bool(second.loc["A", "reopened"]) is False


def test_exact_duplicate_rows_are_dropped_but_not_near_duplicates() -> None:
    rows = [
        ("A", "open", "2024-01-01 09:00"),
        ("A", "open", "2024-01-01 09:00"),
        ("A", "reply", "2024-01-01 09:10"),
        ("A", "reply", "2024-01-01 09:11"),
        ("A", "solve", "2024-01-01 09:12"),
    ]
    assert _convert(_log(rows), resolve_activities="solve").loc["A", "n_events"] == 4


def test_attributes_take_the_value_of_the_last_event() -> None:
    log = _log(
        [
            ("A", "open", "2024-01-01 09:00"),
            ("A", "reply", "2024-01-01 09:10"),
            ("B", "solve", "2024-01-01 09:00"),
        ],
        priority=["low", "high", "low"],
        team=["x", "x", "y"],
    )
    tickets = _convert(log, attributes=["priority", "team"], resolve_activities="solve")
    assert tickets["priority"].to_dict() == {"A": "high", "B": "low"}
    assert _convert(log, attributes="team", resolve_activities="solve")["team"].to_dict() == {
        "A": "x",
        "B": "y",
    }


def test_unknown_activity_names_are_errors() -> None:
    log = _log([("A", "open", "2024-01-01 09:00"), ("A", "reply", "2024-01-01 09:10")])
    with pytest.raises(
        InvalidInputError, match=r"'response_activities' must name activities.*'Reply'"
    ):
        _convert(log, response_activities=["Reply"])
    with pytest.raises(InvalidInputError, match=r"'resolve_activities'.*'close'"):
        _convert(log, resolve_activities=["close"])


def test_missing_or_unparseable_values_name_their_row() -> None:
    good = [("A", "solve", "2024-01-01 09:00"), ("A", "reply", "2024-01-01 09:10")]
    with pytest.raises(InvalidInputError, match=r"'timestamp' .*'soon' at position 1"):
        _convert(_log([good[0], ("A", "reply", "soon")]))
    with pytest.raises(InvalidInputError, match=r"'timestamp' must not have missing.*position 1"):
        _convert(_log([good[0], ("A", "reply", None)]))  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match=r"'case' must not have missing.*row 1"):
        _convert(_log([good[0], (None, "reply", "2024-01-01 09:10")]))  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match=r"'activity' must not have missing"):
        _convert(_log([good[0], ("A", None, "2024-01-01 09:10")]))  # type: ignore[list-item]
    numbers = _log(good)
    numbers["at"] = [1, 2]
    with pytest.raises(InvalidInputError, match=r"'timestamp'.*numbers"):
        _convert(numbers)


# ------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def italian_log() -> pd.DataFrame:
    return pd.read_csv(real_data("helpdesk_italian_4tu", "finale.csv"))


@pytest.fixture(scope="module")
def italian_tickets(italian_log: pd.DataFrame) -> pd.DataFrame:
    return tickets_from_events(
        italian_log,
        case="Case ID",
        activity="Activity",
        timestamp="Complete Timestamp",
        response_activities=RESPONSE,
        resolve_activities=RESOLVE,
        attributes=["seriousness", "seriousness_2"],
    )


def _plain_pandas(log: pd.DataFrame) -> pd.DataFrame:
    """The same tickets computed independently, the obvious way."""
    log = log.drop_duplicates().copy()
    log["t"] = pd.to_datetime(log["Complete Timestamp"], format="%Y/%m/%d %H:%M:%S.%f").astype(
        "datetime64[ns]"
    )
    by_case = log.groupby("Case ID")
    return pd.DataFrame(
        {
            "created": by_case["t"].min(),
            "first_response": log[log["Activity"].isin(RESPONSE)].groupby("Case ID")["t"].min(),
            "resolved": log[log["Activity"].isin(RESOLVE)].groupby("Case ID")["t"].max(),
            "n_events": by_case.size(),
        }
    )


@pytest.mark.realdata
def test_italian_log_gives_4580_tickets(
    italian_log: pd.DataFrame, italian_tickets: pd.DataFrame
) -> None:
    assert len(italian_log) == 21_348
    assert int(italian_log.duplicated().sum()) == 127
    assert len(italian_tickets) == 4_580
    assert int(italian_tickets["n_events"].sum()) == 21_348 - 127
    expected = _plain_pandas(italian_log)
    for column in ("created", "first_response", "resolved", "n_events"):
        pd.testing.assert_series_equal(
            italian_tickets[column], expected[column], check_names=False, check_dtype=False
        )
    assert int(italian_tickets["first_response"].isna().sum()) == 295
    assert int(italian_tickets["resolved"].isna().sum()) == 11
    assert set(italian_tickets["seriousness_2"]) == {"Value 1", "Value 2", "Value 3", "Value 4"}


@pytest.mark.realdata
def test_italian_reopened_against_a_per_ticket_walk(
    italian_log: pd.DataFrame, italian_tickets: pd.DataFrame
) -> None:
    log = italian_log.drop_duplicates().copy()
    log["t"] = pd.to_datetime(log["Complete Timestamp"], format="%Y/%m/%d %H:%M:%S.%f")
    log = log.sort_values(["Case ID", "t"], kind="stable")

    def reopened(activities: pd.Series) -> bool:
        seen_resolve = False
        for name in activities:
            if name in RESOLVE:
                seen_resolve = True
            elif seen_resolve:
                return True
        return False

    expected = log.groupby("Case ID")["Activity"].agg(reopened)
    pd.testing.assert_series_equal(
        italian_tickets["reopened"], expected, check_names=False, check_dtype=False
    )
    assert 0 < int(expected.sum()) < 4_580


@pytest.mark.realdata
def test_italian_response_and_resolution_summaries(
    italian_log: pd.DataFrame, italian_tickets: pd.DataFrame
) -> None:
    expected = _plain_pandas(italian_log)
    plain_response = (expected["first_response"] - expected["created"]).dt.total_seconds().dropna()
    plain_resolution = (expected["resolved"] - expected["created"]).dt.total_seconds().dropna()
    for ours, plain in (
        (italian_tickets["first_response"], plain_response),
        (italian_tickets["resolved"], plain_resolution),
    ):
        seconds = response_times(italian_tickets["created"], ours)
        summary = duration_summary(seconds, missing="omit")
        assert summary.n == len(plain)
        assert summary.n_missing == len(italian_tickets) - len(plain)
        assert summary.mean == pytest.approx(plain.mean())
        assert summary.median == pytest.approx(plain.median())
        assert summary.p90 == pytest.approx(plain.quantile(0.9))
        assert summary.p95 == pytest.approx(plain.quantile(0.95))
        assert (summary.min, summary.max) == (plain.min(), plain.max())
    assert (
        duration_summary(
            response_times(italian_tickets["created"], italian_tickets["first_response"]),
            missing="omit",
        ).n
        == 4_285
    )
