"""Proportions with confidence intervals: the result type of every rate KPI."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from servicekit._results import ValueResultMixin
from servicekit._stats import CONFIDENCE, confidence_label, wilson_arrays
from servicekit._validation import Interval, fail, validated
from servicekit._warnings import warn
from servicekit.errors import SmallSampleWarning

__all__ = ["Proportion", "wilson_interval"]


@dataclass(frozen=True, slots=True)
class Proportion(ValueResultMixin):
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

    A proportion converts to its value with ``float()`` and formats its value with a
    format spec; without one it prints in full. Arithmetic (``p * 100``) and
    comparisons raise ``TypeError`` on purpose: they would drop the interval and the
    count without a word, so take ``float(p)`` (a fraction) or ``p.percent``.

    >>> float(p), f"{p:.1%}", f"{p}"
    (0.9, '90.0%', '90.0% (45/50; 95% CI 78.6-95.7%)')
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
        pct = confidence_label(self.confidence)
        return (
            f"{self.percent:.1f}% ({self.successes}/{self.n}; "
            f"{pct} CI {self.ci_low * 100:.1f}-{self.ci_high * 100:.1f}%)"
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
    low, high = wilson_arrays(np.asarray([successes]), np.asarray([n]), confidence)
    return float(low[0]), float(high[0])


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
