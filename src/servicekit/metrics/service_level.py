"""Contact-centre queue KPIs: service level, abandonment, speed of answer, occupancy.

Every function takes one row per offered contact: how long it waited in the queue
(``wait_seconds``) and whether an agent answered it (``answered``); a contact not
answered was abandoned after waiting ``wait_seconds``. Durations are seconds as
numbers or timedeltas.

"Within T" is inclusive everywhere: a call answered after exactly ``answer_within``
seconds meets the target, and a call abandoned after exactly ``answer_within`` seconds
is "abandoned within T".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np

from servicekit._stats import CONFIDENCE, scaled_mean
from servicekit._typing import ArrayLike, BoolArray, DurationLike, FloatArray
from servicekit._validation import (
    Array,
    Interval,
    Options,
    as_bool_array,
    as_float_array,
    fail,
    validated,
)
from servicekit._warnings import warn
from servicekit.errors import SmallSampleWarning
from servicekit.metrics.proportion import Proportion, warn_if_small

__all__ = ["abandonment_rate", "average_speed_of_answer", "occupancy", "service_level"]

_WAITS = Array(kind="duration", low=0)
_ANSWERED = Array(kind="bool", same_length_as="wait_seconds")
_SECONDS = Interval(kind="duration", low=0)
_MIN_N = Interval(kind="int", low=1)


@dataclass(frozen=True, slots=True)
class _Queue:
    """Offered contacts after dropping short abandons, as arrays of equal length."""

    wait: FloatArray
    answered: BoolArray


def _offered(wait_seconds: ArrayLike, answered: ArrayLike, short_abandon_seconds: float) -> _Queue:
    """Drop abandons shorter than ``short_abandon_seconds`` (strictly) from the offered contacts."""
    wait = as_float_array(wait_seconds)
    took = as_bool_array(answered)
    keep = took | (wait >= short_abandon_seconds)
    return _Queue(wait[keep], took[keep])


@validated(
    wait_seconds=_WAITS,
    answered=_ANSWERED,
    answer_within=_SECONDS,
    method=Options("ignore_abandoned", "abandoned_negative", "abandoned_positive"),
    short_abandon_seconds=_SECONDS,
    confidence=CONFIDENCE,
    min_n=_MIN_N,
)
def service_level(
    wait_seconds: ArrayLike,
    answered: ArrayLike,
    *,
    answer_within: DurationLike,
    method: Literal[
        "ignore_abandoned", "abandoned_negative", "abandoned_positive"
    ] = "ignore_abandoned",
    short_abandon_seconds: DurationLike = 0,
    confidence: float = 0.95,
    min_n: int = 30,
) -> Proportion:
    """Service level: the share of contacts answered within ``answer_within`` seconds.

    With ``T = answer_within``, ``offered`` the contacts left after removing short
    abandons, ``A`` the answered contacts with wait <= T and ``B`` the abandoned
    contacts with wait <= T, the three methods are

    - ``"ignore_abandoned"``: ``A / (offered - B)``
    - ``"abandoned_negative"``: ``A / offered``
    - ``"abandoned_positive"``: ``(A + B) / offered``

    ``"ignore_abandoned"`` (the default) leaves early hang-ups out of the
    denominator; ``"abandoned_negative"`` counts every abandon as a failure and is
    the strictest; ``"abandoned_positive"`` counts abandons within T as successes.
    Always ``abandoned_negative <= ignore_abandoned`` and
    ``abandoned_negative <= abandoned_positive``. They are Cisco Unified CCE's three
    "service level types" ("ignore abandoned calls", "abandoned calls have negative
    impact", "abandoned calls have positive impact"); Genesys Cloud's default formula,
    answered within T over answered plus abandoned, is ``"abandoned_negative"``.

    Abandons that waited *less than* ``short_abandon_seconds`` (strictly) are removed
    from ``offered`` in every method: they are usually misdials or callers who heard
    the greeting and hung up, not callers the queue failed. Answered contacts are never
    removed.

    Parameters
    ----------
    wait_seconds : array-like of durations
        Time each offered contact waited in the queue, until answer or abandon:
        seconds (numbers) or timedeltas; >= 0.
    answered : array-like of bool
        Whether each contact was answered by an agent (``False`` = abandoned).
    answer_within : duration
        The target ``T`` in seconds (or a timedelta), e.g. 20 for "80/20"; >= 0.
        The bound is inclusive: a wait of exactly ``T`` meets it.
    method : {"ignore_abandoned", "abandoned_negative", "abandoned_positive"}
        How abandoned contacts count (see above).
    short_abandon_seconds : duration, default 0
        Abandons with a shorter wait are dropped from ``offered``; 0 keeps all.
    confidence : float, default 0.95
        Confidence level of the Wilson interval.
    min_n : int, default 30
        Below this many contacts in the denominator a
        :class:`~servicekit.errors.SmallSampleWarning` is emitted.

    Returns
    -------
    Proportion
        ``successes`` and ``n`` are the method's numerator and denominator. When the
        denominator is 0 (every contact removed as a short abandon, or, for
        ``"ignore_abandoned"``, every contact abandoned within T) the value is ``nan``
        and a :class:`~servicekit.errors.SmallSampleWarning` is emitted.

    References
    ----------
    Cisco Unified ICM/Contact Center Enterprise reporting guides, "Service level type"
    and "Planning for short calls". Genesys Cloud resource center, "Configure the
    service level calculation". E. B. Wilson (1927), JASA 22(158), 209-212 (the
    interval).

    Examples
    --------
    >>> wait = [5, 12, 30, 8, 40, 2, 25, 18]
    >>> answered = [True, True, True, False, True, False, False, True]
    >>> for method in ("ignore_abandoned", "abandoned_negative", "abandoned_positive"):
    ...     result = service_level(wait, answered, answer_within=20, method=method, min_n=1)
    ...     print(method, result.successes, result.n, round(result.value, 3))
    ignore_abandoned 3 6 0.5
    abandoned_negative 3 8 0.375
    abandoned_positive 5 8 0.625

    Dropping abandons shorter than 3 s removes the 2-second hang-up from ``offered``:

    >>> service_level(wait, answered, answer_within=20, short_abandon_seconds=3, min_n=1).n
    6
    """
    # The constraints turned durations into float seconds.
    queue = _offered(wait_seconds, answered, cast(float, short_abandon_seconds))
    within = queue.wait <= cast(float, answer_within)
    answered_within = int(np.count_nonzero(within & queue.answered))
    abandoned_within = int(np.count_nonzero(within & ~queue.answered))
    offered = int(queue.wait.size)
    if method == "ignore_abandoned":
        successes, n = answered_within, offered - abandoned_within
    elif method == "abandoned_negative":
        successes, n = answered_within, offered
    else:
        successes, n = answered_within + abandoned_within, offered
    warn_if_small(n, min_n, f"service_level(method={method!r})")
    return Proportion.from_counts(successes, n, confidence=confidence)


@validated(
    wait_seconds=_WAITS,
    answered=_ANSWERED,
    short_abandon_seconds=_SECONDS,
    confidence=CONFIDENCE,
    min_n=_MIN_N,
)
def abandonment_rate(
    wait_seconds: ArrayLike,
    answered: ArrayLike,
    *,
    short_abandon_seconds: DurationLike = 0,
    confidence: float = 0.95,
    min_n: int = 30,
) -> Proportion:
    """Share of offered contacts abandoned before an agent answered.

    ``abandoned / offered``, both counted after removing abandons that waited less
    than ``short_abandon_seconds`` (as in :func:`service_level`).

    Parameters
    ----------
    wait_seconds : array-like of durations
        Time each offered contact waited in the queue; >= 0.
    answered : array-like of bool
        Whether each contact was answered (``False`` = abandoned).
    short_abandon_seconds : duration, default 0
        Abandons with a shorter wait are dropped from both counts.
    confidence : float, default 0.95
        Confidence level of the Wilson interval.
    min_n : int, default 30
        Below this many offered contacts a
        :class:`~servicekit.errors.SmallSampleWarning` is emitted.

    Returns
    -------
    Proportion
        ``nan`` (with a warning) when every contact was a short abandon.

    Examples
    --------
    >>> wait = [5, 12, 30, 8, 40, 2, 25, 18]
    >>> answered = [True, True, True, False, True, False, False, True]
    >>> print(abandonment_rate(wait, answered, min_n=1))
    37.5% (3/8; 95% CI 13.7-69.4%)
    >>> abandonment_rate(wait, answered, short_abandon_seconds=5, min_n=1).successes
    2
    """
    queue = _offered(wait_seconds, answered, cast(float, short_abandon_seconds))
    n = int(queue.wait.size)
    warn_if_small(n, min_n, "abandonment_rate()")
    return Proportion.from_counts(int(np.count_nonzero(~queue.answered)), n, confidence=confidence)


@validated(wait_seconds=_WAITS, answered=_ANSWERED)
def average_speed_of_answer(wait_seconds: ArrayLike, answered: ArrayLike) -> float:
    """Average speed of answer (ASA): the mean wait, in seconds, of answered contacts.

    Abandoned contacts are left out: their wait ended without an answer. Time spent
    before the queue (in an IVR) is not part of ``wait_seconds`` by convention.

    Parameters
    ----------
    wait_seconds : array-like of durations
        Time each offered contact waited in the queue; >= 0.
    answered : array-like of bool
        Whether each contact was answered.

    Returns
    -------
    float
        Mean wait in seconds. With no answered contact the mean is undefined: the
        result is ``nan`` and a :class:`~servicekit.errors.SmallSampleWarning` says so
        (a quiet day in a per-interval table is not an error).

    Examples
    --------
    >>> average_speed_of_answer([5, 12, 30, 8, 40], [True, True, True, False, True])
    21.75
    """
    took = as_bool_array(answered)
    if not took.any():
        warn(
            "average_speed_of_answer() has no answered contact; ASA is undefined (nan)",
            SmallSampleWarning,
        )
        return math.nan
    return scaled_mean(as_float_array(wait_seconds)[took])


@validated(
    handle_seconds=Array(kind="duration", low=0, scalar_ok=True),
    available_seconds=Array(
        kind="duration", low=0, scalar_ok=True, same_length_as="handle_seconds"
    ),
)
def occupancy(
    handle_seconds: DurationLike | ArrayLike, available_seconds: DurationLike | ArrayLike
) -> float:
    """Agent occupancy: the share of available (logged-in, not on break) time spent handling.

    ``occupancy = sum(handle) / sum(available)``, a fraction in [0, 1]. Pass one
    number each for a single agent or interval, or arrays (one entry per agent or
    interval) to pool them: pooling sums the times, so busier intervals weigh more,
    unlike a mean of per-interval ratios.

    Parameters
    ----------
    handle_seconds : duration or array-like of durations
        Time spent on contacts (talk, hold and after-contact work); >= 0.
    available_seconds : duration or array-like of durations
        Time available for contacts over the same periods; each entry >= its
        ``handle_seconds`` and the total > 0.

    Returns
    -------
    float

    Raises
    ------
    InvalidInputError
        If handling exceeds available time anywhere (naming ``handle_seconds`` and the
        position), or no time was available at all.

    Examples
    --------
    >>> occupancy(6 * 3600, 8 * 3600)
    0.75
    >>> occupancy([1800, 3000], [3600, 3600])
    0.6666666666666666
    """
    handle = as_float_array(handle_seconds)
    available = as_float_array(available_seconds)
    over = handle > available
    if over.any():
        at = int(np.argmax(over))
        fail(
            "occupancy",
            "handle_seconds",
            f"must be <= 'available_seconds' ({available[at]:g} s) at each position",
            handle[at],
            position=at,
        )
    largest = float(available.max())
    if largest == 0:
        fail("occupancy", "available_seconds", "must add up to more than 0 seconds", 0.0)
    with np.errstate(over="ignore"):
        total = float(available.sum())
    if math.isfinite(total):
        return float(handle.sum()) / total
    # Sums of times near float64's limit overflow: scale both by the largest entry.
    return float((handle / largest).sum()) / float((available / largest).sum())
