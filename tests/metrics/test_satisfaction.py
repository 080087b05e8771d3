from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from servicekit.errors import InvalidInputError, SmallSampleWarning
from servicekit.metrics import Proportion, csat, wilson_interval


def test_csat_counts_ratings_at_or_above_threshold() -> None:
    result = csat([5, 4, 4, 3, 5, 2, 5, 4, 1, 5] * 3)
    assert result.successes == 21
    assert result.n == 30
    assert result.value == pytest.approx(0.7)
    assert result.percent == pytest.approx(70.0)


def test_wilson_matches_statsmodels() -> None:
    from statsmodels.stats.proportion import proportion_confint

    for successes, n, conf in [(0, 10, 0.95), (10, 10, 0.9), (37, 120, 0.99), (1, 1, 0.95)]:
        expected = proportion_confint(successes, n, alpha=1 - conf, method="wilson")
        assert wilson_interval(successes, n, confidence=conf) == pytest.approx(expected, abs=1e-12)


def test_csat_accepts_series_and_arrays() -> None:
    scores = [5, 4, 2, 1, 3] * 8
    expected = csat(scores)
    assert csat(np.asarray(scores)) == expected
    assert csat(pd.Series(scores, dtype="Int64")) == expected


def test_missing_ratings_are_an_error_unless_omitted() -> None:
    with pytest.raises(InvalidInputError, match=r"'scores'.*missing.*position 1"):
        csat([5, None, 4])
    result = csat([5, None, 4, np.nan] + [5] * 30, missing="omit")
    assert result.n_missing == 2
    assert result.n == 32


def test_out_of_scale_rating_names_its_position() -> None:
    with pytest.raises(
        InvalidInputError,
        match=r"csat\(\): 'scores' must be ratings in 1..5; got 6.0 at position 2",
    ):
        csat([5, 4, 6])
    with pytest.raises(InvalidInputError, match="satisfied_min"):
        csat([5, 4], scale=5, satisfied_min=6)


def test_small_sample_warns_but_returns_numbers() -> None:
    with pytest.warns(SmallSampleWarning, match="3 observation"):
        result = csat([5, 4, 1])
    assert result.successes == 2


def test_str_is_readable() -> None:
    assert str(Proportion.from_counts(45, 50)) == "90.0% (45/50; 95% CI 78.6-95.7%)"


@given(st.lists(st.integers(1, 7), min_size=1, max_size=200), st.integers(1, 7))
def test_csat_properties(scores: list[int], satisfied_min: int) -> None:
    result = csat(scores, scale=7, satisfied_min=satisfied_min, min_n=1)
    assert 0 <= result.ci_low <= result.value <= result.ci_high <= 1
    assert result.successes == sum(s >= satisfied_min for s in scores)


def test_wilson_coverage_is_near_nominal() -> None:
    # Exact coverage over the binomial distribution, for a moderately small n.
    n, p = 40, 0.9
    k = np.arange(n + 1)
    covered = [wilson_interval(int(i), n)[0] <= p <= wilson_interval(int(i), n)[1] for i in k]
    coverage = float(stats.binom.pmf(k, n, p)[covered].sum())
    assert 0.90 < coverage < 0.99
