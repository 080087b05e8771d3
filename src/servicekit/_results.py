"""Behaviour shared by servicekit's small result objects (frozen dataclasses)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

__all__ = ["ResultMixin", "ValueResultMixin"]


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


class ValueResultMixin(ResultMixin):
    """For results summarised by one number ``value``: ``float()`` and format specs.

    ``float(result)`` is ``result.value``, and a format spec formats that value
    (``f"{result:.1%}"``), while an empty spec keeps the full ``str(result)`` with
    its counts and interval. Arithmetic and comparisons are deliberately not
    supported: ``result * 100`` would return a bare number that silently drops the
    interval and the sample size (and a Proportion's value is a fraction, not a
    percent, so the factor is easy to get wrong). Take ``float(result)`` or
    ``result.value`` explicitly, as with NumPy's 0-d arrays and scipy's result
    objects.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True, slots=True)
    ... class Share(ValueResultMixin):
    ...     value: float
    ...     def __str__(self) -> str:
    ...         return f"share {self.value}"
    >>> float(Share(0.25)), f"{Share(0.25):.1%}", f"{Share(0.25)}"
    (0.25, '25.0%', 'share 0.25')
    """

    __slots__ = ()

    def __float__(self) -> float:
        return float(getattr(self, "value"))  # noqa: B009 - slots dataclass field

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        return format(float(self), spec)
