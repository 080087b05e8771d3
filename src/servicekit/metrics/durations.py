"""Summaries of durations: response, resolution and handle times in seconds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np

from servicekit._results import ResultMixin
from servicekit._stats import scaled_mean
from servicekit._typing import ArrayLike, FloatArray
from servicekit._validation import (
    Array,
    Interval,
    Options,
    as_float_array,
    described,
    fail,
    validated,
)
from servicekit.metrics.proportion import warn_if_small

__all__ = ["DurationSummary", "average_handle_time", "duration_summary"]

#: The percentile definition used throughout: NumPy's default "linear" method,
#: Hyndman & Fan (1996) type 7, the same as pandas' ``quantile`` and R's default.
PERCENTILE_METHOD: Final = "linear"


def format_seconds(seconds: float) -> str:
    """Render seconds for people: ``"45.0s"``, ``"3m 20s"``, ``"2h 05m"``, ``"3d 04h"``.

    Examples
    --------
    >>> format_seconds(45), format_seconds(200), format_seconds(7500), format_seconds(273600)
    ('45.0s', '3m 20s', '2h 05m', '3d 04h')
    """
    if math.isnan(seconds):
        return "nan"
    if seconds >= 1e12:  # beyond 30,000 years, days in digits would fill a line
        return f"{seconds:.3g}s"
    whole = round(seconds)
    if seconds < 60:
        return f"{seconds:.1f}s"
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    if whole < 86400:
        return f"{whole // 3600}h {whole % 3600 // 60:02d}m"
    return f"{whole // 86400}d {whole % 86400 // 3600:02d}h"


@dataclass(frozen=True, slots=True)
class DurationSummary(ResultMixin):
    """Location and spread of a set of durations, all in seconds.

    Percentiles use NumPy's default linear interpolation (Hyndman & Fan 1996, type 7;
    also pandas' and R's default). Service times are right-skewed: a few very long
    tickets pull the mean far above the typical case, so read the ``median`` and
    ``p90`` next to the ``mean``.

    Attributes
    ----------
    n : int
        Number of durations summarised.
    mean, median, p90, p95, min, max : float
        In seconds.
    n_missing : int
        Missing durations dropped before summarising (``missing="omit"``).

    Examples
    --------
    >>> s = duration_summary([30, 45, 60, 90, 600], min_n=1)
    >>> s.median, round(s.p90, 6)
    (60.0, 396.0)
    >>> print(s)
    n=5: mean 2m 45s, median 1m 00s, p90 6m 36s, p95 8m 18s, min 30.0s, max 10m 00s
    """

    n: int
    mean: float
    median: float
    p90: float
    p95: float
    min: float
    max: float
    n_missing: int = 0

    def __str__(self) -> str:
        parts = ", ".join(
            f"{name} {format_seconds(getattr(self, name))}"
            for name in ("mean", "median", "p90", "p95", "min", "max")
        )
        missing = f" ({self.n_missing} missing dropped)" if self.n_missing else ""
        return f"n={self.n}: {parts}{missing}"


def _summarise(seconds: FloatArray, n_missing: int, min_n: int, what: str) -> DurationSummary:
    # warn_if_small -> _summarise -> the public function -> its validating wrapper -> caller
    warn_if_small(int(seconds.size), min_n, what)
    p50, p90, p95 = np.percentile(seconds, [50, 90, 95], method=PERCENTILE_METHOD)
    return DurationSummary(
        n=int(seconds.size),
        mean=scaled_mean(seconds),
        median=float(p50),
        p90=float(p90),
        p95=float(p95),
        min=float(seconds.min()),
        max=float(seconds.max()),
        n_missing=n_missing,
    )


@validated(
    durations=Array(kind="duration", low=0, allow_nan=True),
    missing=Options("raise", "omit"),
    min_n=Interval(kind="int", low=1),
)
def duration_summary(
    durations: ArrayLike,
    *,
    missing: Literal["raise", "omit"] = "raise",
    min_n: int = 30,
) -> DurationSummary:
    """Summarise durations: n, mean, median, p90, p95, min and max in seconds.

    Parameters
    ----------
    durations : array-like
        Seconds as numbers, or timedeltas (``numpy.timedelta64``, ``datetime.timedelta``,
        pandas ``Timedelta``). Negative durations are an error naming their position.
    missing : {"raise", "omit"}, default "raise"
        Missing durations (NaN, None, NaT, e.g. tickets never answered) are an error
        unless ``"omit"``, which drops them and reports how many in ``n_missing``.
    min_n : int, default 30
        Below this many durations a :class:`~servicekit.errors.SmallSampleWarning` is
        emitted (a p95 of a handful of values is close to their maximum); the numbers
        are still returned.

    Returns
    -------
    DurationSummary

    Notes
    -----
    Percentiles use linear interpolation between order statistics (NumPy's default,
    Hyndman & Fan type 7): the p-th percentile of sorted ``x[0..n-1]`` sits at rank
    ``(n - 1) * p / 100``. Response and handle times are right-skewed, so the mean is
    dominated by the slowest tickets: report the median (the typical customer's wait)
    and the p90 (the promise you can keep to nine customers in ten) next to it.

    References
    ----------
    R. J. Hyndman and Y. Fan (1996), "Sample quantiles in statistical packages",
    The American Statistician 50(4), 361-365.

    Examples
    --------
    >>> import pandas as pd
    >>> s = duration_summary(pd.to_timedelta(["1min", "2min", "90s", "1h"]), min_n=1)
    >>> s.n, s.median, s.max
    (4, 105.0, 3600.0)
    >>> duration_summary([60, -5, 30])
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: duration_summary(): 'durations' must be >= 0; got -5.0 at position 1
    >>> duration_summary([60, None, 30], missing="omit", min_n=1).n_missing
    1
    """
    seconds = as_float_array(durations)
    nan = np.isnan(seconds)
    if nan.any() and missing == "raise":
        fail(
            "duration_summary",
            "durations",
            "must not hold missing durations (pass missing='omit' to drop them)",
            np.nan,
            position=int(np.argmax(nan)),
        )
    kept = seconds[~nan]
    if kept.size == 0:
        fail(
            "duration_summary",
            "durations",
            "must hold at least one duration",
            described("only missing values"),
        )
    return _summarise(kept, int(nan.sum()), min_n, "duration_summary()")


@validated(
    talk=Array(kind="duration", low=0),
    hold=Array(kind="duration", low=0, scalar_ok=True, same_length_as="talk"),
    after_call_work=Array(kind="duration", low=0, scalar_ok=True, same_length_as="talk"),
    min_n=Interval(kind="int", low=1),
)
def average_handle_time(
    talk: ArrayLike,
    hold: ArrayLike | float = 0,
    after_call_work: ArrayLike | float = 0,
    *,
    min_n: int = 30,
) -> DurationSummary:
    """Handle time per contact, talk + hold + after-call work, summarised in seconds.

    The average handle time (AHT) is the summary's ``mean``; the median and p90 come
    with it because handle times are right-skewed.

    Parameters
    ----------
    talk : array-like
        Talk time of each contact (seconds or timedeltas), non-negative.
    hold, after_call_work : array-like or scalar, default 0
        Hold and after-call (wrap-up) time per contact; a scalar applies to every
        contact, an array must match ``talk`` in length.
    min_n : int, default 30
        Below this many contacts a :class:`~servicekit.errors.SmallSampleWarning` is
        emitted.

    Returns
    -------
    DurationSummary
        Of ``talk + hold + after_call_work`` per contact.

    Examples
    --------
    >>> aht = average_handle_time([240, 300, 420], hold=[0, 60, 30], after_call_work=45, min_n=1)
    >>> aht.mean, aht.median
    (395.0, 405.0)
    >>> average_handle_time([240, 300], hold=[0, 60, 30])
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: average_handle_time(): 'hold' must have the same length as 'talk' (2); got length 3
    """
    with np.errstate(over="ignore"):
        total = as_float_array(talk) + as_float_array(hold) + as_float_array(after_call_work)
    if np.isinf(total).any():
        fail(
            "average_handle_time",
            "talk",
            "plus 'hold' and 'after_call_work' must stay within float64 range (about 1e308 s)",
            np.inf,
            position=int(np.argmax(np.isinf(total))),
        )
    return _summarise(total, 0, min_n, "average_handle_time()")
