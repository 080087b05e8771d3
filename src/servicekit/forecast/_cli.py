"""``servicekit forecast``: per-interval forecasts of a CSV of counts or of raw arrival times.

Only :mod:`argparse` is imported at import time; pandas and the forecast area load
inside the handler so ``servicekit --help`` stays fast. Errors are raised as
servicekit errors; :func:`servicekit.cli.main` prints them as one line.
"""

from __future__ import annotations

import argparse

FORECAST_HELP = "forecast contacts per interval (mean and prediction interval) from a CSV"

FORECAST_EPILOG = """\
examples:
  servicekit forecast calls.csv --time-column DateTime --count-column Calls --horizon-days 5
  servicekit forecast calls.csv --time-column arrived --freq 30min -o forecast.csv

With --count-column each row is an interval (start time and count); without it each
row is one arrival and the arrivals are counted per --freq interval."""


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    forecast = subparsers.add_parser(
        "forecast",
        help=FORECAST_HELP,
        description=FORECAST_HELP + ".",
        epilog=FORECAST_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    forecast.add_argument(
        "file", metavar="CALLS.csv", help="counts per interval, or one row per arrival"
    )
    forecast.add_argument(
        "--time-column", required=True, metavar="COL", help="interval start or arrival time"
    )
    forecast.add_argument(
        "--count-column", metavar="COL", help="count per interval (omit for raw arrivals)"
    )
    forecast.add_argument(
        "--freq", default="30min", help="interval length for raw arrivals (default 30min)"
    )
    forecast.add_argument(
        "--horizon-days", type=int, default=5, metavar="N", help="open days to forecast"
    )
    forecast.add_argument(
        "--method",
        default="profile",
        choices=["profile", "historical_average", "seasonal_naive"],
        help="forecasting method (default profile)",
    )
    forecast.add_argument(
        "--level", type=float, default=0.9, help="prediction interval level (default 0.9)"
    )
    forecast.add_argument(
        "-o", "--output", metavar="OUT.csv", help="write the forecast to this CSV"
    )
    forecast.set_defaults(handler=_forecast)


def _forecast(args: argparse.Namespace) -> int:
    import pandas as pd

    from servicekit.errors import InvalidInputError
    from servicekit.forecast import arrival_counts, forecast_arrivals

    try:
        table = pd.read_csv(args.file)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInputError(f"cannot read {args.file} as CSV: {message}") from None
    for flag, column in (
        ("--time-column", args.time_column),
        ("--count-column", args.count_column),
    ):
        if column is not None and column not in table.columns:
            raise InvalidInputError(
                f"{flag}: no column {column!r} in {args.file} (columns: {list(table.columns)[:12]})"
            )
    if table[args.time_column].dtype.kind in "iufb":
        raise InvalidInputError(f"--time-column: {args.time_column!r} holds numbers, not times")
    try:
        times = pd.to_datetime(table[args.time_column], format="ISO8601")
    except (ValueError, TypeError):
        raise InvalidInputError(
            f"--time-column: {args.time_column!r} holds values that are not times"
        ) from None
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)  # read the clock as written
    if args.count_column is None:
        history = arrival_counts(times, freq=args.freq)
    else:
        history = pd.Series(table[args.count_column].to_numpy(), index=pd.DatetimeIndex(times))
    forecast = forecast_arrivals(
        history, horizon_days=args.horizon_days, method=args.method, level=args.level
    )
    frame = forecast.to_frame()
    frame.index.name = "interval_start"
    if args.output:
        frame.to_csv(args.output)
        print(f"wrote {len(frame)} intervals to {args.output}")
    else:
        print(frame.round(2).to_csv(), end="")
    return 0
