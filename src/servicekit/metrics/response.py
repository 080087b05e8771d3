"""Response times: from a ticket's creation to its first response, in seconds."""

from __future__ import annotations

import numpy as np

from servicekit._typing import DatetimeArray, FloatArray, TimesLike
from servicekit._validation import InstanceOf, Times, validated
from servicekit.metrics._instants import as_instants, check_order
from servicekit.metrics.calendar import BusinessCalendar, _business_seconds

__all__ = ["response_times"]


def _elapsed_seconds(
    start: DatetimeArray, end: DatetimeArray, calendar: BusinessCalendar | None
) -> FloatArray:
    """Seconds from ``start`` to ``end`` (wall clock, or business hours); NaT gives NaN."""
    if calendar is not None:
        return _business_seconds(start, end, calendar)
    delta = (end - start).astype("timedelta64[ns]")
    seconds: FloatArray = delta.astype(np.int64).astype(np.float64) / 1e9
    seconds[np.isnat(delta)] = np.nan
    return seconds


@validated(
    created=Times(wall_clock_with="calendar"),
    responded=Times(allow_nat=True, same_length_as="created", wall_clock_with="calendar"),
    calendar=InstanceOf(BusinessCalendar, optional=True),
)
def response_times(
    created: TimesLike, responded: TimesLike, *, calendar: BusinessCalendar | None = None
) -> FloatArray:
    """Seconds from each ticket's creation to its first response.

    Parameters
    ----------
    created : array-like of instants
        Creation instants: datetime64 arrays, pandas Series of Timestamps or ISO-8601
        strings. Missing values are an error.
    responded : array-like of instants
        First-response instants, same length. NaT (or None) means "not answered
        (yet)" and gives NaN: drop those with ``duration_summary(...,
        missing="omit")`` or count them as a backlog, never as zero.
    calendar : BusinessCalendar, optional
        Count only time inside opening hours (:func:`business_seconds`); by default
        elapsed wall-clock time.

    Returns
    -------
    numpy.ndarray of float
        Seconds per ticket, NaN where ``responded`` is missing.

    Raises
    ------
    InvalidInputError
        If a response is earlier than its creation (naming the position), or on the
        usual bad input.

    Examples
    --------
    >>> response_times(["2024-03-01 09:00", "2024-03-01 16:30", "2024-03-01 10:00"],
    ...                ["2024-03-01 09:20", "2024-03-04 09:30", None])
    array([  1200., 234000.,     nan])
    >>> response_times(["2024-03-01 16:30"], ["2024-03-04 09:30"], calendar=BusinessCalendar())
    array([3600.])
    >>> response_times(["2024-03-01 09:00"], ["2024-03-01 08:00"])
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: response_times(): 'responded' must not be earlier than 'created'; got 2024-03-01 08:00:00 < 2024-03-01 09:00:00 at position 0
    """
    start, end = as_instants(created), as_instants(responded)
    check_order(start, end, "response_times", "responded", "created")
    return _elapsed_seconds(start, end, calendar)
