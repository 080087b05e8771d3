"""The churn area on Dask collections: ``fit_logistic`` and scoring, partition by partition.

Nothing here imports Dask at module level (``import servicekit.churn`` must not import
it): the public functions reach this module through
:func:`servicekit._dask.dask_aware`, only once a Dask collection exists.

``fit_logistic`` on Dask arrays runs the in-memory algorithm (Newton/IRLS on the
standardised design, same start, step halving, convergence, separation and covariance
rules) with every sum over rows replaced by a sum of per-partition sums:

- pass 1 (one ``dask.compute``): per partition, counts, the weight sum, ``Σ w x``,
  ``Σ w y``, per-class column minima and maxima of the used rows, and counts of bad
  values (NaN/inf in ``X``, non-0/1 ``y``, negative or non-finite weights, values
  beyond the magnitude limit);
- pass 2: with the column means known, ``Σ w (x − m)(x − m)'`` and ``Σ w (y − μ0)(x − m)``
  (the Gram matrix of the standardised design: the first Newton Hessian and gradient,
  as the in-memory fit uses), and the start log-likelihood;
- one pass per Newton trial point: per partition ``Z' diag(w μ(1 − μ)) Z``,
  ``Z' w (y − μ)``, the log-likelihood and the count of perfectly predicted rows, for
  ``Z`` the standardised block. A full step is accepted in almost every iteration, so
  its pass also provides the next iteration's Hessian and gradient: one pass per
  iteration (a halved step costs one more pass).

Each partition's task holds that partition and a few ``q × q`` matrices (``q`` = columns
+ 1); the partial sums are added on the cluster by Dask's tree reduction and only the
``q × q`` totals reach the client.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import linalg, special

from servicekit._dask import require_dask
from servicekit._typing import FloatArray
from servicekit._validation import _at, _Context, described, fail

# Layout of the first pass's per-partition statistics (p = number of columns):
# [weight sum, used rows, positive weight, bad X, bad y, bad w, huge X, Σ w x (p)]
_FIRST_FIXED = 7


def _dask() -> Any:
    """The ``dask`` package (with ``dask.array`` and ``dask.dataframe`` imported), untyped."""
    return require_dask("servicekit.churn on Dask collections")


# =================================================================== per-partition work
def _as_weights(w: Any, n: int) -> FloatArray:
    return np.ones(n) if w is None else np.asarray(w, dtype=np.float64)


def _first_pass_block(x: Any, y: Any, w: Any = None, *, limit: float) -> FloatArray:
    """Sums, per-class column minima/maxima and bad-value counts of one partition.

    Returns one row: the sums (``_FIRST_FIXED + p``), then the minima and maxima of each
    column over the used rows with ``y = 1`` and with ``y = 0`` (``4p``; ±inf if none).
    """
    values = np.asarray(x, dtype=np.float64)
    n, p = values.shape
    outcome = np.asarray(y, dtype=np.float64)
    weights = _as_weights(w, n)
    finite_x = np.isfinite(values)
    bad_x = float(n * p - np.count_nonzero(finite_x))
    bad_y = float(np.count_nonzero(~((outcome == 0) | (outcome == 1))))
    bad_w = float(np.count_nonzero(~(np.isfinite(weights) & (weights >= 0))))
    with np.errstate(invalid="ignore"):
        huge = float(np.count_nonzero(finite_x & (np.abs(values) > limit)))
    out = np.empty(_FIRST_FIXED + 5 * p)
    out[:_FIRST_FIXED] = [0.0, 0.0, 0.0, bad_x, bad_y, bad_w, huge]
    out[_FIRST_FIXED + p :] = np.tile(np.repeat([np.inf, -np.inf], p), 2)
    if bad_x or bad_y or bad_w or huge:
        out[_FIRST_FIXED : _FIRST_FIXED + p] = 0.0
        return out[None, :]
    used = weights > 0
    out[0] = weights.sum()
    out[1] = float(np.count_nonzero(used))
    out[2] = float(weights @ outcome)
    out[_FIRST_FIXED : _FIRST_FIXED + p] = weights @ values
    for k, label in enumerate((1.0, 0.0)):
        rows = values[used & (outcome == label)]
        if len(rows):
            start = _FIRST_FIXED + p + 2 * k * p
            out[start : start + p] = rows.min(axis=0)
            out[start + p : start + 2 * p] = rows.max(axis=0)
    return out[None, :]


def _gram_block(
    x: Any, y: Any, w: Any = None, *, centre: FloatArray, rate: float, start: float
) -> FloatArray:
    """``Σ w (x−m)(x−m)'``, ``Σ w (x−m)``, ``Σ w (y−μ0)(x−m)``, ``Σ w (y−μ0)``, ℓ at η = β0."""
    values = np.asarray(x, dtype=np.float64)
    n = values.shape[0]
    outcome = np.asarray(y, dtype=np.float64)
    weights = _as_weights(w, n)
    centred = values - centre
    residual = weights * (outcome - rate)
    cross = centred.T @ (centred * weights[:, None])
    ll = float(weights @ (outcome * start - np.logaddexp(0.0, start)))
    out = np.concatenate(
        [cross.ravel(), weights @ centred, residual @ centred, [residual.sum(), ll]]
    )
    return out[None, :]


def _newton_block(
    x: Any,
    y: Any,
    w: Any = None,
    *,
    beta: FloatArray,
    centre: FloatArray,
    inverse_scale: FloatArray,
    fit_intercept: bool,
    perfect_eta: float,
) -> FloatArray:
    """Per partition at ``beta``: ``Z'diag(wμ(1−μ))Z`` (flattened), ``Z'w(y−μ)``, ℓ, perfect rows."""
    values = np.asarray(x, dtype=np.float64)
    n, _ = values.shape
    outcome = np.asarray(y, dtype=np.float64)
    weights = _as_weights(w, n)
    body = (values - centre) * inverse_scale  # 0 for constant columns under a ridge
    offset = int(fit_intercept)
    eta = body @ beta[offset:]
    if fit_intercept:
        eta += beta[0]
    mu = special.expit(eta)
    curvature = weights * mu * (1.0 - mu)
    residual = weights * (outcome - mu)
    weighted = body * curvature[:, None]  # with body, the only partition-sized temporaries
    q = len(beta)
    hessian = np.empty((q, q))
    hessian[offset:, offset:] = body.T @ weighted
    gradient = np.empty(q)
    gradient[offset:] = residual @ body
    if fit_intercept:  # the intercept's column of ones, without materialising it
        hessian[0, 0] = curvature.sum()
        hessian[0, 1:] = hessian[1:, 0] = weighted.sum(axis=0)
        gradient[0] = residual.sum()
    ll = float(weights @ (outcome * eta - np.logaddexp(0.0, eta)))
    signed = np.where(outcome > 0, eta, -eta)
    perfect = float(np.count_nonzero((signed > perfect_eta) & (weights > 0)))
    return np.concatenate([hessian.ravel(), gradient, [ll, perfect]])[None, :]


# =================================================================== helpers on the client
def _check_options(function: Any, public: str, arguments: dict[str, Any], skip: set[str]) -> None:
    """Run the in-memory constraints of ``function`` on the arguments that are not data."""
    constraints = getattr(function, "__servicekit_constraints__", {})
    for name, constraint in constraints.items():
        if name in skip or name not in arguments:
            continue
        arguments[name] = constraint.check(arguments[name], _Context(public, name, arguments))


def _dask_vector(value: Any, function: str, argument: str, rows: Any, n: int, kinds: str) -> Any:
    """A 1-d Dask array chunked like ``rows`` (in-memory input is wrapped)."""
    da = _dask().array

    if not hasattr(value, "dask"):
        if isinstance(value, (pd.Series, pd.Index)):
            value = value.to_numpy()
        value = np.asarray(value)
        if value.dtype == object:
            fail(function, argument, "must be a 1-d array of numbers", described("object dtype"))
        value = da.from_array(value, chunks=(value.shape[0],) if value.ndim == 1 else -1)
    if hasattr(value, "to_dask_array"):  # a Dask Series
        value = value.to_dask_array(lengths=True)
    if value.ndim != 1:
        fail(function, argument, "must be a 1-d array", described(f"shape {value.shape}"))
    if value.dtype.kind not in kinds:
        fail(function, argument, "must hold numbers", described(f"dtype {value.dtype}"))
    if any(math.isnan(c) for c in value.chunks[0]):
        fail(function, argument, _UNKNOWN_CHUNKS, described("unknown chunk sizes"))
    if value.shape[0] != n:
        fail(
            function,
            argument,
            f"must have the same length as 'X' ({n})",
            described(f"length {value.shape[0]}"),
        )
    if value.chunks[0] != rows:
        value = value.rechunk((rows,))
    return value


_UNKNOWN_CHUNKS = (
    "must have known chunk sizes (call .compute_chunk_sizes() on it, or "
    "to_dask_array(lengths=True) on a Dask DataFrame)"
)


def _dask_matrix(X: Any, function: str) -> tuple[Any, list[str] | None]:
    """A 2-d float-kind Dask array with one column chunk, and a Dask DataFrame's column names."""
    names = None
    if hasattr(X, "to_dask_array"):  # a Dask DataFrame
        columns = list(X.columns)
        if all(isinstance(c, str) and c for c in columns):
            names = [str(c) for c in columns]
        X = X.to_dask_array(lengths=True)
    if X.ndim != 2:
        fail(
            function,
            "X",
            "must be a 2-d array of numbers",
            described(f"a {X.ndim}-d Dask array of shape {X.shape}"),
        )
    if X.dtype.kind not in "iuf":
        fail(function, "X", "must be a 2-d array of numbers", described(f"dtype {X.dtype}"))
    if any(math.isnan(c) for c in X.chunks[0]):
        fail(function, "X", _UNKNOWN_CHUNKS, described("unknown chunk sizes"))
    if X.shape[0] < 1:
        fail(function, "X", "must have at least 1 element", described("0"))
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})  # each task needs whole rows
    return X, names


def _first_bad(array: Any, counts: FloatArray, test: Any) -> tuple[Any, tuple[int, ...]]:
    """Value and position of the first element where ``test`` holds.

    ``counts`` (per partition, from the first pass) says which partition holds it: only
    that partition is computed again.
    """
    block = int(np.flatnonzero(counts)[0])
    values = np.asarray(array.blocks[block].compute())
    position = tuple(int(i) for i in np.argwhere(test(values))[0])
    offset = int(sum(array.chunks[0][:block]))
    return values[position], (position[0] + offset, *position[1:])


def _report_bad_values(X: Any, y: Any, w: Any, counts: FloatArray, limit: float) -> None:
    """Raise for the first bad value, as the in-memory validation words it."""
    function = "fit_logistic"
    if counts[:, 0].any():
        value, at = _first_bad(X, counts[:, 0], lambda v: ~np.isfinite(v))
        fail(function, "X", "must be finite", _at(value, at))
    if counts[:, 1].any():
        value, at = _first_bad(
            y, counts[:, 1], lambda v: ~((v.astype(float) == 0) | (v.astype(float) == 1))
        )
        fail(
            function,
            "y",
            "must be a 1-d array of booleans (True/False or 1/0)",
            _at(float(value), at),
        )
    if counts[:, 2].any():
        value, at = _first_bad(w, counts[:, 2], lambda v: ~(np.isfinite(v) & (v >= 0)))
        problem = "must be >= 0" if np.isfinite(value) else "must be finite"
        fail(function, "sample_weight", problem, _at(value, at))
    value, at = _first_bad(X, counts[:, 3], lambda v: np.abs(v) > limit)
    fail(
        function,
        "X",
        f"must hold values of magnitude at most {limit:g} and columns whose spread "
        "(weighted standard deviation) lies between 1e-150 and 1e+150: beyond, squares "
        "and sums of the column overflow float64; rescale these column(s) (e.g. to other "
        "units, or subtract a typical value)",
        described(f"{value:.3g} at row {at[0]}, column {at[1]}"),
    )


def _blockwise(func: Any, X: Any, y: Any, w: Any, width: int, **kwargs: Any) -> Any:
    """One row of ``width`` statistics per partition (a Dask array of shape (nblocks, width))."""
    da = _dask().array

    arrays: list[Any] = [X, "ij", y, "i"]
    if w is not None:
        arrays += [w, "i"]
    return da.blockwise(
        func,
        "ik",
        *arrays,
        new_axes={"k": width},
        adjust_chunks={"i": 1},
        concatenate=True,
        dtype=np.float64,
        meta=np.empty((0, 0)),
        **kwargs,
    )


# =================================================================== fit_logistic
def fit_logistic(
    X: Any,
    y: Any,
    *,
    l2: float = 0.0,
    sample_weight: Any = None,
    fit_intercept: bool = True,
    feature_names: list[str] | None = None,
    tol: float = 1e-8,
    max_iter: int = 100,
    aliased: str = "raise",
) -> Any:
    """``fit_logistic`` on Dask arrays (see the module docstring and the public docstring)."""
    dask = _dask()

    from servicekit.churn import logistic as base

    function = "fit_logistic"
    if not hasattr(X, "dask"):
        fail(
            function,
            "X",
            "must be a Dask array when y or sample_weight is one (or compute them)",
            described(type(X).__name__),
        )
    X, frame_names = _dask_matrix(X, function)
    n, p = X.shape
    rows = X.chunks[0]
    y = _dask_vector(y, function, "y", rows, n, "biuf")
    w = (
        None
        if sample_weight is None
        else _dask_vector(sample_weight, function, "sample_weight", rows, n, "iuf")
    )
    arguments: dict[str, Any] = {
        "l2": l2,
        "fit_intercept": fit_intercept,
        "feature_names": feature_names if feature_names is not None else frame_names,
        "tol": tol,
        "max_iter": max_iter,
        "aliased": aliased,
    }
    _check_options(base.fit_logistic, function, arguments, {"X", "y", "sample_weight"})
    l2, fit_intercept = float(arguments["l2"]), bool(arguments["fit_intercept"])
    tol, max_iter = float(arguments["tol"]), int(arguments["max_iter"])
    if arguments["aliased"] == "drop":
        fail(
            function,
            "aliased",
            "must be 'raise' for Dask arrays (dropping aliased columns is in-memory only: "
            "compute X, or drop the columns named by the error)",
            "drop",
        )
    names = base._feature_names(arguments["feature_names"], p)
    offset = int(fit_intercept)

    # ---- pass 1: counts, means, per-class ranges, bad values
    limit = base.MAX_ABS_VALUE
    first = _blockwise(_first_pass_block, X, y, w, _FIRST_FIXED + 5 * p, limit=limit)
    split = _FIRST_FIXED + p
    sums, minima, maxima, bad = dask.compute(
        first[:, :split].sum(axis=0),
        first[:, split:].min(axis=0),
        first[:, split:].max(axis=0),
        first[:, 3:_FIRST_FIXED],  # bad values per partition: a few numbers each
    )
    if bad.any():
        _report_bad_values(X, y, w, bad, limit)
    total_weight, n_used, positive_weight = float(sums[0]), int(sums[1]), float(sums[2])
    if n_used == 0:
        fail(
            function,
            "sample_weight",
            "must have at least one positive weight",
            described("all weights are zero"),
        )
    if positive_weight <= 0 or positive_weight >= total_weight:
        fail(
            function,
            "y",
            "must hold both classes (0 and 1) among rows with positive weight",
            described(f"only class {int(positive_weight > 0)}"),
        )
    low1, high1 = minima[:p], maxima[p : 2 * p]
    low0, high0 = minima[2 * p : 3 * p], maxima[3 * p :]
    column_min, column_max = np.minimum(low0, low1), np.maximum(high0, high1)
    centre = sums[_FIRST_FIXED:split] / total_weight if fit_intercept else np.zeros(p)
    rate = positive_weight / total_weight
    start = math.log(rate) - math.log1p(-rate) if fit_intercept else 0.0
    mu0 = float(special.expit(start))

    # ---- pass 2: the Gram matrix of the centred columns, the first gradient
    (second,) = dask.compute(
        _blockwise(
            _gram_block, X, y, w, p * p + 2 * p + 2, centre=centre, rate=mu0, start=start
        ).sum(axis=0)
    )
    cross = second[: p * p].reshape(p, p)
    column_sums = second[p * p : p * p + p]
    residual_x = second[p * p + p : p * p + 2 * p]
    residual_sum, ll_start = float(second[-2]), float(second[-1])
    with np.errstate(invalid="ignore"):
        scale = np.sqrt(np.clip(np.diag(cross), 0.0, None) / total_weight)
    constant = np.flatnonzero(column_min == column_max)
    if len(constant) and fit_intercept:
        if l2 == 0:
            fail(
                function,
                "X",
                "must not have constant columns (they are aliased with the intercept); "
                "drop them or pass fit_intercept=False",
                [names[j] for j in constant],
            )
        scale[constant] = 0.0
    zero = np.flatnonzero(scale == 0)
    if len(zero):
        if l2 == 0 or not fit_intercept:
            fail(
                function,
                "X",
                "must not have columns that are zero on every weighted row",
                [names[j] for j in zero],
            )
        scale[zero] = 1.0
    spread = np.flatnonzero((scale < base.SCALE_RANGE[0]) | (scale > base.SCALE_RANGE[1]))
    if len(spread):
        fail(
            function,
            "X",
            "must have columns whose spread (weighted standard deviation) lies between "
            f"{base.SCALE_RANGE[0]:g} and {base.SCALE_RANGE[1]:g}: beyond, the variance of the "
            "coefficient would overflow or underflow float64; rescale these column(s) (e.g. to other units)",
            described(", ".join(f"{names[j]!r} (spread {scale[j]:.3g})" for j in spread[:5])),
        )
    q = p + offset
    penalty = np.zeros(q)
    with np.errstate(over="ignore"):
        penalty[offset:] = l2 / scale**2
    if penalty.max(initial=0.0) > base.MAX_PENALTY:
        worst = int(np.argmax(penalty[offset:]))
        fail(
            function,
            "l2",
            f"must be at most {base.MAX_PENALTY:g} times the variance of every column "
            "(the penalty on the standardised scale, l2 / sd², would overflow float64)",
            described(f"{l2:g}, with column {names[worst]!r} of spread {scale[worst]:.3g}"),
        )
    # Constant columns under a ridge penalty are zero on the standardised scale.
    live = np.ones(p, dtype=bool)
    if fit_intercept:
        live[constant] = False
    inverse_scale = np.where(live, 1.0 / scale, 0.0)
    gram = np.zeros((q, q))
    body = cross * np.outer(inverse_scale, inverse_scale)
    gram[offset:, offset:] = body
    gradient_start = np.zeros(q)
    gradient_start[offset:] = residual_x * inverse_scale
    if fit_intercept:
        gram[0, 0] = total_weight
        gram[0, 1:] = gram[1:, 0] = column_sums * inverse_scale
        gradient_start[0] = residual_sum
    if l2 == 0:
        labels = ["intercept", *names] if fit_intercept else list(names)
        base._check_rank(gram / total_weight, labels)
    perfect_start = 0.0
    if abs(start) > base.PERFECT_ETA:
        perfect_start = float(n_used)  # every used row of one class; conservative

    # ---- Newton/IRLS: one pass per trial point
    def evaluate(beta: FloatArray) -> tuple[FloatArray, FloatArray, float, float]:
        (stats,) = dask.compute(
            _blockwise(
                _newton_block,
                X,
                y,
                w,
                q * q + q + 2,
                beta=beta,
                centre=centre,
                inverse_scale=inverse_scale,
                fit_intercept=fit_intercept,
                perfect_eta=base.PERFECT_ETA,
            ).sum(axis=0)
        )
        hessian = stats[: q * q].reshape(q, q)
        hessian = (hessian + hessian.T) / 2.0
        return hessian, stats[q * q : q * q + q], float(stats[-2]), float(stats[-1])

    state = _NewtonState(
        beta=np.zeros(q),
        penalty=penalty,
        hessian=(mu0 * (1.0 - mu0) if fit_intercept else 0.25) * gram,
        gradient=gradient_start,
        ll=ll_start,
        perfect=perfect_start,
    )
    if fit_intercept:
        state.beta[0] = start
    state.run(evaluate, tol=tol, max_iter=max_iter)

    separated: tuple[str, ...] = ()
    if state.separated:
        separated = _separating_features(
            (low1, high1, low0, high0), state.last_step, names, fit_intercept
        )
        base._warn_separation_message(int(state.perfect), state.n_iter, separated, n_used)
    elif not state.converged:
        base._warn_not_converged(state.n_iter, max_iter, state.last_change, tol)
    return base._model_from_standardised(
        beta=state.beta,
        inverse_hessian=state.covariance(),
        centre=centre,
        scale=scale,
        names=names,
        kept=np.arange(p),
        dropped={},
        total_weight=total_weight,
        n_iter=state.n_iter,
        converged=state.converged,
        log_likelihood=state.ll,
        log_likelihood_null=_null_log_likelihood(total_weight, positive_weight, fit_intercept),
        l2=l2,
        fit_intercept=fit_intercept,
        separated=separated,
    )


def _null_log_likelihood(total: float, positive: float, fit_intercept: bool) -> float:
    if not fit_intercept:
        return float(-total * math.log(2.0))
    rate = positive / total
    return float(total * (rate * math.log(rate) + (1 - rate) * math.log1p(-rate)))


def _separating_features(
    ranges: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    step: FloatArray,
    names: tuple[str, ...],
    fit_intercept: bool,
) -> tuple[str, ...]:
    """As the in-memory rule, from per-class column ranges gathered in the first pass."""
    low1, high1, low0, high0 = ranges
    threshold = (high0 <= low1) | (high1 <= low0)
    found = [names[j] for j in np.flatnonzero(threshold)]
    if found:
        return tuple(found)
    direction = np.abs(step[int(fit_intercept) :])
    if direction.max(initial=0.0) == 0:
        return ()
    return tuple(names[j] for j in np.flatnonzero(direction >= 0.1 * direction.max()))


class _NewtonState:
    """The in-memory ``_Newton.run`` loop, on statistics gathered from the partitions."""

    def __init__(
        self,
        *,
        beta: FloatArray,
        penalty: FloatArray,
        hessian: FloatArray,
        gradient: FloatArray,
        ll: float,
        perfect: float,
    ) -> None:
        self.beta = beta
        self.penalty = penalty
        self.raw_hessian = hessian  # without the penalty, at beta
        self.raw_gradient = gradient  # Z'w(y − μ) at beta
        self.ll = ll
        self.perfect = perfect
        self.n_iter = 0
        self.converged = False
        self.separated = False
        self.last_change = math.inf
        self.last_step = np.zeros(len(beta))
        self._final_factor: tuple[FloatArray, bool] | None = None

    def objective(self, ll: float, beta: FloatArray) -> float:
        return ll - 0.5 * float(self.penalty @ (beta * beta))

    def run(self, evaluate: Any, *, tol: float, max_iter: int) -> None:
        from servicekit.churn.logistic import ROUNDING

        current = self.objective(self.ll, self.beta)
        previous_change = last_previous = math.inf
        no_penalty = self.penalty.max(initial=0.0) == 0.0
        for iteration in range(1, max_iter + 1):
            hessian = self.raw_hessian + np.diag(self.penalty)
            gradient = self.raw_gradient - self.penalty * self.beta
            try:
                factor = linalg.cho_factor(hessian, lower=False, check_finite=False)
                step = linalg.cho_solve(factor, gradient, check_finite=False)
            except linalg.LinAlgError:
                self.separated = self.perfect > 0
                return
            if not np.all(np.isfinite(step)):
                self.separated = self.perfect > 0
                return
            self.n_iter = iteration
            fraction = 1.0
            improved = False
            for _ in range(40):
                beta = self.beta + fraction * step
                trial = evaluate(beta)
                value = self.objective(trial[2], beta)
                if value >= current - 1e-12 * abs(current):
                    improved = True
                    break
                fraction *= 0.5
            change = float(np.abs(fraction * step).max()) if improved else 0.0
            if not improved:
                self.last_change = float(np.abs(step).max())
                self.converged = self.last_change < 1e-5
                return
            gain = value - current
            self.beta, current = beta, value
            self.raw_hessian, self.raw_gradient, self.ll, self.perfect = trial
            self.last_step = step
            self.last_change = change
            if change <= tol or (
                fraction == 1.0 and change < 1e-5 and abs(gain) <= ROUNDING * abs(current)
            ):
                self.converged = True
                self._final_factor = factor
                return
            if (
                no_penalty
                and gain <= 1e-10 * max(1.0, abs(current))
                and change >= 0.5 * previous_change
                and self.perfect > 0
            ):
                self.separated = True
                return
            previous_change, last_previous = change, previous_change
        self.separated = bool(
            no_penalty
            and self.n_iter >= 2
            and self.last_change >= 0.5 * last_previous
            and self.perfect > 0
        )

    def covariance(self) -> FloatArray:
        """As ``_Newton.covariance``: the last factorised Hessian after convergence."""
        identity = np.eye(len(self.beta))
        if self._final_factor is not None:
            final: FloatArray = linalg.cho_solve(self._final_factor, identity, check_finite=False)
            return final
        hessian = self.raw_hessian + np.diag(self.penalty)
        try:
            factor = linalg.cho_factor(hessian, lower=False, check_finite=False)
            inverse: FloatArray = linalg.cho_solve(factor, identity, check_finite=False)
        except linalg.LinAlgError:
            values, vectors = np.linalg.eigh(hessian)
            floor = max(values.max(), 1.0) * 1e-15
            inverse = (vectors / np.maximum(values, floor)) @ vectors.T
        return inverse


# =================================================================== scoring
def _score_block(block: Any, *, model: Any, method: str) -> FloatArray:
    if block.shape[0] == 0:  # an empty partition: the in-memory methods want a row
        return np.empty(0)
    result: FloatArray = getattr(model, method)(block)
    return result


def logistic_scores(model: Any, X: Any, method: str) -> Any:
    """``LogisticModel.predict_proba`` / ``decision_function`` block by block (lazy)."""
    public = f"LogisticModel.{method}"
    X, _ = _dask_matrix(X, public)
    if X.shape[1] != len(model.coef):
        fail(
            public,
            "X",
            f"must have {len(model.coef)} column(s), one per feature {list(model.feature_names)[:8]}",
            described(f"{X.shape[1]} column(s)"),
        )
    return X.map_blocks(
        _score_block,
        model=model,
        method=method,
        drop_axis=1,
        dtype=np.float64,
        meta=np.empty((0,)),
    )


def _check_frame(model: Any, frame: Any, public: str) -> None:
    from servicekit._validation import did_you_mean, known_names

    if not hasattr(frame, "map_partitions") or not hasattr(frame, "columns"):
        fail(public, "frame", "must be a pandas or Dask DataFrame", described(type(frame).__name__))
    absent = [c for c in model.encoder.columns if c not in frame.columns]
    if absent:
        fail(
            public,
            "frame",
            f"must have the model's column(s) {absent}",
            described(known_names(frame.columns) + did_you_mean(absent[0], frame.columns)),
        )


def _frame_block(part: pd.DataFrame, *, model: Any, method: str, kwargs: dict[str, Any]) -> Any:
    if len(part) == 0:  # an empty partition: the in-memory methods want at least one row
        return _empty_result(model, part, method)
    return getattr(model, method)(part, **kwargs)


def _empty_result(model: Any, part: pd.DataFrame, method: str) -> Any:
    if method == "predict_proba":
        return pd.Series(np.empty(0), index=part.index, name="churn_probability")
    if method == "contributions":
        return pd.DataFrame({c: np.empty(0) for c in model.encoder.columns}, index=part.index)
    return pd.DataFrame(
        {
            "rank": np.empty(0, dtype=np.int64),
            "feature": np.empty(0, dtype=object),
            "value": np.empty(0, dtype=object),
            "contribution": np.empty(0),
        },
        index=part.index[:0],
    )


def churn_frame_method(model: Any, frame: Any, method: str, **kwargs: Any) -> Any:
    """``ChurnModel.<method>`` on a Dask DataFrame: one call per partition (lazy)."""
    public = f"ChurnModel.{method}"
    _check_frame(model, frame, public)
    if method == "risk_drivers":
        top = kwargs.get("top", 3)
        if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
            fail(public, "top", "must be an integer >= 1", top)
    meta = _empty_result(model, frame._meta, method)
    return frame.map_partitions(
        _frame_block,
        model=model,
        method=method,
        kwargs=kwargs,
        meta=meta,
        enforce_metadata=False,
    )


def logistic_predict_proba(model: Any, X: Any) -> Any:
    """``LogisticModel.predict_proba`` on a Dask array: a lazy Dask array of probabilities."""
    return logistic_scores(model, X, "predict_proba")


def logistic_decision_function(model: Any, X: Any) -> Any:
    """``LogisticModel.decision_function`` on a Dask array: a lazy Dask array of log-odds."""
    return logistic_scores(model, X, "decision_function")


def churn_predict_proba(model: Any, frame: Any) -> Any:
    """``ChurnModel.predict_proba`` on a Dask DataFrame: a lazy Dask Series."""
    return churn_frame_method(model, frame, "predict_proba")


def churn_contributions(model: Any, frame: Any) -> Any:
    """``ChurnModel.contributions`` on a Dask DataFrame: a lazy Dask DataFrame."""
    return churn_frame_method(model, frame, "contributions")


def churn_risk_drivers(model: Any, frame: Any, top: int = 3) -> Any:
    """``ChurnModel.risk_drivers`` on a Dask DataFrame: a lazy Dask DataFrame."""
    return churn_frame_method(model, frame, "risk_drivers", top=top)
