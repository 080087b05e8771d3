"""servicekit.churn.fit_logistic on a Dask array: 2 workers vs 1, peak memory, dask-ml.

One run, on 5,000,000 x 20 generated data (a Dask array of 50 partitions of 100,000
rows, 16 MB each, made lazily by ``dask.array.random``: it never sits in the client's
memory, and every pass over the data regenerates its partitions on the workers),
prints:

- fit time of ``fit_logistic`` on a LocalCluster of 2 single-threaded worker
  processes and of 1, and the speed-up;
- each worker's peak resident memory (``ru_maxrss``) before and after the fit, against
  the size of one partition and of the whole array;
- the same for dask-ml's ``LogisticRegression(solver="newton")`` on 2 workers (its
  Newton solver takes no penalty: an unpenalised fit like ours), the time ratio, and
  the largest relative difference of the coefficients.

Each library runs on a fresh cluster, so each worker's ``ru_maxrss`` is that fit's
peak. Times are single runs (a 5,000,000-row fit takes tens of seconds; the machine
is shared, so read the ratios, not the absolute times).

Run: python benchmarks/bench_dask_churn.py [--rows N] [--skip-one-worker]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import warnings
from typing import Any

import numpy as np

N_ROWS, N_COLS, N_PARTITIONS = 5_000_000, 20, 50


def data(rows: int) -> tuple[Any, Any, np.ndarray]:
    """Lazy X (rows x 20, 50 partitions), y drawn from a known logistic model, true beta."""
    import dask.array as da

    chunk = rows // N_PARTITIONS
    rng = da.random.default_rng(2026)
    X = rng.standard_normal((rows, N_COLS), chunks=(chunk, N_COLS))
    X = X * np.linspace(0.5, 5.0, N_COLS) + np.linspace(-3.0, 3.0, N_COLS)  # unequal scales
    beta = np.random.default_rng(0).normal(0.0, 0.1, N_COLS)
    eta = (X - np.linspace(-3.0, 3.0, N_COLS)) @ beta - 0.5
    y = rng.random(rows, chunks=chunk) < 1.0 / (1.0 + da.exp(-eta))
    return X, y, beta


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def on_cluster(workers: int, fit: Any) -> tuple[Any, float, list[float], list[float]]:
    """Run ``fit()`` on a fresh LocalCluster: result, seconds, idle and peak RSS per worker."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: __import__("servicekit.churn") and __import__("scipy.special"))
        idle = sorted(client.run(peak_rss_mb).values())
        start = time.perf_counter()
        result = fit()
        seconds = time.perf_counter() - start
        peak = sorted(client.run(peak_rss_mb).values())
    return result, seconds, idle, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=N_ROWS)
    parser.add_argument("--skip-one-worker", action="store_true")
    options = parser.parse_args()

    import dask
    import dask_ml
    import distributed
    import pandas as pd
    import scipy
    import sklearn
    from dask_ml.linear_model import LogisticRegression

    import servicekit
    from servicekit.churn import fit_logistic

    print(
        f"python {sys.version.split()[0]}, servicekit {servicekit.__version__}, numpy "
        f"{np.__version__}, scipy {scipy.__version__}, pandas {pd.__version__}, dask "
        f"{dask.__version__}, distributed {distributed.__version__}, dask-ml "
        f"{dask_ml.__version__}, scikit-learn {sklearn.__version__}"
    )
    X, y, _ = data(options.rows)
    partition_mb = X.chunks[0][0] * N_COLS * 8 / 2**20
    print(
        f"\n== fit_logistic on {options.rows:,} x {N_COLS}, {X.npartitions} partitions of "
        f"{X.chunks[0][0]:,} rows ({partition_mb:.0f} MB each, {X.nbytes / 2**20:,.0f} MB "
        "in all), generated lazily on the workers =="
    )

    def ours() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return fit_logistic(X, y)

    def theirs() -> Any:
        model = LogisticRegression(solver="newton", tol=1e-8, max_iter=100)
        return model.fit(X, y)

    runs = {}
    for label, workers, fit in [
        ("fit_logistic, 2 workers", 2, ours),
        ("fit_logistic, 1 worker", 1, ours),
        ("dask-ml newton, 2 workers", 2, theirs),
    ]:
        if workers == 1 and options.skip_one_worker:
            continue
        result, seconds, idle, peak = on_cluster(workers, fit)
        runs[label] = (result, seconds)
        print(
            f"  {label:<27} {seconds:8.1f} s   worker peak RSS (MB): "
            f"{', '.join(f'{p:.0f}' for p in peak)}   (idle {', '.join(f'{i:.0f}' for i in idle)})"
        )

    model, t_two = runs["fit_logistic, 2 workers"]
    print(
        f"  fit_logistic: {model.n_iter} Newton iterations, converged={model.converged}, "
        f"{model.n_iter + 2} passes over the data"
    )
    if "fit_logistic, 1 worker" in runs:
        one, t_one = runs["fit_logistic, 1 worker"]
        print(f"  speed-up 1 -> 2 workers = {t_one / t_two:.2f}x  (ideal 2.0)")
        same = float(np.max(np.abs(one.coef - model.coef) / np.abs(model.coef)))
        print(f"  1 vs 2 workers, largest relative coefficient difference = {same:.2e}")
    fitted, t_ml = runs["dask-ml newton, 2 workers"]
    coef = np.asarray(fitted.coef_)
    difference = float(np.max(np.abs(coef - model.coef) / np.abs(model.coef)))
    intercept = abs(float(fitted.intercept_) - model.intercept) / abs(model.intercept)
    print(f"  time ratio fit_logistic / dask-ml (2 workers) = {t_two / t_ml:.2f}")
    print(
        f"  largest relative coefficient difference vs dask-ml = {difference:.2e} "
        f"(intercept {intercept:.2e})"
    )


if __name__ == "__main__":
    main()
