"""Help-desk KPIs from a real event log: the Italian help desk of 4TU (Polato 2017).

The log has one row per ticket event (21,348 events, 127 of them exact duplicates).
``tickets_from_events`` turns it into 4,580 tickets (created = first event, first
response = first "Take in charge ticket", resolved = last "Resolve ticket"/"Closed"),
and ``kpi_report`` prints response and resolution times, the resolution rate with its
Wilson interval and the backlog, overall and by seriousness, in wall-clock time and in
business hours (Monday to Friday, 09:00-18:00).

Run from the repository root:  python examples/metrics_helpdesk.py
"""

from __future__ import annotations

import warnings

import pandas as pd
from example_data import data_file

from servicekit.errors import SmallSampleWarning
from servicekit.metrics import (
    BusinessCalendar,
    duration_summary,
    kpi_report,
    response_times,
    tickets_from_events,
)


def show(title: str, report: pd.DataFrame) -> None:
    """Print a report with times in hours and rates in percent, groups as columns."""
    shown = pd.DataFrame(index=report.index)
    for column in report.columns:
        values = report[column]
        if "seconds" in column:
            shown[column.replace("seconds", "hours")] = values.map(lambda s: f"{s / 3600:.1f}")
        elif column.startswith("resolution_rate"):
            shown[column.replace("rate", "rate_%")] = values.map(lambda p: f"{p * 100:.2f}")
        else:
            shown[column] = values.map(str)
    print(f"\n== {title}")
    print(shown.T.to_string())


def main() -> None:
    log = pd.read_csv(data_file("helpdesk_italian_4tu", "finale.csv"))
    tickets = tickets_from_events(
        log,
        case="Case ID",
        activity="Activity",
        timestamp="Complete Timestamp",
        response_activities="Take in charge ticket",
        resolve_activities=["Resolve ticket", "Closed"],
        attributes=["seriousness", "seriousness_2"],
    )
    print(
        f"{len(log):,} events ({log.duplicated().sum()} exact duplicates dropped) -> "
        f"{len(tickets):,} tickets; {int(tickets['reopened'].sum())} reopened, "
        f"{int(tickets['first_response'].isna().sum())} never taken in charge, "
        f"{int(tickets['resolved'].isna().sum())} never resolved"
    )
    response = duration_summary(
        response_times(tickets["created"], tickets["first_response"]), missing="omit"
    )
    print(f"response time: {response}")

    overall = kpi_report(tickets)
    show("overall, wall-clock hours", overall)
    print(f"(backlog counted at {overall.attrs['backlog_at']})")
    show(
        "overall, business hours (Mon-Fri 09:00-18:00)",
        kpi_report(tickets, calendar=BusinessCalendar(opens="09:00", closes="18:00")),
    )
    # "seriousness" is one value ("Value 1") for every ticket of this log, so its report
    # is the overall row again; "seriousness_2" is the field that varies.
    show("by seriousness", kpi_report(tickets, by="seriousness"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SmallSampleWarning)
        by_level = kpi_report(tickets, by="seriousness_2")
    show("by seriousness_2", by_level)
    for warning in caught:
        print(f"note: {warning.message}")


if __name__ == "__main__":
    main()
