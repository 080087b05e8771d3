"""Private helpers for instants: order checks and vectorised parsing of table columns."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from servicekit._typing import DatetimeArray
from servicekit._validation import described, fail, refuse_times_of_day

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


def column_instants(
    frame: pd.DataFrame, column: Hashable, function: str, argument: str, *, allow_nat: bool
) -> DatetimeArray:
    """A table column as ``datetime64[ns]`` (aware values in UTC), parsed without a Python loop.

    Datetime columns are taken as they are; text columns are parsed by
    :func:`pandas.to_datetime` with the format inferred from the first value, and
    values in another format are parsed one by one. Anything still unparseable, or
    numbers (whose unit would be a guess), fails naming the column and the row
    position; so does NaT unless ``allow_nat``.
    """
    values = frame[column]
    what = f"must hold instants in column {column!r} (datetimes or date strings)"
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    elif values.dtype.kind != "M":
        # An all-empty column reads from CSV as float NaN: that is "no instants", not numbers.
        if values.dtype.kind in "iufbc" and not values.isna().all():
            fail(function, argument, what, described(f"numbers of dtype {values.dtype}"))
        refuse_times_of_day(values.to_numpy(dtype=object), function, argument)
        present = values.notna().to_numpy()
        try:
            parsed = pd.to_datetime(values, errors="coerce", utc=True)
        except (TypeError, ValueError):  # pragma: no cover - pandas raises only for odd objects
            parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
        failed = present & parsed.isna().to_numpy()
        if failed.any():  # another format than the first value's: parse those one by one
            again = pd.to_datetime(values[failed], errors="coerce", utc=True, format="mixed")
            parsed = parsed.copy()
            parsed[failed] = again
            failed = present & parsed.isna().to_numpy()
        if failed.any():
            at = int(np.argmax(failed))
            fail(function, argument, what, described(f"{values.iloc[at]!r} at position {at}"))
        values = parsed.dt.tz_localize(None)
    out: DatetimeArray = values.to_numpy(dtype="datetime64[ns]")
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
