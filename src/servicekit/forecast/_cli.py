"""``servicekit forecast``: per-interval forecasts of a CSV of counts or of raw arrival times.

Only :mod:`argparse` and :mod:`servicekit._cli_support` are imported at import time;
pandas and the forecast area load inside the handler so ``servicekit --help`` stays
fast. Every number comes from :func:`arrival_counts` and :func:`forecast_arrivals`.
"""

from __future__ import annotations

import argparse

from servicekit._cli_support import (
    CommandError,
    add_format_options,
    call,
    check_output,
    emit,
    notes,
    read_csv,
)

FORECAST_HELP = "forecast contacts per interval (mean and prediction interval) from a CSV"

FORECAST_EPILOG = """\
examples:
  servicekit forecast calls.csv --time-column DateTime --count-column Calls --horizon-days 5
  servicekit forecast calls.csv --time-column arrived --freq 30min -o forecast.csv

With --count-column each row is an interval (start time and count); without it each
row is one arrival and the arrivals are counted per --freq interval. The output (CSV
by default) has one row per future interval: interval_start, mean, lower, upper; feed
it to 'servicekit staff --forecast FILE --calls-column mean'."""


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
    add_format_options(forecast, default="csv")
    forecast.set_defaults(handler=_forecast, parser=forecast)


def _forecast(args: argparse.Namespace) -> int:
    import pandas as pd

    from servicekit._validation import did_you_mean, known_names
    from servicekit.forecast import arrival_counts, forecast_arrivals

    check_output(args.output)
    table = read_csv(args.file, "CALLS.csv")
    for flag, column in (
        ("--time-column", args.time_column),
        ("--count-column", args.count_column),
    ):
        if column is not None and column not in table.columns:
            raise CommandError(
                f"{flag} must name a column of {args.file} ({known_names(table.columns)}); "
                f"got {column!r}{did_you_mean(column, table.columns)}"
            )
    if table[args.time_column].dtype.kind in "iufb":
        raise CommandError(
            f"--time-column must hold times; column {args.time_column!r} of {args.file} "
            "holds numbers"
        )
    try:
        times = pd.to_datetime(table[args.time_column], format="ISO8601")
    except (ValueError, TypeError):
        raise CommandError(
            f"--time-column must hold ISO 8601 times; column {args.time_column!r} of "
            f"{args.file} holds other values"
        ) from None
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)  # read the clock as written
    names = {
        "timestamps": f"--time-column {args.time_column}",
        "freq": "--freq",
        "history": args.file,
        "horizon_days": "--horizon-days",
        "method": "--method",
        "level": "--level",
    }
    with notes():
        if args.count_column is None:
            history = call(arrival_counts, names, times, freq=args.freq)
        else:
            history = pd.Series(table[args.count_column].to_numpy(), index=pd.DatetimeIndex(times))
        forecast = call(
            forecast_arrivals,
            names,
            history,
            horizon_days=args.horizon_days,
            method=args.method,
            level=args.level,
        )
    frame = forecast.to_frame()
    frame.index.name = "interval_start"
    emit(frame, args)
    if args.output:
        first, last = frame.index[0], frame.index[-1]
        print(
            f"wrote {len(frame)} intervals ({first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}; "
            f"mean and {args.level:.0%} prediction interval by {args.method!r}) to {args.output}"
        )
    return 0
