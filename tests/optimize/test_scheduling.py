from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.optimize

from servicekit.errors import InvalidInputError
from servicekit.optimize import (
    agents_required,
    rate_per_second,
    schedule_shifts,
    shift_patterns,
)


def test_shift_patterns_layout() -> None:
    p = shift_patterns(
        16, lengths=[6, 8], start_every=2, break_length=1, break_after=2, break_before_end=2
    )
    assert p.matrix.shape[1] == 16
    for row, start, length, pause in zip(
        p.matrix, p.starts, p.lengths, p.break_starts, strict=True
    ):
        assert row.sum() == length - 1
        assert row[pause] == 0
        assert row[start] == 1
        assert row[start + length - 1] == 1
        assert start % 2 == 0
    assert len(p.to_frame()) == p.matrix.shape[0]


def test_shift_patterns_that_cannot_fit() -> None:
    with pytest.raises(InvalidInputError, match="'lengths'"):
        shift_patterns(8, lengths=10)


def test_small_instance_equals_brute_force() -> None:
    rng = np.random.default_rng(3)
    patterns = shift_patterns(8, lengths=[3, 4], start_every=2).matrix  # 6 patterns
    need = np.array([1, 3, 2, 4, 3, 2, 3, 1])
    costs = rng.integers(3, 9, patterns.shape[0]).astype(float)
    result = schedule_shifts(need, patterns, costs=costs)
    every = np.array(list(itertools.product(range(6), repeat=patterns.shape[0])))
    feasible = np.all(every @ patterns >= need, axis=1)
    best = float((every[feasible] @ costs).min())
    assert result.total_cost == pytest.approx(best)
    assert result.status == "optimal"
    assert result.gap == 0.0
    assert np.all(result.coverage >= need)
    assert list(result.overstaffing) == list(result.coverage - need)


def test_one_day_of_15_minute_intervals_reports_status_honestly() -> None:
    intervals = np.arange(96)
    calls = (
        20
        + 140 * np.exp(-(((intervals - 44) / 14.0) ** 2))
        + 60 * np.exp(-(((intervals - 64) / 8.0) ** 2))
    )
    calls[intervals < 28] = 0  # open 07:00 to 22:00
    calls[intervals >= 88] = 0
    need = agents_required(rate_per_second(calls, per_minutes=15), 240, shrinkage=0.25).scheduled
    patterns = shift_patterns(
        96,
        lengths=[16, 32, 36],
        start_every=2,
        earliest_start=28,
        latest_end=88,
        break_length=2,
        break_after=8,
        break_before_end=8,
    )
    result = schedule_shifts(need, patterns, time_limit=5.0)
    assert np.all(result.coverage >= need)
    assert result.lower_bound <= result.total_cost + 1e-9
    if result.status == "optimal":
        assert result.gap <= 1e-9
    else:
        assert result.status == "time_limit"
        assert result.gap >= 0.0


def test_time_limit_is_never_reported_as_optimal(monkeypatch: pytest.MonkeyPatch) -> None:
    real = scipy.optimize.milp

    def stopped(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(*args, **kwargs)
        result.status = 1  # what HiGHS returns when the time limit stops it
        result.mip_dual_bound = result.fun - 1.0
        return result

    monkeypatch.setattr(scipy.optimize, "milp", stopped)
    result = schedule_shifts([2, 3, 1, 1], [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]])
    assert result.status == "time_limit"
    assert result.gap == pytest.approx(1.0 / result.total_cost)


def test_gap_limit_status(monkeypatch: pytest.MonkeyPatch) -> None:
    real = scipy.optimize.milp

    def loose(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(*args, **kwargs)
        result.mip_dual_bound = result.fun * 0.9
        return result

    monkeypatch.setattr(scipy.optimize, "milp", loose)
    result = schedule_shifts([2, 3, 1, 1], [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]], mip_gap=0.2)
    assert result.status == "gap_limit"
    assert result.gap == pytest.approx(0.1)


def test_uncovered_interval_names_requirements() -> None:
    with pytest.raises(InvalidInputError, match="position 3") as info:
        schedule_shifts([1, 1, 1, 1], [[1, 1, 0, 0], [0, 1, 1, 0]])
    assert info.value.argument == "requirements"


def test_costs_length_is_checked() -> None:
    with pytest.raises(InvalidInputError, match="'costs'"):
        schedule_shifts([1, 1], [[1, 1], [0, 1]], costs=[1.0])
