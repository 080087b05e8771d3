"""Statistics shared by several areas: one implementation each, imported from here.

Areas stand side by side: when two of them need the same statistic (the Wilson
interval, a normal quantile, the ``confidence`` constraint) it lives in this core
module, never in one area that the other imports privately.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from servicekit._typing import FloatArray
from servicekit._validation import Interval

__all__ = [
    "CONFIDENCE",
    "confidence_label",
    "normal_quantile",
    "scaled_mean",
    "two_sided_z",
    "weighted_quantile",
    "wilson_arrays",
]

#: The constraint every ``confidence`` argument shares: a level strictly between 0 and 1.
CONFIDENCE = Interval(low=0, high=1, low_open=True, high_open=True)


def normal_quantile(p: float) -> float:
    """Quantile of the standard normal distribution at probability ``p`` in (0, 1).

    Examples
    --------
    >>> round(normal_quantile(0.975), 6)
    1.959964
    """
    return float(special.ndtri(p))


def two_sided_z(confidence: float) -> float:
    """The ``z`` of a two-sided interval at level ``confidence``: the quantile at ``(1 + c) / 2``.

    Examples
    --------
    >>> round(two_sided_z(0.95), 4), round(two_sided_z(0.9), 4)
    (1.96, 1.6449)
    """
    return normal_quantile(0.5 + confidence / 2.0)


def confidence_label(confidence: float) -> str:
    """``"95%"`` for 0.95: the level in percent with as many decimals as it needs.

    Rounding to whole percent would print 0.999 as ``"100%"``, a level no interval
    has; this keeps up to four significant decimals and never reaches 100.

    Examples
    --------
    >>> confidence_label(0.95), confidence_label(0.999), confidence_label(0.9999999)
    ('95%', '99.9%', '99.99999%')
    """
    percent = confidence * 100.0
    for decimals in range(11):
        text = f"{percent:.{decimals}f}"
        if abs(float(text) - percent) <= 1e-9 * percent and 0.0 < float(text) < 100.0:
            return f"{text}%"
    return f"{percent!r}%"


def scaled_mean(values: npt.NDArray[Any]) -> float:
    """The mean of finite values, without overflow when they are near float64's limit.

    A plain sum of ``[1e308, 1e308]`` is infinite; dividing by the largest magnitude
    first keeps the mean finite whenever the true mean is.

    Examples
    --------
    >>> scaled_mean(np.array([1e308, 1e308, 1e308]))
    1e+308
    """
    x = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore"):
        total = float(x.sum())
    if np.isfinite(total):
        return total / x.size
    largest = float(np.abs(x).max())
    return float((x / largest).mean()) * largest


def wilson_arrays(
    successes: npt.NDArray[Any], n: npt.NDArray[Any], confidence: float
) -> tuple[FloatArray, FloatArray]:
    """Wilson score bounds for arrays of counts (the one implementation of the formula).

    ``(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)`` with ``z`` from
    :func:`two_sided_z`. Counts must already be checked (``0 <= successes <= n``);
    ``n == 0`` gives NaN bounds.

    References
    ----------
    E. B. Wilson (1927), "Probable inference, the law of succession, and statistical
    inference", JASA 22(158), 209-212.

    Examples
    --------
    >>> low, high = wilson_arrays(np.array([8, 0]), np.array([10, 0]), 0.95)
    >>> low.round(4), high.round(4)
    (array([0.4902,    nan]), array([0.9433,    nan]))
    """
    k = np.asarray(successes, dtype=np.float64)
    m = np.asarray(n, dtype=np.float64)
    z = two_sided_z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / m
        denom = 1.0 + z * z / m
        centre = (p + z * z / (2.0 * m)) / denom
        half = z * np.sqrt(p * (1.0 - p) / m + z * z / (4.0 * m * m)) / denom
    # At p = 0 (p = 1) the bound is exactly 0 (1); rounding would leave ~1e-17.
    low = np.atleast_1d(np.where(k == 0, 0.0, np.clip(centre - half, 0.0, p)))
    high = np.atleast_1d(np.where(k == m, 1.0, np.clip(centre + half, p, 1.0)))
    empty = np.atleast_1d(m == 0)
    low[empty] = np.nan
    high[empty] = np.nan
    return low.astype(np.float64), high.astype(np.float64)


def weighted_quantile(
    values: npt.ArrayLike, weights: npt.ArrayLike, q: float | npt.ArrayLike
) -> FloatArray:
    """Quantiles of ``values`` with frequency ``weights``, linear interpolation (type 7).

    With whole-number weights the result equals ``numpy.quantile`` (its default
    "linear" method, Hyndman & Fan type 7, also pandas' and R's default) of the
    values repeated ``weights`` times; fractional weights extend that formula
    continuously. Zero-weight values never contribute. Inputs must already be
    checked: finite values, finite non-negative weights with a positive sum, and
    ``q`` in [0, 1].

    References
    ----------
    R. J. Hyndman and Y. Fan (1996), "Sample quantiles in statistical packages",
    The American Statistician 50(4), 361-365.

    Examples
    --------
    >>> weighted_quantile([1.0, 2.0, 10.0], [1, 2, 1], [0.5, 0.9])
    array([2. , 7.6])
    >>> np.quantile([1.0, 2.0, 2.0, 10.0], [0.5, 0.9])
    array([2. , 7.6])
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    w = np.asarray(weights, dtype=np.float64).ravel()
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cumulative = np.cumsum(w)
    total = cumulative[-1]
    position = (
        (total - 1.0) * np.asarray(q, dtype=np.float64) if total >= 1 else 0.0 * np.asarray(q)
    )
    below = np.floor(position)
    last = len(v) - 1
    # The value at (0-based) position j of the expanded sample: the first whose
    # cumulative weight exceeds j.
    lo = np.minimum(np.searchsorted(cumulative, below, side="right"), last)
    hi = np.minimum(np.searchsorted(cumulative, below + 1.0, side="right"), last)
    out: FloatArray = np.asarray(v[lo] + (position - below) * (v[hi] - v[lo]), dtype=np.float64)
    return out
