from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from servicekit.errors import InvalidInputError, SmallSampleWarning
from servicekit.metrics import Proportion, ces, csat, nps, wilson_interval


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
    with pytest.warns(SmallSampleWarning, match="3 observation") as record:
        result = csat([5, 4, 1])
    assert result.successes == 2
    # The warning points at the caller's line, not into servicekit.
    assert record[0].filename == __file__


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


# --------------------------------------------------------------------------- NPS
def _trinomial(promoters: int, passives: int, detractors: int) -> list[int]:
    return [10] * promoters + [7] * passives + [0] * detractors


def test_nps_counts_the_three_groups_at_their_boundaries() -> None:
    result = nps([0, 6, 7, 8, 9, 10] * 5)
    assert (result.promoters, result.passives, result.detractors) == (10, 10, 10)
    assert result.value == 0.0
    assert result.n == 30
    assert result.promoter_share == pytest.approx(1 / 3)
    assert result.to_dict()["detractor_share"] == pytest.approx(1 / 3)


def test_nps_adjusted_wald_matches_the_formula_written_out() -> None:
    # Rocks (2016): n' = n + 3, p' = (P + 3/4) / n', d' = (D + 3/4) / n'.
    promoters, passives, detractors = 52, 31, 17
    n = promoters + passives + detractors
    n_adj = n + 3
    p_adj, d_adj = (promoters + 0.75) / n_adj, (detractors + 0.75) / n_adj
    se = np.sqrt((p_adj + d_adj - (p_adj - d_adj) ** 2) / n_adj)
    z = stats.norm.ppf(0.975)
    result = nps(_trinomial(promoters, passives, detractors))
    assert result.value == pytest.approx(35.0)
    assert result.ci_low == pytest.approx(100 * (p_adj - d_adj - z * se))
    assert result.ci_high == pytest.approx(100 * (p_adj - d_adj + z * se))
    assert result.method == "adjusted_wald"


def test_nps_wald_equals_the_interval_of_the_trinomial_mean() -> None:
    # Scoring promoters +1, passives 0, detractors -1, the NPS is the mean score and the
    # Wald variance (p + d - (p - d)^2) / n is the (ddof=0) variance of the mean.
    coded = np.array([1] * 44 + [0] * 30 + [-1] * 26)
    half = stats.norm.ppf(0.95) * coded.std(ddof=0) / np.sqrt(coded.size)
    result = nps(_trinomial(44, 30, 26), method="wald", confidence=0.9)
    assert result.value == pytest.approx(100 * coded.mean())
    assert (result.ci_low, result.ci_high) == pytest.approx(
        (100 * (coded.mean() - half), 100 * (coded.mean() + half))
    )


def _exact_coverage(n: int, p: float, d: float, method: str) -> float:
    """Coverage of the interval, summed exactly over every trinomial outcome."""
    covered = 0.0
    truth = 100 * (p - d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        for promoters in range(n + 1):
            for detractors in range(n + 1 - promoters):
                passives = n - promoters - detractors
                result = nps(_trinomial(promoters, passives, detractors), method=method)
                if result.ci_low <= truth <= result.ci_high:
                    covered += stats.multinomial.pmf(
                        [promoters, passives, detractors], n, [p, 1 - p - d, d]
                    )
    return covered


def test_nps_adjusted_wald_covers_near_nominal_where_wald_does_not() -> None:
    balanced = _exact_coverage(30, 0.5, 0.2, "adjusted_wald")
    assert 0.93 < balanced < 0.97
    extreme_adjusted = _exact_coverage(20, 0.85, 0.05, "adjusted_wald")
    extreme_wald = _exact_coverage(20, 0.85, 0.05, "wald")
    assert 0.93 < extreme_adjusted < 0.98
    assert extreme_wald < 0.90 < extreme_adjusted


def test_nps_wald_collapses_when_all_answers_agree_but_adjusted_does_not() -> None:
    wald = nps([10] * 40, method="wald")
    assert wald.ci_low == wald.ci_high == 100.0
    adjusted = nps([10] * 40)
    assert adjusted.ci_high == 100.0
    assert 80 < adjusted.ci_low < 95


def test_nps_rejects_bad_answers_and_omits_missing_on_request() -> None:
    with pytest.raises(InvalidInputError, match=r"nps\(\): 'scores' must be ratings in 0..10"):
        nps([10, 11, 3])
    with pytest.raises(InvalidInputError, match=r"'scores' must hold whole numbers"):
        nps([10, 8.5])
    with pytest.raises(InvalidInputError, match=r"'scores'.*missing.*position 1"):
        nps([10, None])
    with pytest.raises(InvalidInputError, match=r"'scores' must hold at least one rating"):
        nps([None, np.nan], missing="omit")
    result = nps([10, None, 0] + [8] * 30, missing="omit")
    assert (result.n, result.n_missing) == (32, 1)


def test_nps_small_sample_warns_and_str_is_readable() -> None:
    with pytest.warns(SmallSampleWarning, match=r"nps\(\) is based on 4"):
        result = nps([10, 9, 3, 7])
    assert str(result).startswith("NPS +25.0 (n=4: 50.0% promoters")


@given(
    st.lists(st.integers(0, 10), min_size=2, max_size=300),
    st.sampled_from(["adjusted_wald", "wald"]),
)
def test_nps_properties(scores: list[int], method: str) -> None:
    result = nps(scores, method=method, min_n=1)
    assert -100 <= result.ci_low <= result.value <= result.ci_high <= 100
    assert result.promoters + result.passives + result.detractors == result.n == len(scores)
    assert result.value == pytest.approx(
        100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)
    )


# --------------------------------------------------------------------------- CES
def test_ces_mean_and_t_interval_match_scipy() -> None:
    scores = [7, 6, 6, 5, 4, 7, 3, 6, 5, 7, 2, 6, 5, 7, 6] * 2
    result = ces(scores)
    low, high = stats.t.interval(
        0.95, len(scores) - 1, loc=np.mean(scores), scale=stats.sem(scores)
    )
    assert result.mean == pytest.approx(np.mean(scores))
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high))
    assert result.std == pytest.approx(np.std(scores, ddof=1))
    assert result.agreeing == sum(s >= 5 for s in scores)
    assert result.agreement == Proportion.from_counts(result.agreeing, len(scores))


def test_ces_reverse_coded_scale_is_flipped_before_everything() -> None:
    # On a reversed 5-point effort scale 1 = very low effort: 1 and 2 are "easy".
    raw = [1, 2, 2, 3, 5, 4, 1, 1] * 4
    flipped = [6 - x for x in raw]
    reversed_result = ces(raw, scale=5, agree_min=4, higher_is_easier=False)
    assert reversed_result == ces(flipped, scale=5, agree_min=4)
    assert reversed_result.agreeing == sum(x <= 2 for x in raw)


def test_ces_edge_cases() -> None:
    with pytest.warns(SmallSampleWarning):
        single = ces([6])
    assert single.mean == 6.0
    assert np.isnan(single.ci_low)
    assert np.isnan(single.std)
    same = ces([5] * 30)
    assert same.ci_low == same.ci_high == 5.0
    with pytest.raises(InvalidInputError, match="'agree_min' must be <= scale"):
        ces([5, 6], agree_min=8)
    with pytest.raises(InvalidInputError, match=r"ces\(\): 'scores' must be ratings in 1..7"):
        ces([0, 5])
    assert str(ces([7, 5] * 15)) == "CES 6.00 of 7 (n=30; 95% CI 5.62-6.38); 100.0% agree"
