"""Shared type aliases, imported everywhere so signatures stay short and consistent."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import TypeAlias, Union

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
DatetimeArray: TypeAlias = npt.NDArray[np.datetime64]

#: Anything array-like servicekit accepts as numbers: lists, tuples, NumPy arrays, pandas Series.
ArrayLike: TypeAlias = npt.ArrayLike
#: A two-dimensional table: a DataFrame or anything NumPy turns into a 2-d array.
MatrixLike: TypeAlias = npt.ArrayLike | pd.DataFrame
FrameLike: TypeAlias = pd.DataFrame
#: Instants: datetime64 arrays, pandas Series/Index of Timestamps, ISO-8601 strings.
TimesLike: TypeAlias = Union[
    npt.ArrayLike, "pd.Series[pd.Timestamp]", pd.DatetimeIndex, Sequence[str]
]
#: A duration: seconds as a number, a ``numpy.timedelta64``, a ``datetime.timedelta`` or ``pandas.Timedelta``.
DurationLike: TypeAlias = float | int | np.timedelta64 | _dt.timedelta | pd.Timedelta
TextsLike: TypeAlias = Union[Sequence[str], "pd.Series[str]", npt.NDArray[np.str_]]

__all__ = [
    "ArrayLike",
    "BoolArray",
    "DatetimeArray",
    "DurationLike",
    "FloatArray",
    "FrameLike",
    "IntArray",
    "MatrixLike",
    "TextsLike",
    "TimesLike",
]
