"""servicekit.metrics: customer-service KPIs with confidence intervals.

Every rate is a :class:`Proportion` (a fraction in [0, 1] with ``.percent`` and a
Wilson interval). Survey scores (:func:`csat`, :func:`nps`, :func:`ces`) live in
``satisfaction``, ticket rates in ``rates``, queue KPIs (:func:`service_level` and
friends) in ``service_level`` and the composite :func:`cx_score` in ``composite``.

Times are in seconds: :func:`duration_summary` and :func:`average_handle_time`
summarise them, :class:`BusinessCalendar` and :func:`business_seconds` count only
opening hours, :func:`response_times` and :func:`backlog` work from ticket instants,
:func:`tickets_from_events` turns an event log into tickets, :func:`combine_date_time`
joins a date column and a time-of-day column into instants, and :func:`kpi_report`
puts it all in one table per group.
"""

from __future__ import annotations

from servicekit.metrics.backlog import backlog
from servicekit.metrics.calendar import BusinessCalendar, business_seconds
from servicekit.metrics.clock import combine_date_time
from servicekit.metrics.composite import cx_score
from servicekit.metrics.durations import DurationSummary, average_handle_time, duration_summary
from servicekit.metrics.events import tickets_from_events
from servicekit.metrics.proportion import Proportion, wilson_interval
from servicekit.metrics.rates import (
    escalation_rate,
    first_contact_resolution,
    reopen_rate,
    resolution_rate,
    sla_breach_rate,
)
from servicekit.metrics.report import kpi_report
from servicekit.metrics.response import response_times
from servicekit.metrics.satisfaction import (
    CustomerEffortScore,
    NetPromoterScore,
    ces,
    csat,
    nps,
)
from servicekit.metrics.service_level import (
    abandonment_rate,
    average_speed_of_answer,
    occupancy,
    service_level,
)

__all__ = [
    "BusinessCalendar",
    "CustomerEffortScore",
    "DurationSummary",
    "NetPromoterScore",
    "Proportion",
    "abandonment_rate",
    "average_handle_time",
    "average_speed_of_answer",
    "backlog",
    "business_seconds",
    "ces",
    "combine_date_time",
    "csat",
    "cx_score",
    "duration_summary",
    "escalation_rate",
    "first_contact_resolution",
    "kpi_report",
    "nps",
    "occupancy",
    "reopen_rate",
    "resolution_rate",
    "response_times",
    "service_level",
    "sla_breach_rate",
    "tickets_from_events",
    "wilson_interval",
]
