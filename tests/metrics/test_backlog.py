from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.errors import InvalidInputError
from servicekit.metrics import backlog


def brute_force(created: list, resolved: list, at: list) -> list[int]:
    return [
        sum(c <= t and (r is None or r > t) for c, r in zip(created, resolved, strict=True))
        for t in at
    ]


def test_counts_open_tickets_with_boundaries() -> None:
    created = ["2024-01-01 09:00", "2024-01-01 10:00", "2024-01-02 09:00"]
    resolved = ["2024-01-01 12:00", None, "2024-01-02 09:30"]
    at = ["2024-01-01 08:59", "2024-01-01 09:00", "2024-01-01 12:00", "2024-01-02 09:15"]
    # Created exactly at t counts; resolved exactly at t does not.
    assert backlog(created, resolved, at).tolist() == [0, 1, 1, 2]
    assert backlog(created, resolved, at).dtype == np.int64


def test_at_may_be_in_any_order_and_accepts_series() -> None:
    created = pd.Series(pd.to_datetime(["2024-01-01", "2024-01-03"]))
    resolved = pd.Series(pd.to_datetime(["2024-01-05", None]))
    at = pd.DatetimeIndex(["2024-01-10", "2024-01-02", "2024-01-04"])
    assert backlog(created, resolved, at).tolist() == [1, 1, 2]


def test_resolved_before_created_names_the_position() -> None:
    with pytest.raises(InvalidInputError, match=r"backlog\(\): 'resolved'.*position 1"):
        backlog(["2024-01-01", "2024-01-02"], ["2024-01-03", "2024-01-01"], ["2024-01-05"])


def test_missing_creation_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match="'created'"):
        backlog(["2024-01-01", None], [None, None], ["2024-01-05"])


ORIGIN = dt.datetime(2024, 1, 1)
minute = st.integers(0, 500).map(lambda m: ORIGIN + dt.timedelta(minutes=m))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(minute, st.one_of(st.none(), st.integers(0, 200))), min_size=1, max_size=40),
    st.lists(minute, min_size=1, max_size=20),
)
def test_matches_brute_force(tickets: list, at: list[dt.datetime]) -> None:
    created = [c for c, _ in tickets]
    resolved = [None if d is None else c + dt.timedelta(minutes=d) for c, d in tickets]
    assert backlog(created, resolved, at).tolist() == brute_force(created, resolved, at)
