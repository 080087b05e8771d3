"""The metrics area on Dask DataFrames: :func:`kpi_report` and :func:`tickets_from_events`.

Reached through :func:`servicekit._dask.dask_aware` when an argument is a Dask
collection; Dask is imported only inside the functions, so ``import
servicekit.metrics`` never imports it.

``kpi_report``
    Each partition is turned into the per-ticket work table by the in-memory code
    (``report._ticket_columns``: parsing, order and rating checks, durations, flags)
    and reduced there to per-group sufficient statistics (tickets, answered and
    resolved counts, duration sums, flag sums, the latest instant). The client
    gathers those small tables (groups x partitions rows), sums them per group and
    runs the in-memory finishing code (``report._finish``). Exact medians and 90th
    percentiles shuffle only the group keys and the two duration columns so that
    each group lands in one partition, then take pandas' type-7 quantiles there;
    ``approximate=True`` replaces the shuffle by a mergeable log-bucket sketch
    (:func:`_sketch`) whose quantiles are within relative error :data:`ALPHA`.

``tickets_from_events``
    Needs each ticket's events in one partition: checked in one pass over the case
    column (:func:`servicekit._dask.check_partitioned_by`), activity names checked
    in one pass over the activity column, then the in-memory code runs per partition.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd

from servicekit._dask import check_partitioned_by, require_dask
from servicekit._validation import (
    Column,
    _Context,
    described,
    fail,
    known_names,
    unknown_name,
)
from servicekit.errors import InvalidInputError

__all__ = ["ALPHA", "kpi_report_dask", "tickets_from_events_dask"]

#: Relative accuracy of ``kpi_report(..., approximate=True)`` quantiles on Dask.
ALPHA = 0.005
_GAMMA = (1 + ALPHA) / (1 - ALPHA)
# The bucket of durations of exactly 0 s (a business-hours clock stops), below every other:
# positive float64 durations have buckets within +-80,000.
_ZERO_BIN = -(2**31)


def _arguments(public: Callable[..., Any], frame_argument: str, args: Any, kwargs: Any) -> Any:
    """Bind and check the arguments of ``public`` whose ``frame_argument`` is a Dask DataFrame.

    Runs every declared constraint except the table's own (scalars and options exactly
    as in memory), then checks the column names against the Dask DataFrame's columns.
    Cell values are checked on the workers, partition by partition, by the in-memory
    code.
    """
    import dask.dataframe as dd

    name = public.__name__
    constraints = public.__servicekit_constraints__  # type: ignore[attr-defined]
    signature = inspect.signature(public)
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as exc:  # as @validated does: the call itself is malformed
        raise InvalidInputError(str(exc), function=name) from None
    bound.apply_defaults()
    arguments = bound.arguments
    frame = arguments[frame_argument]
    if not isinstance(frame, dd.DataFrame):
        fail(
            name,
            frame_argument,
            "must be a pandas DataFrame or a dask.dataframe.DataFrame",
            described(type(frame).__name__),
        )
    if not frame.columns.is_unique:
        repeated = frame.columns[frame.columns.duplicated()][0]
        fail(name, frame_argument, "must not have duplicated column labels", repeated)
    for argument in signature.parameters:
        constraint = constraints.get(argument)
        if constraint is None or argument == frame_argument:
            continue
        value = constraint.check(arguments[argument], _Context(name, argument, arguments))
        arguments[argument] = value
        if isinstance(constraint, Column) and constraint.frame == frame_argument:
            for column in value if isinstance(value, list) else [] if value is None else [value]:
                if column not in frame.columns:
                    fail(
                        name,
                        argument,
                        f"must name a column of '{frame_argument}' ({known_names(frame.columns)})",
                        unknown_name(column, frame.columns),
                    )
    return arguments


# --------------------------------------------------------------------------- kpi_report
def _work(part: pd.DataFrame, options: dict[str, Any]) -> pd.DataFrame:
    """One partition's work table, with its latest instant repeated in ``__latest``."""
    from servicekit.metrics.report import _ticket_columns

    work, latest = _ticket_columns(part, **options)
    work["__latest"] = np.full(len(work), latest, dtype="datetime64[ns]")
    return work


def _partition_stats(work: pd.DataFrame, key_names: list[str]) -> pd.DataFrame:
    """Per-group sufficient statistics of one partition: additive across partitions."""
    from servicekit.metrics.report import DURATIONS

    grouped = work.groupby(key_names, sort=False, dropna=False, observed=True)
    stats = pd.DataFrame({"n": grouped.size().astype(np.int64)})
    for column in DURATIONS:
        if column in work.columns:
            stats[f"count_{column}"] = grouped[column].count().astype(np.int64)
            stats[f"sum_{column}"] = grouped[column].sum()
    for flag in [c for c in work.columns if c.startswith("is_")]:
        stats[flag] = grouped[flag].sum().astype(np.int64)
    stats["__latest"] = grouped["__latest"].max()
    out: pd.DataFrame = stats.reset_index()
    return out


def _exact_quantiles(part: pd.DataFrame, key_names: list[str], durations: list[str]) -> Any:
    """Median and 90th percentile per group of a partition holding whole groups."""
    grouped = part.groupby(key_names, sort=False, dropna=False, observed=True)[durations]
    median, p90 = grouped.median(), grouped.quantile(0.9)
    out = pd.DataFrame(index=median.index)
    for column in durations:
        out[f"{column}_median"] = median[column].astype(np.float64)
        out[f"{column}_p90"] = p90[column].astype(np.float64)
    flat: pd.DataFrame = out.reset_index()
    return flat


def _sketch(work: pd.DataFrame, key_names: list[str], durations: list[str]) -> pd.DataFrame:
    """Counts of durations per group in logarithmic buckets, mergeable by summing.

    A positive duration ``x`` goes to bucket ``i = ceil(log_gamma(x))``, i.e.
    ``gamma**(i-1) < x <= gamma**i`` with ``gamma = (1 + ALPHA) / (1 - ALPHA)``,
    represented by ``2 gamma**i / (gamma + 1)``, within relative error ``ALPHA`` of
    every value in the bucket; exact zeros have a bucket of their own.
    """
    grouped = work.groupby(key_names, sort=False, dropna=False, observed=True)
    groups = grouped.ngroup().to_numpy(dtype=np.int64)
    _, first = np.unique(groups, return_index=True)  # a row of each group, by group number
    pieces = []
    for code, column in enumerate(durations):
        values = work[column].to_numpy(dtype=np.float64)
        known = ~np.isnan(values)
        x = values[known]
        with np.errstate(divide="ignore"):
            buckets = np.ceil(np.log(np.where(x > 0, x, 1.0)) / np.log(_GAMMA)).astype(np.int64)
        buckets[x == 0] = _ZERO_BIN
        # One int64 per (group, bucket): counted by one sort instead of a groupby on keys.
        packed, counts = np.unique(
            (groups[known] << 32) | (buckets - _ZERO_BIN), return_counts=True
        )
        piece = work[key_names].iloc[first[packed >> 32]].reset_index(drop=True)
        piece["__column"] = np.int64(code)
        piece["__bucket"] = (packed & 0xFFFFFFFF) + _ZERO_BIN
        piece["__count"] = counts.astype(np.int64)
        pieces.append(piece)
    sketch: pd.DataFrame = pd.concat(pieces, ignore_index=True)
    return sketch


def _sketch_quantiles(
    sketch: pd.DataFrame, key_names: list[str], durations: list[str], probability: float
) -> pd.DataFrame:
    """Type-7 quantiles per group from merged bucket counts (keys as columns)."""
    frame: pd.DataFrame | None = None
    for code, column in enumerate(durations):
        sub = sketch[sketch["__column"] == code]
        sub = sub.groupby([*key_names, "__bucket"], sort=True, dropna=False, observed=True)[
            "__count"
        ].sum()
        groups = sub.groupby(level=list(range(len(key_names))), sort=True, dropna=False)
        totals = groups.sum()
        counts = sub.to_numpy()
        cumulative = np.cumsum(counts)
        starts = np.concatenate([[0], np.cumsum(totals.to_numpy())[:-1]])
        n = totals.to_numpy()
        h = (n - 1) * probability
        low = np.floor(h)
        high = np.minimum(low + 1, n - 1)
        buckets = sub.index.get_level_values("__bucket").to_numpy()
        value = np.where(
            buckets == _ZERO_BIN,
            0.0,
            2 * np.power(_GAMMA, buckets.astype(np.float64)) / (_GAMMA + 1),
        )
        at_low = value[np.searchsorted(cumulative, starts + low, side="right")]
        at_high = value[np.searchsorted(cumulative, starts + high, side="right")]
        quantile = at_low + (h - low) * (at_high - at_low)
        keys = totals.index.to_frame(index=False)
        keys.columns = key_names
        keys[column] = quantile
        frame = keys if frame is None else frame.merge(keys, on=key_names, how="outer")
    assert frame is not None
    quantiles: pd.DataFrame = frame
    return quantiles


def _aligned(values: pd.DataFrame, index: pd.Index, key_names: list[str]) -> pd.DataFrame:
    """``values`` (group keys as columns) in the row order of the group ``index``."""
    keys = index.to_frame(index=False)
    keys.columns = key_names
    out = keys.merge(values, on=key_names, how="left", validate="one_to_one")
    out.index = index
    aligned: pd.DataFrame = out.drop(columns=key_names)
    return aligned


def kpi_report_dask(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """:func:`servicekit.metrics.kpi_report` on a Dask DataFrame (see its Notes)."""
    require_dask("kpi_report")
    from dask.base import compute as dask_compute

    from servicekit.metrics.report import (
        DURATIONS,
        _finish,
        _key_names,
        _ticket_columns,
        kpi_report,
    )

    a = _arguments(kpi_report, "tickets", args, kwargs)
    tickets = a["tickets"]
    options = {
        name: a[name]
        for name in (
            "by",
            "created",
            "first_response",
            "resolved",
            "satisfaction",
            "calendar",
            "scale",
            "satisfied_min",
        )
    }
    compute: Callable[..., Any] = dask_compute
    key_names = _key_names(a["by"])
    # Dtype errors (a column of numbers for instants, text ratings) surface here,
    # before anything runs on the cluster: the in-memory code on the empty meta.
    meta_work, _ = _ticket_columns(tickets._meta, **options)
    meta_work["__latest"] = np.array([], dtype="datetime64[ns]")
    work = tickets.map_partitions(_work, options, meta=meta_work, enforce_metadata=False)
    durations = [c for c in DURATIONS if c in meta_work.columns]
    stats_parts = work.map_partitions(
        _partition_stats, key_names, meta=_partition_stats(meta_work, key_names)
    )
    extra: Any
    if not durations:
        (stats_all,) = compute(stats_parts)
        extra = None
    elif a["approximate"]:
        meta_sketch = _sketch(meta_work, key_names, durations)
        sketch = work.map_partitions(_sketch, key_names, durations, meta=meta_sketch)
        stats_all, extra = compute(stats_parts, sketch)
    else:
        needed = work[[*key_names, *durations]]
        shuffled = needed.shuffle(on=key_names)
        quantiles = shuffled.map_partitions(
            _exact_quantiles,
            key_names,
            durations,
            meta=_exact_quantiles(meta_work[[*key_names, *durations]], key_names, durations),
        )
        stats_all, extra = compute(stats_parts, quantiles)

    if int(stats_all["n"].sum()) == 0:
        fail("kpi_report", "tickets", "must have at least 1 row(s)", described("0"))
    latest = stats_all["__latest"].max()
    value_columns = [c for c in stats_all.columns if c not in key_names and c != "__latest"]
    summed = stats_all.groupby(key_names, sort=True, dropna=False, observed=True)[
        value_columns
    ].sum()
    stats = summed[[c for c in summed.columns if not c.startswith("sum_")]]
    centre = pd.DataFrame(index=summed.index)
    if durations:
        if a["approximate"]:
            median = _sketch_quantiles(extra, key_names, durations, 0.5)
            p90 = _sketch_quantiles(extra, key_names, durations, 0.9)
            spread = _aligned(
                median.merge(p90, on=key_names, suffixes=("_median", "_p90")),
                summed.index,
                key_names,
            )
        else:
            spread = _aligned(extra, summed.index, key_names)
        for column in durations:
            with np.errstate(invalid="ignore", divide="ignore"):
                centre[f"{column}_mean"] = summed[f"sum_{column}"] / summed[f"count_{column}"]
            centre[f"{column}_median"] = spread[f"{column}_median"]
            centre[f"{column}_p90"] = spread[f"{column}_p90"]
    return _finish(
        stats,
        centre,
        by=a["by"],
        latest=np.datetime64(latest, "ns") if pd.notna(latest) else np.datetime64("NaT", "ns"),
        resolved=a["resolved"] is not None,
        satisfaction=a["satisfaction"] is not None,
        confidence=a["confidence"],
        min_n=a["min_n"],
    )


# ------------------------------------------------------------------ tickets_from_events
def _tickets_partition(part: pd.DataFrame, options: dict[str, Any], meta: pd.DataFrame) -> Any:
    from servicekit.metrics.events import _tickets

    if not len(part):
        return meta
    return _tickets(part, **options, check_activities=False)


def tickets_from_events_dask(*args: Any, **kwargs: Any) -> Any:
    """:func:`servicekit.metrics.tickets_from_events` on a Dask DataFrame (see its Notes)."""
    require_dask("tickets_from_events")
    from servicekit.metrics.events import OUTPUT_COLUMNS, _check_activities, _check_no_clash
    from servicekit.metrics.events import tickets_from_events as public

    a = _arguments(public, "events", args, kwargs)
    events = a["events"]
    attributes: list[Hashable] = (
        []
        if a["attributes"] is None
        else a["attributes"]
        if isinstance(a["attributes"], list)
        else [a["attributes"]]
    )
    _check_no_clash(attributes)
    check_partitioned_by(events, a["case"], "tickets_from_events", "events")
    present = set(events[a["activity"]].dropna().astype(str).unique().compute().tolist())
    _check_activities(list(a["response_activities"]), present, "response_activities")
    _check_activities(list(a["resolve_activities"]), present, "resolve_activities")

    template = events._meta
    meta = pd.DataFrame(
        {
            "created": pd.Series([], dtype="datetime64[ns]"),
            "first_response": pd.Series([], dtype="datetime64[ns]"),
            "resolved": pd.Series([], dtype="datetime64[ns]"),
            "reopened": pd.Series([], dtype=bool),
            "n_events": pd.Series([], dtype=np.int64),
        },
        index=pd.Index([], dtype=template[a["case"]].dtype, name=a["case"]),
    )
    for name in attributes:
        meta[name] = template[name].iloc[:0].to_numpy()
    assert list(meta.columns[: len(OUTPUT_COLUMNS)]) == list(OUTPUT_COLUMNS)
    options = {
        name: a[name]
        for name in (
            "case",
            "activity",
            "timestamp",
            "response_activities",
            "resolve_activities",
            "attributes",
        )
    }
    return events.map_partitions(_tickets_partition, options, meta, meta=meta)
