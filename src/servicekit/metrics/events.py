"""From an event log (one row per ticket event) to one row per ticket."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

from servicekit._dask import dask_aware
from servicekit._validation import (
    Column,
    Frame,
    Texts,
    described,
    fail,
    known_names,
    unknown_name,
    validated,
)
from servicekit.metrics._dask import tickets_from_events_dask
from servicekit.metrics._instants import column_instants

__all__ = ["tickets_from_events"]


def _check_activities(names: list[str], present: set[str], argument: str) -> None:
    unknown = [name for name in names if name not in present]
    if unknown:
        known = sorted(present)
        fail(
            "tickets_from_events",
            argument,
            f"must name activities that occur in the log ({known_names(known, 'activities', limit=20)})",
            unknown_name(unknown[0], known),
        )


#: The columns tickets_from_events computes; an attribute of the same name would replace one.
OUTPUT_COLUMNS = ("created", "first_response", "resolved", "reopened", "n_events")


def _check_no_clash(attributes: list[Hashable]) -> None:
    clash = [name for name in attributes if name in OUTPUT_COLUMNS]
    if clash:
        fail(
            "tickets_from_events",
            "attributes",
            f"must not name an output column of tickets_from_events {list(OUTPUT_COLUMNS)} "
            "(rename the column first)",
            clash[0],
        )


def _duplicated(events: pd.DataFrame) -> np.ndarray:
    """Rows equal to an earlier row in every column; unhashable cells fail naming the column."""
    try:
        return np.asarray(events.duplicated().to_numpy(), dtype=bool)
    except TypeError:  # a list, dict or array in some cell
        for name in events.columns:
            column = events[name]
            if column.dtype != object:
                continue
            bad = column.map(lambda v: not isinstance(v, Hashable)).to_numpy(dtype=bool)
            if bad.any():
                at = int(np.argmax(bad))
                fail(
                    "tickets_from_events",
                    "events",
                    "must hold hashable cells (no lists, dicts or arrays) to find duplicate rows",
                    described(f"{column.iloc[at]!r} in column {name!r} at row {at}"),
                )
        raise


@dask_aware(tickets_from_events_dask)
@validated(
    events=Frame(),
    case=Column("events", plain=True),
    activity=Column("events", plain=True),
    timestamp=Column("events", plain=True),
    response_activities=Texts(single_ok=True),
    resolve_activities=Texts(single_ok=True),
    attributes=Column("events", many=True, optional=True, plain=True),
)
def tickets_from_events(
    events: pd.DataFrame,
    *,
    case: Hashable,
    activity: Hashable,
    timestamp: Hashable,
    response_activities: str | Sequence[str],
    resolve_activities: str | Sequence[str],
    attributes: Hashable | list[Hashable] | None = None,
) -> pd.DataFrame:
    """Turn an event log into one row per ticket: created, first response, resolved, reopened.

    Parameters
    ----------
    events : pandas.DataFrame
        One row per event. Exact duplicate rows (equal in every column) are dropped
        first: they are logging artefacts, not events (the Italian help-desk log of
        4TU has 127).
    case, activity, timestamp : column names
        The ticket id, the activity name and the instant of each event (datetimes or
        date strings; time-zone-aware values are converted to UTC). Missing or
        unparseable values in any of them are an error naming the row.
    response_activities : str or list of str
        Activities that count as a response to the customer (e.g. "Take in charge
        ticket").
    resolve_activities : str or list of str
        Activities that resolve (or close) the ticket (e.g. "Resolve ticket",
        "Closed"). A name in either list that never occurs in the log is an error,
        not a warning: a misspelt name would otherwise silently give no responses or
        a 0 % resolution rate.
    attributes : column name or list of them, optional
        Ticket attributes to carry over (e.g. priority, product); each ticket gets
        the value on its last event, so a re-prioritised ticket reports its final
        priority. A name of an output column (``created``, ``first_response``,
        ``resolved``, ``reopened``, ``n_events``) is refused: it would overwrite it.

    Returns
    -------
    pandas.DataFrame
        Indexed by case id (sorted), with columns

        - ``created``: the ticket's first event;
        - ``first_response``: its first event whose activity is a response
          activity (NaT if none; equal to ``created`` if the first event is one);
        - ``resolved``: its last resolve event (NaT if none);
        - ``reopened``: True when some event that is not a resolve activity comes
          after the ticket's first resolve event, i.e. work resumed after it was
          resolved (a "Closed" after "Resolve ticket" is not a reopening when both
          are resolve activities). A reopened ticket that was never resolved again
          keeps ``resolved`` at its last resolve event;
        - ``n_events``: events of the ticket after dropping duplicates;
        - the ``attributes`` columns.

    Notes
    -----
    Events are put in time order within each ticket; events at the same instant keep
    their order in the log. All steps are grouped NumPy/pandas operations, with no
    Python loop over tickets.

    **Dask.** ``events`` may be a ``dask.dataframe.DataFrame`` (with the optional
    ``dask`` extra) in which all events of a ticket share a partition; lay a log out
    so with :func:`servicekit.dask.partition_by` (one shuffle). The requirement is
    checked when you call, at the cost of one pass over the ``case`` column (and a
    second over the ``activity`` column for the names check); a ticket found in two
    partitions is an :class:`~servicekit.errors.InvalidInputError` naming it. The
    result is a lazy Dask DataFrame, computed partition by partition by the
    in-memory code: after ``.compute().sort_index()`` it equals the in-memory result.
    Values are validated on the workers when it is computed (row positions in error
    messages count within the partition).

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({
    ...     "ticket": ["A", "A", "A", "B", "B", "B", "B"],
    ...     "what": ["open", "reply", "solve", "open", "solve", "reply", "solve"],
    ...     "at": pd.to_datetime(["2024-05-02 09:00", "2024-05-02 09:30", "2024-05-02 11:00",
    ...                           "2024-05-03 10:00", "2024-05-03 12:00", "2024-05-06 09:00",
    ...                           "2024-05-06 10:00"]),
    ... })
    >>> tickets = tickets_from_events(log, case="ticket", activity="what", timestamp="at",
    ...                               response_activities="reply", resolve_activities="solve")
    >>> tickets[["first_response", "resolved", "reopened", "n_events"]]
                first_response            resolved  reopened  n_events
    ticket
    A      2024-05-02 09:30:00 2024-05-02 11:00:00     False         3
    B      2024-05-06 09:00:00 2024-05-06 10:00:00      True         4
    """
    return _tickets(
        events,
        case=case,
        activity=activity,
        timestamp=timestamp,
        response_activities=response_activities,
        resolve_activities=resolve_activities,
        attributes=attributes,
        check_activities=True,
    )


def _tickets(
    events: pd.DataFrame,
    *,
    case: Hashable,
    activity: Hashable,
    timestamp: Hashable,
    response_activities: str | Sequence[str],
    resolve_activities: str | Sequence[str],
    attributes: Hashable | list[Hashable] | None,
    check_activities: bool,
) -> pd.DataFrame:
    """The body of :func:`tickets_from_events` on validated arguments.

    ``check_activities=False`` skips the check that every activity name occurs in
    ``events``: one partition of a Dask log need not hold every activity, so the
    Dask path checks the whole log once instead.
    """
    keep = (
        [] if attributes is None else attributes if isinstance(attributes, list) else [attributes]
    )
    _check_no_clash(keep)
    # Checks run on the log as given, so an error's row is the user's row; duplicates
    # are dropped afterwards.
    for argument, name in (("case", case), ("activity", activity)):
        missing = events[name].isna().to_numpy()
        if missing.any():
            fail(
                "tickets_from_events",
                argument,
                f"must not have missing values in column {name!r}",
                described(f"a missing value at row {int(np.argmax(missing))}"),
            )
    all_instants = column_instants(
        events, timestamp, "tickets_from_events", "timestamp", allow_nat=False
    )
    unique = ~_duplicated(events)
    log = events[unique]
    instants = all_instants[unique]
    kinds = log[activity].astype(str).to_numpy()
    response_names = list(response_activities)
    resolve_names = list(resolve_activities)
    present = set(pd.unique(kinds).tolist())
    if check_activities:
        _check_activities(response_names, present, "response_activities")
        _check_activities(resolve_names, present, "resolve_activities")

    table = pd.DataFrame(
        {"case": log[case].to_numpy(), "time": instants, "row": np.arange(len(log))}
    )
    for i, name in enumerate(keep):
        table[f"attr{i}"] = log[name].to_numpy()
    table["is_response"] = np.isin(kinds, response_names)
    table["is_resolve"] = np.isin(kinds, resolve_names)
    # Time order within each ticket; ties keep the log's order ("row").
    table = table.sort_values(["case", "time", "row"], kind="stable", ignore_index=True)
    order = np.arange(len(table), dtype=np.float64)
    times = table["time"]
    groups = table["case"]

    by_case = table.groupby("case", sort=True)
    first_resolve_at = pd.Series(np.where(table["is_resolve"], order, np.nan)).groupby(groups).min()
    last_other_at = pd.Series(np.where(table["is_resolve"], np.nan, order)).groupby(groups).max()
    out = pd.DataFrame(
        {
            "created": by_case["time"].min(),
            "first_response": times.where(table["is_response"]).groupby(groups).min(),
            "resolved": times.where(table["is_resolve"]).groupby(groups).max(),
            "reopened": last_other_at > first_resolve_at,
            "n_events": by_case.size().astype(np.int64),
        }
    )
    for i, name in enumerate(keep):
        out[name] = by_case[f"attr{i}"].last()
    out.index.name = case
    tickets: pd.DataFrame = out
    return tickets
