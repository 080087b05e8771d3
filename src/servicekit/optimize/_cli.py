"""``servicekit staff``: agents required per interval (Erlang C or A).

Only :mod:`argparse` and :mod:`servicekit._cli_support` are imported at import time;
NumPy, pandas and the optimize area load inside the handler. The handler is thin:
every number comes from :func:`rate_per_second` and :func:`agents_required`, and their
input errors are reported with the flag the user typed.
"""

from __future__ import annotations

import argparse

from servicekit._cli_support import (
    CommandError,
    UsageError,
    add_format_options,
    call,
    check_output,
    emit,
    notes,
    read_csv,
)

STAFF_HELP = "agents required per interval to meet a service-level target (Erlang C or A)"

STAFF_EPILOG = """\
examples:
  servicekit staff --calls 360 --per-minutes 30 --aht 240 --service-level 0.8 --within 20
  servicekit staff --calls 100 --aht 180 --max-occupancy 0.85 --shrinkage 0.3
  servicekit staff --forecast forecast.csv --aht 240 --shrinkage 0.3 --csv
  servicekit staff --calls 100 --aht 180 --model erlang_a --patience 300

--forecast reads a CSV with one row per interval and a 'calls' column (optionally
'aht' seconds per row); other columns (e.g. the interval start) are passed through.
The forecast of 'servicekit forecast' fits with --calls-column mean."""


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    staff = subparsers.add_parser(
        "staff",
        help=STAFF_HELP,
        description=STAFF_HELP + ".",
        epilog=STAFF_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = staff.add_mutually_exclusive_group(required=True)
    source.add_argument("--calls", type=float, metavar="N", help="calls offered per interval")
    source.add_argument(
        "--forecast", metavar="FILE.csv", help="one row per interval, column 'calls'"
    )
    staff.add_argument(
        "--calls-column", default="calls", metavar="COL", help="calls column of --forecast"
    )
    staff.add_argument(
        "--per-minutes", type=float, default=30.0, metavar="M", help="interval length (30)"
    )
    staff.add_argument(
        "--aht", type=float, metavar="SECONDS", help="average handle time in seconds"
    )
    staff.add_argument(
        "--service-level", type=float, default=0.8, metavar="P", help="target share (0.8)"
    )
    staff.add_argument(
        "--within", type=float, default=20.0, metavar="SECONDS", help="answer within (20)"
    )
    staff.add_argument("--max-occupancy", type=float, metavar="P", help="maximum occupancy")
    staff.add_argument(
        "--target-asa", type=float, metavar="SECONDS", help="maximum average speed of answer"
    )
    staff.add_argument(
        "--max-abandon", type=float, metavar="P", help="maximum abandonment (Erlang A)"
    )
    staff.add_argument("--shrinkage", type=float, default=0.0, metavar="P", help="shrinkage (0)")
    staff.add_argument("--model", choices=("erlang_c", "erlang_a"), default="erlang_c")
    staff.add_argument("--patience", type=float, metavar="SECONDS", help="mean patience (Erlang A)")
    add_format_options(staff)
    staff.set_defaults(handler=_staff, parser=staff)


def _staff(args: argparse.Namespace) -> int:
    import pandas as pd

    from servicekit._validation import did_you_mean, known_names
    from servicekit.optimize import agents_required, rate_per_second

    check_output(args.output)
    names = {
        "calls": "--calls",
        "per_minutes": "--per-minutes",
        "arrival_rate": "--calls",
        "handle_time": "--aht",
        "service_level": "--service-level",
        "answer_within": "--within",
        "max_occupancy": "--max-occupancy",
        "target_asa": "--target-asa",
        "max_abandon": "--max-abandon",
        "shrinkage": "--shrinkage",
        "model": "--model",
        "patience": "--patience",
    }
    if args.forecast is not None:
        table = read_csv(args.forecast, "--forecast")
        if args.calls_column not in table.columns:
            raise CommandError(
                f"--calls-column must name a column of --forecast {args.forecast} "
                f"({known_names(table.columns)}); got {args.calls_column!r}"
                f"{did_you_mean(args.calls_column, table.columns)}"
            )
        calls = table[args.calls_column]
        names["calls"] = names["arrival_rate"] = f"column {args.calls_column!r} of {args.forecast}"
        handle = args.aht
        if handle is None and "aht" in table.columns:
            handle = table["aht"]
            names["handle_time"] = f"column 'aht' of {args.forecast}"
    else:
        table = pd.DataFrame({"calls": [args.calls]})
        calls, handle = args.calls, args.aht
    if handle is None:
        raise UsageError("--aht is required (or an 'aht' column in --forecast)")
    with notes():
        rate = call(rate_per_second, names, calls, per_minutes=args.per_minutes)
        plan = call(
            agents_required,
            names,
            rate,
            handle,
            service_level=args.service_level,
            answer_within=args.within,
            max_occupancy=args.max_occupancy,
            target_asa=args.target_asa,
            max_abandon=args.max_abandon,
            shrinkage=args.shrinkage,
            model=args.model,
            patience=args.patience,
        )
    result = plan.to_frame().drop(columns=["answer_within"])
    out = pd.concat([table.reset_index(drop=True), result], axis=1)
    emit(out, args, index=False, transpose_up_to=1)
    if args.output:
        print(
            f"wrote {len(out)} intervals to {args.output}; at most {result['agents'].max()} "
            f"agents ({result['scheduled'].max()} scheduled) in an interval"
        )
    return 0
