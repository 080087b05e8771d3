"""Ticket rates: resolution, first-contact resolution, reopens, escalations, SLA breaches.

Each rate is a :class:`~servicekit.metrics.Proportion` (a fraction with a Wilson score
interval) computed from one flag per ticket, so the counts behind the percentage
always travel with it.
"""

from __future__ import annotations

import numpy as np

from servicekit._stats import CONFIDENCE
from servicekit._typing import ArrayLike
from servicekit._validation import Array, Interval, as_bool_array, as_float_array, fail, validated
from servicekit.metrics.proportion import Proportion, warn_if_small

__all__ = [
    "escalation_rate",
    "first_contact_resolution",
    "reopen_rate",
    "resolution_rate",
    "sla_breach_rate",
]

_FLAGS = Array(kind="bool")
_MIN_N = Interval(kind="int", low=1)


def _share(function: str, hits: int, n: int, *, confidence: float, min_n: int) -> Proportion:
    """The shared tail of every rate: warn on a small ``n``, then count with Wilson."""
    warn_if_small(n, min_n, f"{function}()")
    return Proportion.from_counts(hits, n, confidence=confidence)


@validated(resolved=_FLAGS, confidence=CONFIDENCE, min_n=_MIN_N)
def resolution_rate(
    resolved: ArrayLike, *, confidence: float = 0.95, min_n: int = 30
) -> Proportion:
    """Share of tickets resolved: ``#resolved / #tickets``.

    Parameters
    ----------
    resolved : array-like of bool
        One flag per ticket (``True``/``1`` = resolved).
    confidence : float, default 0.95
        Confidence level of the Wilson interval.
    min_n : int, default 30
        Below this many tickets a :class:`~servicekit.errors.SmallSampleWarning` is
        emitted; the numbers are still returned.

    Returns
    -------
    Proportion

    References
    ----------
    E. B. Wilson (1927), JASA 22(158), 209-212 (the interval).

    Examples
    --------
    >>> print(resolution_rate([True, True, False, True, True], min_n=1))
    80.0% (4/5; 95% CI 37.6-96.4%)
    """
    flags = as_bool_array(resolved)
    return _share(
        "resolution_rate",
        int(np.count_nonzero(flags)),
        int(flags.size),
        confidence=confidence,
        min_n=min_n,
    )


@validated(
    contacts_per_issue=Array(kind="int", low=1),
    resolved=Array(kind="bool", optional=True, same_length_as="contacts_per_issue"),
    confidence=CONFIDENCE,
    min_n=_MIN_N,
)
def first_contact_resolution(
    contacts_per_issue: ArrayLike,
    resolved: ArrayLike | None = None,
    *,
    confidence: float = 0.95,
    min_n: int = 30,
) -> Proportion:
    """First-contact resolution (FCR): share of issues resolved with exactly one contact.

    ``FCR = #{issues resolved with contacts == 1} / #issues``. The denominator is
    every issue passed: to measure FCR among resolved issues only (another common
    variant), pass only those.

    Parameters
    ----------
    contacts_per_issue : array-like of int
        Number of customer contacts (calls, chats, e-mails) each issue took; >= 1.
    resolved : array-like of bool, optional
        Whether each issue is resolved. By default every issue is taken as resolved,
        so an issue counts when it took one contact. An unresolved issue never counts,
        however few contacts it had.
    confidence : float, default 0.95
        Confidence level of the Wilson interval.
    min_n : int, default 30
        Below this many issues a :class:`~servicekit.errors.SmallSampleWarning` is
        emitted; the numbers are still returned.

    Returns
    -------
    Proportion

    Examples
    --------
    >>> first_contact_resolution([1, 1, 2, 1, 3], min_n=1).value
    0.6
    >>> first_contact_resolution([1, 1, 2, 1, 3], [True, False, True, True, True], min_n=1).value
    0.4
    """
    one_contact = as_float_array(contacts_per_issue) == 1
    if resolved is not None:
        one_contact &= as_bool_array(resolved)
    return _share(
        "first_contact_resolution",
        int(np.count_nonzero(one_contact)),
        int(one_contact.size),
        confidence=confidence,
        min_n=min_n,
    )


@validated(
    reopened=_FLAGS,
    resolved=Array(kind="bool", same_length_as="reopened"),
    confidence=CONFIDENCE,
    min_n=_MIN_N,
)
def reopen_rate(
    reopened: ArrayLike, resolved: ArrayLike, *, confidence: float = 0.95, min_n: int = 30
) -> Proportion:
    """Share of resolved tickets that were reopened: ``#(reopened) / #(resolved)``.

    Only resolved tickets can be reopened, so the denominator is the resolved
    tickets and a ticket flagged reopened but not resolved is an error (it usually
    means the two flags come from different snapshots of the data). A ticket reopened
    and resolved again is resolved and reopened.

    With no resolved tickets the rate is undefined: ``value`` is ``nan`` with ``n`` 0,
    and a :class:`~servicekit.errors.SmallSampleWarning` says so.

    Parameters
    ----------
    reopened : array-like of bool
        Whether each ticket was reopened after a resolution.
    resolved : array-like of bool
        Whether each ticket was resolved (at least once).
    confidence : float, default 0.95
        Confidence level of the Wilson interval.
    min_n : int, default 30
        Below this many resolved tickets a
        :class:`~servicekit.errors.SmallSampleWarning` is emitted.

    Returns
    -------
    Proportion

    Raises
    ------
    InvalidInputError
        If a ticket is reopened but not resolved (the message gives its position).

    Examples
    --------
    >>> reopen_rate([False, True, False, False], [True, True, True, False], min_n=1).successes
    1
    >>> reopen_rate([True], [False], min_n=1)
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: reopen_rate(): 'reopened' must be False where 'resolved' is False (only resolved tickets can be reopened); got True at position 0
    """
    was_reopened = as_bool_array(reopened)
    was_resolved = as_bool_array(resolved)
    orphan = was_reopened & ~was_resolved
    if orphan.any():
        fail(
            "reopen_rate",
            "reopened",
            "must be False where 'resolved' is False (only resolved tickets can be reopened)",
            True,
            position=int(np.argmax(orphan)),
        )
    return _share(
        "reopen_rate",
        int(np.count_nonzero(was_reopened)),
        int(np.count_nonzero(was_resolved)),
        confidence=confidence,
        min_n=min_n,
    )


@validated(escalated=_FLAGS, confidence=CONFIDENCE, min_n=_MIN_N)
def escalation_rate(
    escalated: ArrayLike, *, confidence: float = 0.95, min_n: int = 30
) -> Proportion:
    """Share of tickets escalated to a higher support tier: ``#escalated / #tickets``.

    Parameters
    ----------
    escalated : array-like of bool
        One flag per ticket.
    confidence : float, default 0.95
        Confidence level of the Wilson interval.
    min_n : int, default 30
        Below this many tickets a :class:`~servicekit.errors.SmallSampleWarning` is
        emitted; the numbers are still returned.

    Returns
    -------
    Proportion

    Examples
    --------
    >>> escalation_rate([0, 0, 1, 0] * 10).percent
    25.0
    """
    flags = as_bool_array(escalated)
    return _share(
        "escalation_rate",
        int(np.count_nonzero(flags)),
        int(flags.size),
        confidence=confidence,
        min_n=min_n,
    )


@validated(breached=_FLAGS, confidence=CONFIDENCE, min_n=_MIN_N)
def sla_breach_rate(
    breached: ArrayLike, *, confidence: float = 0.95, min_n: int = 30
) -> Proportion:
    """Share of tickets that breached their service-level agreement: ``#breached / #tickets``.

    Parameters
    ----------
    breached : array-like of bool
        One flag per ticket (for instance ``response_seconds > target_seconds``).
    confidence : float, default 0.95
        Confidence level of the Wilson interval.
    min_n : int, default 30
        Below this many tickets a :class:`~servicekit.errors.SmallSampleWarning` is
        emitted; the numbers are still returned.

    Returns
    -------
    Proportion

    Examples
    --------
    >>> import numpy as np
    >>> response_seconds = np.array([30, 400, 90, 1200, 60] * 8)
    >>> print(sla_breach_rate(response_seconds > 300))
    40.0% (16/40; 95% CI 26.3-55.4%)
    """
    flags = as_bool_array(breached)
    return _share(
        "sla_breach_rate",
        int(np.count_nonzero(flags)),
        int(flags.size),
        confidence=confidence,
        min_n=min_n,
    )
