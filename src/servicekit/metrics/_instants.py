"""Private helpers for instants: order checks and vectorised parsing of table columns."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from servicekit._typing import DatetimeArray
from servicekit._validation import (
    RANGE_TEXT,
    checked_instants,
    described,
    fail,
    instants_from_series,
    refuse_times_of_day,
)

__all__ = ["as_instants", "check_order", "column_instants"]


def as_instants(x: Any) -> DatetimeArray:
    """View already-validated instants (from :class:`~servicekit._validation.Times`) as datetime64[ns]."""
    return np.asarray(x, dtype="datetime64[ns]")


def check_order(
    start: DatetimeArray, end: DatetimeArray, function: str, argument: str, start_name: str
) -> None:
    """Fail naming the first position where ``end`` is earlier than ``start`` (NaT passes)."""
    early = end < start  # NaT compares False
    if early.any():
        at = int(np.argmax(early))
        fail(
            function,
            argument,
            f"must not be earlier than '{start_name}'",
            described(f"{pd.Timestamp(end[at])} < {pd.Timestamp(start[at])} at position {at}"),
        )


def _column_as_ns(
    values: pd.Series, column: Hashable, function: str, argument: str, what: str
) -> DatetimeArray:
    """Parse a column with one date format (see ``instants_from_series``), range-checked."""

    def blame(problem: str, value: object, position: int) -> NoReturn:
        fail(
            function,
            argument,
            problem if problem == what else f"{problem} (column {column!r})",
            described(f"{value!r} at position {position}"),
        )

    if values.dtype.kind == "M" or isinstance(values.dtype, pd.DatetimeTZDtype):
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        native = values.to_numpy()
        return checked_instants(native, lambda at: blame(RANGE_TEXT, str(native[at]), at))
    refuse_times_of_day(values.to_numpy(dtype=object), function, argument)
    return instants_from_series(values, blame, what)


def column_instants(
    frame: pd.DataFrame, column: Hashable, function: str, argument: str, *, allow_nat: bool
) -> DatetimeArray:
    """A table column as ``datetime64[ns]`` (aware values in UTC), parsed without a Python loop.

    Datetime columns are taken as they are; text columns are parsed by
    :func:`pandas.to_datetime` as ISO 8601 or else with the one format inferred from
    the first value. A value in another format, an instant outside 1677-09-22 ..
    2262-04-10, anything unparseable, or numbers (whose unit would be a guess),
    fails naming the column and the row position; so does NaT unless ``allow_nat``.
    """
    values = frame[column]
    what = f"must hold instants in column {column!r} (datetimes or date strings)"
    if values.dtype.kind in "iufbc" and not values.isna().all():
        # An all-empty column reads from CSV as float NaN: that is "no instants", not numbers.
        fail(function, argument, what, described(f"numbers of dtype {values.dtype}"))
    out = _column_as_ns(values, column, function, argument, what)
    if not allow_nat:
        nat = np.isnat(out)
        if nat.any():
            fail(
                function,
                argument,
                f"must not have missing instants in column {column!r}",
                described(f"NaT at position {int(np.argmax(nat))}"),
            )
    return out
