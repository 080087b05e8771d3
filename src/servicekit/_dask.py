"""Dask collections in the core: recognising them without importing Dask, and dispatch.

servicekit runs on Dask collections when the optional ``dask`` extra is installed
(``pip install 'servicekit[dask]'``). Nothing here imports Dask unless a Dask collection
can exist: a collection can only have been made by a program that imported ``dask``, so
:func:`is_dask_collection` looks in ``sys.modules`` first and ``import servicekit`` and
every area stay importable, and as fast, without the extra.

A public function that accepts Dask collections is wrapped by :func:`dask_aware`: when
any argument is a Dask collection the call goes to the area's Dask implementation,
otherwise to the in-memory function, unchanged.
"""

from __future__ import annotations

import functools
import sys
import types
from collections.abc import Callable
from typing import Any, TypeVar, cast

from servicekit._validation import fail
from servicekit.errors import OptionalDependencyError

EXTRA = "pip install 'servicekit[dask]'"

F = TypeVar("F", bound=Callable[..., Any])


def is_dask_collection(value: Any) -> bool:
    """True when ``value`` is a Dask collection (array, DataFrame, Series, bag, delayed).

    Never imports Dask: without ``dask`` in ``sys.modules`` no collection can exist.
    """
    if "dask" not in sys.modules:
        return False
    from dask.base import is_dask_collection as is_collection

    return bool(is_collection(value))


def any_dask(*values: Any) -> bool:
    """True when any of ``values`` is a Dask collection."""
    if "dask" not in sys.modules:
        return False
    return any(is_dask_collection(value) for value in values)


def require_dask(what: str) -> types.ModuleType:
    """Import and return ``dask``, or raise OptionalDependencyError (an ImportError) naming the extra.

    Parameters
    ----------
    what : str
        What needs Dask, for the message (``"servicekit.dask"``).
    """
    try:
        import dask
        import dask.array
        import dask.dataframe
    except ImportError as exc:  # pragma: no cover - exercised with dask hidden
        raise OptionalDependencyError(
            f"{what} needs the optional 'dask' extra (dask[dataframe] and distributed): {EXTRA}"
        ) from exc
    return dask


def dask_aware(implementation: Callable[..., Any]) -> Callable[[F], F]:
    """Send calls with a Dask collection among their arguments to ``implementation``.

    The wrapped function keeps its signature and docstring (``functools.wraps``); calls
    without Dask collections go to it unchanged. ``implementation`` receives the same
    arguments and validates what it can without computing (dtypes, columns, shapes);
    values are validated on the workers, partition by partition, by the in-memory
    function, so their errors surface when the result is computed.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if "dask" in sys.modules and (
                any(is_dask_collection(value) for value in args)
                or any(is_dask_collection(value) for value in kwargs.values())
            ):
                return implementation(*args, **kwargs)
            return func(*args, **kwargs)

        wrapper.__servicekit_dask__ = implementation  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorate


def check_partitioned_by(frame: Any, column: str, function: str, argument: str) -> None:
    """Raise unless every value of ``frame[column]`` lives in a single partition.

    One pass over the column (only the column is read); the check computes, per
    partition, the distinct keys, and fails naming a key found in two partitions.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        The collection to check.
    column : str
        The key column (a ticket or customer id).
    function, argument : str
        Public function and argument named in the error.
    """
    require_dask(function)
    import pandas as pd

    if column not in frame.columns:
        fail(function, argument, f"has no column {column!r}", list(frame.columns))
    keys = frame[column].map_partitions(
        lambda part: pd.Series(part.dropna().unique()), meta=(column, frame[column].dtype)
    )
    per_partition = keys.compute()
    duplicated = per_partition[per_partition.duplicated()]
    if len(duplicated):
        fail(
            function,
            argument,
            f"must be partitioned by {column!r} (each {column} in one partition: use "
            f"servicekit.dask.partition_by(frame, {column!r})); {column} "
            f"{duplicated.iloc[0]!r} is in several partitions",
        )
