from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.errors import InvalidInputError
from servicekit.metrics import cx_score


def test_equal_weights_give_the_plain_mean() -> None:
    assert cx_score({"csat": 90, "resolution": 80, "service_level": 70}) == pytest.approx(80.0)


def test_weights_need_not_sum_to_one() -> None:
    parts = {"csat": 90.0, "resolution": 60.0}
    assert cx_score(parts, {"csat": 2, "resolution": 1}) == pytest.approx(80.0)
    assert cx_score(parts, {"csat": 0.5, "resolution": 0.25}) == pytest.approx(80.0)
    assert cx_score(parts, {"csat": 1, "resolution": 0}) == pytest.approx(90.0)


def test_the_sources_worked_example_is_not_75() -> None:
    # The source averages 90 %, 15 minutes and 80 % and calls it 75.
    assert cx_score({"csat": 90, "response_minutes": 15, "resolution": 80}) == pytest.approx(
        185 / 3
    )


def test_a_part_off_the_0_100_scale_is_named() -> None:
    with pytest.raises(
        InvalidInputError, match=r"'parts' must map 'response_minutes' to a number in \[0, 100\]"
    ):
        cx_score({"csat": 90, "response_minutes": 150})
    with pytest.raises(InvalidInputError, match="'parts' must map 'nps' to a number in"):
        cx_score({"csat": 90, "nps": -20})


def test_weights_must_match_parts_be_non_negative_and_sum_above_zero() -> None:
    parts = {"csat": 90, "resolution": 80}
    with pytest.raises(
        InvalidInputError, match=r"'weights' must have the same keys.*extra \['fcr'\]"
    ):
        cx_score(parts, {"csat": 1, "resolution": 1, "fcr": 1})
    with pytest.raises(InvalidInputError, match=r"'weights'.*missing \['resolution'\]"):
        cx_score(parts, {"csat": 1})
    with pytest.raises(InvalidInputError, match=r"'weights' must map 'csat' to a number >= 0"):
        cx_score(parts, {"csat": -1, "resolution": 2})
    with pytest.raises(InvalidInputError, match="'weights' must have a positive sum"):
        cx_score(parts, {"csat": 0, "resolution": 0})


@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c", "d"]),
        st.tuples(st.floats(0, 100), st.floats(0.01, 10)),
        min_size=1,
    )
)
def test_cx_score_lies_between_its_parts(parts: dict[str, tuple[float, float]]) -> None:
    scores = {k: s for k, (s, _) in parts.items()}
    weights = {k: w for k, (_, w) in parts.items()}
    result = cx_score(scores, weights)
    assert min(scores.values()) - 1e-9 <= result <= max(scores.values()) + 1e-9
