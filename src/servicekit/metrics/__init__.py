"""servicekit.metrics: customer-service KPIs with confidence intervals.

Every rate is a :class:`Proportion` (a fraction in [0, 1] with ``.percent`` and a
Wilson interval). Survey scores (:func:`csat`, :func:`nps`, :func:`ces`) live in
``satisfaction``, ticket rates in ``rates``, queue KPIs (:func:`service_level` and
friends) in ``service_level`` and the composite :func:`cx_score` in ``composite``.
"""

from __future__ import annotations

from servicekit.metrics.composite import cx_score
from servicekit.metrics.proportion import Proportion, wilson_interval
from servicekit.metrics.rates import (
    escalation_rate,
    first_contact_resolution,
    reopen_rate,
    resolution_rate,
    sla_breach_rate,
)
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
    "CustomerEffortScore",
    "NetPromoterScore",
    "Proportion",
    "abandonment_rate",
    "average_speed_of_answer",
    "ces",
    "csat",
    "cx_score",
    "escalation_rate",
    "first_contact_resolution",
    "nps",
    "occupancy",
    "reopen_rate",
    "resolution_rate",
    "service_level",
    "sla_breach_rate",
    "wilson_interval",
]
