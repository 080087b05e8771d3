"""Proportions with confidence intervals: the result type of every rate KPI."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from servicekit._results import ResultMixin
from servicekit._typing import FloatArray
from servicekit._validation import Interval, fail, validated
from servicekit._warnings import warn
from servicekit.errors import SmallSampleWarning

__all__ = ["CONFIDENCE", "Proportion", "wilson_interval"]

#: The constraint every ``confidence`` argument shares: a level strictly between 0 and 1.
CONFIDENCE = Interval(low=0, high=1, low_open=True, high_open=True)


@dataclass(frozen=True, slots=True)
class Proportion(ResultMixin):
    """A proportion ``successes / n`` with a confidence interval.

    Attributes
    ----------
    value : float
        The proportion as a fraction in [0, 1] (``nan`` when ``n`` is 0).
    successes : int
        Number of "successes" (satisfied ratings, resolved tickets, ...).
    n : int
        Number of trials the proportion is taken over.
    ci_low, ci_high : float
        Bounds of the confidence interval, as fractions.
    confidence : float
        Confidence level of the interval.
    method : str
        How the interval was computed (``"wilson"``).
    n_missing : int
        Observations dropped as missing before counting (``missing="omit"``).

    Examples
    --------
    >>> p = Proportion.from_counts(45, 50)
    >>> p.percent
    90.0
    >>> round(p.ci_low, 4), round(p.ci_high, 4)
    (0.7864, 0.9565)
    """

    value: float
    successes: int
    n: int
    ci_low: float
    ci_high: float
    confidence: float = 0.95
    method: str = "wilson"
    n_missing: int = 0

    _extra_fields = ("percent",)

    @property
    def percent(self) -> float:
        """The proportion in percent (``value * 100``)."""
        return self.value * 100.0

    @classmethod
    @validated(
        successes=Interval(kind="int", low=0),
        n=Interval(kind="int", low=0),
        confidence=CONFIDENCE,
        n_missing=Interval(kind="int", low=0),
    )
    def from_counts(
        cls, successes: int, n: int, *, confidence: float = 0.95, n_missing: int = 0
    ) -> Proportion:
        """Build a proportion and its Wilson interval from counts.

        Parameters
        ----------
        successes, n : int
            Counts with ``0 <= successes <= n``.
        confidence : float
            Confidence level in (0, 1).
        n_missing : int
            Observations dropped before counting, reported on the result.

        Examples
        --------
        >>> Proportion.from_counts(0, 0).value
        nan
        """
        if successes > n:
            fail("Proportion.from_counts", "successes", f"must be <= n ({n})", successes)
        low, high = wilson_interval(successes, n, confidence=confidence)
        value = successes / n if n else math.nan
        return cls(value, int(successes), int(n), low, high, confidence, "wilson", n_missing)

    def __str__(self) -> str:
        pct = round(self.confidence * 100)
        return (
            f"{self.percent:.1f}% ({self.successes}/{self.n}; "
            f"{pct}% CI {self.ci_low * 100:.1f}-{self.ci_high * 100:.1f}%)"
        )


@validated(
    successes=Interval(kind="int", low=0),
    n=Interval(kind="int", low=0),
    confidence=CONFIDENCE,
)
def wilson_interval(successes: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson 1927).

    ``(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)`` with ``z`` the normal
    quantile at ``(1 + confidence) / 2``. Unlike the Wald interval it stays inside
    [0, 1] and keeps its coverage near 0 and 1 and for small ``n``.

    Returns ``(nan, nan)`` when ``n`` is 0.

    References
    ----------
    E. B. Wilson (1927), "Probable inference, the law of succession, and statistical
    inference", JASA 22(158), 209-212.

    Examples
    --------
    >>> low, high = wilson_interval(8, 10)
    >>> round(low, 4), round(high, 4)
    (0.4902, 0.9433)
    """
    if successes > n:
        fail("wilson_interval", "successes", f"must be <= n ({n})", successes)
    low, high = _wilson_arrays(np.asarray([successes]), np.asarray([n]), confidence)
    return float(low[0]), float(high[0])


def _wilson_arrays(
    successes: npt.NDArray[Any], n: npt.NDArray[Any], confidence: float
) -> tuple[FloatArray, FloatArray]:
    """Wilson score bounds for arrays of counts (the one implementation of the formula).

    Counts must already be checked (``0 <= successes <= n``); ``n == 0`` gives NaN bounds.
    """
    k = np.asarray(successes, dtype=np.float64)
    m = np.asarray(n, dtype=np.float64)
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / m
        denom = 1.0 + z * z / m
        centre = (p + z * z / (2.0 * m)) / denom
        half = z * np.sqrt(p * (1.0 - p) / m + z * z / (4.0 * m * m)) / denom
    # At p = 0 (p = 1) the bound is exactly 0 (1); rounding would leave ~1e-17.
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0.0, p))
    high = np.where(k == m, 1.0, np.clip(centre + half, p, 1.0))
    empty = m == 0
    low[empty] = np.nan
    high[empty] = np.nan
    return low.astype(np.float64), high.astype(np.float64)


def warn_if_small(n: int, min_n: int, what: str) -> None:
    """Emit :class:`SmallSampleWarning` when ``n < min_n`` (the numbers are still returned).

    The warning points at the caller's line outside servicekit, however deep the call.
    """
    if n < min_n:
        warn(
            f"{what} is based on {n} observation(s), fewer than min_n={min_n}; "
            "its confidence interval is wide, read it with care",
            SmallSampleWarning,
        )
