"""Satisfaction scores: CSAT (share of satisfied ratings)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from servicekit._typing import ArrayLike
from servicekit._validation import (
    Array,
    Interval,
    Options,
    as_float_array,
    described,
    fail,
    validated,
)
from servicekit.metrics.proportion import CONFIDENCE, Proportion, warn_if_small

__all__ = ["csat"]


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
    values = as_float_array(scores)
    if satisfied_min > scale:
        fail("csat", "satisfied_min", f"must be <= scale ({scale})", satisfied_min)
    nan = np.isnan(values)
    if nan.any() and missing == "raise":
        fail(
            "csat",
            "scores",
            "must not hold missing ratings (pass missing='omit' to drop them)",
            np.nan,
            position=int(np.argmax(nan)),
        )
    outside = ~nan & ((values < 1) | (values > scale))
    if outside.any():
        at = int(np.argmax(outside))
        fail("csat", "scores", f"must be ratings in 1..{scale}", values[at], position=at)
    values = values[~nan]
    n = int(values.size)
    if n == 0:
        fail("csat", "scores", "must hold at least one rating", described("only missing values"))
    warn_if_small(n, min_n, "csat()")
    successes = int(np.count_nonzero(values >= satisfied_min))
    return Proportion.from_counts(successes, n, confidence=confidence, n_missing=int(nan.sum()))
