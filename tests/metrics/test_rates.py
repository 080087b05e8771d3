from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.errors import InvalidInputError, SmallSampleWarning
from servicekit.metrics import (
    Proportion,
    escalation_rate,
    first_contact_resolution,
    reopen_rate,
    resolution_rate,
    sla_breach_rate,
)

FLAG_RATES = [resolution_rate, escalation_rate, sla_breach_rate]


@pytest.mark.parametrize("rate", FLAG_RATES)
def test_flag_rates_count_true_flags_with_a_wilson_interval(
    rate: Callable[..., Proportion],
) -> None:
    flags = [True, False, True, True] * 10
    result = rate(flags)
    assert result == Proportion.from_counts(30, 40)
    assert result.percent == pytest.approx(75.0)


@pytest.mark.parametrize("rate", FLAG_RATES)
def test_flag_rates_accept_zero_one_series_and_arrays(rate: Callable[..., Proportion]) -> None:
    expected = rate([1, 0, 0] * 10)
    assert rate(pd.Series([True, False, False] * 10)) == expected
    assert rate(np.array([1.0, 0.0, 0.0] * 10)) == expected


@pytest.mark.parametrize("rate", FLAG_RATES)
def test_flag_rates_reject_non_flags_and_warn_on_small_samples(
    rate: Callable[..., Proportion],
) -> None:
    with pytest.raises(InvalidInputError, match="booleans"):
        rate([1, 0, 2])
    with pytest.warns(SmallSampleWarning, match=f"{rate.__name__}\\(\\) is based on 2") as record:
        result = rate([True, True])
    assert record[0].filename == __file__
    assert (result.value, result.ci_high) == (1.0, 1.0)


def test_rates_pass_confidence_through() -> None:
    wide = resolution_rate([True, False] * 20, confidence=0.99)
    narrow = resolution_rate([True, False] * 20, confidence=0.8)
    assert wide.ci_low < narrow.ci_low < 0.5 < narrow.ci_high < wide.ci_high
    assert wide.confidence == 0.99


def test_first_contact_resolution_counts_one_contact_resolved_issues() -> None:
    contacts = [1, 1, 2, 1, 3, 1, 1, 4]
    assert first_contact_resolution(contacts, min_n=1).successes == 5
    resolved = [True, False, True, True, True, True, False, True]
    result = first_contact_resolution(contacts, resolved, min_n=1)
    assert (result.successes, result.n) == (3, 8)


def test_first_contact_resolution_rejects_zero_contacts_and_fractions() -> None:
    with pytest.raises(InvalidInputError, match=r"'contacts_per_issue' must be >= 1; got 0.0"):
        first_contact_resolution([1, 0, 2])
    with pytest.raises(InvalidInputError, match="'contacts_per_issue' must hold whole numbers"):
        first_contact_resolution([1, 1.5])
    with pytest.raises(InvalidInputError, match="'resolved' must have the same length"):
        first_contact_resolution([1, 2], [True])


def test_reopen_rate_is_taken_over_resolved_tickets() -> None:
    reopened = [False, True, False, False, True, False]
    resolved = [True, True, False, True, True, False]
    result = reopen_rate(reopened, resolved, min_n=1)
    assert (result.successes, result.n) == (2, 4)


def test_reopen_without_resolution_is_an_error_naming_the_position() -> None:
    with pytest.raises(InvalidInputError, match=r"'reopened' must be False.*position 2") as info:
        reopen_rate([False, False, True], [True, True, False])
    assert info.value.argument == "reopened"


def test_reopen_rate_with_no_resolved_ticket_is_nan_with_a_warning() -> None:
    with pytest.warns(SmallSampleWarning, match="based on 0"):
        result = reopen_rate([False, False], [False, False])
    assert result.n == 0
    assert np.isnan(result.value)


@given(
    st.lists(st.tuples(st.integers(1, 5), st.booleans()), min_size=1, max_size=200),
)
def test_first_contact_resolution_properties(issues: list[tuple[int, bool]]) -> None:
    contacts = [c for c, _ in issues]
    resolved = [r for _, r in issues]
    with_flags = first_contact_resolution(contacts, resolved, min_n=1)
    without = first_contact_resolution(contacts, min_n=1)
    assert with_flags.successes <= without.successes
    assert with_flags.successes == sum(c == 1 and r for c, r in issues)
    assert 0 <= with_flags.ci_low <= with_flags.value <= with_flags.ci_high <= 1


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=200))
def test_reopen_rate_properties(tickets: list[tuple[bool, bool]]) -> None:
    resolved = [r for r, _ in tickets]
    reopened = [r and o for r, o in tickets]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)  # no resolved ticket: n = 0
        result = reopen_rate(reopened, resolved, min_n=1)
    assert result.n == sum(resolved)
    assert result.successes == sum(reopened)
