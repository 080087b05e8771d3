from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.errors import InvalidInputError, SmallSampleWarning
from servicekit.metrics import (
    Proportion,
    abandonment_rate,
    average_speed_of_answer,
    occupancy,
    service_level,
)
from tests.support import real_data

METHODS = ("ignore_abandoned", "abandoned_negative", "abandoned_positive")

# Ten calls: answered waits 0, 10, 20, 21, 45; abandoned waits 1, 4, 20, 30, 90.
WAIT = [0, 10, 20, 21, 45, 1, 4, 20, 30, 90]
ANSWERED = [True] * 5 + [False] * 5


def _level(method: str, within: float = 20, short: float = 0) -> Proportion:
    return service_level(
        WAIT, ANSWERED, answer_within=within, method=method, short_abandon_seconds=short, min_n=1
    )


def test_three_methods_by_hand() -> None:
    # Within 20 s (inclusive): answered 0, 10, 20 -> A = 3; abandoned 1, 4, 20 -> B = 3.
    assert (_level("ignore_abandoned").successes, _level("ignore_abandoned").n) == (3, 7)
    assert (_level("abandoned_negative").successes, _level("abandoned_negative").n) == (3, 10)
    assert (_level("abandoned_positive").successes, _level("abandoned_positive").n) == (6, 10)


def test_short_abandons_leave_offered_in_every_method() -> None:
    # Abandons shorter than 5 s (waits 1 and 4) are dropped; the 20 s abandon is kept.
    assert (
        _level("ignore_abandoned", short=5).successes,
        _level("ignore_abandoned", short=5).n,
    ) == (3, 7)
    assert _level("abandoned_negative", short=5).n == 8
    assert _level("abandoned_positive", short=5).successes == 4
    # The bound is strict: an abandon after exactly short_abandon_seconds stays.
    assert _level("abandoned_negative", short=4).n == 9
    # Answered calls are never dropped, however short their wait.
    assert _level("abandoned_negative", short=100).n == 5


def test_zero_target_counts_only_zero_waits() -> None:
    assert _level("abandoned_negative", within=0).successes == 1
    assert _level("abandoned_positive", within=0).successes == 1
    assert _level("ignore_abandoned", within=0).n == 10


def test_timedeltas_are_seconds() -> None:
    as_timedeltas = pd.to_timedelta(WAIT, unit="s")
    for method in METHODS:
        assert service_level(
            as_timedeltas,
            ANSWERED,
            answer_within=dt.timedelta(seconds=20),
            method=method,
            short_abandon_seconds=pd.Timedelta(seconds=5),
            min_n=1,
        ) == _level(method, short=5)
    assert average_speed_of_answer(as_timedeltas, ANSWERED) == pytest.approx(19.2)


def test_all_abandoned() -> None:
    wait, answered = [3, 8, 40], [False, False, False]
    with pytest.warns(SmallSampleWarning, match="based on 0") as record:
        ignored = service_level(wait, answered, answer_within=60, min_n=1)
    assert record[0].filename == __file__  # points at the caller
    assert ignored.n == 0
    assert np.isnan(ignored.value)
    assert (
        service_level(wait, answered, answer_within=20, method="abandoned_negative", min_n=1).value
        == 0.0
    )
    assert abandonment_rate(wait, answered, min_n=1).value == 1.0
    with pytest.warns(SmallSampleWarning, match="no answered contact") as record:
        assert np.isnan(average_speed_of_answer(wait, answered))
    assert record[0].filename == __file__


def test_nothing_left_after_dropping_short_abandons() -> None:
    with pytest.warns(SmallSampleWarning, match="based on 0"):
        result = abandonment_rate([1, 2], [False, False], short_abandon_seconds=5)
    assert result.n == 0
    assert np.isnan(result.value)


def test_abandonment_rate_and_asa_by_hand() -> None:
    assert (
        abandonment_rate(WAIT, ANSWERED, min_n=1).successes,
        abandonment_rate(WAIT, ANSWERED, min_n=1).n,
    ) == (5, 10)
    assert abandonment_rate(WAIT, ANSWERED, short_abandon_seconds=5, min_n=1).successes == 3
    assert average_speed_of_answer(WAIT, ANSWERED) == pytest.approx((0 + 10 + 20 + 21 + 45) / 5)


def test_queue_inputs_are_validated() -> None:
    with pytest.raises(
        InvalidInputError, match=r"'wait_seconds' must be >= 0; got -3.0 at position 1"
    ):
        service_level([1, -3], [True, False], answer_within=20)
    with pytest.raises(InvalidInputError, match="'answered' must have the same length"):
        service_level([1, 3], [True], answer_within=20)
    with pytest.raises(InvalidInputError, match="'method' must be one of"):
        service_level([1, 3], [True, False], answer_within=20, method="ignore")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="'answer_within'"):
        service_level([1, 3], [True, False], answer_within=-1)
    with pytest.raises(InvalidInputError, match="'answered' must be a 1-d array of booleans"):
        abandonment_rate([1, 3], ["yes", "no"])


def test_occupancy() -> None:
    assert occupancy(6 * 3600, 8 * 3600) == 0.75
    assert occupancy(pd.Timedelta(hours=3), dt.timedelta(hours=4)) == 0.75
    # Pooled over intervals: total handle / total available, not the mean of ratios.
    assert occupancy([600, 3000], [1200, 3600]) == pytest.approx(3600 / 4800)
    with pytest.raises(
        InvalidInputError,
        match=r"'handle_seconds' must be <= 'available_seconds' \(3600 s\).*position 1",
    ) as info:
        occupancy([600, 4000], [1200, 3600])
    assert info.value.argument == "handle_seconds"
    with pytest.raises(InvalidInputError, match="'available_seconds' must add up to more than 0"):
        occupancy([0, 0], [0, 0])


calls = st.lists(st.tuples(st.integers(0, 120), st.booleans()), min_size=1, max_size=150)


@given(calls, st.integers(0, 120), st.integers(0, 120), st.integers(0, 30))
def test_service_level_properties(
    queue: list[tuple[int, bool]], t1: int, t2: int, short: int
) -> None:
    wait = [w for w, _ in queue]
    answered = [a for _, a in queue]
    low_t, high_t = sorted((t1, t2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        at = {
            (method, t): service_level(
                wait, answered, answer_within=t, method=method, short_abandon_seconds=short, min_n=1
            )
            for method in METHODS
            for t in (low_t, high_t)
        }
    for (_, _), result in at.items():
        if result.n:
            assert 0 <= result.ci_low <= result.value <= result.ci_high <= 1
    for method in METHODS:
        before, after = at[(method, low_t)].value, at[(method, high_t)].value
        if not np.isnan(before):
            # monotone in the target (nan: every contact left abandoned within T)
            assert np.isnan(after) or before <= after + 1e-12
    for t in (low_t, high_t):
        negative = at[("abandoned_negative", t)].value
        if not np.isnan(negative):
            assert negative <= at[("abandoned_positive", t)].value + 1e-12
            ignored = at[("ignore_abandoned", t)].value
            assert np.isnan(ignored) or negative <= ignored + 1e-12


@given(calls, st.integers(0, 30))
def test_abandonment_and_asa_properties(queue: list[tuple[int, bool]], short: int) -> None:
    wait = np.array([w for w, _ in queue], dtype=float)
    answered = np.array([a for _, a in queue])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        rate = abandonment_rate(wait, answered, short_abandon_seconds=short, min_n=1)
        asa = average_speed_of_answer(wait, answered)
    kept = answered | (wait >= short)
    assert rate.n == int(kept.sum())
    assert rate.successes == int((~answered & kept).sum())
    if answered.any():
        assert wait[answered].min() <= asa <= wait[answered].max()


# --------------------------------------------------------------------------- real data
# Technion "Anonymous Bank" call centre, August 1999 (see ../shared/data/README.md).
# Preparation, identical for servicekit and for the plain-pandas reference below:
# - PHANTOM rows are dropped: the data's documentation calls them virtual calls, not
#   customers, so they were never offered to an agent.
# - A call is offered to the agent queue when it was answered (outcome AGENT) or joined
#   the queue (q_start is not 0:00:00). HANG rows that never joined the queue ended in
#   the voice-response unit (self-service or a hang-up before asking for an agent): they
#   were not offered to agents, so they are not abandons. Answered calls that never
#   queued were answered at once (q_time 0) and stay.
# - wait = q_time in seconds; answered iff outcome == "AGENT".
# - The row whose call_id reads "2010-08-" (a spreadsheet date conversion) is kept:
#   call_id is not used and the row's times and outcome are consistent.
TECHNION = ("technion_anonymous_bank", "anonymous_bank_1999_08_calls.csv")


@pytest.fixture(scope="module")
def technion() -> pd.DataFrame:
    raw = pd.read_csv(real_data(*TECHNION), dtype={"call_id": str})
    assert len(raw) == 42_078
    assert (raw["outcome"] == "PHANTOM").sum() == 310
    assert (~raw["call_id"].str.fullmatch(r"\d+")).sum() == 1
    calls = raw[raw["outcome"] != "PHANTOM"]
    answered = calls["outcome"] == "AGENT"
    offered = calls[answered | (calls["q_start"] != "0:00:00")]
    return pd.DataFrame(
        {
            "date": offered["date"],
            "wait": offered["q_time"].astype(float),
            "answered": offered["outcome"] == "AGENT",
        }
    )


def _reference(frame: pd.DataFrame, within: float) -> pd.DataFrame:
    """Plain-pandas counts and KPIs per day, written independently of servicekit."""
    on_time = frame["wait"] <= within
    counts = pd.DataFrame(
        {
            "date": frame["date"],
            "offered": 1,
            "answered": frame["answered"].astype(int),
            "abandoned": (~frame["answered"]).astype(int),
            "answered_within": (frame["answered"] & on_time).astype(int),
            "abandoned_within": (~frame["answered"] & on_time).astype(int),
            "answered_wait": frame["wait"].where(frame["answered"], 0.0),
        }
    )
    days = counts.groupby("date").sum()
    days.loc["month"] = days.sum()
    out = pd.DataFrame(index=days.index)
    out["offered"], out["answered"], out["abandoned"] = (
        days["offered"],
        days["answered"],
        days["abandoned"],
    )
    out["ignore_abandoned"] = days["answered_within"] / (days["offered"] - days["abandoned_within"])
    out["abandoned_negative"] = days["answered_within"] / days["offered"]
    out["abandoned_positive"] = (days["answered_within"] + days["abandoned_within"]) / days[
        "offered"
    ]
    out["asa"] = days["answered_wait"] / days["answered"]
    out["abandonment"] = days["abandoned"] / days["offered"]
    return out


@pytest.mark.realdata
def test_technion_counts_after_cleaning(technion: pd.DataFrame) -> None:
    assert len(technion) == 42_078 - 310 - 3_057
    assert int(technion["answered"].sum()) == 31_402
    assert int((~technion["answered"]).sum()) == 7_309
    assert technion["date"].nunique() == 31


@pytest.mark.realdata
@pytest.mark.parametrize("within", [20.0, 60.0])
def test_technion_per_day_and_month_match_plain_pandas(
    technion: pd.DataFrame, within: float
) -> None:
    expected = _reference(technion, within)
    groups = [(str(day), part) for day, part in technion.groupby("date")]
    for label, part in [*groups, ("month", technion)]:
        wait, answered = part["wait"], part["answered"]
        row = expected.loc[label]
        for method in METHODS:
            level = service_level(wait, answered, answer_within=within, method=method)
            assert level.value == pytest.approx(row[method], rel=1e-12), (label, method)
        level = service_level(wait, answered, answer_within=within, method="abandoned_negative")
        assert level.n == row["offered"]
        abandonment = abandonment_rate(wait, answered)
        assert (abandonment.successes, abandonment.n) == (row["abandoned"], row["offered"])
        assert abandonment.value == pytest.approx(row["abandonment"], rel=1e-12)
        asa = average_speed_of_answer(wait, answered)
        assert asa == pytest.approx(row["asa"], rel=1e-12)
    assert expected.loc["month", "offered"] == len(technion)
    assert expected.loc["month", "abandoned_negative"] <= expected.loc["month", "ignore_abandoned"]


@pytest.mark.realdata
def test_technion_month_with_short_abandons_dropped(technion: pd.DataFrame) -> None:
    short = 5.0
    kept = technion[technion["answered"] | (technion["wait"] >= short)]
    expected = _reference(kept, 20.0).loc["month"]
    assert len(kept) < len(technion)
    for method in METHODS:
        level = service_level(
            technion["wait"],
            technion["answered"],
            answer_within=20,
            method=method,
            short_abandon_seconds=short,
        )
        assert level.value == pytest.approx(expected[method], rel=1e-12)
    rate = abandonment_rate(technion["wait"], technion["answered"], short_abandon_seconds=short)
    assert rate.n == len(kept)
