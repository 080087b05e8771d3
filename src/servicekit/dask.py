"""servicekit on Dask clusters: helpers for the optional ``dask`` extra.

servicekit's functions take Dask collections directly (``kpi_report`` on a Dask
DataFrame, ``fit_logistic`` on Dask arrays, ...) and give the same results as in
memory; see the "Scaling out" page of the documentation. This module holds the few
helpers that only make sense with Dask, such as laying out an event log so that each
ticket's events share a partition. Importing it without the extra raises an
``servicekit.errors.OptionalDependencyError`` (an ``ImportError``) naming the extra: ``pip install 'servicekit[dask]'``.

Examples
--------
>>> import pandas as pd
>>> import dask.dataframe as dd
>>> from servicekit.dask import is_dask_collection
>>> frame = dd.from_pandas(pd.DataFrame({"ticket": [1, 2, 1]}), npartitions=2)
>>> is_dask_collection(frame), is_dask_collection(frame.compute())
(True, False)
"""

from __future__ import annotations

from typing import Any

from servicekit._dask import EXTRA, is_dask_collection
from servicekit._dask import check_partitioned_by as _check_partitioned_by
from servicekit._validation import fail
from servicekit.errors import OptionalDependencyError

try:
    import dask.dataframe as dd
    import distributed  # noqa: F401  (part of the extra: clusters and clients)
except ImportError as exc:  # pragma: no cover - exercised with dask hidden
    raise OptionalDependencyError(
        f"servicekit.dask needs the optional 'dask' extra (dask[dataframe] and "
        f"distributed): {EXTRA}"
    ) from exc

__all__ = ["check_partitioned_by", "is_dask_collection", "partition_by"]


def partition_by(frame: Any, column: str, *, npartitions: int | None = None) -> Any:
    """Shuffle a Dask DataFrame so that all rows with the same ``column`` share a partition.

    Functions that need every row of a key together (``tickets_from_events`` needs all
    events of a ticket) require this layout. The shuffle moves the whole frame across
    the cluster once; a log already written partitioned by ticket id does not need it.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        The rows to lay out.
    column : str
        The key column.
    npartitions : int, optional
        Number of output partitions (default: as many as ``frame`` has).

    Returns
    -------
    dask.dataframe.DataFrame
        The same rows, lazily shuffled by ``column`` (row order within a key kept).

    Raises
    ------
    InvalidInputError
        If ``frame`` is not a Dask DataFrame, has no such column, or ``npartitions``
        is not a positive integer.

    Examples
    --------
    >>> import pandas as pd
    >>> import dask.dataframe as dd
    >>> from servicekit.dask import partition_by, check_partitioned_by
    >>> log = dd.from_pandas(pd.DataFrame({"ticket": [1, 2, 1, 3, 2]}), npartitions=3)
    >>> laid_out = partition_by(log, "ticket", npartitions=2)
    >>> check_partitioned_by(laid_out, "ticket")
    >>> sorted(laid_out.compute()["ticket"])
    [1, 1, 2, 2, 3]
    """
    if not isinstance(frame, dd.DataFrame):
        fail("partition_by", "frame", "must be a dask.dataframe.DataFrame", type(frame).__name__)
    if column not in frame.columns:
        fail(
            "partition_by",
            "column",
            f"must name a column of frame ({len(frame.columns)} columns)",
            column,
        )
    if npartitions is not None and (
        isinstance(npartitions, bool) or not isinstance(npartitions, int) or npartitions < 1
    ):
        fail("partition_by", "npartitions", "must be a positive integer", npartitions)
    return frame.shuffle(on=column, npartitions=npartitions or frame.npartitions)


def check_partitioned_by(frame: Any, column: str) -> None:
    """Raise unless each value of ``frame[column]`` lives in a single partition.

    Reads only the key column, in one pass on the cluster.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        The collection to check.
    column : str
        The key column.

    Raises
    ------
    InvalidInputError
        If ``frame`` is not a Dask DataFrame, has no such column, or a key is found in
        two partitions (the message names it).

    Examples
    --------
    >>> import pandas as pd
    >>> import dask.dataframe as dd
    >>> from servicekit.dask import check_partitioned_by
    >>> log = dd.from_pandas(pd.DataFrame({"ticket": [1, 1, 2, 2]}), npartitions=2)
    >>> check_partitioned_by(log, "ticket")
    >>> split = dd.from_pandas(pd.DataFrame({"ticket": [1, 2, 2, 1]}), npartitions=2)
    >>> check_partitioned_by(split, "ticket")
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: check_partitioned_by(): 'frame' must be partitioned by 'ticket' ...
    """
    if not isinstance(frame, dd.DataFrame):
        fail(
            "check_partitioned_by",
            "frame",
            "must be a dask.dataframe.DataFrame",
            type(frame).__name__,
        )
    _check_partitioned_by(frame, column, "check_partitioned_by", "frame")
