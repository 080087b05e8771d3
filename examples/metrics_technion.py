"""Service level, ASA and abandonment of a real bank call centre, per day and for the month.

Data: the Technion SEE "Anonymous Bank" call-centre records of August 1999 (free for
research with acknowledgement of the Technion SEE lab), found through
the data folder given as first argument or in $SERVICEKIT_DATA:

    python examples/metrics_technion.py /path/to/data

Preparation (see the data folder's README.md for the columns):
- PHANTOM rows are virtual calls, not customers: dropped.
- A call is offered to the agents when it was answered (outcome AGENT) or joined the
  queue (q_start is not 0:00:00). HANG rows that never joined the queue ended in the
  voice-response unit and were never offered to an agent, so they are not abandons.
- wait = q_time (seconds); answered iff outcome == "AGENT".
- The row whose call_id reads "2010-08-" is kept: call_id is not used.
- Dates read 2010-08-xx in the file; the weekdays are those of August 1999.
"""

from __future__ import annotations

import warnings

import pandas as pd
from example_data import data_file

from servicekit.errors import SmallSampleWarning
from servicekit.metrics import abandonment_rate, average_speed_of_answer, service_level

METHODS = {
    "ignore_abandoned": "ign",
    "abandoned_negative": "neg",
    "abandoned_positive": "pos",
}
TARGETS_SECONDS = (20, 60)


def load_offered_calls() -> tuple[pd.DataFrame, dict[str, int]]:
    path = data_file("technion_anonymous_bank", "anonymous_bank_1999_08_calls.csv")
    raw = pd.read_csv(path, dtype={"call_id": str})
    calls = raw[raw["outcome"] != "PHANTOM"]
    answered = calls["outcome"] == "AGENT"
    offered_mask = answered | (calls["q_start"] != "0:00:00")
    offered = pd.DataFrame(
        {
            "date": pd.to_datetime(calls.loc[offered_mask, "date"]),
            "wait": calls.loc[offered_mask, "q_time"].astype(float),
            "answered": answered[offered_mask],
        }
    )
    dropped = {
        "rows in file": len(raw),
        "PHANTOM (dropped)": int((raw["outcome"] == "PHANTOM").sum()),
        "VRU-only HANG (not offered)": int((~offered_mask).sum()),
    }
    return offered, dropped


def kpi_row(part: pd.DataFrame) -> dict[str, float | int]:
    wait, answered = part["wait"], part["answered"]
    row: dict[str, float | int] = {
        "offered": len(part),
        "answered": int(answered.sum()),
        "abandoned": int((~answered).sum()),
    }
    for target in TARGETS_SECONDS:
        for method, short in METHODS.items():
            level = service_level(wait, answered, answer_within=target, method=method)
            row[f"SL{target}_{short}%"] = round(level.percent, 1)
    row["ASA_s"] = round(average_speed_of_answer(wait, answered), 1)
    row["aband%"] = round(abandonment_rate(wait, answered).percent, 1)
    return row


def main() -> None:
    offered, dropped = load_offered_calls()
    for what, count in dropped.items():
        print(f"{what:>28}: {count:,}")
    print(f"{'offered to agents':>28}: {len(offered):,}\n")
    with warnings.catch_warnings():
        # A quiet day below min_n would warn; the table shows n beside every figure.
        warnings.simplefilter("ignore", SmallSampleWarning)
        rows = {
            day.strftime("%a %d"): kpi_row(part) for day, part in offered.groupby("date", sort=True)
        }
        rows["month"] = kpi_row(offered)
    table = pd.DataFrame.from_dict(rows, orient="index")
    print("Service level (SL, % within 20 s / 60 s; ign/neg/pos = abandoned calls ignored,")
    print("counted against, counted for), average speed of answer, abandonment rate:\n")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string())


if __name__ == "__main__":
    main()
