"""servicekit.insights: segments, contact reasons, satisfaction drivers and co-occurring issues.

* :func:`rfm_table` and :func:`rfm_scores` summarise purchase histories (recency,
  frequency, monetary value) and score them into named segments.
* :func:`segment_customers` finds k-means segments on scaled features and returns a
  :class:`Segmentation` (profile, centres, silhouette per k, bootstrap stability,
  assignment of new customers, JSON persistence).
* :func:`key_drivers` splits the R² of an outcome among its drivers (LMG Shapley
  values or Johnson's relative weights).
* :func:`association_rules` mines frequent itemsets and rules from baskets.
"""

from __future__ import annotations

from servicekit.insights.drivers import MAX_SHAPLEY_DRIVERS, key_drivers
from servicekit.insights.rfm import RFM_SEGMENTS, rfm_scores, rfm_table
from servicekit.insights.rules import association_rules, frequent_itemsets
from servicekit.insights.segments import Segmentation, segment_customers
from servicekit.insights.topics import Topics, discover_topics

__all__ = [
    "MAX_SHAPLEY_DRIVERS",
    "RFM_SEGMENTS",
    "Segmentation",
    "Topics",
    "association_rules",
    "discover_topics",
    "frequent_itemsets",
    "key_drivers",
    "rfm_scores",
    "rfm_table",
    "segment_customers",
]
