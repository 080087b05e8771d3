"""Speed of servicekit.metrics' time KPIs against hand-written pandas (the anchor).

1. ``kpi_report`` on 1,000,000 generated tickets grouped by two keys, against a
   hand-written pandas groupby computing the same numbers (response and resolution
   time mean/median/p90, resolution rate and CSAT with Wilson intervals from
   statsmodels, backlog). Target: at most 1.5x the anchor. The numbers must agree.
2. ``business_seconds`` on 1,000,000 (start, end) pairs. Target: well under a second.

Each timing is the best of three runs inside this one run of the script.
Run from the repository root:  python benchmarks/bench_metrics.py
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from servicekit.metrics import BusinessCalendar, business_seconds, kpi_report

N = 1_000_000
REPEATS = 3


def best_of(func: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def generated_tickets(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    created = np.datetime64("2024-01-01", "ns") + (rng.uniform(0, 90 * 86400, n) * 1e9).astype(
        "timedelta64[ns]"
    )
    response = (rng.lognormal(8, 1.5, n) * 1e9).astype("timedelta64[ns]")
    resolution = response + (rng.lognormal(11, 1, n) * 1e9).astype("timedelta64[ns]")
    first_response = np.where(rng.random(n) > 0.05, created + response, np.datetime64("NaT"))
    resolved = np.where(rng.random(n) > 0.15, created + resolution, np.datetime64("NaT"))
    rating = pd.array(rng.integers(1, 6, n), dtype="Int64")
    rating[rng.random(n) < 0.6] = pd.NA
    return pd.DataFrame(
        {
            "region": rng.choice(["north", "south", "east", "west"], n),
            "channel": rng.choice(["mail", "phone", "chat", "web", "app"], n),
            "created": created,
            "first_response": first_response.astype("datetime64[ns]"),
            "resolved": resolved.astype("datetime64[ns]"),
            "rating": rating,
        }
    )


def hand_written(tickets: pd.DataFrame) -> pd.DataFrame:
    """What an analyst would write in pandas for the same numbers."""
    end = max(tickets["created"].max(), tickets["first_response"].max(), tickets["resolved"].max())
    t = pd.DataFrame(
        {
            "region": tickets["region"],
            "channel": tickets["channel"],
            "response": (tickets["first_response"] - tickets["created"]).dt.total_seconds(),
            "resolution": (tickets["resolved"] - tickets["created"]).dt.total_seconds(),
            "is_resolved": tickets["resolved"].notna(),
            "is_rated": tickets["rating"].notna(),
            "is_satisfied": (tickets["rating"] >= 4).fillna(False),
            "is_open": tickets["resolved"].isna() | (tickets["resolved"] > end),
        }
    )
    g = t.groupby(["region", "channel"])
    times = g[["response", "resolution"]]
    mean, median, p90 = times.mean(), times.median(), times.quantile(0.9)
    sums = g[["is_resolved", "is_rated", "is_satisfied", "is_open"]].sum()
    n = g.size()
    out = pd.DataFrame(
        {
            "n": n,
            "responded": g["response"].count(),
            "response_seconds_mean": mean["response"],
            "response_seconds_median": median["response"],
            "response_seconds_p90": p90["response"],
            "resolved": sums["is_resolved"],
            "resolution_rate": sums["is_resolved"] / n,
        }
    )
    out["resolution_rate_ci_low"], out["resolution_rate_ci_high"] = proportion_confint(
        sums["is_resolved"], n, method="wilson"
    )
    out["resolution_seconds_mean"] = mean["resolution"]
    out["resolution_seconds_median"] = median["resolution"]
    out["resolution_seconds_p90"] = p90["resolution"]
    out["rated"] = sums["is_rated"]
    out["csat"] = sums["is_satisfied"] / sums["is_rated"]
    out["csat_ci_low"], out["csat_ci_high"] = proportion_confint(
        sums["is_satisfied"], sums["is_rated"], method="wilson"
    )
    out["backlog"] = sums["is_open"]
    return out


def main() -> None:
    import scipy
    import statsmodels

    import servicekit

    print(
        f"servicekit {servicekit.__version__}, pandas {pd.__version__}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}, statsmodels {statsmodels.__version__}"
    )
    tickets = generated_tickets(N)
    print(f"kpi_report on {N:,} generated tickets, grouped by region x channel (20 groups)")
    anchor_s, expected = best_of(lambda: hand_written(tickets))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no group is small here; any warning is a surprise
        ours_s, report = best_of(
            lambda: kpi_report(tickets, by=["region", "channel"], satisfaction="rating")
        )
    np.testing.assert_allclose(
        report.to_numpy(dtype=float), expected[report.columns].to_numpy(dtype=float), rtol=1e-9
    )
    print(f"  hand-written pandas groupby: {anchor_s:.3f} s")
    print(f"  servicekit kpi_report:       {ours_s:.3f} s")
    print(
        f"  ratio servicekit / pandas:   {ours_s / anchor_s:.2f}x (target <= 1.2x); numbers agree"
    )

    rng = np.random.default_rng(1)
    start = np.datetime64("2024-01-01", "ns") + (rng.uniform(0, 365 * 86400, N) * 1e9).astype(
        "timedelta64[ns]"
    )
    end = start + (rng.exponential(3 * 86400, N) * 1e9).astype("timedelta64[ns]")
    calendar = BusinessCalendar(holidays=["2024-01-01", "2024-05-01", "2024-12-25", "2024-12-26"])
    seconds_s, seconds = best_of(lambda: business_seconds(start, end, calendar))
    assert np.all(seconds >= 0)
    print(f"business_seconds on {N:,} pairs: {seconds_s:.3f} s (target well under 1 s)")


if __name__ == "__main__":
    main()
