"""A KPI report: one row per group of tickets with every KPI the columns allow."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from servicekit._dask import dask_aware
from servicekit._stats import CONFIDENCE, wilson_arrays
from servicekit._timezones import warn_on_clock_changes
from servicekit._validation import (
    Column,
    Flag,
    Frame,
    InstanceOf,
    Interval,
    described,
    fail,
    validated,
)
from servicekit._warnings import warn
from servicekit.errors import SmallSampleWarning
from servicekit.metrics._dask import kpi_report_dask
from servicekit.metrics._instants import check_order, column_instants
from servicekit.metrics.calendar import BusinessCalendar
from servicekit.metrics.response import _elapsed_seconds

__all__ = ["kpi_report"]


def _ratings(tickets: pd.DataFrame, column: Hashable, scale: int) -> tuple[np.ndarray, np.ndarray]:
    values = tickets[column]
    if values.dtype.kind not in "iuf" and not pd.api.types.is_numeric_dtype(values.dtype):
        fail(
            "kpi_report",
            "satisfaction",
            f"must name a column of ratings 1..{scale}",
            described(f"column {column!r} of dtype {values.dtype}"),
        )
    ratings = values.to_numpy(dtype=np.float64, na_value=np.nan)
    rated = ~np.isnan(ratings)
    bad = rated & ((ratings < 1) | (ratings > scale) | (ratings != np.round(ratings)))
    if bad.any():
        at = int(np.argmax(bad))
        fail(
            "kpi_report",
            "satisfaction",
            f"must hold whole-number ratings 1..{scale} in column {column!r}",
            described(f"{float(ratings[at])!r} at position {at}"),
        )
    return ratings, rated


def _latest(so_far: np.datetime64, instants: np.ndarray) -> np.datetime64:
    known = instants[~np.isnat(instants)]
    return max(so_far, known.max()) if known.size else so_far


#: The per-ticket duration columns of the work table, in report order.
DURATIONS = ("response_seconds", "resolution_seconds")


def _key_names(by: Hashable | list[Hashable] | None) -> list[str]:
    """Names of the group-key columns in the work table (one constant key without ``by``)."""
    keys = [] if by is None else by if isinstance(by, list) else [by]
    return [f"__key{i}" for i in range(max(len(keys), 1))]


def _ticket_columns(
    tickets: pd.DataFrame,
    *,
    by: Hashable | list[Hashable] | None,
    created: Hashable,
    first_response: Hashable | None,
    resolved: Hashable | None,
    satisfaction: Hashable | None,
    calendar: BusinessCalendar | None,
    scale: int,
    satisfied_min: int,
) -> tuple[pd.DataFrame, np.datetime64]:
    """Validate ``tickets`` and compute the per-ticket work table and the latest instant.

    The work table has the group keys (``__key0``...), the durations in seconds
    (:data:`DURATIONS`) and the boolean flags (``is_resolved``, ``is_rated``,
    ``is_satisfied``, ``is_open``). Row by row, so it also runs on one partition of a
    Dask DataFrame: ``is_open`` compares with the partition's latest instant, which
    gives the same flags as the table's latest (no instant of a row is later than
    the latest instant of its own partition). ``latest`` is NaT for no rows.
    """
    n_tickets = len(tickets)
    columns: dict[str, np.ndarray] = {}
    if calendar is not None:
        for argument, name in (
            ("created", created),
            ("first_response", first_response),
            ("resolved", resolved),
        ):
            if name is not None:
                warn_on_clock_changes(tickets[name], "kpi_report", argument)
    created_at = column_instants(tickets, created, "kpi_report", "created", allow_nat=False)
    latest = created_at.max() if n_tickets else np.datetime64("NaT", "ns")
    if first_response is not None:
        responded_at = column_instants(
            tickets, first_response, "kpi_report", "first_response", allow_nat=True
        )
        check_order(created_at, responded_at, "kpi_report", "first_response", str(created))
        columns["response_seconds"] = _elapsed_seconds(created_at, responded_at, calendar)
        latest = _latest(latest, responded_at)
    resolved_at = None
    if resolved is not None:
        resolved_at = column_instants(tickets, resolved, "kpi_report", "resolved", allow_nat=True)
        check_order(created_at, resolved_at, "kpi_report", "resolved", str(created))
        columns["resolution_seconds"] = _elapsed_seconds(created_at, resolved_at, calendar)
        columns["is_resolved"] = ~np.isnat(resolved_at)
        latest = _latest(latest, resolved_at)
    if satisfaction is not None:
        if satisfied_min > scale:
            fail("kpi_report", "satisfied_min", f"must be <= scale ({scale})", satisfied_min)
        ratings, rated = _ratings(tickets, satisfaction, scale)
        columns["is_rated"] = rated
        columns["is_satisfied"] = rated & (ratings >= satisfied_min)
    if resolved_at is not None:
        # Open at the window's end: resolved later than it, or not at all.
        columns["is_open"] = np.isnat(resolved_at) | (resolved_at > latest)

    keys = [] if by is None else by if isinstance(by, list) else [by]
    work = pd.DataFrame(columns, index=pd.RangeIndex(n_tickets))
    if keys:
        for name, key in zip(_key_names(by), keys, strict=True):
            work[name] = tickets[key].array  # its own dtype: fast factorising of strings
    else:
        work["__key0"] = np.zeros(n_tickets, dtype=np.int8)
    return work, latest


def _finish(
    stats: pd.DataFrame,
    centre: pd.DataFrame,
    *,
    by: Hashable | list[Hashable] | None,
    latest: np.datetime64,
    resolved: bool,
    satisfaction: bool,
    confidence: float,
    min_n: int,
) -> pd.DataFrame:
    """The report from per-group sufficient statistics and duration summaries.

    Shared by the in-memory and the Dask paths. ``stats`` is indexed by the groups
    (sorted, missing keys kept) with ``n``, ``count_<duration>`` and the sums of the
    flags, all int64; ``centre`` has the same index and ``<duration>_mean``,
    ``_median`` and ``_p90``.
    """
    size = stats["n"]
    parts: dict[str, pd.Series] = {"n": size}

    def wilson(successes: pd.Series, trials: pd.Series, name: str) -> None:
        low, high = wilson_arrays(successes.to_numpy(), trials.to_numpy(), confidence)
        with np.errstate(invalid="ignore", divide="ignore"):
            parts[name] = successes / trials
        parts[f"{name}_ci_low"] = pd.Series(low, index=size.index)
        parts[f"{name}_ci_high"] = pd.Series(high, index=size.index)

    if "count_response_seconds" in stats:
        parts["responded"] = stats["count_response_seconds"]
        for stat in ("mean", "median", "p90"):
            parts[f"response_seconds_{stat}"] = centre[f"response_seconds_{stat}"]
    if "count_resolution_seconds" in stats:
        parts["resolved"] = stats["is_resolved"]
        wilson(parts["resolved"], size, "resolution_rate")
        for stat in ("mean", "median", "p90"):
            parts[f"resolution_seconds_{stat}"] = centre[f"resolution_seconds_{stat}"]
    if satisfaction:
        parts["rated"] = stats["is_rated"]
        wilson(stats["is_satisfied"], parts["rated"], "csat")
    if resolved:
        parts["backlog"] = stats["is_open"]

    report = pd.DataFrame(parts)
    report["n"] = report["n"].astype(np.int64)
    keys = [] if by is None else by if isinstance(by, list) else [by]
    if keys:
        report.index = report.index.set_names(keys)
    else:
        report.index = pd.Index(["all"])
    if resolved:
        report.attrs["backlog_at"] = pd.Timestamp(latest)
    small = int((size < min_n).sum())
    if small:
        warn(
            f"kpi_report(): {small} of {len(size)} group(s) have fewer than min_n={min_n} "
            "tickets; read their rates and intervals with care",
            SmallSampleWarning,
        )
    result: pd.DataFrame = report
    return result


@dask_aware(kpi_report_dask)
@validated(
    tickets=Frame(),
    by=Column("tickets", many=True, optional=True, plain=True),
    created=Column("tickets", plain=True),
    first_response=Column("tickets", optional=True, plain=True),
    resolved=Column("tickets", optional=True, plain=True),
    satisfaction=Column("tickets", optional=True, plain=True),
    calendar=InstanceOf(BusinessCalendar, optional=True),
    scale=Interval(kind="int", low=2),
    satisfied_min=Interval(kind="int", low=1),
    confidence=CONFIDENCE,
    min_n=Interval(kind="int", low=1),
    approximate=Flag(),
)
def kpi_report(
    tickets: pd.DataFrame,
    *,
    by: Hashable | list[Hashable] | None = None,
    created: Hashable = "created",
    first_response: Hashable | None = "first_response",
    resolved: Hashable | None = "resolved",
    satisfaction: Hashable | None = None,
    calendar: BusinessCalendar | None = None,
    scale: int = 5,
    satisfied_min: int = 4,
    confidence: float = 0.95,
    min_n: int = 30,
    approximate: bool = False,
) -> pd.DataFrame:
    """Service KPIs per group of tickets, one row per group.

    Parameters
    ----------
    tickets : pandas.DataFrame
        One row per ticket, e.g. from :func:`tickets_from_events`.
    by : column name or list of them, optional
        Group by these columns (missing keys form their own group, they are never
        dropped); None gives one row, labelled ``"all"``.
    created : column name, default "created"
        Creation instants (datetimes or date strings); no missing values.
    first_response : column name or None, default "first_response"
        First-response instants, NaT for tickets not answered; None skips the
        response-time columns.
    resolved : column name or None, default "resolved"
        Resolution instants, NaT for open tickets; None skips the resolution and
        backlog columns.
    satisfaction : column name, optional
        Ratings 1..``scale`` (missing = not rated); adds the CSAT columns.
    calendar : BusinessCalendar, optional
        Measure response and resolution times in business hours
        (:func:`business_seconds`) instead of wall-clock time.
    scale, satisfied_min : int, default 5 and 4
        The rating scale and the lowest rating counted as satisfied, as in
        :func:`csat`.
    confidence : float, default 0.95
        Level of the Wilson intervals.
    min_n : int, default 30
        Groups with fewer tickets trigger one
        :class:`~servicekit.errors.SmallSampleWarning` naming how many; their rows
        are still reported.
    approximate : bool, default False
        On a Dask DataFrame, compute the medians and 90th percentiles from a
        mergeable sketch instead of shuffling the durations: each is within a
        relative error of 0.5 % of the exact value (see Notes). On a pandas
        DataFrame the exact values are always computed (they cost nothing extra
        there and meet any error bound), so the option is accepted and has no
        effect: the same code gives valid results on both.

    Returns
    -------
    pandas.DataFrame
        Indexed by the group keys, with the columns its inputs allow, in this order:

        - ``n``: tickets;
        - ``responded``, ``response_seconds_mean``, ``response_seconds_median``,
          ``response_seconds_p90``: answered tickets and their creation-to-first-
          response times;
        - ``resolved``, ``resolution_rate``, ``resolution_rate_ci_low``,
          ``resolution_rate_ci_high``: resolved tickets, their share of ``n`` (a
          fraction) and its Wilson interval;
        - ``resolution_seconds_mean``, ``resolution_seconds_median``,
          ``resolution_seconds_p90``: creation-to-resolution times of the resolved
          tickets (open tickets are not in these; they are in ``backlog``);
        - ``rated``, ``csat``, ``csat_ci_low``, ``csat_ci_high``: rated tickets and
          the satisfied share with its Wilson interval;
        - ``backlog``: tickets still open at the end of the window, the latest
          instant anywhere in the table (the same instant for every group; stored
          in ``report.attrs["backlog_at"]``).

        Times are in seconds; percentiles interpolate linearly (Hyndman & Fan type
        7, as :func:`duration_summary`). Statistics of an empty subset are NaN.

    Raises
    ------
    InvalidInputError
        Unknown columns, unparseable or missing creation instants, a response or
        resolution earlier than creation (naming the row position), ratings
        outside 1..``scale``.

    Notes
    -----
    Every statistic is one grouped pandas aggregation (mean, median, quantile,
    sum) over per-ticket columns computed with NumPy: no Python loop runs over
    tickets or over a group's rows.

    **Dask.** ``tickets`` may be a ``dask.dataframe.DataFrame`` (with the optional
    ``dask`` extra); the result is the same pandas table as on the computed frame.
    Each worker computes, for its partitions, the per-ticket durations and flags
    (validating the values as above; positions in error messages count rows within
    the partition) and reduces them to per-group counts and sums; the client gathers
    only these small tables (groups x partitions rows), adds them up and finishes
    exactly as in memory, so counts, rates, means and Wilson intervals are those of
    the whole table (means to rounding, 1e-15 relative). Exact medians and 90th
    percentiles need all of a group's durations together: they cost one shuffle of
    the group keys and the duration columns only (about 16 bytes per ticket plus
    the keys), after which each group's type-7 quantiles are taken in its
    partition. With ``approximate=True`` there is no shuffle: each partition counts
    its durations in logarithmic buckets ``(g**(i-1), g**i]`` with ``g = 1.005 /
    0.995`` (zero on its own), the client merges the counts and interpolates
    between the bucket midpoints ``2 g**i / (g + 1)``; every midpoint is within
    0.5 % of the durations in its bucket, so each reported median and percentile
    is within a relative error of 0.5 % of the exact one. The clock-change warning
    for a ``calendar`` is raised in memory only.

    Examples
    --------
    >>> import pandas as pd
    >>> tickets = pd.DataFrame({
    ...     "team": ["a", "a", "b", "b"],
    ...     "created": pd.to_datetime(["2024-01-02 09:00", "2024-01-02 10:00",
    ...                                "2024-01-02 11:00", "2024-01-03 09:00"]),
    ...     "first_response": pd.to_datetime(["2024-01-02 09:10", "2024-01-02 10:30",
    ...                                       "2024-01-02 11:20", None]),
    ...     "resolved": pd.to_datetime(["2024-01-02 12:00", None, "2024-01-02 15:00", None]),
    ... })
    >>> report = kpi_report(tickets, by="team", min_n=1)
    >>> report[["n", "response_seconds_median", "resolution_rate", "backlog"]]
          n  response_seconds_median  resolution_rate  backlog
    team
    a     2                   1200.0              0.5        1
    b     2                   1200.0              0.5        1
    """
    work, latest = _ticket_columns(
        tickets,
        by=by,
        created=created,
        first_response=first_response,
        resolved=resolved,
        satisfaction=satisfaction,
        calendar=calendar,
        scale=scale,
        satisfied_min=satisfied_min,
    )
    key_names = _key_names(by)
    grouped = work.groupby(key_names, sort=True, dropna=False, observed=True)
    durations = [c for c in DURATIONS if c in work.columns]
    flags = [c for c in work.columns if c.startswith("is_")]
    stats = pd.DataFrame({"n": grouped.size()})
    centre = pd.DataFrame(index=stats.index)
    if durations:
        dur = grouped[durations]
        counts, mean, median, p90 = dur.count(), dur.mean(), dur.median(), dur.quantile(0.9)
        for column in durations:
            stats[f"count_{column}"] = counts[column]
            centre[f"{column}_mean"] = mean[column]
            centre[f"{column}_median"] = median[column]
            centre[f"{column}_p90"] = p90[column]
    if flags:
        sums = grouped[flags].sum()
        for flag in flags:
            stats[flag] = sums[flag].astype(np.int64)
    return _finish(
        stats,
        centre,
        by=by,
        latest=latest,
        resolved=resolved is not None,
        satisfaction=satisfaction is not None,
        confidence=confidence,
        min_n=min_n,
    )
