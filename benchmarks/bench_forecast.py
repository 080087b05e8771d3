"""Accuracy and speed of servicekit.forecast, against the baselines and statsforecast's MSTL.

1. Accuracy on bank_calls_2003 (13 weeks of 5-minute weekday counts), rolling daily
   origins from the fifth week on: RMSE, MAE, WAPE, MASE, pinball loss and coverage
   of the 90% interval for the seasonal naive, the historical average (all, 8 and 4
   weeks) and the profile model, one day ahead and five days ahead; the afternoon
   RMSE with and without the intraday update at noon. Target: the profile beats the
   best baseline one day ahead by at least 5% in RMSE, does not lose five days ahead,
   and covers 85-95%.
2. Speed on one year of 5-minute weekday data (52 weeks x 5 days x 169 intervals =
   43,940), generated from the bank's profile: ``forecast_arrivals`` and one
   backtest origin (forecast + three quantiles). Target: well under a second each.
3. The anchor: statsforecast's MSTL (seasonalities of a day and a week, AutoETS on the
   remainder) on the same year and, for accuracy, one day ahead on the bank data from
   a few origins -- when statsforecast is installed (``pip install statsforecast``, in
   the bench extra). MSTL takes minutes on the year: the whole script runs 15+ minutes.

Run from the repository root:  python benchmarks/bench_forecast.py
"""

from __future__ import annotations

import platform
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import scipy
import sklearn

import servicekit
from servicekit._datasets import data_dir
from servicekit.forecast import backtest, compare_methods, forecast_arrivals

METHODS = {
    "seasonal_naive": {"method": "seasonal_naive"},
    "historical_average": {"method": "historical_average"},
    "historical_average_8w": {"method": "historical_average", "weeks": 8},
    "historical_average_4w": {"method": "historical_average", "weeks": 4},
    "profile": {"method": "profile"},
}
PER_DAY = 169


def best_of(func: Callable[[], Any], repeats: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def bank() -> pd.Series:
    frame = pd.read_csv(data_dir() / "bank_calls_2003" / "bank_calls_2003_03_to_05.csv")
    index = pd.to_datetime(frame["DateTime"]).dt.tz_localize(None)
    return pd.Series(frame["Calls"].to_numpy(), index=pd.DatetimeIndex(index), name="calls")


def one_year(calls: pd.Series, seed: int = 0) -> pd.Series:
    """52 weeks of weekday 5-minute counts: bank weekday profiles, AR(1) daily volumes."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2002-01-07", periods=52 * 5)
    weekday = calls.index.day_of_week
    slot = (calls.index - calls.index.normalize()).to_numpy()
    profile = calls.groupby([weekday, slot]).mean()
    deviation, values = 0.0, []
    for day in days:
        deviation = 0.7 * deviation + rng.normal(0, 0.04)
        rate = profile.loc[day.day_of_week].to_numpy() * np.exp(deviation)
        values.append(rng.poisson(rate))
    offsets = profile.loc[0].index.to_numpy()
    index = pd.DatetimeIndex([d + o for d in days for o in offsets])
    return pd.Series(np.concatenate(values), index=index, name="calls")


def mstl_forecast(train: pd.Series, horizon: int) -> tuple[np.ndarray, float]:
    from statsforecast import StatsForecast
    from statsforecast.models import MSTL, AutoETS

    frame = pd.DataFrame(
        {"unique_id": "calls", "ds": np.arange(len(train)), "y": train.to_numpy(dtype=float)}
    )
    model = StatsForecast(
        models=[MSTL(season_length=[PER_DAY, 5 * PER_DAY], trend_forecaster=AutoETS(model="ZZN"))],
        freq=1,
    )
    start = time.perf_counter()
    out = model.forecast(df=frame, h=horizon)
    elapsed = time.perf_counter() - start
    return out["MSTL"].to_numpy(), elapsed


def main() -> None:
    print(
        f"python {platform.python_version()}, servicekit {servicekit.__version__}, numpy {np.__version__}, "
        f"pandas {pd.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}"
    )
    try:
        import statsforecast

        print(f"statsforecast {statsforecast.__version__}")
        have_mstl = True
    except ImportError:
        print("statsforecast not installed: the MSTL anchor is skipped")
        have_mstl = False
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    calls = bank()
    days = calls.index.normalize().unique()

    print("\n1. bank_calls_2003, rolling daily origins from day 29 on")
    start = time.perf_counter()
    one = compare_methods(calls, methods=METHODS, horizon_days=1, step_days=1)
    print("one day ahead:\n" + one.round(3).to_string())
    five = compare_methods(calls, methods=METHODS, horizon_days=5, lead_days=5, step_days=1)
    print("five days ahead (the fifth day only):\n" + five.round(3).to_string())
    baselines = [m for m in METHODS if m != "profile"]
    gain = 1 - one.loc["profile", "rmse"] / one.loc[baselines, "rmse"].min()
    print(f"profile vs best baseline, one day ahead: {gain:.1%} lower RMSE (target >= 5%)")
    print(
        f"five days ahead: RMSE ratio to best baseline {five.loc['profile', 'rmse'] / five.loc[baselines, 'rmse'].min():.3f} (target <= 1)"
    )
    before, after = [], []
    for origin in days[28:]:
        train = calls[calls.index < origin]
        test = calls[(calls.index >= origin) & (calls.index < origin + pd.Timedelta(days=1))]
        forecast = forecast_arrivals(train, index=pd.DatetimeIndex(test.index))
        morning, afternoon = test[test.index.hour < 12], test[test.index.hour >= 12]
        before.append(afternoon.to_numpy() - forecast.mean[afternoon.index].to_numpy())
        after.append(afternoon.to_numpy() - forecast.update(morning).mean.to_numpy())
    rmse_before = float(np.sqrt(np.mean(np.concatenate(before) ** 2)))
    rmse_after = float(np.sqrt(np.mean(np.concatenate(after) ** 2)))
    print(
        f"intraday update at noon (profile, {len(days) - 28} days): afternoon RMSE {rmse_before:.2f} -> "
        f"{rmse_after:.2f} ({1 - rmse_after / rmse_before:.1%} lower)"
    )
    print(f"(accuracy section took {time.perf_counter() - start:.1f} s)")

    print("\n2. speed on one year of 5-minute weekday counts")
    year = one_year(calls)
    print(f"{len(year):,} intervals")
    train, test = year.iloc[: -5 * PER_DAY], year.iloc[-5 * PER_DAY :]
    fit_time, forecast = best_of(lambda: forecast_arrivals(train, horizon_days=5))
    origin = test.index[0].normalize()
    origin_time, _ = best_of(lambda: backtest(year, horizon_days=5, origins=[origin]))
    rmse = float(np.sqrt(np.mean((test.to_numpy() - forecast.mean.to_numpy()) ** 2)))
    print(
        f"forecast_arrivals (profile, 5 days): {fit_time:.3f} s; one backtest origin: {origin_time:.3f} s"
    )
    print(f"profile RMSE on the last week: {rmse:.2f}")

    if have_mstl:
        print("\n3. anchor: statsforecast MSTL (daily + weekly seasonality, AutoETS trend)")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mean, mstl_time = mstl_forecast(train, len(test))
        mstl_rmse = float(np.sqrt(np.mean((test.to_numpy() - mean) ** 2)))
        print(
            f"MSTL on the year: {mstl_time:.2f} s (servicekit/MSTL time ratio {fit_time / mstl_time:.3f}), "
            f"RMSE {mstl_rmse:.2f} (servicekit/MSTL RMSE ratio {rmse / mstl_rmse:.3f})"
        )
        errors_mstl, errors_profile = [], []
        for origin in days[-3:]:  # MSTL takes minutes per fit on a loaded machine
            history = calls[calls.index < origin]
            actual = calls[(calls.index >= origin) & (calls.index < origin + pd.Timedelta(days=1))]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                mean, _ = mstl_forecast(history, len(actual))
            errors_mstl.append(actual.to_numpy() - mean)
            profile = forecast_arrivals(history, index=pd.DatetimeIndex(actual.index))
            errors_profile.append(actual.to_numpy() - profile.mean.to_numpy())
        r_mstl = float(np.sqrt(np.mean(np.concatenate(errors_mstl) ** 2)))
        r_profile = float(np.sqrt(np.mean(np.concatenate(errors_profile) ** 2)))
        print(
            f"bank, one day ahead from the last 3 daily origins: MSTL RMSE {r_mstl:.2f}, "
            f"profile RMSE {r_profile:.2f} (ratio {r_profile / r_mstl:.3f})"
        )


if __name__ == "__main__":
    main()
