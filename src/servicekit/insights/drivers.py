"""Key-driver analysis: how much of an outcome's explained variance each driver carries."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from servicekit._typing import FloatArray
from servicekit._validation import (
    Column,
    Frame,
    Interval,
    Options,
    described,
    fail,
    validated,
)
from servicekit._warnings import warn
from servicekit.errors import CollinearityWarning

__all__ = ["MAX_SHAPLEY_DRIVERS", "key_drivers"]

#: ``method="shapley"`` fits every subset of drivers (2**p regressions); beyond this
#: many drivers (or groups) it is refused: use ``method="relative_weights"``.
MAX_SHAPLEY_DRIVERS = 15
#: A driver whose R² on the other drivers exceeds this is reported as collinear.
COLLINEAR_R2 = 0.999


def _design(
    frame: pd.DataFrame, drivers: Sequence[str]
) -> tuple[FloatArray, list[list[int]], list[str]]:
    """Numeric matrix (dummies for categorical drivers), column groups, dummy names."""
    blocks: list[FloatArray] = []
    groups: list[list[int]] = []
    names: list[str] = []
    column = 0
    for driver in drivers:
        series = frame[driver]
        if series.isna().any():
            fail(
                "key_drivers",
                "drivers",
                f"must not hold missing values in column {driver!r}",
                described("a missing value"),
            )
        if series.dtype.kind in "iufb":
            values = series.to_numpy(dtype=np.float64)
            if not np.isfinite(values).all():
                fail(
                    "key_drivers",
                    "drivers",
                    f"must hold finite values in column {driver!r}",
                    described("inf"),
                )
            blocks.append(values[:, None])
            groups.append([column])
            names.append(str(driver))
            column += 1
        else:
            levels = sorted(series.astype(str).unique())
            if len(levels) < 2:
                fail(
                    "key_drivers",
                    "drivers",
                    f"must not include the constant column {driver!r}",
                    levels[0],
                )
            text = series.astype(str).to_numpy()
            # The first (sorted) level is the reference; one dummy per other level.
            dummies = np.stack([(text == level).astype(np.float64) for level in levels[1:]], 1)
            blocks.append(dummies)
            groups.append(list(range(column, column + dummies.shape[1])))
            names.extend(f"{driver}={level}" for level in levels[1:])
            column += dummies.shape[1]
    return np.hstack(blocks), groups, names


def _subset_r2(
    gram: FloatArray, cross: FloatArray, total: float, groups: list[list[int]]
) -> FloatArray:
    """R² of every subset of groups (index: bit mask), by batched solves of small systems.

    Works on the correlation scale (R² does not depend on column scaling). Subsets with
    the same number of columns are solved in one stacked call; a singular system (exact
    collinearity) falls back to the pseudo-inverse, whose fit has the same R².
    """
    p = len(groups)
    sd = np.sqrt(np.diag(gram)).copy()
    sd[sd == 0] = 1.0
    g = gram / sd[:, None] / sd[None, :]
    b = cross / sd
    by_length: dict[int, tuple[list[int], list[list[int]]]] = {}
    for mask in range(1, 1 << p):
        cols = [c for j in range(p) if mask >> j & 1 for c in groups[j]]
        masks, columns = by_length.setdefault(len(cols), ([], []))
        masks.append(mask)
        columns.append(cols)
    r2 = np.zeros(1 << p)
    for masks, columns in by_length.values():
        idx = np.asarray(columns, dtype=np.intp)
        systems = g[idx[:, :, None], idx[:, None, :]]
        rhs = b[idx]
        try:
            beta = np.linalg.solve(systems, rhs[:, :, None])[:, :, 0]
            if not np.isfinite(beta).all():
                raise np.linalg.LinAlgError
        except np.linalg.LinAlgError:
            beta = (np.linalg.pinv(systems) @ rhs[:, :, None])[:, :, 0]
        r2[np.asarray(masks)] = np.einsum("ml,ml->m", rhs, beta) / total
    return r2


def _shapley(
    gram: FloatArray, cross: FloatArray, total: float, groups: list[list[int]]
) -> FloatArray:
    p = len(groups)
    r2 = _subset_r2(gram, cross, total, groups)
    size = np.array([bin(m).count("1") for m in range(1 << p)])
    weight = np.array(
        [
            math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p) if s < p else 0.0
            for s in range(p + 1)
        ]
    )
    masks = np.arange(1 << p)
    values = np.empty(p)
    for j in range(p):
        without = masks[(masks >> j & 1) == 0]
        values[j] = float(np.sum(weight[size[without]] * (r2[without | (1 << j)] - r2[without])))
    return values


def _relative_weights(corr: FloatArray, corr_y: FloatArray, groups: list[list[int]]) -> FloatArray:
    eigenvalues, vectors = np.linalg.eigh(corr)
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    root = vectors @ np.diag(np.sqrt(eigenvalues)) @ vectors.T  # Λ* = R^(1/2)
    beta = np.linalg.lstsq(root, corr_y, rcond=None)[0]  # y on the orthogonal Z
    weights = (root**2) @ (beta**2)
    return np.array([weights[g].sum() for g in groups])


def _importance(x: FloatArray, y: FloatArray, groups: list[list[int]], method: str) -> FloatArray:
    xc = x - x.mean(axis=0)
    yc = y - y.mean()
    total = float(yc @ yc)
    if method == "shapley":
        return _shapley(xc.T @ xc, xc.T @ yc, total, groups)
    sd = np.sqrt((xc**2).sum(axis=0))
    sd[sd == 0] = 1.0
    z = xc / sd
    corr = z.T @ z
    corr_y = z.T @ yc / math.sqrt(total)
    return _relative_weights(corr, corr_y, groups)


@validated(
    frame=Frame(min_rows=3),
    outcome=Column(frame="frame"),
    drivers=Column(frame="frame", many=True),
    method=Options("shapley", "relative_weights"),
    n_boot=Interval(kind="int", low=0),
    confidence=Interval(low=0, high=1, low_open=True, high_open=True),
    random_state=Interval(kind="int", low=0),
)
def key_drivers(
    frame: pd.DataFrame,
    *,
    outcome: str,
    drivers: Sequence[str],
    method: str = "shapley",
    n_boot: int = 0,
    confidence: float = 0.95,
    random_state: int = 0,
) -> pd.DataFrame:
    """Relative importance of each driver for an outcome: its share of the R².

    The outcome is regressed linearly on the drivers (a 0/1 outcome gives a linear
    probability model). ``"shapley"`` is the LMG decomposition (Lindeman, Merenda &
    Gold 1980; Grömping 2006): a driver's importance is the R² it adds, averaged over
    every order of entering the drivers into the model. It is the Shapley value of
    the R² game, computed exactly from the R² of all ``2**p`` subsets, so the
    importances sum to the full model's R². It is refused beyond
    :data:`MAX_SHAPLEY_DRIVERS` (15) drivers. ``"relative_weights"`` is Johnson's
    (2000) approximation: the drivers are replaced by their closest orthogonal
    counterparts, whose squared weights are split back onto the drivers; it also
    sums to R² and is fast for many drivers.

    A categorical (non-numeric) driver enters as one group of dummies (its first
    level, sorted, is the reference), and gets one importance. Importance is
    variance explained in this data, not a causal effect: correlated drivers
    share what they explain jointly, and an unmeasured cause is credited to
    whatever correlates with it.

    Parameters
    ----------
    frame : DataFrame
        One row per respondent.
    outcome : str
        Numeric outcome column (rating, CSAT, NPS score, 0/1 recommend flag).
    drivers : list of str
        Driver columns (numeric, or categorical as groups of dummies).
    method : {"shapley", "relative_weights"}, default "shapley"
    n_boot : int, default 0
        Bootstrap resamples for percentile intervals of ``importance``; 0 skips them.
    confidence : float, default 0.95
        Level of the bootstrap intervals.
    random_state : int, default 0

    Returns
    -------
    DataFrame
        Indexed by driver, sorted by importance (largest first): ``importance`` (R²
        units), ``share`` (importance / R², sums to 1), ``coef`` (the driver's
        coefficient in the full least-squares model, in outcome units per driver
        unit; NaN for a categorical driver, whose dummy coefficients are in
        ``attrs["dummy_coef"]``) and, when ``n_boot > 0``, ``ci_low``/``ci_high``.
        ``attrs`` holds ``r2``, ``n`` and ``method``.

    Warns
    -----
    CollinearityWarning
        When a driver is (almost) a linear combination of the others (its R² on
        them exceeds 0.999); the importances are still defined (the subsets' R² are
        computed by least squares with a pseudo-inverse), but coefficients are not
        identified.

    Raises
    ------
    InvalidInputError
        For a non-numeric or constant outcome, missing values, a constant driver,
        the outcome among the drivers, repeated drivers, or more than 15 drivers
        with ``method="shapley"``.

    References
    ----------
    Lindeman, R. H., Merenda, P. F., & Gold, R. Z. (1980). *Introduction to
    Bivariate and Multivariate Analysis*. Scott, Foresman.
    Grömping, U. (2006). Relative importance for linear regression in R: the package
    relaimpo. *Journal of Statistical Software*, 17(1).
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
    predictor variables in multiple regression. *Multivariate Behavioral Research*,
    35(1), 1-19.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> survey = pd.DataFrame({"food": rng.normal(size=200), "service": rng.normal(size=200)})
    >>> survey["overall"] = 2 * survey["food"] + survey["service"] + rng.normal(size=200)
    >>> key_drivers(survey, outcome="overall", drivers=["food", "service"]).round(3)
             importance  share   coef
    driver
    food          0.651  0.784  2.067
    service       0.179  0.216  1.060
    """
    drivers = list(drivers)
    if len(set(drivers)) != len(drivers):
        fail("key_drivers", "drivers", "must not repeat a column", drivers)
    if outcome in drivers:
        fail("key_drivers", "drivers", "must not include the outcome column", outcome)
    y_column = frame[outcome]
    if y_column.dtype.kind not in "iufb":
        fail(
            "key_drivers",
            "outcome",
            "must name a numeric column",
            described(f"{outcome!r} of dtype {y_column.dtype}"),
        )
    y = y_column.to_numpy(dtype=np.float64)
    if not np.isfinite(y).all():
        fail(
            "key_drivers",
            "outcome",
            "must name a column without missing values",
            described(f"{outcome!r} holds NaN"),
        )
    if np.ptp(y) == 0:
        fail(
            "key_drivers",
            "outcome",
            "must vary (a constant outcome has nothing to explain)",
            outcome,
        )
    x, groups, names = _design(frame, drivers)
    for j, group in enumerate(groups):
        if len(group) == 1 and np.ptp(x[:, group[0]]) == 0:
            fail("key_drivers", "drivers", "must not include a constant column", drivers[j])
    if method == "shapley" and len(groups) > MAX_SHAPLEY_DRIVERS:
        fail(
            "key_drivers",
            "drivers",
            f"must hold at most {MAX_SHAPLEY_DRIVERS} drivers with method='shapley' "
            "(2**p regressions); use method='relative_weights'",
            described(f"{len(groups)} drivers"),
        )
    xc = x - x.mean(axis=0)
    yc = y - y.mean()
    coef, *_ = np.linalg.lstsq(xc, yc, rcond=None)
    r2 = float(1 - np.sum((yc - xc @ coef) ** 2) / np.sum(yc**2))
    collinear = _collinear(xc, groups, drivers)
    if collinear:
        warn(
            f"key_drivers(): 'drivers' {collinear} are (almost) linear combinations of the "
            "other drivers; their coefficients are not identified and they share importance",
            CollinearityWarning,
        )
    importance = _importance(x, y, groups, method)
    table = pd.DataFrame(
        {
            "importance": importance,
            "share": importance / importance.sum() if importance.sum() > 0 else np.nan,
            "coef": [
                coef[g[0]] if len(g) == 1 and drivers[j] == names[g[0]] else np.nan
                for j, g in enumerate(groups)
            ],
        },
        index=pd.Index(drivers, name="driver"),
    )
    if n_boot > 0:
        rng = np.random.default_rng(random_state)
        draws = np.full((n_boot, len(groups)), np.nan)
        for b in range(n_boot):
            pick = rng.integers(0, len(y), len(y))
            if np.ptp(y[pick]) == 0:
                continue
            draws[b] = _importance(x[pick], y[pick], groups, method)
        alpha = (1 - confidence) / 2
        table["ci_low"] = np.nanquantile(draws, alpha, axis=0)
        table["ci_high"] = np.nanquantile(draws, 1 - alpha, axis=0)
    table = table.sort_values("importance", ascending=False, kind="stable")
    table.attrs["r2"] = r2
    table.attrs["n"] = len(y)
    table.attrs["method"] = method
    table.attrs["dummy_coef"] = {
        names[c]: float(coef[c]) for j, g in enumerate(groups) for c in g if names[c] != drivers[j]
    }
    result_: pd.DataFrame = table
    return result_


def _collinear(xc: FloatArray, groups: list[list[int]], drivers: list[str]) -> list[str]:
    """Drivers whose R² on the other drivers exceeds COLLINEAR_R2 (from the cross-products)."""
    gram = xc.T @ xc
    found: list[str] = []
    for j, group in enumerate(groups):
        others = [c for i, g in enumerate(groups) if i != j for c in g]
        if not others:
            continue
        g_oo = gram[np.ix_(others, others)]
        g_ot = gram[np.ix_(others, group)]
        explained = float(np.trace(g_ot.T @ np.linalg.pinv(g_oo) @ g_ot))
        if explained >= COLLINEAR_R2 * float(np.trace(gram[np.ix_(group, group)])):
            found.append(drivers[j])
    return found
