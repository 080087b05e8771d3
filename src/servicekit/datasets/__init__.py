"""Built-in sample data: generated tickets, customers, calls and ratings, and a question set.

Everything here is made in code or written for servicekit, ships inside the package
and needs no network: ``servicekit demo``, the docs and your first experiments run
on it. The generators are deterministic (``random_state``) and their processes are
documented, so what a model finds can be checked against what was put in:
:func:`make_customers` draws churn from known logistic coefficients
(:data:`CHURN_COEFFICIENTS`), :func:`make_calls` simulates the queue it reports.

- :func:`make_tickets`: tickets with created / first response / resolved times,
  team, channel, CSAT and NPS answers (for :func:`servicekit.metrics.kpi_report`);
- :func:`make_customers`: customers and churn (for :mod:`servicekit.churn`,
  :func:`servicekit.insights.segment_customers`);
- :func:`make_calls`: a call log with waits and abandonment (for
  :mod:`servicekit.forecast`, :mod:`servicekit.optimize`, call-centre KPIs);
- :func:`make_ratings`: user-item ratings (for :mod:`servicekit.recommend`);
- :func:`load_questions`: 300 questions over 12 intents with FAQ answers (for
  :mod:`servicekit.classify`, :func:`servicekit.insights.discover_topics`).

Examples
--------
>>> from servicekit.datasets import make_customers
>>> make_customers(20).shape
(20, 7)
"""

from __future__ import annotations

from servicekit.datasets._generators import (
    CALLS_START,
    CHURN_COEFFICIENTS,
    TICKETS_START,
    make_calls,
    make_customers,
    make_ratings,
    make_tickets,
)
from servicekit.datasets._questions import load_questions

__all__ = [
    "CALLS_START",
    "CHURN_COEFFICIENTS",
    "TICKETS_START",
    "load_questions",
    "make_calls",
    "make_customers",
    "make_ratings",
    "make_tickets",
]
