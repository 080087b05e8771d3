"""servicekit.metrics: customer-service KPIs with confidence intervals.

Every rate is a :class:`Proportion` (a fraction in [0, 1] with ``.percent`` and a
Wilson interval). Times are in seconds: :func:`duration_summary` and
:func:`average_handle_time` summarise them, :class:`BusinessCalendar` and
:func:`business_seconds` count only opening hours, :func:`response_times` and
:func:`backlog` work from ticket instants, :func:`tickets_from_events` turns an event
log into tickets, and :func:`kpi_report` puts it all in one table per group.
"""

from __future__ import annotations

from servicekit.metrics.backlog import backlog
from servicekit.metrics.calendar import BusinessCalendar, business_seconds
from servicekit.metrics.durations import DurationSummary, average_handle_time, duration_summary
from servicekit.metrics.events import tickets_from_events
from servicekit.metrics.proportion import Proportion, wilson_interval
from servicekit.metrics.report import kpi_report
from servicekit.metrics.response import response_times
from servicekit.metrics.satisfaction import csat

__all__ = [
    "BusinessCalendar",
    "DurationSummary",
    "Proportion",
    "average_handle_time",
    "backlog",
    "business_seconds",
    "csat",
    "duration_summary",
    "kpi_report",
    "response_times",
    "tickets_from_events",
    "wilson_interval",
]
