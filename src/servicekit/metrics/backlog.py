"""Backlog: how many tickets are open at given instants."""

from __future__ import annotations

import numpy as np

from servicekit._typing import DatetimeArray, IntArray, TimesLike
from servicekit._validation import Times, validated
from servicekit.metrics._instants import as_instants, check_order

__all__ = ["backlog"]


def _open_at(created: DatetimeArray, resolved: DatetimeArray, at: DatetimeArray) -> IntArray:
    """Counts for validated input: created <= t and (resolved is NaT or resolved > t)."""
    opened = np.sort(created)
    closed = np.sort(resolved[~np.isnat(resolved)])
    # Every closed ticket was opened no later than it closed, so the open ones at t are
    # those opened by t minus those closed by t: two binary searches per instant.
    counts = np.searchsorted(opened, at, side="right") - np.searchsorted(closed, at, side="right")
    out: IntArray = counts.astype(np.int64)
    return out


@validated(
    created=Times(),
    resolved=Times(allow_nat=True, same_length_as="created"),
    at=Times(),
)
def backlog(created: TimesLike, resolved: TimesLike, at: TimesLike) -> IntArray:
    """Number of tickets open at each instant of ``at``.

    A ticket is open at ``t`` when ``created <= t`` and it is unresolved
    (``resolved`` is NaT) or ``resolved > t``: a ticket resolved exactly at ``t``
    no longer counts. Sorting and binary search make this O((n + m) log n) for ``n``
    tickets and ``m`` instants, with no n × m comparison table.

    Parameters
    ----------
    created : array-like of instants
        Creation instants (datetime64, Timestamps or ISO-8601 strings); no NaT.
    resolved : array-like of instants
        Resolution instants, same length; NaT (None) for tickets still open.
    at : array-like of instants
        The instants to count at, in any order; no NaT.

    Returns
    -------
    numpy.ndarray of int64
        Open tickets at each instant of ``at``, in the order given.

    Raises
    ------
    InvalidInputError
        If a ticket is resolved before it was created (naming the position), or on
        the usual bad input.

    Examples
    --------
    >>> backlog(["2024-01-01 09:00", "2024-01-01 10:00", "2024-01-02 09:00"],
    ...         ["2024-01-01 12:00", None, "2024-01-02 09:30"],
    ...         ["2024-01-01 08:00", "2024-01-01 11:00", "2024-01-01 12:00", "2024-01-03"])
    array([0, 2, 1, 1])
    """
    opened, closed = as_instants(created), as_instants(resolved)
    check_order(opened, closed, "backlog", "resolved", "created")
    return _open_at(opened, closed, as_instants(at))
