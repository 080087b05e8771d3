"""``servicekit staff``: agents required per interval (Erlang C or A).

Only :mod:`argparse` is imported at import time; NumPy, pandas and the optimize area
load inside the handler. The handler is thin: bad values raise servicekit errors,
which ``servicekit.cli.main`` prints as one line.
"""

from __future__ import annotations

import argparse

STAFF_HELP = "agents required per interval to meet a service-level target (Erlang C or A)"

STAFF_EPILOG = """\
examples:
  servicekit staff --calls 360 --per-minutes 30 --aht 240 --service-level 0.8 --within 20
  servicekit staff --calls 100 --aht 180 --max-occupancy 0.85 --shrinkage 0.3
  servicekit staff --forecast forecast.csv --aht 240 --shrinkage 0.3 --csv
  servicekit staff --calls 100 --aht 180 --model erlang_a --patience 300

--forecast reads a CSV with one row per interval and a 'calls' column (optionally
'aht' seconds per row); other columns (e.g. the interval start) are passed through."""


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
    staff.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    staff.set_defaults(handler=_staff)


def _staff(args: argparse.Namespace) -> int:
    import pandas as pd

    from servicekit.errors import InvalidInputError
    from servicekit.optimize import agents_required, rate_per_second

    if args.forecast is not None:
        try:
            table = pd.read_csv(args.forecast)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise InvalidInputError(
                f"--forecast {args.forecast}: not a readable CSV ({exc})"
            ) from None
        if args.calls_column not in table.columns:
            raise InvalidInputError(
                f"--forecast {args.forecast}: no column {args.calls_column!r} (has {list(table.columns)})"
            )
        calls = table[args.calls_column]
        handle = table["aht"] if args.aht is None and "aht" in table.columns else args.aht
    else:
        table = pd.DataFrame({"calls": [args.calls]})
        calls, handle = table["calls"], args.aht
    if handle is None:
        raise InvalidInputError("--aht is required (or an 'aht' column in --forecast)")
    try:
        plan = agents_required(
            rate_per_second(calls, per_minutes=args.per_minutes),
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
    except InvalidInputError as exc:
        flag = "--" + (exc.argument or "").replace("_", "-")
        flag = {
            "--answer-within": "--within",
            "--arrival-rate": "--calls",
            "--handle-time": "--aht",
            "--calls": "--calls",
        }.get(flag, flag)
        raise InvalidInputError(f"{flag}: {exc.reason}", argument=exc.argument) from None
    result = plan.to_frame().drop(columns=["answer_within"])
    out = pd.concat([table.reset_index(drop=True), result], axis=1)
    if args.csv:
        print(out.to_csv(index=False), end="")
    else:
        print(out.round(4).to_string(index=False))
    return 0
