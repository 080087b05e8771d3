"""Valid calls of servicekit.classify's public functions, for tests/test_bad_input.py."""

from __future__ import annotations

import pandas as pd

from servicekit import classify
from tests.support import Case


def _agents() -> pd.DataFrame:
    return pd.DataFrame(
        {"agent": ["a", "b"], "skills": ["cards", "human"], "load": [0, 1], "cap": [3, 3]}
    )


CASES = [
    Case(
        classify.route,
        lambda: {
            "predictions": ["card_arrival", "other"],
            "skills": {"card_arrival": "cards"},
            "agents": _agents(),
            "capacity_column": "cap",
        },
    ),
]
