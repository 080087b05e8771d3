"""Staffing a real bank call centre: Erlang C and Erlang A against what happened.

Data: the Technion SEE "Anonymous Bank" call-centre records of August 1999 (free for
research with acknowledgement of the Technion SEE lab), in the data folder
given as the first argument or ``$SERVICEKIT_DATA``:

    python examples/optimize_technion.py ../shared/data

Per 30-minute interval of each day (weekdays, intervals with at least 30 offered calls):
- arrival rate = offered calls / 1800 s, where a call is offered when it was answered
  (outcome AGENT) or joined the queue (q_start is not 0:00:00), by its queue-entry time
  (vru_exit); PHANTOM rows are dropped;
- handle time = mean ser_time of the answered calls (ser_time 0 rows excluded);
- observed staffing = distinct agents (server) who started a service in the interval;
- observed service level = share of offered calls answered within 20 s, abandons
  counting as not answered (metrics.service_level(method="abandoned_negative"));
- patience (Erlang A) = total queue time / abandons over the month, the exponential
  maximum-likelihood estimate (Gans, Koole & Mandelbaum 2003).

The script prints the agents required for 80/20 next to the observed staffing, the
predicted service levels at the observed staffing, and the mean absolute errors.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from example_data import data_file

from servicekit.errors import SmallSampleWarning
from servicekit.metrics import service_level
from servicekit.optimize import agents_required, erlang_a, erlang_c

WITHIN = 20.0


def load_offered() -> pd.DataFrame:
    path = data_file("technion_anonymous_bank", "anonymous_bank_1999_08_calls.csv")
    calls = pd.read_csv(path, dtype=str)
    calls = calls[calls["outcome"] != "PHANTOM"]
    offered = calls[(calls["outcome"] == "AGENT") | (calls["q_start"] != "0:00:00")].copy()
    offered["entered"] = pd.to_datetime(offered["date"] + " " + offered["vru_exit"])
    offered["wait"] = offered["q_time"].astype(float)
    offered["service"] = offered["ser_time"].astype(float)
    offered["answered"] = offered["outcome"] == "AGENT"
    offered["interval"] = offered["entered"].dt.floor("30min")
    return offered[offered["entered"].dt.day_of_week < 5]


def per_interval(offered: pd.DataFrame, *, min_calls: int = 30) -> pd.DataFrame:
    served = offered[offered["answered"] & (offered["service"] > 0)]
    table = pd.DataFrame(
        {
            "calls": offered.groupby("interval").size(),
            "aht": served.groupby("interval")["service"].mean(),
            "agents_seen": served.groupby("interval")["server"].nunique(),
        }
    ).dropna()
    table = table[table["calls"] >= min_calls]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        table["observed_sl"] = [
            service_level(
                group["wait"], group["answered"], answer_within=WITHIN, method="abandoned_negative"
            ).value
            for _, group in offered[offered["interval"].isin(table.index)].groupby("interval")
        ]
    table["rate"] = table["calls"] / 1800.0
    return table


def main() -> None:
    offered = load_offered()
    patience = float(offered["wait"].sum() / (~offered["answered"]).sum())
    table = per_interval(offered)
    rate, aht, seen = table["rate"], table["aht"], table["agents_seen"]
    table["needed_80_20"] = agents_required(
        rate, aht, service_level=0.8, answer_within=WITHIN
    ).agents
    table["needed_erlang_a"] = agents_required(
        rate, aht, service_level=0.8, answer_within=WITHIN, model="erlang_a", patience=patience
    ).agents
    table["erlang_c_sl"] = erlang_c(rate, aht, seen, answer_within=WITHIN).service_level
    table["erlang_a_sl"] = erlang_a(
        rate, aht, seen, patience=patience, answer_within=WITHIN
    ).service_level
    print(f"{len(table)} weekday half-hours with >= 30 offered calls; patience {patience:.0f} s")
    columns = ["calls", "aht", "agents_seen", "needed_80_20", "needed_erlang_a",
               "observed_sl", "erlang_c_sl", "erlang_a_sl"]  # fmt: skip
    by_hour = table.groupby(table.index.time)[columns].mean()
    print(by_hour.round(3).to_string())
    for model in ("erlang_c_sl", "erlang_a_sl"):
        error = np.abs(table[model] - table["observed_sl"]).mean()
        print(f"mean absolute error of {model}: {error:.3f}")


if __name__ == "__main__":
    main()
