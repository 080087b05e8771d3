from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from servicekit.churn import (
    ChurnEvaluation,
    calibration_table,
    evaluate,
    hosmer_lemeshow,
    lift_table,
)
from servicekit.errors import InvalidInputError, SmallSampleWarning
from servicekit.metrics import wilson_interval


def _random(n: int, seed: int, *, ties: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=n)
    if ties:
        p = np.round(p, 1)  # 11 distinct values: many ties
    y = rng.uniform(size=n) < p
    return y, p


# ----------------------------------------------------------------------------- evaluate
@pytest.mark.parametrize(("n", "seed", "ties"), [(50, 0, False), (1000, 1, True), (7, 2, True)])
def test_evaluate_matches_sklearn(n: int, seed: int, ties: bool) -> None:
    y, p = _random(n, seed, ties=ties)
    y[:2] = [True, False]  # both classes
    result = evaluate(y, p, threshold=0.4)
    predicted = p >= 0.4
    assert result.roc_auc == pytest.approx(skm.roc_auc_score(y, p), abs=1e-12)
    assert result.pr_auc == pytest.approx(skm.average_precision_score(y, p), abs=1e-12)
    assert result.accuracy == pytest.approx(skm.accuracy_score(y, predicted))
    assert result.precision == pytest.approx(skm.precision_score(y, predicted, zero_division=0))
    assert result.recall == pytest.approx(skm.recall_score(y, predicted))
    assert result.f1 == pytest.approx(skm.f1_score(y, predicted, zero_division=0))
    # servicekit clips at 1e-15 (documented); recent sklearn clips at float64's eps, so
    # compare on probabilities clipped alike (the rounded data hold exact 0s and 1s).
    clipped = np.clip(p, 1e-15, 1 - 1e-15)
    assert result.log_loss == pytest.approx(skm.log_loss(y, clipped), rel=1e-12)
    assert result.brier == pytest.approx(skm.brier_score_loss(y, p), abs=1e-15)
    assert (result.n, result.n_positive, result.threshold) == (n, int(y.sum()), 0.4)


def test_all_equal_probabilities() -> None:
    y = np.array([0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0], dtype=bool)
    p = np.full(y.size, 0.3)
    result = evaluate(y, p)
    assert result.roc_auc == 0.5
    assert result.pr_auc == pytest.approx(y.mean())
    assert result.pr_auc == pytest.approx(skm.average_precision_score(y, p))
    assert result.top_decile_lift == 1.0
    # nobody reaches 0.5: precision of an empty prediction is 0 by convention, as is F1
    assert (result.precision, result.recall, result.f1) == (0.0, 0.0, 0.0)
    assert result.accuracy == pytest.approx(8 / 12)


def test_hand_computed_small_example() -> None:
    # churners at 0.4 and 0.8, non-churners at 0.1 and 0.6: pairs (0.4>0.1), (0.8>0.1),
    # (0.8>0.6) are concordant, (0.4<0.6) discordant → AUC 3/4.
    result = evaluate([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.8])
    assert result.roc_auc == 0.75
    # thresholds 0.8 (P=1, R=1/2), 0.6 (P=1/2), 0.4 (P=2/3, R=1) → AP = 1/2 + 1/2 * 2/3
    assert result.pr_auc == pytest.approx(0.5 + 1 / 3)
    assert result.brier == pytest.approx((0.01 + 0.36 + 0.36 + 0.04) / 4)
    assert math.isnan(result.top_decile_lift)  # fewer than 10 customers


def test_tied_pair_counts_one_half() -> None:
    assert evaluate([0, 1], [0.5, 0.5]).roc_auc == 0.5
    assert evaluate([0, 1, 1], [0.2, 0.2, 0.9]).roc_auc == 0.75


def test_threshold_is_inclusive() -> None:
    result = evaluate([0, 1], [0.2, 0.5], threshold=0.5)
    assert (result.precision, result.recall, result.accuracy) == (1.0, 1.0, 1.0)
    assert evaluate([0, 1], [0.2, 0.5], threshold=0.0).precision == 0.5


def test_log_loss_clips_certain_mistakes() -> None:
    result = evaluate([0, 1], [1.0, 0.0])
    assert result.log_loss == pytest.approx(-math.log(1e-15), rel=1e-4)
    assert math.isfinite(result.log_loss)
    assert evaluate([0, 1], [0.0, 1.0]).log_loss == pytest.approx(0.0, abs=1e-14)


@pytest.mark.parametrize("y", [[0, 0, 0], [1, 1, 1], [True]])
def test_single_class_is_an_error_naming_y_true(y: list[int]) -> None:
    with pytest.raises(InvalidInputError, match=r"evaluate\(\): 'y_true' must hold both"):
        evaluate(y, [0.5] * len(y))


def test_bad_values_are_named() -> None:
    with pytest.raises(InvalidInputError, match=r"'proba' must be <= 1; got 1.2 at position 1"):
        evaluate([0, 1], [0.3, 1.2])
    with pytest.raises(InvalidInputError, match="'y_true'"):
        evaluate([0, 2], [0.3, 0.2])
    with pytest.raises(InvalidInputError, match="same length"):
        evaluate([0, 1, 1], [0.3, 0.2])


def test_accepts_series_and_bools() -> None:
    y, p = _random(40, 3)
    expected = evaluate(y, p)
    assert evaluate(pd.Series(y.astype(int)), pd.Series(p)) == expected
    assert evaluate(list(y), list(p)) == expected


def test_result_is_a_frozen_row() -> None:
    y, p = _random(30, 4)
    result = evaluate(y, p)
    assert isinstance(result, ChurnEvaluation)
    frame = result.to_frame()
    assert frame.shape == (1, 12)
    assert list(frame.columns[:3]) == ["roc_auc", "pr_auc", "accuracy"]
    assert "ROC AUC" in str(result)
    with pytest.raises(AttributeError):
        result.roc_auc = 1.0  # type: ignore[misc]


proba_lists = st.lists(
    st.floats(0.0, 1.0, allow_nan=False).map(lambda x: round(x, 2)), min_size=2, max_size=60
)


@settings(max_examples=60, deadline=None)
@given(proba_lists, st.data())
def test_auc_properties(p_list: list[float], data: st.DataObject) -> None:
    n = len(p_list)
    y_list = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    y_list[0], y_list[-1] = True, False
    y, p = np.array(y_list), np.array(p_list)
    auc = evaluate(y, p).roc_auc
    assert 0.0 <= auc <= 1.0
    # invariant to strictly increasing transforms, and flipping the scores flips the AUC
    assert evaluate(y, p**3).roc_auc == pytest.approx(auc, abs=1e-12)
    assert evaluate(y, (np.exp(p) - 1) / (math.e - 1)).roc_auc == pytest.approx(auc, abs=1e-12)
    assert evaluate(y, 1.0 - p).roc_auc == pytest.approx(1.0 - auc, abs=1e-12)
    assert auc == pytest.approx(skm.roc_auc_score(y, p), abs=1e-12)
    assert evaluate(y, p).pr_auc == pytest.approx(skm.average_precision_score(y, p), abs=1e-12)


# ----------------------------------------------------------------------------- lift
def test_lift_table_hand_computed() -> None:
    y = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0]
    p = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05]
    table = lift_table(y, p, bins=5)
    assert table.index.name == "bin"
    assert table["positives"].tolist() == [2, 1, 0, 1, 0]
    assert table["lift"].tolist() == pytest.approx([2.5, 1.25, 0.0, 1.25, 0.0])
    assert table["cumulative_lift"].tolist() == pytest.approx([2.5, 1.875, 1.25, 1.25, 1.0])
    assert table["cumulative_response_rate"].iloc[-1] == pytest.approx(0.4)
    assert table["max_proba"].tolist() == [0.9, 0.7, 0.5, 0.3, 0.1]
    assert table["min_proba"].tolist() == [0.8, 0.6, 0.4, 0.2, 0.05]


def test_lift_table_unequal_bins_put_extras_first() -> None:
    table = lift_table([1, 0, 0, 1, 0, 0, 0], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3], bins=3)
    assert table["n"].tolist() == [3, 2, 2]


def test_lift_ties_share_positives_and_ignore_order() -> None:
    # the tie group {0.5 x4} holds 2 churners and straddles the first boundary (bins of 3)
    y = np.array([1, 1, 0, 0, 1, 0])
    p = np.array([0.5, 0.5, 0.5, 0.5, 0.9, 0.1])
    table = lift_table(y, p, bins=2)
    assert table["positives"].tolist() == pytest.approx([2.0, 1.0])
    order = np.random.default_rng(0).permutation(y.size)
    pd.testing.assert_frame_equal(lift_table(y[order], p[order], bins=2), table)
    flat = lift_table([1, 0, 0, 0, 1, 0, 0, 0, 0, 0], [0.2] * 10, bins=5)
    assert flat["lift"].tolist() == pytest.approx([1.0] * 5)


def test_top_decile_lift_is_first_row_of_lift_table() -> None:
    y, p = _random(997, 5, ties=True)
    assert evaluate(y, p).top_decile_lift == lift_table(y, p)["lift"].iloc[0]


def test_lift_table_errors() -> None:
    with pytest.raises(InvalidInputError, match="'y_true' must hold at least one churner"):
        lift_table([0, 0, 0], [0.1, 0.2, 0.3], bins=2)
    with pytest.raises(InvalidInputError, match=r"'bins' must be <= the number of customers \(3\)"):
        lift_table([0, 1, 0], [0.1, 0.2, 0.3], bins=4)


@settings(max_examples=60, deadline=None)
@given(proba_lists, st.data())
def test_lift_table_properties(p_list: list[float], data: st.DataObject) -> None:
    n = len(p_list)
    y_list = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    y_list[0] = True
    bins = data.draw(st.integers(1, n))
    table = lift_table(y_list, p_list, bins=bins)
    assert table["n"].sum() == n
    assert table["positives"].sum() == pytest.approx(sum(y_list))
    assert table["cumulative_capture"].iloc[-1] == pytest.approx(1.0)
    assert table["cumulative_lift"].iloc[-1] == pytest.approx(1.0)
    assert table["cumulative_fraction"].iloc[-1] == pytest.approx(1.0)
    assert (np.diff(table["cumulative_capture"]) >= -1e-12).all()
    assert (table["max_proba"].to_numpy()[1:] <= table["min_proba"].to_numpy()[:-1]).all()


# ----------------------------------------------------------------------------- calibration
def test_calibration_table_matches_sklearn_calibration_curve() -> None:
    from sklearn.calibration import calibration_curve

    y, p = _random(2000, 6)
    for strategy in ("uniform", "quantile"):
        table = calibration_table(y, p, bins=10, strategy=strategy)
        observed, predicted = calibration_curve(y, p, n_bins=10, strategy=strategy)
        assert table["observed_rate"].to_numpy() == pytest.approx(observed, abs=1e-12)
        assert table["mean_predicted"].to_numpy() == pytest.approx(predicted, abs=1e-12)
        assert table["n"].sum() == 2000


def test_calibration_table_intervals_use_wilson() -> None:
    y, p = _random(300, 7)
    table = calibration_table(y, p, bins=4, confidence=0.9)
    for row in table.itertuples():
        low, high = wilson_interval(int(row.positives), int(row.n), confidence=0.9)
        assert (row.ci_low, row.ci_high) == (low, high)
    assert table.attrs["confidence"] == 0.9
    assert table.attrs["strategy"] == "quantile"


def test_calibration_table_hand_computed_and_empty_bins() -> None:
    y = [0, 0, 1, 1]
    p = [0.05, 0.15, 0.95, 1.0]
    table = calibration_table(y, p, bins=10, strategy="uniform")
    assert table.index.tolist() == [1, 2, 3]  # 7 empty bins dropped
    assert table["proba_low"].tolist() == pytest.approx([0.0, 0.1, 0.9])
    assert table["n"].tolist() == [1, 1, 2]
    assert table["observed_rate"].tolist() == [0.0, 0.0, 1.0]
    ece = (0.05 + 0.15 + 2 * 0.025) / 4
    assert table.attrs["expected_calibration_error"] == pytest.approx(ece)


def test_calibration_quantile_with_ties_merges_bins() -> None:
    table = calibration_table([0, 1, 0, 1], [0.3] * 4, bins=5)
    assert len(table) == 1
    assert table["observed_rate"].iloc[0] == 0.5


# ----------------------------------------------------------------------------- Hosmer-Lemeshow
def test_hosmer_lemeshow_hand_computed() -> None:
    # 3 groups of 4 with constant probabilities 0.25, 0.5, 0.75 and 1, 2, 4 churners
    p = [0.25] * 4 + [0.5] * 4 + [0.75] * 4
    y = [1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1]
    with pytest.warns(SmallSampleWarning, match="6 of 6 expected counts are below 5"):
        test = hosmer_lemeshow(y, p, bins=3)
    # group 3: O=4, E=3, variance 3 * 0.25 = 0.75 → 1/0.75; groups 1, 2 match exactly
    assert test.statistic == pytest.approx(4 / 3)
    assert (test.df, test.n_groups) == (1, 3)
    assert test.p_value == pytest.approx(0.2482130789)
    assert "df = 1" in str(test)


def test_hosmer_lemeshow_detects_miscalibration() -> None:
    y, p = _random(3000, 8)
    assert hosmer_lemeshow(y, p).p_value > 0.01
    assert hosmer_lemeshow(y, p**2).p_value < 1e-6


def test_hosmer_lemeshow_large_sample_does_not_warn() -> None:
    y, p = _random(2000, 9)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSampleWarning)
        hosmer_lemeshow(y, p)


@pytest.mark.filterwarnings("ignore::servicekit.errors.SmallSampleWarning")
def test_hosmer_lemeshow_certain_groups() -> None:
    p = [0.0] * 4 + [0.5] * 4 + [1.0] * 4
    assert hosmer_lemeshow([0] * 4 + [1, 0, 1, 0] + [1] * 4, p, bins=3).statistic == 0.0
    assert hosmer_lemeshow([1] + [0] * 3 + [1, 0, 1, 0] + [1] * 4, p, bins=3).statistic == math.inf


def test_hosmer_lemeshow_needs_three_groups() -> None:
    with pytest.raises(InvalidInputError, match="'proba' must take enough distinct values"):
        hosmer_lemeshow([0, 1, 0, 1], [0.2, 0.2, 0.7, 0.7])


# ----------------------------------------------------------------------------- real data
@pytest.mark.realdata
def test_telco_hold_out_evaluation_agrees_with_sklearn() -> None:
    from sklearn.linear_model import LogisticRegression

    from servicekit.churn import campaign_profit
    from tests.support import real_data

    frame = pd.read_csv(real_data("telco", "WA_Fn-UseC_-Telco-Customer-Churn.csv"))
    design = pd.get_dummies(
        frame[["tenure", "MonthlyCharges", "SeniorCitizen", "Contract", "InternetService"]],
        columns=["Contract", "InternetService"],
        drop_first=True,
        dtype=float,
    )
    design["tenure"] /= 72.0
    design["MonthlyCharges"] /= 100.0
    y = (frame["Churn"] == "Yes").to_numpy()
    train = np.arange(y.size) % 2 == 0
    model = LogisticRegression(max_iter=1000).fit(design[train], y[train])
    p = model.predict_proba(design[~train])[:, 1]
    y_test = y[~train]

    result = evaluate(y_test, p)
    assert result.n == 3521
    assert result.roc_auc == pytest.approx(skm.roc_auc_score(y_test, p), abs=1e-12)
    assert result.pr_auc == pytest.approx(skm.average_precision_score(y_test, p), abs=1e-12)
    assert result.log_loss == pytest.approx(skm.log_loss(y_test, p), rel=1e-10)
    assert result.roc_auc > 0.80  # a handful of columns; the full model reaches about 0.84
    lift = lift_table(y_test, p)
    assert lift["lift"].iloc[0] == result.top_decile_lift > 2.0
    assert lift["cumulative_capture"].iloc[2] > 0.5  # top 30% hold most churners
    calibration = calibration_table(y_test, p)
    assert calibration.attrs["expected_calibration_error"] < 0.05
    assert hosmer_lemeshow(y_test, p).df == 8
    profit = campaign_profit(
        p,
        y_true=y_test,
        customer_value=200,
        incentive_cost=10,
        contact_cost=1,
        acceptance_rate=0.3,
    )
    assert 0 < profit.attrs["best_fraction_contacted"] < 1
    assert profit.attrs["best_expected_profit"] > 0
