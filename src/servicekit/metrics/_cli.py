"""``servicekit kpi``: KPIs of a CSV of tickets, of an event log, or of a call log (``--calls``).

Only :mod:`argparse` is imported at import time; pandas and the metrics load inside
the handler so ``servicekit --help`` stays fast. Every number printed comes from a
public function of :mod:`servicekit.metrics` (:func:`kpi_report`,
:func:`service_level`, :func:`average_speed_of_answer`, :func:`abandonment_rate`,
:func:`average_handle_time`, :func:`occupancy`, :func:`response_times`,
:func:`combine_date_time`).
"""

from __future__ import annotations

import argparse
from typing import Any

from servicekit._cli_support import (
    CommandError,
    UsageError,
    add_format_options,
    call,
    emit,
    natural_key,
    notes,
    read_csv,
    split_names,
)

KPI_HELP = "KPI report of a CSV of tickets, of an event log (--events) or of a call log (--calls)"

KPI_EPILOG = """\
examples:
  servicekit kpi tickets.csv --by team
  servicekit kpi tickets.csv --created opened_at --resolved closed_at --satisfaction rating --csv
  servicekit kpi finale.csv --events --case "Case ID" --activity Activity \\
      --timestamp "Complete Timestamp" --response-activity "Take in charge ticket" \\
      --resolve-activity "Resolve ticket" --resolve-activity Closed --by seriousness_2
  servicekit kpi --calls anonymous_bank_1999_08_calls.csv --answer-within 20 --by date

Durations are shown as 3 m 20 s in tables and as seconds in --format csv/jsonl; rates
are fractions with Wilson intervals. Options taking column names are repeatable or
comma-separated (--by team,day), so they never swallow FILE.csv."""

METHODS = ("ignore_abandoned", "abandoned_negative", "abandoned_positive")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kpi = subparsers.add_parser(
        "kpi",
        help=KPI_HELP,
        description=KPI_HELP + ".",
        epilog=KPI_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kpi.add_argument(
        "file", metavar="FILE.csv", help="one row per ticket (per event with --events, per call)"
    )
    kpi.add_argument(
        "--by",
        action="append",
        metavar="COL[,COL]",
        help="group by these columns (repeatable or comma-separated)",
    )
    kpi.add_argument(
        "--min-n",
        type=int,
        default=30,
        metavar="N",
        help="groups smaller than N get a note (default 30)",
    )
    kpi.add_argument(
        "--confidence", type=float, default=0.95, help="level of the intervals (default 0.95)"
    )
    add_format_options(kpi)

    tickets = kpi.add_argument_group("tickets (the default mode: one row per ticket)")
    tickets.add_argument("--created", default="created", metavar="COL", help="creation time")
    tickets.add_argument(
        "--first-response", default="first_response", metavar="COL", help="first-response time"
    )
    tickets.add_argument("--resolved", default="resolved", metavar="COL", help="resolution time")
    tickets.add_argument("--satisfaction", metavar="COL", help="ratings column (1..--scale)")
    tickets.add_argument(
        "--scale", type=int, default=5, help="highest rating, e.g. 10 for 0..10 (default 5)"
    )
    tickets.add_argument(
        "--satisfied-min",
        type=int,
        metavar="R",
        help="lowest rating counted as satisfied (default 4 of 5, or scale - 1)",
    )
    tickets.add_argument(
        "--calendar",
        metavar="HH:MM-HH:MM",
        help="count response/resolution time only within these opening hours",
    )
    tickets.add_argument(
        "--weekdays",
        default="mon,tue,wed,thu,fri",
        metavar="DAYS",
        help="opening days for --calendar (default mon,tue,wed,thu,fri)",
    )
    tickets.add_argument(
        "--holiday", action="append", metavar="YYYY-MM-DD", help="closed day (repeatable)"
    )

    events = kpi.add_argument_group("event logs (--events: one row per ticket event)")
    events.add_argument(
        "--events", action="store_true", help="FILE is an event log; build tickets first"
    )
    events.add_argument("--case", metavar="COL", help="ticket id column")
    events.add_argument("--activity", metavar="COL", help="activity name column")
    events.add_argument("--timestamp", metavar="COL", help="event time column")
    events.add_argument(
        "--response-activity",
        action="append",
        metavar="NAME",
        help="an activity counted as a response (repeatable)",
    )
    events.add_argument(
        "--resolve-activity",
        action="append",
        metavar="NAME",
        help="an activity that resolves or closes a ticket (repeatable)",
    )

    calls = kpi.add_argument_group(
        "call logs (--calls: one row per call; defaults follow the Technion SEE layout)"
    )
    calls.add_argument(
        "--calls", action="store_true", help="FILE is a call log: service level, ASA, abandonment"
    )
    calls.add_argument(
        "--answer-within",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="service-level target T (default 20)",
    )
    calls.add_argument(
        "--short-abandon",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="drop abandons that waited less (default 0: keep all)",
    )
    calls.add_argument("--date", default="date", metavar="COL", help="date of the call")
    calls.add_argument(
        "--vru-entry", default="vru_entry", metavar="COL", help="time the call arrived"
    )
    calls.add_argument(
        "--q-start", default="q_start", metavar="COL", help="time it joined the queue"
    )
    calls.add_argument("--q-exit", default="q_exit", metavar="COL", help="time it left the queue")
    calls.add_argument(
        "--ser-start", default="ser_start", metavar="COL", help="time an agent answered"
    )
    calls.add_argument("--ser-exit", default="ser_exit", metavar="COL", help="time service ended")
    calls.add_argument("--outcome", default="outcome", metavar="COL", help="outcome column")
    calls.add_argument(
        "--answered-outcome",
        default="AGENT",
        metavar="VALUE",
        help="outcome of an answered call (default AGENT)",
    )
    calls.add_argument(
        "--ignore-outcome",
        action="append",
        metavar="VALUE",
        help="outcome of rows that are not calls (default PHANTOM; repeatable)",
    )
    calls.add_argument(
        "--not-queued",
        default="0:00:00",
        metavar="TIME",
        help="queue time written for calls that never queued (default 0:00:00)",
    )
    calls.add_argument(
        "--available-hours",
        type=float,
        metavar="H",
        help="agents' total available hours in the file's period: adds occupancy (no --by)",
    )
    kpi.set_defaults(handler=_kpi, parser=kpi)


# --------------------------------------------------------------------------- helpers
def _sorted_naturally(report: Any) -> Any:
    """Groups in natural order ("Value 9" before "Value 10"); "all" stays as it is."""
    if len(report) <= 1:
        return report
    order = sorted(range(len(report)), key=lambda i: natural_key(report.index[i]))
    return report.iloc[order]


def _small_groups(report: Any, counts: Any, min_n: int, noun: str) -> str | None:
    """A note naming the groups with fewer than ``min_n`` rows (the first ten)."""
    small = [(key, int(n)) for key, n in zip(report.index, counts, strict=True) if n < min_n]
    if not small:
        return None
    shown = ", ".join(
        f"{' / '.join(map(str, key)) if isinstance(key, tuple) else key} ({n})"
        for key, n in small[:10]
    )
    more = f", and {len(small) - 10} more" if len(small) > 10 else ""
    return (
        f"{len(small)} of {len(report)} group(s) have fewer than --min-n {min_n} {noun}, "
        f"read their rates with care: {shown}{more}"
    )


def _calendar(args: argparse.Namespace) -> Any:
    from servicekit.metrics import BusinessCalendar

    if args.calendar is None:
        if args.holiday or args.weekdays != "mon,tue,wed,thu,fri":
            raise UsageError("--weekdays and --holiday need --calendar HH:MM-HH:MM")
        return None
    hours = args.calendar.split("-")
    if len(hours) != 2:
        raise UsageError(f"--calendar must look like 09:00-17:00; got {args.calendar!r}")
    days = [day.strip().lower()[:3] for day in args.weekdays.split(",") if day.strip()]
    unknown = [day for day in days if day not in WEEKDAYS]
    if unknown or not days:
        raise UsageError(f"--weekdays must list days among {','.join(WEEKDAYS)}; got {unknown}")
    names = {
        "weekdays": "--weekdays",
        "opens": "--calendar",
        "closes": "--calendar",
        "holidays": "--holiday",
    }
    return call(
        BusinessCalendar,
        names,
        weekdays=tuple(WEEKDAYS.index(day) for day in days),
        opens=hours[0].strip(),
        closes=hours[1].strip(),
        holidays=tuple(args.holiday or ()),
    )


# --------------------------------------------------------------------------- handler
def _kpi(args: argparse.Namespace) -> int:
    from servicekit._cli_support import check_output

    if args.events and args.calls:
        raise UsageError("--events and --calls are different modes; give one")
    if args.min_n < 1:
        raise UsageError(f"--min-n must be at least 1; got {args.min_n}")
    check_output(args.output)
    if args.calls:
        return _calls(args)
    return _tickets(args)


def _tickets(args: argparse.Namespace) -> int:
    from servicekit.metrics import kpi_report, tickets_from_events

    by = split_names(args.by)
    calendar = _calendar(args)
    table = read_csv(args.file, "FILE.csv")
    file_name = args.file
    if args.events:
        needed = {
            "--case": args.case,
            "--activity": args.activity,
            "--timestamp": args.timestamp,
            "--response-activity": args.response_activity,
            "--resolve-activity": args.resolve_activity,
        }
        missing = [flag for flag, value in needed.items() if not value]
        if missing:
            raise UsageError(f"--events needs {', '.join(missing)}")
        attributes = [*(by or []), *([args.satisfaction] if args.satisfaction else [])]
        table = call(
            tickets_from_events,
            {
                "events": file_name,
                "case": "--case",
                "activity": "--activity",
                "timestamp": "--timestamp",
                "response_activities": "--response-activity",
                "resolve_activities": "--resolve-activity",
                "attributes": "--by/--satisfaction",
            },
            table,
            case=args.case,
            activity=args.activity,
            timestamp=args.timestamp,
            response_activities=args.response_activity,
            resolve_activities=args.resolve_activity,
            attributes=attributes or None,
        )
        file_name = f"the tickets built from {args.file}"
    satisfied_min = args.satisfied_min
    if satisfied_min is None:
        satisfied_min = 4 if args.scale == 5 else max(1, args.scale - 1)
    from servicekit.errors import SmallSampleWarning

    # The CLI names the small groups itself (below), with the flag to change.
    with notes(skip=(SmallSampleWarning,)):
        report = call(
            kpi_report,
            {
                "tickets": file_name,
                "by": "--by",
                "created": "--created",
                "first_response": "--first-response",
                "resolved": "--resolved",
                "satisfaction": "--satisfaction",
                "scale": "--scale",
                "satisfied_min": "--satisfied-min",
                "confidence": "--confidence",
                "min_n": "--min-n",
            },
            table,
            by=by,
            created=args.created,
            first_response=args.first_response,
            resolved=args.resolved,
            satisfaction=args.satisfaction,
            calendar=calendar,
            scale=args.scale,
            satisfied_min=satisfied_min,
            confidence=args.confidence,
            min_n=args.min_n,
        )
    report = _sorted_naturally(report)
    footer = ""
    backlog_at = report.attrs.get("backlog_at")
    if backlog_at is not None:
        footer = f"(backlog = tickets open at {backlog_at}, the latest instant in the data)"
    emit(report, args, transpose_up_to=6, footer=footer)
    with notes() as extra:
        small = _small_groups(report, report["n"], args.min_n, "tickets")
        if small:
            extra.append(small)
    return 0


def _calls(args: argparse.Namespace) -> int:
    import numpy as np
    import pandas as pd

    from servicekit.metrics import (
        abandonment_rate,
        average_handle_time,
        average_speed_of_answer,
        combine_date_time,
        occupancy,
        response_times,
        service_level,
    )

    by = split_names(args.by)
    if args.available_hours is not None and by:
        raise UsageError("--available-hours is the whole file's agent time; drop --by to use it")
    for flag, value in (
        ("--answer-within", args.answer_within),
        ("--short-abandon", args.short_abandon),
    ):
        if not np.isfinite(value) or value < 0:
            raise UsageError(f"{flag} must be a number of seconds >= 0; got {value:g}")
    raw = read_csv(args.file, "FILE.csv", dtype=str, keep_default_na=False)
    flags = [
        ("--date", args.date),
        ("--vru-entry", args.vru_entry),
        ("--q-start", args.q_start),
        ("--q-exit", args.q_exit),
        ("--ser-start", args.ser_start),
        ("--ser-exit", args.ser_exit),
        ("--outcome", args.outcome),
        *[("--by", name) for name in by or []],
    ]
    from servicekit._validation import did_you_mean, known_names

    for flag, column in flags:
        if column not in raw.columns:
            raise CommandError(
                f"{flag} must name a column of {args.file} ({known_names(raw.columns)}); "
                f"got {column!r}{did_you_mean(column, raw.columns)}"
            )
    ignored = args.ignore_outcome or ["PHANTOM"]
    calls = raw[~raw[args.outcome].isin(ignored)]
    if calls.empty:
        raise CommandError(f"FILE.csv {args.file}: no calls left after dropping {ignored}")
    answered = (calls[args.outcome] == args.answered_outcome).to_numpy()
    queued = (calls[args.q_start].str.strip() != args.not_queued).to_numpy()

    def instants(column: str, flag: str, after: Any = None, keep: Any = None) -> Any:
        times = calls[column].where(keep, None) if keep is not None else calls[column]
        return call(
            combine_date_time,
            {"dates": "--date", "times": flag, "not_before": flag},
            calls[args.date],
            times,
            not_before=after,
        )

    arrived = instants(args.vru_entry, "--vru-entry")
    joined = instants(args.q_start, "--q-start", arrived, queued)
    left = instants(args.q_exit, "--q-exit", joined, queued)
    names = {"created": "--q-start", "responded": "--q-exit"}
    wait = np.where(
        queued,
        call(
            response_times,
            names,
            np.where(queued, joined, arrived),
            np.where(queued, left, arrived),
        ),
        0.0,
    )
    offered = answered | queued  # hang-ups in the voice-response unit never reached the queue
    served_from = instants(args.ser_start, "--ser-start", left, answered)
    served_to = instants(args.ser_exit, "--ser-exit", served_from, answered)
    handle = call(
        response_times,
        {"created": "--ser-start", "responded": "--ser-exit"},
        np.where(answered, served_from, arrived),
        np.where(answered, served_to, arrived),
    )
    work = pd.DataFrame(
        {"wait": wait, "answered": answered, "handle": handle, "offered": offered},
        index=calls.index,
    )
    groups: list[tuple[Any, Any]]
    if by:
        groups = list(work.groupby([calls[name] for name in by], sort=False, dropna=False))
        groups.sort(key=lambda item: natural_key(item[0]))
    else:
        groups = [("all", work)]
    rows = []
    within = args.answer_within
    options = {"confidence": args.confidence, "min_n": args.min_n}
    names = {
        "answer_within": "--answer-within",
        "short_abandon_seconds": "--short-abandon",
        "confidence": "--confidence",
        "min_n": "--min-n",
    }
    from servicekit.errors import SmallSampleWarning

    with notes(skip=(SmallSampleWarning,)) as extra:  # small groups are named below
        for key, part in groups:
            queue = part[part["offered"]]
            row: dict[str, Any] = {"calls": len(part), "offered": len(queue)}
            row["answered"] = int(queue["answered"].sum())
            row["abandoned"] = row["offered"] - row["answered"]
            if len(queue):
                for method in METHODS:
                    level = call(
                        service_level,
                        names,
                        queue["wait"],
                        queue["answered"],
                        answer_within=within,
                        method=method,
                        short_abandon_seconds=args.short_abandon,
                        **options,
                    )
                    row[f"service_level_{method}"] = level.value
                rate = call(
                    abandonment_rate,
                    names,
                    queue["wait"],
                    queue["answered"],
                    short_abandon_seconds=args.short_abandon,
                    **options,
                )
                row["abandonment_rate"] = rate.value
                row["abandonment_rate_ci_low"] = rate.ci_low
                row["abandonment_rate_ci_high"] = rate.ci_high
                row["asa_seconds"] = average_speed_of_answer(queue["wait"], queue["answered"])
            served = part["handle"][part["answered"]]
            if len(served):
                aht = average_handle_time(served, min_n=1)
                row["handle_seconds_mean"] = aht.mean
                row["handle_seconds_median"] = aht.median
            if args.available_hours is not None:
                row["occupancy"] = call(
                    occupancy,
                    {"available_seconds": "--available-hours", "handle_seconds": "FILE.csv"},
                    float(served.sum()),
                    args.available_hours * 3600.0,
                )
            rows.append((key, row))
        index = [key for key, _ in rows]
        table = pd.DataFrame([row for _, row in rows])
        if by and len(by) > 1:
            table.index = pd.MultiIndex.from_tuples(index, names=by)
        else:
            table.index = pd.Index(
                [key[0] if isinstance(key, tuple) else key for key in index],
                name=by[0] if by else None,
            )
        small = _small_groups(table, table["offered"], args.min_n, "offered calls")
        if small:
            extra.append(small)
    dropped = int(len(raw) - len(calls))
    footer = (
        f"(service level = share answered within {within:g} s under the three definitions; "
        f"{dropped} row(s) with outcome {'/'.join(ignored)} dropped; calls that never queued "
        "and were not answered ended in the voice-response unit and are not offered)"
    )
    emit(table, args, transpose_up_to=6, footer=footer)
    return 0
