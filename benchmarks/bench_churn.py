"""Speed of servicekit.churn.fit_logistic against statsmodels and scikit-learn.

One run, on 100,000 x 50 generated data twice -- standardised columns, and unscaled
correlated columns (scales from 1e-2 to 1e6, five latent factors) -- prints:

- fit time of fit_logistic and of statsmodels Logit(...).fit(method="newton"), their
  ratio (goal <= 0.5) and the largest relative coefficient difference (goal <= 1e-6);
- fit time of scikit-learn LogisticRegression(penalty=None) with lbfgs and
  newton-cholesky, whether each converged, and its largest relative difference;
- scoring throughput of LogisticModel.predict_proba against a plain expit(X @ b).

Every time is the best of 3 calls (7 for scoring; fit_logistic and statsmodels in
interleaved rounds), after a warm-up fit of each library: the machine is shared, and
the minimum is the least noisy estimate.

Run: python benchmarks/bench_churn.py   (needs the test extra for statsmodels)
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import special

from servicekit.churn import fit_logistic

N_ROWS, N_COLS = 100_000, 50


def standardised(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.standard_normal((N_ROWS, N_COLS))
    beta = rng.normal(0.0, 0.3, N_COLS)
    y = (rng.random(N_ROWS) < special.expit(X @ beta - 0.5)).astype(float)
    return X, y


def unscaled_correlated(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    latent = rng.standard_normal((N_ROWS, 5))
    loadings = rng.normal(size=(5, N_COLS))
    Z = latent @ loadings + 0.5 * rng.standard_normal((N_ROWS, N_COLS))
    Z = (Z - Z.mean(axis=0)) / Z.std(axis=0)
    beta = rng.normal(0.0, 0.15, N_COLS)
    y = (rng.random(N_ROWS) < special.expit(Z @ beta - 0.5)).astype(float)
    scales = 10.0 ** rng.uniform(-2, 6, N_COLS)
    offsets = rng.uniform(0, 10, N_COLS) * scales
    return Z * scales + offsets, y


def timed(call: Callable[[], Any], repeat: int = 3) -> tuple[Any, float, list[str]]:
    """Result, best wall time of ``repeat`` calls (the machine is shared), warnings of the first."""
    best = float("inf")
    names: list[str] = []
    for attempt in range(repeat):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            start = time.perf_counter()
            result = call()
            best = min(best, time.perf_counter() - start)
        if attempt == 0:
            names = [type(w.message).__name__ for w in caught]
    return result, best, names


def relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def run(name: str, X: np.ndarray, y: np.ndarray) -> None:
    import statsmodels.api as sm
    from sklearn.linear_model import LogisticRegression

    print(f"\n== {name}: {X.shape[0]:,} x {X.shape[1]} ==")
    design = sm.add_constant(X, has_constant="add")
    # Interleaved rounds, so both libraries see the same load on the shared machine.
    ours_times, sm_times = [], []
    for _ in range(3):
        ours, elapsed, w_ours = timed(lambda: fit_logistic(X, y), repeat=1)
        ours_times.append(elapsed)
        ref, elapsed, w_sm = timed(
            lambda: sm.Logit(y, design).fit(method="newton", disp=0), repeat=1
        )
        sm_times.append(elapsed)
    t_ours, t_sm = min(ours_times), min(sm_times)
    print(
        f"fit_logistic           {t_ours:7.3f} s  converged={ours.converged} "
        f"n_iter={ours.n_iter} warnings={w_ours}"
    )
    sm_converged = bool(ref.mle_retvals["converged"])
    print(
        f"statsmodels Newton     {t_sm:7.3f} s  converged={sm_converged} "
        f"n_iter={ref.mle_retvals['iterations']} warnings={sorted(set(w_sm))}"
    )
    print(f"  ratio fit_logistic / statsmodels = {t_ours / t_sm:.3f}  (goal <= 0.5)")
    print(
        f"  max relative difference: coef {relative(ours.coef, ref.params[1:]):.2e}, "
        f"std err {relative(ours.std_errors, ref.bse[1:]):.2e}  (goal <= 1e-6)"
    )
    for solver in ("lbfgs", "newton-cholesky"):
        estimator = LogisticRegression(penalty=None, solver=solver, max_iter=100)
        fitted, t_sk, w_sk = timed(lambda e=estimator: e.fit(X, y))
        converged = "ConvergenceWarning" not in w_sk and fitted.n_iter_[0] < 100
        print(
            f"sklearn {solver:15s}{t_sk:7.3f} s  converged={converged} "
            f"n_iter={fitted.n_iter_[0]}  max rel coef diff vs fit_logistic "
            f"{relative(fitted.coef_[0], ours.coef):.2e}  ratio fit_logistic/sklearn "
            f"{t_ours / t_sk:.3f}"
        )
    beta, intercept = ours.coef.copy(), ours.intercept
    _, t_plain, _ = timed(lambda: special.expit(X @ beta + intercept), repeat=7)
    _, t_predict, _ = timed(lambda: ours.predict_proba(X), repeat=7)
    print(
        f"scoring: predict_proba {N_ROWS / t_predict:,.0f} rows/s, plain expit(X @ b) "
        f"{N_ROWS / t_plain:,.0f} rows/s, ratio of times {t_predict / t_plain:.2f} "
        "(predict_proba validates X: finite, 2-d, width)"
    )


def warm_up() -> None:
    import statsmodels.api as sm
    from sklearn.linear_model import LogisticRegression

    X, y = standardised(np.random.default_rng(0))
    X, y = X[:2000], y[:2000]
    fit_logistic(X, y)
    sm.Logit(y, sm.add_constant(X)).fit(method="newton", disp=0)
    with warnings.catch_warnings():  # scikit-learn >= 1.8 deprecates penalty=None (FutureWarning)
        warnings.simplefilter("ignore", FutureWarning)
        LogisticRegression(penalty=None).fit(X, y)


def main() -> None:
    warm_up()
    rng = np.random.default_rng(20261122)
    run("standardised", *standardised(rng))
    run("unscaled correlated", *unscaled_correlated(rng))


if __name__ == "__main__":
    main()
