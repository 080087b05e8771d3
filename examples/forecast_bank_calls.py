"""Forecasting contact volumes on real data, from counts or raw timestamps to agents per interval.

1. bank_calls_2003: 13 weeks of 5-minute weekday call counts. Compare the methods one day
   ahead with rolling daily origins over the last three weeks, forecast the next day with
   a 90% interval, and revise its afternoon from the morning's calls.
2. Technion "Anonymous Bank" (August): raw arrival instants to counts per 30 minutes,
   a forecast of the fourth week from the first three, and agents per interval for 80/20.

Run from the repository root:  python examples/forecast_bank_calls.py
"""

from __future__ import annotations

import pandas as pd
from example_data import data_file

from servicekit.forecast import (
    arrival_counts,
    compare_methods,
    forecast_arrivals,
    staff_for_forecast,
)
from servicekit.metrics import BusinessCalendar


def bank() -> pd.Series:
    frame = pd.read_csv(data_file("bank_calls_2003", "bank_calls_2003_03_to_05.csv"))
    # The stamps say UTC but are the bank's local clock: keep the clock, drop the zone.
    index = pd.to_datetime(frame["DateTime"]).dt.tz_localize(None)
    return pd.Series(frame["Calls"].to_numpy(), index=pd.DatetimeIndex(index), name="calls")


def main() -> None:
    pd.set_option("display.width", 120)
    calls = bank()
    days = calls.index.normalize().unique()
    table = compare_methods(
        calls,
        methods={
            "seasonal naive": {"method": "seasonal_naive"},
            "average, all weeks": {"method": "historical_average"},
            "average, 4 weeks": {"method": "historical_average", "weeks": 4},
            "profile": {"method": "profile"},
        },
        horizon_days=1,
        origins=days[-15:],
    )
    print("bank_calls_2003, one day ahead, last 15 daily origins:")
    print(table[["rmse", "mae", "wape", "mase", "coverage", "rmse_ratio"]].round(3).to_string())

    last_day = days[-1]
    history = calls[calls.index < last_day]
    actual = calls[calls.index >= last_day]
    forecast = forecast_arrivals(history, index=pd.DatetimeIndex(actual.index))
    hourly = forecast.to_frame().resample("1h").sum()
    hourly["actual"] = actual.resample("1h").sum()
    print(f"\nforecast for {last_day.date()} per hour (sums of 5-minute means and bounds):")
    print(hourly.head(6).round(0).to_string())
    morning = actual[actual.index.hour < 12]
    updated = forecast.update(morning)
    afternoon = actual[actual.index.hour >= 12]
    print(
        f"afternoon total: forecast {forecast.mean[afternoon.index].sum():.0f}, "
        f"after the noon update {updated.mean.sum():.0f}, actual {afternoon.sum():.0f}"
    )

    path = data_file("technion_anonymous_bank", "anonymous_bank_1999_08_calls.csv")
    log = pd.read_csv(path, usecols=["date", "vru_entry", "outcome", "ser_time"])
    log = log[log["outcome"] != "PHANTOM"]
    arrived = pd.to_datetime(log["date"] + " " + log["vru_entry"])
    around_the_clock = BusinessCalendar(weekdays=tuple(range(7)), opens="00:00", closes="24:00")
    counts = arrival_counts(
        arrived, freq="30min", open_hours=around_the_clock, start="2010-08-01", end="2010-08-22"
    )
    technion = forecast_arrivals(counts, horizon_days=7)
    served = log[(log["outcome"] == "AGENT") & (log["ser_time"] > 0) & (arrived < "2010-08-22")]
    handle_time = float(served["ser_time"].mean())
    plan = staff_for_forecast(technion, handle_time, service_level=0.8, answer_within=20)
    frame = plan.to_frame().join(technion.to_frame())
    print(
        f"\nTechnion, fourth week of August from the first three (handle time {handle_time:.0f} s), "
        "Sunday 08:00-12:00:"
    )
    print(frame.loc["2010-08-22 08:00":"2010-08-22 11:30"].round(2).to_string())
    print(
        f"staffing over the predictive distribution adds {plan.added} agent-half-hours "
        f"over staffing to the mean ({int(plan.agents_for_mean.sum())} agent-half-hours in the week)"
    )


if __name__ == "__main__":
    main()
