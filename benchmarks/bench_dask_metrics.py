"""``kpi_report`` on a Dask cluster against pandas in memory on the same machine.

20,000,000 generated tickets (the generator of ``bench_metrics.py``) grouped by two
keys (region x channel, 20 groups), with response and resolution times and CSAT.

- Dask: a ``distributed.LocalCluster`` of 2 single-threaded worker processes. The
  frame is generated lazily on the workers (``dd.from_map``, one generator call per
  partition of 500,000 tickets), so the client never holds it, and persisted there
  first: the timings are of ``kpi_report`` alone, exact (one shuffle of the keys and
  durations) and ``approximate=True`` (no shuffle).
- pandas: the same tickets (same seeds) concatenated in this process, then
  ``kpi_report`` in memory.

The exact Dask report must equal the in-memory one (rtol 1e-12) and the approximate
quantiles must be within 0.5 % of the exact ones. Dask timings are the best of two
runs (the first call on a fresh cluster also pays for importing servicekit on the
workers and starting the shuffle service, about 2 s); the pandas timing is one run.
Run from the repository root:  python benchmarks/bench_dask_metrics.py [n_tickets]
"""

from __future__ import annotations

import platform
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000_000
PER_PARTITION = 500_000
COLUMNS = ["n", "resolution_rate", "response_seconds_median", "resolution_seconds_p90", "csat"]


def tickets(seed: int, n: int = PER_PARTITION) -> pd.DataFrame:
    """One partition of generated tickets (as ``bench_metrics.generated_tickets``)."""
    rng = np.random.default_rng(seed)
    created = np.datetime64("2024-01-01", "ns") + (rng.uniform(0, 90 * 86400, n) * 1e9).astype(
        "timedelta64[ns]"
    )
    response = (rng.lognormal(8, 1.5, n) * 1e9).astype("timedelta64[ns]")
    resolution = response + (rng.lognormal(11, 1, n) * 1e9).astype("timedelta64[ns]")
    first_response = np.where(rng.random(n) > 0.05, created + response, np.datetime64("NaT"))
    resolved = np.where(rng.random(n) > 0.15, created + resolution, np.datetime64("NaT"))
    rating = rng.integers(1, 6, n).astype(np.float64)
    rating[rng.random(n) < 0.6] = np.nan
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


def report(frame: object, approximate: bool = False) -> pd.DataFrame:
    from servicekit.metrics import kpi_report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return kpi_report(
            frame,
            by=["region", "channel"],
            satisfaction="rating",
            min_n=1,
            approximate=approximate,
        )


def best_of_two(func: Callable[[], pd.DataFrame]) -> tuple[float, pd.DataFrame]:
    times = []
    for _ in range(2):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    print(f"  runs: {', '.join(f'{t:.1f} s' for t in times)}")
    return min(times), result


def main() -> None:
    import dask
    import dask.dataframe as dd
    import distributed
    from distributed import Client, LocalCluster, wait

    import servicekit

    seeds = list(range(N // PER_PARTITION))
    n = len(seeds) * PER_PARTITION
    print(
        f"servicekit {servicekit.__version__}, pandas {pd.__version__}, numpy {np.__version__}, "
        f"dask {dask.__version__}, distributed {distributed.__version__}, "
        f"Python {platform.python_version()}, {platform.machine()}"
    )
    print(f"{n:,} tickets in {len(seeds)} partitions, by region x channel (20 groups)")

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        frame = dd.from_map(tickets, seeds, meta=tickets(0, 0))
        start = time.perf_counter()
        frame = client.persist(frame)
        wait(frame)
        generated = time.perf_counter() - start
        dask_exact, exact = best_of_two(lambda: report(frame))
        dask_approx, approx = best_of_two(lambda: report(frame, approximate=True))
    print(f"dask: generate and persist on the workers {generated:8.1f} s")
    print(f"dask: kpi_report exact                     {dask_exact:8.1f} s")
    print(f"dask: kpi_report approximate=True          {dask_approx:8.1f} s")

    start = time.perf_counter()
    memory = pd.concat([tickets(seed) for seed in seeds], ignore_index=True)
    print(f"pandas: generate in this process           {time.perf_counter() - start:8.1f} s")
    start = time.perf_counter()
    expected = report(memory)
    in_memory = time.perf_counter() - start
    print(f"pandas: kpi_report in memory               {in_memory:8.1f} s")
    print(
        f"ratio dask/pandas: exact {dask_exact / in_memory:.2f}x, "
        f"approximate {dask_approx / in_memory:.2f}x"
    )

    # Dask stores the text keys as string[pyarrow] (dataframe.convert-string), pandas as str.
    pd.testing.assert_frame_equal(exact, expected, rtol=1e-12, check_index_type=False)
    spread = [c for c in expected.columns if c.endswith(("_median", "_p90"))]
    relative = ((approx[spread] - expected[spread]).abs() / expected[spread]).to_numpy().max()
    assert relative <= 0.005 * (1 + 1e-9), relative
    print(f"exact report equals pandas (rtol 1e-12); approximate quantiles within {relative:.4%}")
    print(expected[COLUMNS].head(4).to_string())


if __name__ == "__main__":
    main()
