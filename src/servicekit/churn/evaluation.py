"""Evaluating churn probabilities: ranking (ROC/PR AUC), thresholded metrics, lift, calibration.

Everything here takes the observed outcomes ``y_true`` (1/``True`` = churned) and the
predicted churn probabilities ``proba`` of the same customers, and is computed with
vectorised NumPy (no scikit-learn at run time; the tests compare against it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from servicekit._results import ResultMixin
from servicekit._stats import CONFIDENCE, wilson_arrays
from servicekit._typing import ArrayLike, BoolArray, FloatArray, IntArray
from servicekit._validation import (
    Array,
    Interval,
    Options,
    as_bool_array,
    as_float_array,
    described,
    fail,
    validated,
)
from servicekit._warnings import warn
from servicekit.errors import SmallSampleWarning

__all__ = [
    "LOG_LOSS_EPS",
    "ChurnEvaluation",
    "HosmerLemeshowTest",
    "calibration_table",
    "evaluate",
    "hosmer_lemeshow",
    "lift_table",
]

#: Probabilities are clipped to ``[LOG_LOSS_EPS, 1 - LOG_LOSS_EPS]`` before taking logs in
#: the log loss, so a confident wrong prediction costs ``-log(1e-15) ≈ 34.5`` instead of inf.
LOG_LOSS_EPS = 1e-15

_Y_TRUE = Array(kind="bool")
_PROBA = Array(low=0, high=1, same_length_as="y_true")
_BINS = Interval(kind="int", low=1)


@dataclass(frozen=True, slots=True)
class ChurnEvaluation(ResultMixin):
    """How well predicted churn probabilities match observed churn.

    Attributes
    ----------
    roc_auc : float
        Area under the ROC curve: the probability that a random churner gets a higher
        probability than a random non-churner, ties counting one half.
    pr_auc : float
        Area under the precision-recall curve as *average precision*
        ``Σ (R_k − R_{k−1}) P_k`` over the distinct thresholds (step-wise, not the
        trapezoidal rule, which is optimistic); scikit-learn's ``average_precision_score``.
        A random ranking scores the churn rate ``n_positive / n``.
    accuracy, precision, recall, f1 : float
        Of the classification ``proba >= threshold``. ``precision`` is 0 when no
        customer is predicted to churn, and ``f1`` is 0 when precision and recall are.
    log_loss : float
        Mean negative log-likelihood in nats, probabilities clipped to
        ``[LOG_LOSS_EPS, 1 − LOG_LOSS_EPS]``.
    brier : float
        Mean squared difference between probability and outcome.
    top_decile_lift : float
        Churn rate among the 10% of customers with the highest probabilities divided by
        the overall churn rate: the first row's ``lift`` of :func:`lift_table`
        (``nan`` for fewer than 10 customers).
    n, n_positive : int
        Number of customers and of churners.
    threshold : float
        Probability at or above which a customer is predicted to churn.

    Examples
    --------
    >>> result = evaluate([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.8])
    >>> result.roc_auc, result.accuracy, result.precision
    (0.75, 0.5, 0.5)
    """

    roc_auc: float
    pr_auc: float
    accuracy: float
    precision: float
    recall: float
    f1: float
    log_loss: float
    brier: float
    top_decile_lift: float
    n: int
    n_positive: int
    threshold: float

    def __str__(self) -> str:
        return (
            f"ROC AUC {self.roc_auc:.3f}, PR AUC {self.pr_auc:.3f}, "
            f"accuracy {self.accuracy:.3f}, precision {self.precision:.3f}, "
            f"recall {self.recall:.3f}, F1 {self.f1:.3f} at threshold {self.threshold:g}; "
            f"log loss {self.log_loss:.4f}, Brier {self.brier:.4f}, "
            f"top-decile lift {self.top_decile_lift:.2f} "
            f"({self.n_positive} churners of {self.n})"
        )


@validated(y_true=_Y_TRUE, proba=_PROBA, threshold=Interval(low=0, high=1))
def evaluate(y_true: ArrayLike, proba: ArrayLike, *, threshold: float = 0.5) -> ChurnEvaluation:
    """Evaluate churn probabilities against observed churn.

    Parameters
    ----------
    y_true : array-like of bool or 0/1
        Observed outcome per customer, 1 (``True``) for a churner. Both classes must
        occur: ROC AUC is undefined otherwise.
    proba : array-like of float
        Predicted churn probability per customer, in [0, 1].
    threshold : float, default 0.5
        Customers with ``proba >= threshold`` are predicted to churn (for accuracy,
        precision, recall and F1).

    Returns
    -------
    ChurnEvaluation
        ``roc_auc``, ``pr_auc``, ``accuracy``, ``precision``, ``recall``, ``f1``,
        ``log_loss``, ``brier``, ``top_decile_lift``, ``n``, ``n_positive``,
        ``threshold``; ``.to_frame()`` gives one row.

    Raises
    ------
    InvalidInputError
        On values outside [0, 1], NaN, mismatched lengths, or when ``y_true`` holds only
        one class (raised, as scikit-learn does, rather than returning ``nan``: an AUC
        that silently disappears from a cross-validation average is worse than an error).

    Notes
    -----
    ROC AUC is the Mann-Whitney statistic ``(R₁ − n₁(n₁+1)/2) / (n₁ n₀)`` with ``R₁``
    the sum of the churners' mid-ranks (tied probabilities share their average rank),
    so ties count one half. It is computed over runs of tied probabilities, as
    ``Σ_g pos_g · (neg_below_g + neg_g / 2)``; one sort serves ROC AUC, average
    precision and the top-decile lift.

    References
    ----------
    J. A. Hanley and B. J. McNeil (1982), "The meaning and use of the area under a
    receiver operating characteristic (ROC) curve", Radiology 143(1), 29-36.
    G. W. Brier (1950), "Verification of forecasts expressed in terms of probability",
    Monthly Weather Review 78(1), 1-3.

    Examples
    --------
    >>> y = [0, 0, 0, 0, 1, 0, 1, 0, 1, 1]
    >>> p = [0.1, 0.2, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    >>> result = evaluate(y, p)
    >>> round(result.roc_auc, 4), round(result.pr_auc, 4), result.recall
    (0.875, 0.8542, 0.75)
    >>> round(result.log_loss, 4), round(result.brier, 4), result.top_decile_lift
    (0.4561, 0.149, 2.5)
    """
    y = as_bool_array(y_true)
    p = as_float_array(proba)
    _require_both_classes("evaluate", y)
    n = int(y.size)
    n_positive = int(np.count_nonzero(y))

    predicted = p >= threshold
    true_pos = int(np.count_nonzero(predicted & y))
    n_predicted = int(np.count_nonzero(predicted))
    precision = true_pos / n_predicted if n_predicted else 0.0
    recall = true_pos / n_positive
    f1 = 2.0 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    accuracy = float(np.count_nonzero(predicted == y)) / n

    outcome = y.astype(np.float64)
    clipped = np.clip(p, LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS)
    log_loss = -float(np.mean(np.where(y, np.log(clipped), np.log1p(-clipped))))
    brier = float(np.mean((p - outcome) ** 2))

    ranking = _Ranking.of(y, p)
    top_decile_lift = math.nan
    if n >= 10:
        top_decile_lift = float(_lift_rows(ranking, 10)["lift"][0])

    return ChurnEvaluation(
        roc_auc=_roc_auc(ranking),
        pr_auc=_average_precision(ranking),
        accuracy=accuracy,
        precision=precision,
        recall=recall,
        f1=f1,
        log_loss=log_loss,
        brier=brier,
        top_decile_lift=top_decile_lift,
        n=n,
        n_positive=n_positive,
        threshold=float(threshold),
    )


def _require_both_classes(function: str, y: BoolArray) -> None:
    n_positive = int(np.count_nonzero(y))
    if n_positive == 0 or n_positive == y.size:
        only = "churners (1/True)" if n_positive else "non-churners (0/False)"
        fail(
            function,
            "y_true",
            "must hold both churners (1/True) and non-churners (0/False)",
            described(f"only {only}"),
        )


@dataclass(frozen=True)
class _Ranking:
    """Customers sorted by descending probability, grouped into runs of tied probabilities.

    Every statistic built on it (ROC AUC, average precision, lift, campaign profit)
    depends on tie groups only, never on the order inside one, so one unstable sort
    serves them all. ``churn`` is the outcome per customer: 0/1, or a churn probability
    when outcomes are expected rather than observed (:func:`campaign_profit`).
    """

    p_sorted: FloatArray
    starts: IntArray  # first position of each tie group
    sizes: IntArray  # customers per tie group
    positives: FloatArray  # churners per tie group

    @classmethod
    def of(cls, churn: BoolArray | FloatArray, p: FloatArray) -> _Ranking:
        order = np.argsort(-p)
        p_sorted = p[order]
        starts = np.flatnonzero(np.r_[True, p_sorted[1:] != p_sorted[:-1]]).astype(np.int64)
        sizes = np.diff(np.r_[starts, p.size]).astype(np.int64)
        positives = np.add.reduceat(churn[order].astype(np.float64), starts)
        return cls(p_sorted, starts, sizes, positives)


def _roc_auc(ranking: _Ranking) -> float:
    """Tie-aware ROC AUC: Mann-Whitney U over n₁·n₀, tied pairs counting one half."""
    negatives = ranking.sizes - ranking.positives
    n_pos = float(ranking.positives.sum())
    n_neg = float(negatives.sum())
    lower = n_neg - np.cumsum(negatives)  # non-churners scored strictly lower than the group
    u = float(np.sum(ranking.positives * (lower + 0.5 * negatives)))
    return u / (n_pos * n_neg)


def _average_precision(ranking: _Ranking) -> float:
    """Average precision over the distinct thresholds (scikit-learn's definition)."""
    true_pos = np.cumsum(ranking.positives)
    precision = true_pos / np.cumsum(ranking.sizes)
    recall = true_pos / true_pos[-1]
    return float(np.sum(np.diff(recall, prepend=0.0) * precision))


def _lift_rows(ranking: _Ranking, bins: int) -> dict[str, FloatArray]:
    """Per-bin counts of customers ranked by descending probability (see :func:`lift_table`)."""
    n = ranking.p_sorted.size
    p_sorted = ranking.p_sorted
    # Tied customers share their group's churners evenly over the positions they occupy,
    # so the table is the expectation over random tie-breaking and ignores input order.
    share = np.repeat(ranking.positives / ranking.sizes, ranking.sizes)
    bin_sizes = np.full(bins, n // bins, dtype=np.int64)
    bin_sizes[: n % bins] += 1  # the first n mod bins bins get one customer more
    bin_starts = np.r_[0, np.cumsum(bin_sizes)[:-1]]
    positives = np.add.reduceat(share, bin_starts)
    counts = bin_sizes.astype(np.float64)
    overall_rate = float(share.sum()) / n
    cum_n = np.cumsum(counts)
    cum_pos = np.cumsum(positives)
    rate = positives / counts
    cum_rate = cum_pos / cum_n
    return {
        "n": counts,
        "positives": positives,
        "response_rate": rate,
        "cumulative_response_rate": cum_rate,
        "lift": rate / overall_rate,
        "cumulative_lift": cum_rate / overall_rate,
        "cumulative_capture": cum_pos / cum_pos[-1],
        "cumulative_fraction": cum_n / n,
        "max_proba": p_sorted[bin_starts],
        "min_proba": p_sorted[bin_starts + bin_sizes - 1],
    }


@validated(y_true=_Y_TRUE, proba=_PROBA, bins=_BINS)
def lift_table(y_true: ArrayLike, proba: ArrayLike, bins: int = 10) -> pd.DataFrame:
    """Lift and gain by bins of customers ranked by descending churn probability.

    Customers are sorted by descending ``proba`` and cut into ``bins`` groups of equal
    size (sizes differ by at most one; the first ``n mod bins`` bins hold one customer
    more). With ``bins=10`` these are the deciles of a lift chart.

    Parameters
    ----------
    y_true : array-like of bool or 0/1
        Observed outcome per customer, 1 (``True``) for a churner; at least one churner.
    proba : array-like of float
        Predicted churn probability per customer, in [0, 1].
    bins : int, default 10
        Number of bins, at most the number of customers.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``bin`` (1 = highest probabilities), with columns ``n``,
        ``positives`` (churners in the bin), ``response_rate`` (their share),
        ``cumulative_response_rate``, ``lift`` (response rate over the overall churn
        rate), ``cumulative_lift``, ``cumulative_capture`` (share of all churners in
        bins 1..b, the gain curve), ``cumulative_fraction`` (share of all customers in
        bins 1..b), ``max_proba`` and ``min_proba``.

    Notes
    -----
    Ties: customers with equal probabilities cannot be ordered by the model, so a
    tie group that straddles a bin boundary shares its churners in proportion to the
    positions it occupies on each side (the expected count under random tie-breaking).
    ``positives`` can therefore be fractional, and the table does not depend on the
    input order; with all probabilities equal every lift is exactly 1.

    Examples
    --------
    >>> y = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0]
    >>> p = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05]
    >>> table = lift_table(y, p, bins=5)
    >>> table[["n", "positives", "lift", "cumulative_capture"]]
           n  positives  lift  cumulative_capture
    bin
    1    2.0        2.0  2.50                0.50
    2    2.0        1.0  1.25                0.75
    3    2.0        0.0  0.00                0.75
    4    2.0        1.0  1.25                1.00
    5    2.0        0.0  0.00                1.00
    """
    y = as_bool_array(y_true)
    p = as_float_array(proba)
    if not y.any():
        fail("lift_table", "y_true", "must hold at least one churner (1/True)", described("none"))
    if bins > y.size:
        fail("lift_table", "bins", f"must be <= the number of customers ({y.size})", bins)
    rows = _lift_rows(_Ranking.of(y, p), bins)
    table: pd.DataFrame = pd.DataFrame(rows, index=pd.RangeIndex(1, bins + 1, name="bin"))
    return table


@dataclass(frozen=True, slots=True)
class HosmerLemeshowTest(ResultMixin):
    """The Hosmer-Lemeshow goodness-of-fit test of predicted probabilities.

    Attributes
    ----------
    statistic : float
        ``Σ_g (O_g − E_g)² / (E_g (1 − E_g / n_g))`` over the groups, with ``O_g`` the
        observed churners, ``E_g`` the sum of predicted probabilities and ``n_g`` the
        customers of group ``g``.
    df : int
        Degrees of freedom, ``n_groups − 2``.
    p_value : float
        Upper tail of the chi-squared distribution with ``df`` degrees of freedom; a
        small value says the probabilities are miscalibrated.
    n_groups : int
        Number of non-empty risk groups used (fewer than requested when tied
        probabilities make quantile edges coincide).

    Examples
    --------
    >>> HosmerLemeshowTest(statistic=4.2, df=8, p_value=0.838, n_groups=10).df
    8
    """

    statistic: float
    df: int
    p_value: float
    n_groups: int

    def __str__(self) -> str:
        return (
            f"Hosmer-Lemeshow chi2 = {self.statistic:.3f}, df = {self.df}, "
            f"p = {self.p_value:.4f} ({self.n_groups} groups)"
        )


def _calibration_bins(p: FloatArray, bins: int, strategy: str) -> tuple[IntArray, FloatArray]:
    """Bin index per customer and the bin edges (duplicate quantile edges merged)."""
    if strategy == "quantile":
        edges = np.unique(np.quantile(p, np.linspace(0.0, 1.0, bins + 1)))
    else:
        edges = np.linspace(0.0, 1.0, bins + 1)
    # Bins are [e_k, e_{k+1}), the last one closed: p == e_last falls in the last bin.
    index = np.searchsorted(edges[1:-1], p, side="right").astype(np.int64)
    return index, edges


def _grouped(
    y: BoolArray, p: FloatArray, bins: int, strategy: str
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Non-empty bins: index, customers, churners, summed probabilities and edges (low, high)."""
    index, edges = _calibration_bins(p, bins, strategy)
    n_bins = max(edges.size - 1, 1)
    counts: FloatArray = np.bincount(index, minlength=n_bins).astype(np.float64)
    positives: FloatArray = np.bincount(
        index, weights=y.astype(np.float64), minlength=n_bins
    ).astype(np.float64)
    expected: FloatArray = np.bincount(index, weights=p, minlength=n_bins).astype(np.float64)
    keep: IntArray = np.flatnonzero(counts > 0).astype(np.int64)
    low = edges[keep] if edges.size > 1 else edges[:1]
    high = edges[keep + 1] if edges.size > 1 else edges[:1]
    bounds: FloatArray = np.stack([low, high]).astype(np.float64)
    return keep, counts[keep], positives[keep], expected[keep], bounds


@validated(
    y_true=_Y_TRUE,
    proba=_PROBA,
    bins=_BINS,
    strategy=Options("quantile", "uniform"),
    confidence=CONFIDENCE,
)
def calibration_table(
    y_true: ArrayLike,
    proba: ArrayLike,
    bins: int = 10,
    *,
    strategy: Literal["quantile", "uniform"] = "quantile",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Observed churn rate against mean predicted probability, by probability bin.

    Parameters
    ----------
    y_true : array-like of bool or 0/1
        Observed outcome per customer, 1 (``True``) for a churner.
    proba : array-like of float
        Predicted churn probability per customer, in [0, 1].
    bins : int, default 10
        Number of bins requested.
    strategy : {"quantile", "uniform"}, default "quantile"
        ``"quantile"``: edges at quantiles of ``proba`` (bins of about equal size;
        coinciding edges from tied probabilities are merged, giving fewer bins).
        ``"uniform"``: ``bins`` equal-width bins over [0, 1]; empty bins are dropped.
        Bins are ``[low, high)``, the last one closed.
    confidence : float, default 0.95
        Level of the Wilson interval on each bin's observed rate.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``bin`` (1 = lowest probabilities), with columns ``proba_low``,
        ``proba_high`` (bin edges), ``n``, ``positives``, ``mean_predicted``,
        ``observed_rate``, ``ci_low`` and ``ci_high``. ``attrs`` holds
        ``"expected_calibration_error"`` (``Σ n_b/n · |observed_rate − mean_predicted|``),
        ``"strategy"`` and ``"confidence"``. A calibrated model has ``mean_predicted``
        inside ``[ci_low, ci_high]`` in most bins.

    See Also
    --------
    hosmer_lemeshow : a chi-squared test over the same quantile bins.
    servicekit.metrics.wilson_interval : the interval on each bin's rate.

    Examples
    --------
    >>> y = [0, 0, 1, 0, 1, 0, 1, 1]
    >>> p = [0.1, 0.2, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9]
    >>> table = calibration_table(y, p, bins=2)
    >>> table[["n", "positives", "mean_predicted", "observed_rate"]]
           n  positives  mean_predicted  observed_rate
    bin
    1    4.0        1.0            0.20           0.25
    2    4.0        3.0            0.75           0.75
    >>> round(table.attrs["expected_calibration_error"], 4)
    0.025
    """
    y = as_bool_array(y_true)
    p = as_float_array(proba)
    _, counts, positives, expected, edges = _grouped(y, p, bins, strategy)
    # Bins hold whole numbers of customers and churners: one vectorised Wilson call.
    ci_low, ci_high = wilson_arrays(positives, counts, confidence)
    observed = positives / counts
    mean_predicted = expected / counts
    table: pd.DataFrame = pd.DataFrame(
        {
            "proba_low": edges[0],
            "proba_high": edges[1],
            "n": counts,
            "positives": positives,
            "mean_predicted": mean_predicted,
            "observed_rate": observed,
            "ci_low": ci_low,
            "ci_high": ci_high,
        },
        index=pd.RangeIndex(1, counts.size + 1, name="bin"),
    )
    table.attrs["expected_calibration_error"] = float(
        np.sum(counts * np.abs(observed - mean_predicted)) / y.size
    )
    table.attrs["strategy"] = strategy
    table.attrs["confidence"] = confidence
    return table


@validated(y_true=_Y_TRUE, proba=_PROBA, bins=Interval(kind="int", low=3))
def hosmer_lemeshow(y_true: ArrayLike, proba: ArrayLike, bins: int = 10) -> HosmerLemeshowTest:
    """Hosmer-Lemeshow goodness-of-fit test over quantile groups of predicted risk.

    Customers are grouped as in ``calibration_table(..., strategy="quantile")`` (deciles
    of risk by default). The statistic compares observed and expected churners and
    non-churners in each group; under good calibration it is approximately chi-squared
    with ``n_groups − 2`` degrees of freedom (Hosmer & Lemeshow's choice for
    probabilities fitted on the same data; on held-out data ``n_groups`` df is also
    argued).

    Parameters
    ----------
    y_true : array-like of bool or 0/1
        Observed outcome per customer, 1 (``True``) for a churner.
    proba : array-like of float
        Predicted churn probability per customer, in [0, 1].
    bins : int, default 10
        Number of risk groups requested, at least 3.

    Returns
    -------
    HosmerLemeshowTest
        ``statistic``, ``df``, ``p_value``, ``n_groups``.

    Raises
    ------
    InvalidInputError
        When tied probabilities leave fewer than 3 groups (no degrees of freedom).

    Notes
    -----
    A group whose expected churners are exactly 0 or all of its customers (all its
    probabilities 0, or all 1) contributes 0 if it observed exactly that and ``inf``
    otherwise (a certain prediction that failed). The chi-squared approximation wants
    enough expected churners and non-churners per group: by Cochran's rule, none below 1
    and at most a fifth of them below 5. Otherwise a
    :class:`~servicekit.errors.SmallSampleWarning` is emitted (the test is still returned).

    Warns
    -----
    SmallSampleWarning
        When the expected counts break Cochran's rule.

    References
    ----------
    D. W. Hosmer and S. Lemeshow (1980), "Goodness of fit tests for the multiple
    logistic regression model", Communications in Statistics - Theory and Methods
    9(10), 1043-1069.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.95, 2000)
    >>> y = rng.uniform(size=2000) < p
    >>> test = hosmer_lemeshow(y, p)
    >>> test.df, test.p_value > 0.05
    (8, True)
    """
    y = as_bool_array(y_true)
    p = as_float_array(proba)
    _, counts, positives, expected, _ = _grouped(y, p, bins, "quantile")
    n_groups = int(counts.size)
    if n_groups < 3:
        fail(
            "hosmer_lemeshow",
            "proba",
            "must take enough distinct values to form at least 3 risk groups",
            described(f"{np.unique(p).size} distinct value(s), {n_groups} group(s)"),
        )
    cells = np.concatenate([expected, counts - expected])  # expected churners, non-churners
    if cells.min() < 1.0 or np.count_nonzero(cells < 5.0) > cells.size / 5:
        warn(
            f"hosmer_lemeshow(): {np.count_nonzero(cells < 5.0)} of {cells.size} expected "
            f"counts are below 5 (smallest {cells.min():.2g}); the chi-squared p-value is "
            "unreliable, use fewer groups or more customers",
            SmallSampleWarning,
        )
    variance = expected * (1.0 - expected / counts)
    squared = (positives - expected) ** 2
    safe = np.where(variance > 0, variance, 1.0)
    terms = np.where(variance > 0, squared / safe, np.where(squared > 1e-12, np.inf, 0.0))
    statistic = float(terms.sum())
    df = n_groups - 2
    return HosmerLemeshowTest(
        statistic=statistic,
        df=df,
        p_value=float(stats.chi2.sf(statistic, df)),
        n_groups=n_groups,
    )
