"""Valid calls of servicekit.datasets' public functions, for tests/test_bad_input.py."""

from __future__ import annotations

from servicekit import datasets
from tests.support import Case

CASES = [
    Case(datasets.make_tickets, lambda: {"n": 50, "days": 7, "random_state": 0}),
    Case(datasets.make_customers, lambda: {"n": 50, "random_state": 0}),
    Case(
        datasets.make_calls,
        lambda: {"days": 1, "calls_per_day": 50, "handle_time": 200, "random_state": 0},
    ),
    Case(
        datasets.make_ratings,
        lambda: {"n_users": 10, "n_items": 12, "ratings_per_user": 3, "random_state": 0},
    ),
    Case(datasets.load_questions, dict),
]
