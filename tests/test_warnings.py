"""Every servicekit warning points at the caller's line, not into servicekit.

servicekit._warnings.warn finds the first frame outside the package, so this holds
however deep the warning is raised (helpers, the @validated wrapper, sklearn callbacks).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from servicekit import churn, classify, metrics
from servicekit.errors import (
    ConvergenceWarning,
    SeparationWarning,
    ServicekitWarning,
    SmallSampleWarning,
    TimeZoneWarning,
    UnseenCategoryWarning,
)


def _churn_model() -> churn.ChurnModel:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "tenure": rng.integers(1, 72, 80),
            "plan": rng.choice(["a", "b"], 80),
            "churn": rng.choice(["Yes", "No"], 80),
        }
    )
    return churn.fit_churn_model(frame, target="churn", positive="Yes")


CALLS: list[tuple[str, Callable[[], Any], type[Warning]]] = [
    ("csat", lambda: metrics.csat([5, 4, 3]), SmallSampleWarning),
    ("rates", lambda: metrics.resolution_rate([True, False]), SmallSampleWarning),
    ("durations", lambda: metrics.duration_summary([30.0, 60.0]), SmallSampleWarning),
    (
        "asa",
        lambda: metrics.average_speed_of_answer([3.0, 5.0], [False, False]),
        SmallSampleWarning,
    ),
    (
        "kpi_report",
        lambda: metrics.kpi_report(
            pd.DataFrame(
                {
                    "created": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                    "first_response": pd.to_datetime(["2024-01-01 01:00", None]),
                    "resolved": pd.to_datetime(["2024-01-03", None]),
                }
            )
        ),
        SmallSampleWarning,
    ),
    (
        "clock change",
        lambda: metrics.business_seconds(
            pd.Series(pd.to_datetime(["2024-10-27 09:00"])).dt.tz_localize("Europe/Rome"),
            pd.Series(pd.to_datetime(["2024-10-27 11:00"])).dt.tz_localize("Europe/Rome"),
            metrics.BusinessCalendar(weekdays=(6,)),
        ),
        TimeZoneWarning,
    ),
    (
        "separation",
        lambda: churn.fit_logistic([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]),
        SeparationWarning,
    ),
    (
        "hosmer_lemeshow",
        lambda: churn.hosmer_lemeshow([0, 1, 0, 1, 1, 0], [0.2, 0.8, 0.3, 0.7, 0.6, 0.4], bins=3),
        SmallSampleWarning,
    ),
    (
        "unseen category",
        lambda: _churn_model().predict_proba(
            pd.DataFrame({"tenure": [3], "plan": ["zzz"], "churn": ["No"]})
        ),
        UnseenCategoryWarning,
    ),
    (
        "solver stopped",
        lambda: classify.fit_question_classifier(
            ["where is my card", "card not here", "change my pin", "forgot pin"],
            ["card", "card", "pin", "pin"],
            max_iter=1,
        ),
        ConvergenceWarning,
    ),
]


@pytest.mark.parametrize(("call", "category"), [c[1:] for c in CALLS], ids=[c[0] for c in CALLS])
def test_warning_points_at_the_callers_line(
    call: Callable[[], Any], category: type[Warning]
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    ours = [w for w in caught if issubclass(w.category, ServicekitWarning)]
    assert any(issubclass(w.category, category) for w in ours), [str(w.message) for w in caught]
    for record in ours:
        assert record.filename == __file__, (record.filename, str(record.message))
