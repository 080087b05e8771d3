"""servicekit.metrics: customer-service KPIs with confidence intervals.

Every rate is a :class:`Proportion` (a fraction in [0, 1] with ``.percent`` and a
Wilson interval).
"""

from __future__ import annotations

from servicekit.metrics.proportion import Proportion, wilson_interval
from servicekit.metrics.satisfaction import csat

__all__ = ["Proportion", "csat", "wilson_interval"]
