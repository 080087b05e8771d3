"""Behaviour shared by servicekit's small result objects (frozen dataclasses)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

__all__ = ["ResultMixin"]


class ResultMixin:
    """``to_dict()`` and a one-row ``to_frame()`` for frozen result dataclasses.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True, slots=True)
    ... class Pair(ResultMixin):
    ...     low: float
    ...     high: float
    >>> Pair(1.0, 2.0).to_dict()
    {'low': 1.0, 'high': 2.0}
    >>> Pair(1.0, 2.0).to_frame()
       low  high
    0  1.0   2.0
    """

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """Fields (and public properties listed in ``_extra_fields``) as a plain dict."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # type: ignore[arg-type]
        for name in getattr(self, "_extra_fields", ()):
            out[name] = getattr(self, name)
        return out

    def to_frame(self) -> pd.DataFrame:
        """The result as a one-row DataFrame, handy for concatenating results."""
        frame: pd.DataFrame = pd.DataFrame([self.to_dict()])
        return frame
