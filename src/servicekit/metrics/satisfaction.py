"""Survey scores: CSAT (share satisfied), NPS (net promoters) and CES (customer effort)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import special

from servicekit._results import ResultMixin, ValueResultMixin
from servicekit._stats import CONFIDENCE, confidence_label, two_sided_z
from servicekit._typing import ArrayLike, FloatArray
from servicekit._validation import (
    Array,
    Flag,
    Interval,
    Options,
    as_float_array,
    described,
    fail,
    validated,
)
from servicekit.metrics.proportion import Proportion, warn_if_small

__all__ = ["CustomerEffortScore", "NetPromoterScore", "ces", "csat", "nps"]

#: Rocks (2016)'s adjusted-Wald constants: add 3 answers, 3/4 of them promoters and 3/4 detractors.
_NPS_ADD_N = 3.0
_NPS_ADD_EACH = 0.75


@validated(
    scores=Array(kind="int", allow_nan=True),
    scale=Interval(kind="int", low=2),
    satisfied_min=Interval(kind="int", low=1),
    confidence=CONFIDENCE,
    missing=Options("raise", "omit"),
    min_n=Interval(kind="int", low=1),
)
def csat(
    scores: ArrayLike,
    *,
    scale: int = 5,
    satisfied_min: int = 4,
    confidence: float = 0.95,
    missing: Literal["raise", "omit"] = "raise",
    min_n: int = 30,
) -> Proportion:
    """Customer-satisfaction score: the share of ratings at or above ``satisfied_min``.

    ``CSAT = #{scores >= satisfied_min} / #scores``, reported as a fraction with a
    Wilson score interval; ``.percent`` gives the usual "CSAT %".

    Parameters
    ----------
    scores : array-like of int
        Ratings on a 1..``scale`` scale. Missing ratings (NaN/None) are an error
        unless ``missing="omit"``.
    scale : int, default 5
        Highest possible rating.
    satisfied_min : int, default 4
        Lowest rating counted as satisfied (4 and 5 on the usual 5-point scale).
    confidence : float, default 0.95
        Confidence level of the interval.
    missing : {"raise", "omit"}, default "raise"
        ``"omit"`` drops missing ratings and reports how many in ``n_missing``.
    min_n : int, default 30
        Below this many ratings a :class:`~servicekit.errors.SmallSampleWarning` is
        emitted; the numbers are still returned.

    Returns
    -------
    Proportion
        ``value``, ``successes``, ``n``, ``ci_low``, ``ci_high``, ``percent``.

    Raises
    ------
    InvalidInputError
        On missing ratings (unless omitted), ratings outside 1..``scale`` or not whole
        numbers, or ``satisfied_min`` above ``scale``.

    References
    ----------
    E. B. Wilson (1927), JASA 22(158), 209-212 (the interval).

    Examples
    --------
    >>> result = csat([5, 4, 4, 3, 5, 2, 5, 4, 1, 5], min_n=10)
    >>> result.percent
    70.0
    >>> round(result.ci_low, 3), round(result.ci_high, 3)
    (0.397, 0.892)
    >>> csat([5, 4, None, 3], missing="omit", min_n=1).n_missing
    1
    """
    if satisfied_min > scale:
        fail("csat", "satisfied_min", f"must be <= scale ({scale})", satisfied_min)
    values, n_missing = _ratings("csat", scores, low=1, high=scale, missing=missing)
    n = int(values.size)
    warn_if_small(n, min_n, "csat()")
    successes = int(np.count_nonzero(values >= satisfied_min))
    return Proportion.from_counts(successes, n, confidence=confidence, n_missing=n_missing)


def _ratings(
    function: str, scores: ArrayLike, *, low: int, high: int, missing: str
) -> tuple[FloatArray, int]:
    """Ratings on ``low..high`` with missing values dropped or rejected; returns (kept, n_missing).

    The one place csat, nps and ces check their ``scores`` so their messages agree.
    """
    values = as_float_array(scores)
    nan = np.isnan(values)
    if nan.any() and missing == "raise":
        fail(
            function,
            "scores",
            "must not hold missing ratings (pass missing='omit' to drop them)",
            np.nan,
            position=int(np.argmax(nan)),
        )
    outside = ~nan & ((values < low) | (values > high))
    if outside.any():
        at = int(np.argmax(outside))
        fail(function, "scores", f"must be ratings in {low}..{high}", values[at], position=at)
    if nan.all():
        fail(function, "scores", "must hold at least one rating", described("only missing values"))
    return values[~nan], int(nan.sum())


# --------------------------------------------------------------------------- NPS
@dataclass(frozen=True, slots=True)
class NetPromoterScore(ValueResultMixin):
    """A Net Promoter Score with its counts and a confidence interval.

    Attributes
    ----------
    value : float
        ``100 * (promoters - detractors) / n``, in points on -100..100.
    n : int
        Number of (non-missing) answers.
    promoters, passives, detractors : int
        Answers of 9-10, 7-8 and 0-6.
    ci_low, ci_high : float
        Bounds of the confidence interval, in NPS points (clipped to -100..100).
    confidence : float
        Confidence level of the interval.
    method : str
        How the interval was computed: ``"adjusted_wald"`` or ``"wald"``.
    n_missing : int
        Answers dropped as missing before counting (``missing="omit"``).

    Examples
    --------
    >>> result = NetPromoterScore(20.0, 10, 4, 4, 2, -21.6, 55.8)
    >>> result.promoter_share, result.detractor_share
    (0.4, 0.2)
    """

    value: float
    n: int
    promoters: int
    passives: int
    detractors: int
    ci_low: float
    ci_high: float
    confidence: float = 0.95
    method: str = "adjusted_wald"
    n_missing: int = 0

    _extra_fields = ("promoter_share", "passive_share", "detractor_share")

    @property
    def promoter_share(self) -> float:
        """Promoters as a fraction of ``n``."""
        return self.promoters / self.n

    @property
    def passive_share(self) -> float:
        """Passives as a fraction of ``n``."""
        return self.passives / self.n

    @property
    def detractor_share(self) -> float:
        """Detractors as a fraction of ``n``."""
        return self.detractors / self.n

    def __str__(self) -> str:
        pct = confidence_label(self.confidence)
        return (
            f"NPS {self.value:+.1f} (n={self.n}: {self.promoter_share * 100:.1f}% promoters, "
            f"{self.passive_share * 100:.1f}% passives, {self.detractor_share * 100:.1f}% "
            f"detractors; {pct} CI {self.ci_low:+.1f} to {self.ci_high:+.1f})"
        )


@validated(
    scores=Array(kind="int", allow_nan=True),
    confidence=CONFIDENCE,
    method=Options("adjusted_wald", "wald"),
    missing=Options("raise", "omit"),
    min_n=Interval(kind="int", low=1),
)
def nps(
    scores: ArrayLike,
    *,
    confidence: float = 0.95,
    method: Literal["adjusted_wald", "wald"] = "adjusted_wald",
    missing: Literal["raise", "omit"] = "raise",
    min_n: int = 30,
) -> NetPromoterScore:
    """Net Promoter Score: percent promoters (9-10) minus percent detractors (0-6).

    ``NPS = 100 * (P - D) / n`` on answers to the 0..10 "how likely are you to
    recommend" question (Reichheld 2003); passives (7-8) count in ``n`` only.

    The interval treats NPS as a difference of two proportions of one trinomial
    sample, whose variance is ``(p + d - (p - d)^2) / n`` for shares ``p`` and ``d``:

    - ``"adjusted_wald"`` (default; Rocks 2016): add 3 to ``n`` and 3/4 to both
      the promoter and detractor counts, then take the Wald interval around the
      adjusted difference ``p' - d'``. Rocks found it the best of six methods in
      coverage and width, close to nominal even for small samples and extreme scores.
    - ``"wald"``: the plain interval ``(p - d) ± z * sqrt((p + d - (p - d)^2) / n)``.
      It collapses to a single point when every answer is in one group (e.g. all
      promoters) and under-covers for small ``n``; offered for comparison with tools
      that use it.

    Both are reported in NPS points and clipped to -100..100. The adjusted interval is
    centred on the shrunken ``p' - d'``, not on the score; from two answers on it
    always contains the score, but for a single answer it may not (one promoter gives
    -48.5 to +98.5), a reminder that one answer says little.

    Parameters
    ----------
    scores : array-like of int
        Answers on 0..10. Missing answers (NaN/None) are an error unless
        ``missing="omit"``.
    confidence : float, default 0.95
        Confidence level of the interval.
    method : {"adjusted_wald", "wald"}, default "adjusted_wald"
        Interval method (see above).
    missing : {"raise", "omit"}, default "raise"
        ``"omit"`` drops missing answers and reports how many in ``n_missing``.
    min_n : int, default 30
        Below this many answers a :class:`~servicekit.errors.SmallSampleWarning` is
        emitted; the numbers are still returned.

    Returns
    -------
    NetPromoterScore
        ``value`` (-100..100), ``n``, ``promoters``, ``passives``, ``detractors``,
        ``ci_low``, ``ci_high`` and the shares as properties.

    Raises
    ------
    InvalidInputError
        On answers outside 0..10 or not whole numbers, missing answers (unless
        omitted), or no answers.

    References
    ----------
    F. F. Reichheld (2003), "The one number you need to grow", Harvard Business
    Review 81(12), 46-54.
    B. Rocks (2016), "Interval estimation for the 'Net Promoter Score'", The American
    Statistician 70(4), 365-372.

    Examples
    --------
    >>> result = nps([10, 9, 9, 8, 7, 10, 6, 3, 9, 10], min_n=10)
    >>> result.value, result.promoters, result.passives, result.detractors
    (40.0, 6, 2, 2)
    >>> round(result.ci_low, 1), round(result.ci_high, 1)
    (-12.6, 74.1)
    >>> print(nps([10] * 40 + [8] * 40 + [2] * 20))
    NPS +20.0 (n=100: 40.0% promoters, 40.0% passives, 20.0% detractors; 95% CI +5.0 to +33.9)
    """
    values, n_missing = _ratings("nps", scores, low=0, high=10, missing=missing)
    n = int(values.size)
    warn_if_small(n, min_n, "nps()")
    promoters = int(np.count_nonzero(values >= 9))
    detractors = int(np.count_nonzero(values <= 6))
    passives = n - promoters - detractors
    if method == "adjusted_wald":
        n_eff = n + _NPS_ADD_N
        p = (promoters + _NPS_ADD_EACH) / n_eff
        d = (detractors + _NPS_ADD_EACH) / n_eff
    else:
        n_eff, p, d = float(n), promoters / n, detractors / n
    centre = p - d
    z = two_sided_z(confidence)
    # max(0, .) guards a variance of -1e-17 from rounding when all answers are in one group.
    half = z * math.sqrt(max(p + d - centre * centre, 0.0) / n_eff)
    low = max(-1.0, centre - half) * 100.0
    high = min(1.0, centre + half) * 100.0
    value = 100.0 * (promoters - detractors) / n
    return NetPromoterScore(
        value, n, promoters, passives, detractors, low, high, confidence, method, n_missing
    )


# --------------------------------------------------------------------------- CES
@dataclass(frozen=True, slots=True)
class CustomerEffortScore(ResultMixin):
    """A Customer Effort Score: the mean rating with a t-interval, and the share agreeing.

    Ratings are reported so that higher means easier (reverse-coded scales are
    flipped first, see :func:`ces`).

    Attributes
    ----------
    mean : float
        Mean rating on 1..``scale``, higher = easier.
    ci_low, ci_high : float
        Student-t confidence interval of the mean (``nan`` when ``n`` is 1).
    std : float
        Sample standard deviation of the ratings (``ddof=1``; ``nan`` when ``n`` is 1).
    n : int
        Number of (non-missing) ratings.
    agreeing : int
        Ratings at or above ``agree_min`` (after flipping): "it was easy".
    agree_share : float
        ``agreeing / n``.
    agree_ci_low, agree_ci_high : float
        Wilson interval of ``agree_share``.
    scale : int
        Highest possible rating.
    confidence : float
        Confidence level of both intervals.
    n_missing : int
        Ratings dropped as missing before counting (``missing="omit"``).

    Examples
    --------
    >>> result = ces([7, 6, 5, 2, 6], min_n=1)
    >>> result.agreement.percent
    80.0
    """

    mean: float
    ci_low: float
    ci_high: float
    std: float
    n: int
    agreeing: int
    agree_share: float
    agree_ci_low: float
    agree_ci_high: float
    scale: int = 7
    confidence: float = 0.95
    n_missing: int = 0

    @property
    def agreement(self) -> Proportion:
        """The share agreeing as a :class:`Proportion` (Wilson interval)."""
        return Proportion(
            self.agree_share,
            self.agreeing,
            self.n,
            self.agree_ci_low,
            self.agree_ci_high,
            self.confidence,
            "wilson",
            self.n_missing,
        )

    def __str__(self) -> str:
        pct = confidence_label(self.confidence)
        return (
            f"CES {self.mean:.2f} of {self.scale} (n={self.n}; {pct} CI "
            f"{self.ci_low:.2f}-{self.ci_high:.2f}); {self.agree_share * 100:.1f}% agree"
        )


@validated(
    scores=Array(kind="int", allow_nan=True),
    scale=Interval(kind="int", low=2),
    agree_min=Interval(kind="int", low=1),
    higher_is_easier=Flag(),
    confidence=CONFIDENCE,
    missing=Options("raise", "omit"),
    min_n=Interval(kind="int", low=1),
)
def ces(
    scores: ArrayLike,
    *,
    scale: int = 7,
    agree_min: int = 5,
    higher_is_easier: bool = True,
    confidence: float = 0.95,
    missing: Literal["raise", "omit"] = "raise",
    min_n: int = 30,
) -> CustomerEffortScore:
    """Customer Effort Score: mean ease rating with a t-interval, and the share agreeing.

    The usual CES 2.0 item asks "The company made it easy for me to handle my issue"
    on 1 (strongly disagree) .. 7 (strongly agree): higher is easier, and the share
    answering 5-7 is reported beside the mean (Dixon, Freeman & Toman 2010).

    **Reverse-coded scales.** The original CES asked "How much effort did you personally
    have to put forth?", where 1 meant very low effort, i.e. *lower is easier*. Pass
    ``higher_is_easier=False`` for such answers: each rating ``x`` is first flipped to
    ``scale + 1 - x``, so the reported mean, its interval and ``agree_min`` all read on
    the higher-is-easier orientation and results from both kinds of survey compare
    directly. With the defaults on a reversed 7-point scale, raw answers 1-3 agree.

    The mean's interval is Student's t: ``mean ± t(n-1) * s / sqrt(n)``; the share
    agreeing gets a Wilson score interval.

    Parameters
    ----------
    scores : array-like of int
        Ratings on 1..``scale``. Missing ratings (NaN/None) are an error unless
        ``missing="omit"``.
    scale : int, default 7
        Highest possible rating.
    agree_min : int, default 5
        Lowest (flipped) rating counted as "easy".
    higher_is_easier : bool, default True
        ``False`` for reverse-coded scales (1 = least effort).
    confidence : float, default 0.95
        Confidence level of both intervals.
    missing : {"raise", "omit"}, default "raise"
        ``"omit"`` drops missing ratings and reports how many in ``n_missing``.
    min_n : int, default 30
        Below this many ratings a :class:`~servicekit.errors.SmallSampleWarning` is
        emitted; the numbers are still returned.

    Returns
    -------
    CustomerEffortScore

    Raises
    ------
    InvalidInputError
        On ratings outside 1..``scale`` or not whole numbers, missing ratings (unless
        omitted), no ratings, or ``agree_min`` above ``scale``.

    References
    ----------
    M. Dixon, K. Freeman and N. Toman (2010), "Stop trying to delight your customers",
    Harvard Business Review 88(7/8), 116-122.
    E. B. Wilson (1927), JASA 22(158), 209-212 (the interval of the share agreeing).

    Examples
    --------
    >>> result = ces([7, 6, 6, 5, 4, 7, 3, 6, 5, 7], min_n=10)
    >>> result.mean, result.agreeing, result.agree_share
    (5.6, 8, 0.8)
    >>> round(result.ci_low, 2), round(result.ci_high, 2)
    (4.63, 6.57)
    >>> ces([1, 2, 2, 3, 6], higher_is_easier=False, min_n=1).mean  # flipped: 7, 6, 6, 5, 2
    5.2
    """
    if agree_min > scale:
        fail("ces", "agree_min", f"must be <= scale ({scale})", agree_min)
    values, n_missing = _ratings("ces", scores, low=1, high=scale, missing=missing)
    if not higher_is_easier:
        values = scale + 1.0 - values
    n = int(values.size)
    warn_if_small(n, min_n, "ces()")
    mean = float(values.mean())
    if n > 1:
        std = float(values.std(ddof=1))
        half = float(special.stdtrit(n - 1, 0.5 + confidence / 2.0)) * std / math.sqrt(n)
        low, high = mean - half, mean + half
    else:
        std = low = high = math.nan
    agree = Proportion.from_counts(
        int(np.count_nonzero(values >= agree_min)), n, confidence=confidence
    )
    return CustomerEffortScore(
        mean,
        low,
        high,
        std,
        n,
        agree.successes,
        agree.value,
        agree.ci_low,
        agree.ci_high,
        scale,
        confidence,
        n_missing,
    )
