"""Speed of servicekit.optimize's staffing against pyworkforce and a plain-Python Erlang A.

1. ``agents_required`` (Erlang C, 80/20) for 10,000 intervals against a loop of
   pyworkforce 0.5.1's ``ErlangC(...).required_positions`` (the anchor; bench extra).
   Target: at least 100x faster, identical agent counts.
2. ``agents_required(..., model="erlang_a")`` at 1,000 Erlangs (10,000 calls per half
   hour, 3-minute handle time, 5-minute patience, 80/20). Target: well under 50 ms.
   pyworkforce 0.5.4's pure-Python ErlangA (about 3.6 s for this question) is not
   installable for Python 3.11, so the anchor is a plain-Python birth-death reference
   (the same exact formulas, scalar loops, scanning agent counts upward); it must give
   the same count.

Each timing is the best of a few runs inside this one run of the script (the machine
may be shared; read the ratios, measured in the same run). Run from the repository
root:  python benchmarks/bench_optimize.py
"""

from __future__ import annotations

import math
import platform
import time
import warnings
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

import numpy as np

from servicekit.optimize import agents_required, rate_per_second


def best_of(func: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def pyworkforce_loop(calls: np.ndarray, aht: np.ndarray) -> np.ndarray:
    from pyworkforce.queuing import ErlangC

    out = np.empty(calls.size, dtype=np.int64)
    for i, (n, h) in enumerate(zip(calls.tolist(), aht.tolist(), strict=True)):
        erlang = ErlangC(transactions=n, aht=h / 60.0, asa=20 / 60.0, interval=30)
        out[i] = erlang.required_positions(service_level=0.8)["raw_positions"]
    return out


def erlang_a_service_level(
    rate: float, handle: float, agents: int, patience: float, within: float
) -> float:
    """Plain-Python Erlang A service level (share of arrivals answered within ``within``)."""
    traffic, service, abandon = rate * handle, agents / handle, 1.0 / patience
    inverse = 1.0
    for k in range(1, agents + 1):
        inverse = 1.0 + k / traffic * inverse
    q = math.exp(-abandon * within)
    log_e = -(rate / abandon) * math.expm1(-abandon * within) - (service + abandon) * within
    total, tilted, w, k, scale = 1.0, 0.0, 1.0, 0, 0.0  # sums kept as value * e^scale
    while True:  # w_k = prod_{i<=k} rate / (service + i * abandon)
        w_next = w * rate / (service + (k + 1) * abandon)
        tilted += math.exp(log_e + k * math.log(q)) * w_next
        if w_next < 1e-17 * total and service + (k + 1) * abandon > rate:
            break
        total += w_next
        w, k = w_next, k + 1
        if total > 1e200:  # rescale so overloaded staffing levels do not overflow
            w, total, tilted, scale = w * 1e-200, total * 1e-200, tilted * 1e-200, scale + 200
    rest = (inverse - 1.0) * 10.0**-scale
    at_n = 1.0 / (rest + total)
    return 1.0 - at_n * total + at_n * (service / rate) * ((total - 10.0**-scale) - tilted)


def plain_erlang_a_required(rate: float, handle: float, patience: float) -> int:
    agents = 1
    while erlang_a_service_level(rate, handle, agents, patience, 20.0) < 0.8:
        agents += 1
    return agents


def main() -> None:
    import pandas
    import scipy

    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"pandas {pandas.__version__}, pyworkforce {version('pyworkforce')}"
    )
    rng = np.random.default_rng(0)
    calls = rng.integers(10, 500, 10_000).astype(float)
    aht = rng.uniform(120, 360, 10_000).round()

    ours_time, ours = best_of(
        lambda: (
            agents_required(rate_per_second(calls), aht, service_level=0.8, answer_within=20).agents
        ),
        3,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs_time, theirs = best_of(lambda: pyworkforce_loop(calls, aht), 1)
    same = int(np.count_nonzero(ours == theirs))
    print(
        f"Erlang C, 10,000 intervals: servicekit {ours_time * 1e3:.1f} ms, pyworkforce loop "
        f"{theirs_time * 1e3:.0f} ms -> {theirs_time / ours_time:.0f}x faster; identical counts "
        f"{same}/{calls.size}"
    )

    rate = float(rate_per_second(10_000))
    a_time, plan = best_of(
        lambda: agents_required(
            rate, 180, model="erlang_a", patience=300, service_level=0.8, answer_within=20
        ),
        5,
    )
    ref_time, reference = best_of(lambda: plain_erlang_a_required(rate, 180.0, 300.0), 1)
    print(
        f"Erlang A, 1,000 Erlangs: servicekit {a_time * 1e3:.1f} ms ({int(plan.agents)} agents), "
        f"plain-Python birth-death {ref_time * 1e3:.0f} ms ({reference} agents) -> "
        f"{ref_time / a_time:.0f}x faster"
    )


if __name__ == "__main__":
    main()
