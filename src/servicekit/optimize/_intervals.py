"""Per-interval inputs of the queueing functions: scalars or 1-d arrays that broadcast.

Every queueing function takes one value per interval for each input (rates, handle
times, agent counts, targets), and any of them may be a single number applying to
every interval. :class:`PerInterval` checks each argument as servicekit's ``Array``
does, keeps scalars 0-d, and :func:`broadcast` lines them up, naming the argument
whose length does not fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from servicekit._typing import FloatArray
from servicekit._validation import Array, _Context, described, fail
from servicekit.errors import InvalidInputError

__all__ = ["PerInterval", "broadcast"]


@dataclass(frozen=True)
class PerInterval(Array):
    """A number, or a 1-d array of numbers (one per interval); scalars stay 0-d."""

    scalar_ok: bool = True

    def describe(self) -> str:
        return super().describe().replace("a 1-d array", "a number or a 1-d array")

    def coerce(self, value: Any, ctx: _Context) -> Any:
        if np.ndim(value) != 0:
            return super().coerce(value, ctx)
        try:
            out = super().coerce(value, ctx)
        except InvalidInputError as exc:  # a scalar has no "position 0"
            reason = (exc.reason or str(exc)).removesuffix(" at position 0")
            raise InvalidInputError(reason, function=exc.function, argument=exc.argument) from None
        return out.reshape(())


def broadcast(function: str, **arrays: FloatArray | None) -> tuple[int, ...]:
    """Common shape of the given per-interval arrays (``()`` when all are scalars).

    ``None`` entries (targets not given) are skipped. A length that fits no other
    raises :class:`~servicekit.errors.InvalidInputError` naming that argument.
    """
    shape: tuple[int, ...] = ()
    first: str | None = None
    for name, value in arrays.items():
        if value is None or np.ndim(value) == 0:
            continue
        length = int(np.shape(value)[0])
        if first is None:
            shape, first = (length,), name
        elif length != shape[0]:
            fail(
                function,
                name,
                f"must be a number or have the same length as '{first}' ({shape[0]})",
                described(f"length {length}"),
            )
    return shape
