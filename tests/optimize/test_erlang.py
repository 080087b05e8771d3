from __future__ import annotations

import math

import numpy as np
import pytest

from servicekit.errors import InvalidInputError
from servicekit.optimize import erlang_a, erlang_b, erlang_c, rate_per_second

HALF_HOUR_100 = rate_per_second(100, per_minutes=30)


def _erlang_b_by_factorials(traffic: float, agents: int) -> float:
    terms = [traffic**k / math.factorial(k) for k in range(agents + 1)]
    return terms[-1] / sum(terms)


def _erlang_b_full_recursion(traffic: float, agents: int) -> float:
    inverse = 1.0
    for k in range(1, agents + 1):
        inverse = 1.0 + k / traffic * inverse
    return 1.0 / inverse


def _birth_death(rate: float, handle: float, agents: int, patience: float, states: int = 4000):
    """Plain stationary distribution of the M/M/n+M queue, unnormalised then normalised."""
    weights = [1.0]
    for j in range(1, states):
        death = min(j, agents) / handle + max(j - agents, 0) / patience
        weights.append(weights[-1] * rate / death)
    total = sum(weights)
    return [w / total for w in weights]


def test_erlang_b_small_values() -> None:
    assert float(erlang_b(1.0, 1)) == 0.5
    assert float(erlang_b(1.0, 2)) == pytest.approx(0.2, abs=1e-15)
    assert float(erlang_b(3.0, 0)) == 1.0
    assert float(erlang_b(0.0, 0)) == 1.0
    assert float(erlang_b(0.0, 5)) == 0.0


def test_erlang_b_matches_factorials() -> None:
    for traffic, agents in [(2.5, 3), (10.0, 14), (30.0, 25), (7.0, 40)]:
        assert float(erlang_b(traffic, agents)) == pytest.approx(
            _erlang_b_by_factorials(traffic, agents), rel=1e-12
        )


@pytest.mark.parametrize(("traffic", "agents"), [(100_000.0, 100_000), (250.0, 240), (5e3, 5300)])
def test_erlang_b_large_is_the_full_recursion(traffic: float, agents: int) -> None:
    value = float(erlang_b(traffic, agents))
    assert np.isfinite(value)
    assert value == pytest.approx(_erlang_b_full_recursion(traffic, agents), rel=1e-13)


def test_erlang_b_far_above_traffic_underflows_to_zero() -> None:
    assert float(erlang_b(10.0, 2000)) == 0.0


def test_erlang_b_broadcasts() -> None:
    out = erlang_b([1.0, 1.0, 10.0], [1, 2, 14])
    assert out.shape == (3,)
    assert out[:2] == pytest.approx([0.5, 0.2])
    assert np.shape(erlang_b(1.0, 2)) == ()


def test_erlang_c_issue_figures_100_calls() -> None:
    m = erlang_c(HALF_HOUR_100, 180, 14, answer_within=20)
    assert float(m.traffic) == pytest.approx(10.0)
    assert float(m.service_level) == pytest.approx(0.8884, abs=5e-5)
    assert float(m.prob_wait) == pytest.approx(0.1741, abs=5e-5)
    assert float(m.average_speed_of_answer) == pytest.approx(7.84, abs=5e-3)
    assert float(m.occupancy) == pytest.approx(0.714, abs=5e-4)
    assert float(m.prob_abandon) == 0.0


def test_erlang_c_issue_figures_360_calls() -> None:
    m = erlang_c(rate_per_second(360), 240, 55, answer_within=[15, 20])
    assert m.prob_wait == pytest.approx([0.2387, 0.2387], abs=5e-5)
    assert m.average_speed_of_answer == pytest.approx([8.18, 8.18], abs=5e-3)
    assert m.service_level == pytest.approx([0.8459, 0.8668], abs=5e-5)


def test_erlang_c_unstable_is_reported_not_raised() -> None:
    m = erlang_c(0.2, 240, [48, 40, 0], answer_within=20)
    assert np.all(m.prob_wait == 1.0)
    assert np.all(m.service_level == 0.0)
    assert np.all(np.isinf(m.average_speed_of_answer))
    assert np.all(m.occupancy == 1.0)


def test_erlang_c_no_calls() -> None:
    m = erlang_c(0.0, 180, 3, answer_within=20)
    assert (float(m.prob_wait), float(m.service_level), float(m.average_speed_of_answer)) == (
        0.0,
        1.0,
        0.0,
    )


def test_erlang_c_frame_has_one_row_per_interval() -> None:
    frame = erlang_c([0.05, 0.1], 180, 20, answer_within=20).to_frame()
    assert list(frame["agents"]) == [20, 20]
    assert len(frame) == 2
    assert len(erlang_c(0.05, 180, 20, answer_within=20).to_frame()) == 1


def test_lengths_that_do_not_broadcast_name_the_argument() -> None:
    with pytest.raises(InvalidInputError, match="'agents'"):
        erlang_c([0.1, 0.2], 180, [10, 11, 12], answer_within=20)


def test_erlang_a_issue_figures() -> None:
    m = erlang_a(HALF_HOUR_100, 180, 14, patience=300, answer_within=20)
    assert float(m.prob_wait) == pytest.approx(0.14526, abs=5e-6)
    assert float(m.prob_abandon) == pytest.approx(0.013984, abs=5e-7)
    assert float(m.occupancy) == pytest.approx(0.704297, abs=5e-7)
    assert float(m.mean_wait) == pytest.approx(4.195, abs=5e-4)
    assert float(m.service_level) == pytest.approx(0.916792, abs=5e-7)


def test_erlang_a_matches_a_plain_birth_death_sum() -> None:
    rate, handle, agents, patience = 0.1, 180.0, 16, 120.0
    p = _birth_death(rate, handle, agents, patience)
    prob_wait = sum(p[agents:])
    queue = sum((j - agents) * p[j] for j in range(agents, len(p)))
    m = erlang_a(rate, handle, agents, patience=patience, answer_within=0)
    assert float(m.prob_wait) == pytest.approx(prob_wait, rel=1e-10)
    assert float(m.prob_abandon) == pytest.approx(queue / patience / rate, rel=1e-10)
    assert float(m.mean_wait) == pytest.approx(queue / rate, rel=1e-10)
    # Answered within 0 seconds: exactly the calls that did not wait.
    assert float(m.service_level) == pytest.approx(1.0 - prob_wait, rel=1e-10)


def test_erlang_a_tends_to_erlang_c_with_endless_patience() -> None:
    c = erlang_c(0.2, 240, 55, answer_within=20)
    a = erlang_a(0.2, 240, 55, patience=1e7, answer_within=20)
    assert float(a.service_level) == pytest.approx(float(c.service_level), abs=1e-4)
    assert float(a.average_speed_of_answer) == pytest.approx(
        float(c.average_speed_of_answer), rel=1e-3
    )


def test_erlang_a_is_stable_when_overloaded_and_at_thousands_of_agents() -> None:
    m = erlang_a([0.5, 10.0, 0.0], 180, [10, 1500, 4], patience=[60, 600, 60], answer_within=20)
    values = np.stack([m.prob_wait, m.prob_abandon, m.service_level, m.occupancy])
    assert np.all(np.isfinite(values))
    assert np.all((values >= 0) & (values <= 1))
    # Overloaded (90 Erlangs on 10 agents): throughput is capped by the agents.
    assert float(m.occupancy[0]) == pytest.approx(1.0, abs=1e-3)
    assert float(m.prob_abandon[0]) == pytest.approx(1 - 10 / 90, abs=2e-3)
    assert float(m.service_level[2]) == 1.0


def test_erlang_a_service_level_is_monotone_in_agents() -> None:
    m = erlang_a(0.2, 240, np.arange(30, 70), patience=200, answer_within=20)
    assert np.all(np.diff(m.service_level) > 0)
    assert np.all(np.diff(m.prob_abandon) < 0)
    assert np.all(np.diff(m.average_speed_of_answer) < 0)
