"""``servicekit kpi``: the KPI report of a CSV of tickets (or of an event log).

Only :mod:`argparse` is imported at import time; pandas and the metrics load inside
the handler so ``servicekit --help`` stays fast.
"""

from __future__ import annotations

import argparse

KPI_HELP = (
    "print the KPI report (response/resolution times, resolution rate, CSAT, backlog) of a CSV"
)

KPI_EPILOG = """\
examples:
  servicekit kpi tickets.csv --by team
  servicekit kpi tickets.csv --created opened_at --resolved closed_at --satisfaction rating --csv
  servicekit kpi finale.csv --events --case "Case ID" --activity Activity \\
      --timestamp "Complete Timestamp" --response-activity "Take in charge ticket" \\
      --resolve-activity "Resolve ticket" --resolve-activity Closed --by seriousness_2

Times are printed in seconds, rates as fractions with Wilson intervals."""


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kpi = subparsers.add_parser(
        "kpi",
        help=KPI_HELP,
        description=KPI_HELP + ".",
        epilog=KPI_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kpi.add_argument(
        "file", metavar="FILE.csv", help="one row per ticket (or per event with --events)"
    )
    kpi.add_argument(
        "--by", nargs="+", action="extend", metavar="COL", help="group by these columns"
    )
    kpi.add_argument("--created", default="created", metavar="COL", help="creation time column")
    kpi.add_argument(
        "--first-response", default="first_response", metavar="COL", help="first-response column"
    )
    kpi.add_argument("--resolved", default="resolved", metavar="COL", help="resolution column")
    kpi.add_argument("--satisfaction", metavar="COL", help="ratings column (1..5)")
    kpi.add_argument("--csv", action="store_true", help="print CSV instead of a table")
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
    kpi.set_defaults(handler=_kpi)


def _kpi(args: argparse.Namespace) -> int:
    import warnings

    import pandas as pd

    from servicekit.errors import InvalidInputError, SmallSampleWarning
    from servicekit.metrics import kpi_report, tickets_from_events

    try:
        table = pd.read_csv(args.file)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInputError(f"cannot read {args.file} as CSV: {message}") from None
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
            raise InvalidInputError(f"--events needs {', '.join(missing)}")
        table = tickets_from_events(
            table,
            case=args.case,
            activity=args.activity,
            timestamp=args.timestamp,
            response_activities=args.response_activity,
            resolve_activities=args.resolve_activity,
            attributes=[*(args.by or []), *([args.satisfaction] if args.satisfaction else [])]
            or None,
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SmallSampleWarning)
        report = kpi_report(
            table,
            by=args.by,
            created=args.created,
            first_response=args.first_response,
            resolved=args.resolved,
            satisfaction=args.satisfaction,
        )
    if args.csv:
        print(report.to_csv(), end="")
    else:
        print(_table(report))
        for warning in caught:
            print(f"note: {warning.message}")
    return 0


def _table(report: object) -> str:
    """Readable table: counts as integers, seconds to 0.1 s, rates to 3 decimals."""
    import pandas as pd

    assert isinstance(report, pd.DataFrame)
    shown = pd.DataFrame(index=report.index)
    for name in report.columns:
        values = report[name]
        if values.dtype.kind in "iu":
            shown[name] = values.map(str)
        elif "seconds" in str(name):
            shown[name] = values.map(lambda x: f"{x:.1f}")
        else:
            shown[name] = values.map(lambda x: f"{x:.3f}")
    # A few groups read best as columns; many groups as rows.
    text: str = shown.T.to_string() if len(shown) <= 6 else shown.to_string()
    backlog_at = report.attrs.get("backlog_at")
    if backlog_at is not None:
        text += f"\n(backlog = tickets open at {backlog_at}, the latest instant in the data)"
    return text
