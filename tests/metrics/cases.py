"""Valid calls of servicekit.metrics' public functions, for tests/test_bad_input.py."""

from __future__ import annotations

from servicekit import metrics
from tests.support import Case

CASES = [
    Case(metrics.csat, lambda: {"scores": [5, 4, 3, 5, 1], "min_n": 1}),
    Case(metrics.wilson_interval, lambda: {"successes": 3, "n": 10}),
    Case(metrics.Proportion.from_counts, lambda: {"successes": 3, "n": 10}),
]
