"""Logistic regression by Newton/IRLS, with statsmodels-grade inference.

The model is ``P(y = 1 | x) = expit(β0 + x·β)`` with ``expit(t) = 1 / (1 + exp(−t))``,
fitted by maximising the (optionally ridge-penalised, optionally weighted)
log-likelihood

    ℓ(β) = Σ w_i [y_i η_i − log(1 + exp(η_i))] − (l2 / 2) Σ_j β_j²,   η_i = β0 + x_i·β,

whose gradient is ``Z'W(y − μ)`` and negative Hessian ``Z' diag(w μ(1 − μ)) Z`` (plus
``l2`` on the diagonal of the non-intercept coefficients).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import numpy as np
import pandas as pd
from scipy import linalg, special, stats
from scipy.linalg import blas

from servicekit._dask import dask_aware
from servicekit._persistence import PATH, Document, JsonText, read_file, write_document, write_file
from servicekit._results import ResultMixin
from servicekit._stats import CONFIDENCE, two_sided_z
from servicekit._typing import ArrayLike, FloatArray, MatrixLike
from servicekit._validation import (
    Array,
    Flag,
    Interval,
    Options,
    Texts,
    as_float_array,
    described,
    fail,
    validated,
)
from servicekit._validation import _Context as Context
from servicekit._warnings import warn
from servicekit.churn import _dask as _on_dask
from servicekit.errors import AliasedColumnsWarning, ConvergenceWarning, SeparationWarning

__all__ = ["LogisticModel", "fit_logistic"]

FORMAT = "servicekit.LogisticModel"
VERSION = 1

#: A column is aliased when the share of its (standardised) variance left after
#: regressing it on the columns before it is at most this (R² >= 1 − 1e-10).
ALIAS_TOLERANCE = 1e-10
#: |η| beyond which an observation counts as perfectly predicted: its fitted
#: probability is within about 2e-9 of its observed 0/1 outcome.
PERFECT_ETA = 20.0
#: Rows per block when forming the Hessian: the scaled block stays in cache between
#: the row scaling and the rank-k update, so each Newton iteration reads X once.
CHUNK_ROWS = 4096
#: Columns whose (weighted) standard deviation lies outside this range are refused:
#: the variance of their coefficient, of order 1/sd², would overflow or underflow
#: float64 when the covariance is transformed back to the scale of ``X``.
SCALE_RANGE = (1e-150, 1e150)
#: Feature values of larger magnitude are refused (rescale the column): products and
#: squares of such values, and sums over rows of them, would overflow float64.
MAX_ABS_VALUE = 1e150
#: Largest standardised ridge penalty ``l2 / sd_j²`` (``sd_j``: a column's spread):
#: beyond it the penalty term and the Hessian's diagonal approach float64's maximum.
MAX_PENALTY = 1e300
#: Largest ridge penalty ``l2`` accepted (on the scale of ``X``).
MAX_L2 = 1e300

#: Relative change of the log-likelihood that is rounding noise (a few ulps of a sum).
ROUNDING = 16 * float(np.finfo(np.float64).eps)

AliasedPolicy = Literal["raise", "drop"]


class _Features(Array):
    """``Array`` of feature values whose magnitude is at most :data:`MAX_ABS_VALUE`.

    Larger values are refused with a hint to rescale the column: their squares and
    products with coefficients overflow float64 in the fit and in prediction.
    """

    def coerce(self, value: Any, ctx: Context) -> Any:
        coerced = super().coerce(value, ctx)
        if coerced.size and (coerced.max() > MAX_ABS_VALUE or coerced.min() < -MAX_ABS_VALUE):
            position = np.argwhere(np.abs(coerced) > MAX_ABS_VALUE)[0]
            ctx.fail(
                f"must hold values of magnitude at most {MAX_ABS_VALUE:g} "
                "(beyond, products and sums of squares overflow float64): rescale the column",
                described(
                    f"{coerced[tuple(position)]:.3g} at row {int(position[0])}, "
                    f"column {int(position[-1])}"
                ),
            )
        return coerced

    def invalid_values(self, valid: Any) -> Any:
        yield from super().invalid_values(valid)
        good = np.asarray(valid.to_numpy() if isinstance(valid, pd.DataFrame) else valid)
        if good.ndim == self.ndim and good.size and good.dtype.kind in "iuf":
            huge = good.astype(float).copy()
            huge.flat[-1] = 10 * MAX_ABS_VALUE
            yield "a value beyond the magnitude limit", huge


# =================================================================== the fitted model
@dataclass(frozen=True, slots=True, eq=False)
class LogisticModel(ResultMixin):
    """A fitted logistic regression: coefficients, their uncertainty and fit statistics.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        Coefficients on the log-odds scale, in the order of ``feature_names``. NaN
        for an aliased column (see ``aliased``), as R's ``glm`` reports ``NA``: its
        coefficient is not estimable, and prediction gives it no weight (an
        effective coefficient of 0).
    intercept : float
        The intercept β0 (0.0 when ``fit_intercept=False``).
    feature_names : tuple of str
        Names of the columns of ``X`` (a DataFrame's column names by default).
    std_errors : ndarray of shape (n_features,)
        Wald standard errors of ``coef``, square roots of the diagonal of the
        inverse negative Hessian at the estimate (with ``l2 > 0``: of the penalised
        Hessian); NaN for aliased columns.
    intercept_std_error : float
        Standard error of the intercept (NaN when no intercept was fitted).
    covariance : ndarray of shape (n_features + 1, n_features + 1)
        (``(n_features, n_features)`` without an intercept). Estimated covariance of the parameters, ordered intercept first (when
        fitted), then ``feature_names``; the rows and columns of aliased columns
        are NaN.
    n_obs : float
        Number of observations: the number of rows of ``X``, or with
        ``sample_weight`` the sum of the (frequency) weights, so rows of weight 0
        do not count and a weight of 2 counts as two rows (as statsmodels'
        ``GLM(freq_weights=...)``). It is the ``n`` of :attr:`bic`.
    n_iter : int
        Newton iterations taken.
    converged : bool
        Whether the convergence criterion was met (see :func:`fit_logistic`).
    log_likelihood : float
        Log-likelihood at the estimate (without the penalty term).
    log_likelihood_null : float
        Log-likelihood of the intercept-only model (of ``β = 0`` without intercept).
    l2 : float
        Ridge penalty the model was fitted with (0 for plain maximum likelihood).
    fit_intercept : bool
        Whether an intercept was estimated.
    separated : tuple of str
        Features named by the :class:`~servicekit.errors.SeparationWarning` when the
        classes were (quasi-)completely separated; empty otherwise.
    aliased : mapping of str to tuple of str
        Columns dropped from the fit by ``fit_logistic(..., aliased="drop")``, each
        with the earlier columns it is a linear combination of (``"intercept"`` for
        a constant column, none for a column of zeros); empty otherwise.

    Examples
    --------
    >>> model = fit_logistic([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]], [0, 0, 1, 0, 1, 1])
    >>> model.coef.round(4), round(model.intercept, 4)
    (array([1.214]), -3.0351)
    >>> model.predict_proba([[2.5]]).round(3)
    array([0.5])
    >>> round(model.pseudo_r2, 4), round(model.aic, 3), model.n_params
    (0.4042, 8.956, 2)
    """

    coef: FloatArray
    intercept: float
    feature_names: tuple[str, ...]
    std_errors: FloatArray
    intercept_std_error: float
    covariance: FloatArray
    n_obs: float
    n_iter: int
    converged: bool
    log_likelihood: float
    log_likelihood_null: float
    l2: float = 0.0
    fit_intercept: bool = True
    separated: tuple[str, ...] = field(default=())
    aliased: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    _extra_fields = ("pseudo_r2", "aic", "bic")

    # ------------------------------------------------------------- fit statistics
    @property
    def n_params(self) -> int:
        """Number of estimated parameters: non-aliased features plus the intercept, if fitted."""
        return int(np.count_nonzero(~np.isnan(self.coef))) + int(self.fit_intercept)

    @property
    def pseudo_r2(self) -> float:
        """McFadden's pseudo-R², ``1 − ℓ / ℓ_null``."""
        if self.log_likelihood_null == 0.0:
            return math.nan
        return 1.0 - self.log_likelihood / self.log_likelihood_null

    @property
    def aic(self) -> float:
        """Akaike information criterion, ``2k − 2ℓ`` (k = ``n_params``)."""
        return 2.0 * self.n_params - 2.0 * self.log_likelihood

    @property
    def bic(self) -> float:
        """Bayesian information criterion, ``k·log(n_obs) − 2ℓ`` (``n_obs``: the weight sum)."""
        return self.n_params * math.log(self.n_obs) - 2.0 * self.log_likelihood

    # ------------------------------------------------------------- prediction
    @dask_aware(_on_dask.logistic_decision_function)
    @validated(X=_Features(ndim=2))
    def decision_function(self, X: MatrixLike) -> FloatArray:
        """Linear predictor (log-odds) ``β0 + X·β`` for each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_features)
            Rows to score, columns in the order of ``feature_names``; values of
            magnitude at most ``1e150`` (beyond, rescale the column).

        Returns
        -------
        ndarray of shape (n_rows,)
            A lazy Dask array when ``X`` is a Dask array.

        Notes
        -----
        Dask: on a Dask array the method is mapped over the row partitions
        (``map_blocks``, column chunks merged first) and nothing is computed until the
        result is; each worker scores its partitions with the model shipped in the
        task, so memory per worker is one partition. The column count is checked at
        once; values (NaN, inf) are checked per partition when computed, and the
        error's position counts from the start of that partition.

        Examples
        --------
        >>> model = fit_logistic([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1])
        >>> model.decision_function([[1.5]]).round(6)
        array([0.])
        """
        values = as_float_array(X)
        self._check_width(values, "decision_function")
        return self._log_odds(values)

    @dask_aware(_on_dask.logistic_predict_proba)
    @validated(X=_Features(ndim=2))
    def predict_proba(self, X: MatrixLike) -> FloatArray:
        """Probability of the positive class (churn) for each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_features)
            Rows to score, columns in the order of ``feature_names``; values of
            magnitude at most ``1e150`` (beyond, rescale the column).

        Returns
        -------
        ndarray of shape (n_rows,)
            ``expit(β0 + X·β)``, computed without overflow; a lazy Dask array when
            ``X`` is a Dask array.

        Notes
        -----
        Dask: as :meth:`decision_function`, the rows are scored partition by
        partition on the workers (``map_blocks``) when the result is computed.

        Examples
        --------
        >>> model = fit_logistic([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1])
        >>> model.predict_proba([[1.5], [3.0]]).round(3)
        array([0.5  , 0.796])
        """
        values = as_float_array(X)
        self._check_width(values, "predict_proba")
        proba: FloatArray = special.expit(self._log_odds(values))
        return proba

    @property
    def _effective_coef(self) -> FloatArray:
        """``coef`` with aliased (NaN) coefficients as 0: the weights prediction uses."""
        if not self.aliased:
            return self.coef
        return np.where(np.isnan(self.coef), 0.0, self.coef)

    def _log_odds(self, values: FloatArray) -> FloatArray:
        eta: FloatArray = values @ self._effective_coef
        eta += self.intercept
        return eta

    def _check_width(self, values: FloatArray, method: str) -> None:
        if values.shape[1] != len(self.coef):
            fail(
                f"LogisticModel.{method}",
                "X",
                f"must have {len(self.coef)} column(s), one per feature {list(self.feature_names)[:8]}",
                described(f"{values.shape[1]} column(s)"),
            )

    # ------------------------------------------------------------- inference
    @validated(confidence=CONFIDENCE)
    def summary(self, confidence: float = 0.95) -> pd.DataFrame:
        """Coefficient table with Wald standard errors, z, p-values, CIs and odds ratios.

        Parameters
        ----------
        confidence : float, default 0.95
            Level of the Wald confidence intervals ``coef ± z_{(1+c)/2}·std_err``.

        Returns
        -------
        DataFrame
            Indexed by ``"intercept"`` (when fitted) and the feature names, with
            columns ``coef``, ``std_err``, ``z``, ``p_value`` (two-sided), ``ci_low``,
            ``ci_high`` and ``odds_ratio`` (``exp(coef)``: the factor by which the
            odds of churn change per unit of the feature). Aliased columns (dropped
            by ``aliased="drop"``) are listed with NaN in every column. ``attrs``
            records ``l2``, ``confidence``, ``converged``, ``aliased`` and a
            ``caption``; with ``l2 > 0`` the
            standard errors come from the penalised Hessian and are shrunk like the
            coefficients (read them as approximate).

        Examples
        --------
        >>> model = fit_logistic([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]], [0, 0, 1, 0, 1, 1])
        >>> model.summary().round(3)
                     coef  std_err      z  p_value  ci_low  ci_high  odds_ratio
        intercept  -3.035    2.546 -1.192    0.233  -8.025    1.954       0.048
        x0          1.214    0.913  1.330    0.183  -0.575    3.003       3.367
        """
        names = (["intercept"] if self.fit_intercept else []) + list(self.feature_names)
        coef = np.concatenate([[self.intercept] if self.fit_intercept else [], self.coef])
        se = np.concatenate(
            [[self.intercept_std_error] if self.fit_intercept else [], self.std_errors]
        )
        quantile = two_sided_z(confidence)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            z = coef / se
            table: pd.DataFrame = pd.DataFrame(
                {
                    "coef": coef,
                    "std_err": se,
                    "z": z,
                    "p_value": 2.0 * stats.norm.sf(np.abs(z)),
                    "ci_low": coef - quantile * se,
                    "ci_high": coef + quantile * se,
                    "odds_ratio": np.exp(coef),
                },
                index=pd.Index(names, name=None),
            )
        caption = f"Logistic regression (n_obs={_count(self.n_obs)}, l2={self.l2:g}"
        caption += ", standard errors from the penalised Hessian" if self.l2 > 0 else ""
        caption += f", {len(self.aliased)} aliased column(s) dropped)" if self.aliased else ")"
        table.attrs.update(
            {
                "l2": self.l2,
                "confidence": confidence,
                "converged": self.converged,
                "aliased": {k: list(v) for k, v in self.aliased.items()},
                "caption": caption,
            }
        )
        return table

    def __str__(self) -> str:
        lines = [
            "Logistic regression (Newton/IRLS)",
            f"  n_obs: {_count(self.n_obs)}   n_iter: {self.n_iter}   converged: {self.converged}"
            f"   l2: {self.l2:g}",
            f"  log-likelihood: {self.log_likelihood:.4f}   LL-null: {self.log_likelihood_null:.4f}"
            f"   pseudo-R² (McFadden): {self.pseudo_r2:.4f}",
            f"  AIC: {self.aic:.2f}   BIC: {self.bic:.2f}",
        ]
        if self.l2 > 0:
            lines.append("  standard errors are from the penalised Hessian")
        for name, sources in self.aliased.items():
            lines.append(
                f"  dropped {name!r} (aliased: a combination of {list(sources)}); coef NaN"
            )
        if self.separated:
            lines.append(
                f"  WARNING: classes separated by {list(self.separated)}; "
                "coefficients are not maximum-likelihood estimates"
            )
        with pd.option_context("display.width", 120, "display.max_columns", 10):
            lines.append(self.summary().round(4).to_string())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"LogisticModel(n_features={len(self.coef)}, n_obs={_count(self.n_obs)}, "
            f"log_likelihood={self.log_likelihood:.4f}, converged={self.converged}, "
            f"l2={self.l2:g})"
        )

    # ------------------------------------------------------------- persistence
    def _to_fields(self) -> dict[str, Any]:
        """The model as JSON-ready fields (the body of :meth:`to_json`)."""
        fields: dict[str, Any] = {
            "feature_names": list(self.feature_names),
            "coef": _nulls(self.coef),
            "intercept": self.intercept,
            "std_errors": _nulls(self.std_errors),
            "intercept_std_error": (
                None if math.isnan(self.intercept_std_error) else self.intercept_std_error
            ),
            "covariance": _nulls(self.covariance),
            "n_obs": _count(self.n_obs),
            "n_iter": self.n_iter,
            "converged": self.converged,
            "log_likelihood": self.log_likelihood,
            "log_likelihood_null": self.log_likelihood_null,
            "l2": self.l2,
            "fit_intercept": self.fit_intercept,
            "separated": list(self.separated),
        }
        if self.aliased:  # only then, so files of full-rank fits keep their layout
            fields["aliased"] = {k: list(v) for k, v in self.aliased.items()}
        return fields

    def to_json(self) -> str:
        """The model as a versioned JSON document (format ``servicekit.LogisticModel``, version 1).

        Floats are written with ``repr``, so :meth:`from_json` restores them exactly.
        The NaN coefficients, standard errors and covariances of aliased columns are
        written as ``null``.

        Examples
        --------
        >>> model = fit_logistic([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1])
        >>> again = LogisticModel.from_json(model.to_json())
        >>> again.coef.tolist() == model.coef.tolist(), again.intercept == model.intercept
        (True, True)
        """
        return write_document(FORMAT, VERSION, self._to_fields())

    @classmethod
    @validated(text=JsonText())
    def from_json(cls, text: str) -> LogisticModel:
        """Load a model written by :meth:`to_json`, validating every field.

        Raises
        ------
        ModelFormatError
            If the text is not JSON, is truncated, has another format name or
            version, a field of the wrong type, length or shape, a non-finite number,
            or content that no longer matches its checksum.
        InvalidInputError
            If ``text`` is not a str: a path (use :meth:`load`), bytes or a dict.

        Examples
        --------
        >>> LogisticModel.from_json('{"format": "other"}')
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.LogisticModel model file: field 'format' must be 'servicekit.LogisticModel', got 'other' (not this kind of model)
        """
        document = Document(text, FORMAT, VERSION)
        model = cls._from_document(document)
        document.verify_checksum()
        return model

    @validated(path=PATH)
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model to ``path`` as UTF-8 JSON (exactly :meth:`to_json`'s text).

        The file is replaced only once completely written. Read it back with
        :meth:`load` or :func:`servicekit.load`.

        Parameters
        ----------
        path : str or path-like
            The file to write (conventionally ``*.json``).

        Examples
        --------
        >>> import tempfile
        >>> model = fit_logistic([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1])
        >>> path = tempfile.mkdtemp() + "/model.json"
        >>> model.save(path)
        >>> LogisticModel.load(path).to_json() == model.to_json()
        True
        """
        write_file(path, self.to_json())

    @classmethod
    @validated(path=PATH)
    def load(cls, path: str | os.PathLike[str]) -> LogisticModel:
        """Read a model written by :meth:`save` (validated like :meth:`from_json`).

        Parameters
        ----------
        path : str or path-like
            A ``servicekit.LogisticModel`` file.

        Raises
        ------
        ModelFormatError
            If the file is not UTF-8 JSON of this format or fails validation.
        FileNotFoundError
            If there is no such file.

        Examples
        --------
        >>> LogisticModel.load("no-such-model.json")
        Traceback (most recent call last):
        ...
        FileNotFoundError: [Errno 2] No such file or directory: 'no-such-model.json'
        """
        return cls.from_json(read_file(path))

    @classmethod
    def _from_document(cls, doc: Document) -> LogisticModel:
        """Build a model from a parsed document (structure checked, checksum not)."""
        doc.expect_keys(
            {"format", "version", "checksum", *_FIELD_NAMES}
            - ({"checksum"} if doc.where else set())
            | ({"aliased"} if "aliased" in doc.fields else set())
        )
        names = doc.texts("feature_names")
        p = len(names)
        fit_intercept = doc.flag("fit_intercept")
        q = p + int(fit_intercept)
        intercept = doc.number("intercept")
        intercept_se = doc.number("intercept_std_error", allow_null=not fit_intercept)
        if not fit_intercept and (intercept != 0.0 or not math.isnan(intercept_se)):
            doc.fail("intercept", "must be 0 and its std error null without an intercept")
        separated = doc.texts("separated")
        if not set(separated) <= set(names):
            doc.fail("separated", "must name features of the model")
        n_obs = doc.number("n_obs")
        if n_obs <= 0:
            doc.fail("n_obs", f"must be > 0, got {n_obs!r}")
        aliased: dict[str, tuple[str, ...]] = {}
        if "aliased" in doc.fields:
            for name, sources in doc.mapping("aliased").items():
                if (
                    name not in names
                    or not isinstance(sources, list)
                    or not all(isinstance(s, str) and s in ("intercept", *names) for s in sources)
                ):
                    doc.fail("aliased", f"entry {name!r} must name columns of the model")
                aliased[name] = tuple(sources)
            if not aliased:
                doc.fail("aliased", "must not be empty when present")
        dropped = np.array([name in aliased for name in names], dtype=bool)
        coef = doc.numbers("coef", shape=(p,), allow_null=True)
        std_errors = doc.numbers("std_errors", shape=(p,), low=0.0, allow_null=True)
        covariance = doc.numbers("covariance", shape=(q, q), allow_null=True)
        missing = np.concatenate([np.zeros(int(fit_intercept), dtype=bool), dropped])
        if not (
            np.array_equal(np.isnan(coef), dropped)
            and np.array_equal(np.isnan(std_errors), dropped)
            and np.array_equal(np.isnan(covariance), missing[:, None] | missing[None, :])
        ):
            doc.fail("coef", "must be null exactly for the aliased columns (and their errors)")
        if not np.array_equal(covariance, covariance.T, equal_nan=True):
            doc.fail("covariance", "must be symmetric")
        variances = np.diag(covariance)[int(fit_intercept) :]
        with np.errstate(invalid="ignore"):
            root = np.sqrt(np.clip(variances, 0.0, None))
        if not np.allclose(std_errors, root, rtol=1e-12, atol=0, equal_nan=True):
            doc.fail("std_errors", "must be the square roots of the covariance diagonal")
        ll = doc.number("log_likelihood")
        ll_null = doc.number("log_likelihood_null")
        if ll > 0 or ll_null > 0:
            doc.fail("log_likelihood", "must be <= 0")
        return cls(
            coef=coef,
            intercept=intercept,
            feature_names=names,
            std_errors=std_errors,
            intercept_std_error=intercept_se,
            covariance=covariance,
            n_obs=n_obs,
            n_iter=doc.integer("n_iter"),
            converged=doc.flag("converged"),
            log_likelihood=ll,
            log_likelihood_null=ll_null,
            l2=_non_negative(doc, "l2"),
            fit_intercept=fit_intercept,
            separated=separated,
            aliased=aliased,
        )


_FIELD_NAMES = {
    "feature_names",
    "coef",
    "intercept",
    "std_errors",
    "intercept_std_error",
    "covariance",
    "n_obs",
    "n_iter",
    "converged",
    "log_likelihood",
    "log_likelihood_null",
    "l2",
    "fit_intercept",
    "separated",
}


def _count(n_obs: float) -> int | float:
    """``n_obs`` as an int when it is whole (row counts, integer weights), else as is."""
    return int(n_obs) if float(n_obs).is_integer() else float(n_obs)


def _nulls(values: FloatArray) -> Any:
    """``values.tolist()`` with NaN (aliased columns) as ``None`` (JSON ``null``)."""
    listed = values.tolist()
    if not np.isnan(values).any():
        return listed
    if values.ndim == 1:
        return [None if math.isnan(v) else v for v in listed]
    return [[None if math.isnan(v) else v for v in row] for row in listed]


def _non_negative(doc: Document, key: str) -> float:
    value = doc.number(key)
    if value < 0:
        doc.fail(key, f"must be >= 0, got {value!r}")
    return value


# =================================================================== fitting
@dataclass(frozen=True)
class _Design(Array):
    """``Array(ndim=2)`` that also takes a DataFrame's column names as ``feature_names``.

    They are used (as statsmodels does) when every column name is a non-empty string
    and ``feature_names`` is not given; repeated names are refused.
    """

    def coerce(self, value: Any, ctx: Context) -> Any:
        columns = list(value.columns) if isinstance(value, pd.DataFrame) else None
        coerced = super().coerce(value, ctx)
        if (
            columns is not None
            and ctx.arguments.get("feature_names") is None
            and all(isinstance(c, str) and c for c in columns)
        ):
            if len(set(columns)) != len(columns):
                repeated = sorted({c for c in columns if columns.count(c) > 1})
                ctx.fail("must not repeat a column name (or pass feature_names)", repeated)
            # The bound arguments are a dict; feature_names is checked after X (Texts).
            cast("dict[str, Any]", ctx.arguments)["feature_names"] = [str(c) for c in columns]
        return coerced


@dask_aware(_on_dask.fit_logistic)
@validated(
    X=_Design(ndim=2),
    y=Array(kind="bool", same_length_as="X"),
    l2=Interval(low=0, high=MAX_L2, high_open=True),
    sample_weight=Array(low=0, same_length_as="X", optional=True),
    fit_intercept=Flag(),
    feature_names=Texts(optional=True),
    tol=Interval(low=0, low_open=True),
    max_iter=Interval(kind="int", low=1),
    aliased=Options("raise", "drop"),
)
def fit_logistic(
    X: MatrixLike,
    y: ArrayLike,
    *,
    l2: float = 0.0,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    feature_names: list[str] | None = None,
    tol: float = 1e-8,
    max_iter: int = 100,
    aliased: AliasedPolicy = "raise",
) -> LogisticModel:
    """Fit a logistic regression by Newton's method (IRLS) with a Cholesky solve.

    Maximises ``Σ w_i [y_i η_i − log(1 + exp(η_i))] − (l2/2)·‖β‖²`` with
    ``η_i = β0 + x_i·β``. The intercept β0 is never penalised.

    Algorithm: the columns are centred and scaled internally (weighted mean and
    standard deviation; no centring without an intercept), which leaves the
    estimates unchanged but makes the Hessian well conditioned for unscaled or
    correlated columns; results are transformed back to the original scale.
    Each iteration solves ``H·step = gradient`` with a Cholesky factorisation of
    ``H = Z' diag(w μ(1−μ)) Z + l2·I`` (a symmetric rank-k BLAS update, no
    ``diag(W)``) and takes the full Newton step unless it lowers the penalised
    log-likelihood, in which case the step is halved (up to 40 times).
    Convergence: the largest absolute change of a coefficient on the
    standardised scale is at most ``tol`` (scale-free); if step halving can no
    longer improve the likelihood, or a full step no longer changes it, and that
    change is below ``1e-5``, the fit is also declared converged (the optimum is
    reached to machine precision, which is what a ``tol`` below it can ask for).
    The iterations start from the intercept-only estimate ``β0 = logit(ȳ)``.
    Standard errors (Wald) are the square roots of the diagonal of ``H⁻¹``, with
    ``H`` the Hessian factorised in the last Newton iteration (as R's ``glm``
    does): it is evaluated one step of at most ``tol`` before the estimate, which
    changes the errors by a relative amount of that order (an unconverged fit
    uses the Hessian at its final iterate). With ``l2 > 0`` they come from the
    penalised Hessian.

    Parameters
    ----------
    X : array-like of shape (n_rows, n_features)
        Feature matrix (float64; no NaN or inf), values of magnitude at most
        ``1e150`` (beyond, rescale the column: squares and products of such
        values overflow float64).
    y : array-like of shape (n_rows,)
        Outcomes, 1/True for the positive class (churn) and 0/False otherwise.
    l2 : float, default 0.0
        Ridge penalty ``(l2/2)·Σ β_j²`` on the non-intercept coefficients, on the
        scale of ``X`` as given. 0 gives plain maximum likelihood. Below
        ``1e300``, and for every column ``l2 / sd²`` (``sd``: the column's weighted
        standard deviation; the penalty on the standardised scale) at most
        ``1e300``: beyond, the penalty overflows float64 (such a penalty already
        sets the coefficients to 0 to machine precision).
    sample_weight : array-like of shape (n_rows,), optional
        Non-negative frequency weights (an integer weight equals repeating the row):
        the number of observations ``n_obs`` (the ``n`` of BIC) is their sum, so
        rows of weight 0 do not count.
    fit_intercept : bool, default True
        Estimate the intercept β0 (otherwise it is fixed at 0).
    feature_names : list of str, optional
        One unique name per column; by default the column names of a DataFrame
        ``X`` (when all are non-empty strings), else ``x0, x1, ...``.
    tol : float, default 1e-8
        Convergence tolerance (see Algorithm).
    max_iter : int, default 100
        Maximum number of Newton iterations.
    aliased : {"raise", "drop"}, default "raise"
        What to do with *aliased* columns, which make the unpenalised design
        singular: a column that is zero on every weighted row, a constant column
        (aliased with the intercept), or a column that is a linear combination of
        earlier columns (R² ≥ 1 − 1e-10 on the weighted rows, in column order,
        so the later column of a group is the one named). ``"raise"`` refuses the
        fit naming them; ``"drop"`` fits without them, as R's ``glm`` and
        statsmodels do, and warns once naming them: their coefficient and
        standard error are NaN (not estimable; prediction gives them no weight),
        ``model.aliased`` maps each to the columns it combines, ``summary()`` lists
        them, and AIC/BIC count only the estimated parameters. With ``l2 > 0`` the
        penalised fit is unique, so only columns of zeros without an intercept
        are dropped.

    Returns
    -------
    LogisticModel

    Raises
    ------
    InvalidInputError
        On NaN/inf, mismatched lengths, a single class, a column whose spread
        lies outside ``1e-150 .. 1e150`` (its coefficient's variance would
        overflow float64: rescale it), or (with ``l2 == 0`` and
        ``aliased="raise"``) a singular design: a column of zeros, a constant
        column (aliased with the intercept) or a column that is a linear
        combination of earlier columns; the message names them. With ``l2 > 0``
        the penalised problem has a unique solution and aliased columns are
        allowed.

    Warns
    -----
    SeparationWarning
        When the classes are completely or quasi-completely separated (with
        ``l2 == 0``): the maximum-likelihood estimate does not exist. Detected
        when some observations are predicted perfectly (``|η| > 20``, fitted
        probability within ~2e-9 of the outcome) while the log-likelihood stops
        improving (gain below ``1e-10·max(1, |ℓ|)``) and the Newton steps no
        longer shrink, when the Hessian becomes numerically singular, or when
        ``max_iter`` is reached with perfectly predicted rows and steps that no
        longer shrink. The
        iteration stops there and returns that finite iterate with
        ``converged=False`` and ``separated`` naming the features: those that
        separate the classes on their own by a threshold, else those along which
        the coefficients diverge. Its coefficients and (huge) standard errors are
        not estimates: refit with ``l2 > 0`` or drop or merge those features.
    ConvergenceWarning
        When ``max_iter`` is reached (or step halving fails) without separation.
    AliasedColumnsWarning
        With ``aliased="drop"``, once, naming the columns dropped.

    Notes
    -----
    Dask: ``X`` (and ``y``, ``sample_weight``) may be Dask arrays (``X`` may also be a
    Dask DataFrame; its column names become ``feature_names``). Chunk sizes must be
    known; column chunks are merged and ``y``/``sample_weight`` are rechunked to ``X``'s
    row partitions. The algorithm and its results are those described above, with
    every sum over rows computed as a sum of per-partition sums on the workers: a
    first pass gathers counts, weight sums, column sums, per-class column ranges and
    counts of bad values; a second the Gram matrix of the centred columns (the first
    Newton Hessian); then each Newton iteration is one pass computing per partition
    ``Z' diag(w μ(1−μ)) Z``, ``Z' w (y − μ)``, the log-likelihood and the count of
    perfectly predicted rows (a halved step costs one more pass). Only these
    ``(n_features + 1)²``-sized sums reach the client; memory per worker is a few
    times one partition. Coefficients and standard errors equal the in-memory fit's
    on the computed arrays to about 1e-12 relative (the sums are added in another
    order). Shape, dtype and option errors are raised before any computation; bad
    values (NaN, inf, ``y`` not 0/1, negative weights) after the first pass, with
    the same message and the global position. Differences: ``aliased="drop"`` is
    refused (compute ``X`` or drop the columns the singular-design error names);
    columns of extreme spread (beyond ``1e±140``) are not rescaled before squaring,
    and the magnitude error names the first value beyond ``1e150`` rather than the
    column's spread.

    References
    ----------
    P. McCullagh and J. A. Nelder (1989), *Generalized Linear Models*, 2nd ed.,
    Chapman & Hall, section 4.4 (IRLS). A. Albert and J. A. Anderson (1984), "On the
    existence of maximum likelihood estimates in logistic regression models",
    Biometrika 71(1), 1-10 (separation).

    Examples
    --------
    >>> X = [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0], [6, 1], [7, 0], [8, 1], [9, 1], [10, 0]]
    >>> churned = [1, 1, 1, 0, 1, 0, 0, 1, 0, 0]
    >>> model = fit_logistic(X, churned, feature_names=["tenure", "fiber"])
    >>> model.converged, model.n_iter
    (True, 6)
    >>> model.summary()[["coef", "std_err"]].round(3)
                coef  std_err
    intercept  3.420    2.276
    tenure    -0.542    0.340
    fiber     -0.832    1.610
    """
    values = as_float_array(X)
    outcome = np.asarray(y, dtype=np.float64)
    drop = aliased == "drop"
    n, p = values.shape
    weights = (
        np.ones(n) if sample_weight is None else np.ascontiguousarray(sample_weight, dtype=float)
    )
    names = _feature_names(feature_names, p)
    used = weights > 0
    if not used.any():
        fail(
            "fit_logistic",
            "sample_weight",
            "must have at least one positive weight",
            described("all weights are zero"),
        )
    positive_weight = float(weights @ outcome)
    total_weight = float(weights.sum())
    if positive_weight <= 0 or positive_weight >= total_weight:
        fail(
            "fit_logistic",
            "y",
            "must hold both classes (0 and 1) among rows with positive weight",
            described(f"only class {int(positive_weight > 0)}"),
        )
    _check_magnitude(values, weights, names)
    offset = int(fit_intercept)
    scratch = np.empty((CHUNK_ROWS, p + offset))  # a cache-sized row block
    design, centre, scale, dropped = _standardised_design(
        values, weights, used, fit_intercept, names, l2, scratch, drop
    )
    penalty = np.zeros(design.shape[1])
    with np.errstate(over="ignore"):
        penalty[offset:] = l2 / scale**2
    if penalty.max(initial=0.0) > MAX_PENALTY:
        worst = int(np.argmax(penalty[offset:]))
        fail(
            "fit_logistic",
            "l2",
            f"must be at most {MAX_PENALTY:g} times the variance of every column "
            "(the penalty on the standardised scale, l2 / sd², would overflow float64)",
            described(f"{l2:g}, with column {names[worst]!r} of spread {scale[worst]:.3g}"),
        )
    fitter = _Newton(design, outcome, weights, penalty, tol=tol, max_iter=max_iter, buffer=scratch)
    if fit_intercept:
        fitter.start_at_rate()
    if l2 == 0:
        gram = fitter.first_gram()
        labels = ["intercept", *names] if fit_intercept else list(names)
        if not drop:
            _check_rank(gram / total_weight, labels)
        else:
            for j, sources in aliased_columns(gram / total_weight).items():
                if j - offset not in dropped:
                    combined = [i - offset for i in sources if i >= offset]
                    dropped[j - offset] = tuple(
                        (
                            ["intercept"]
                            if fit_intercept
                            and _needs_intercept(values, used, j - offset, combined)
                            else []
                        )
                        + [names[i] for i in combined]
                    )
    kept = np.array([j for j in range(p) if j not in dropped], dtype=np.intp)
    if dropped:
        _warn_aliased(dropped, names)
        columns = np.concatenate([np.arange(offset), kept + offset]).astype(np.intp)
        design = np.ascontiguousarray(design[:, columns])
        scratch = np.empty((CHUNK_ROWS, len(columns)))
        first_gram = fitter._gram
        fitter = _Newton(
            design,
            outcome,
            weights,
            penalty[columns],
            tol=tol,
            max_iter=max_iter,
            buffer=scratch,
        )
        if fit_intercept:
            fitter.start_at_rate()
        if first_gram is not None:
            fitter._gram = first_gram[np.ix_(columns, columns)]
        centre, scale = centre[kept], scale[kept]
    fitter.run()
    separated: tuple[str, ...] = ()
    if fitter.separated:
        separated = _separating_features(
            values[:, kept],
            outcome,
            used,
            fitter.last_step,
            tuple(names[j] for j in kept),
            fit_intercept,
        )
        _warn_separation(fitter, separated, int(used.sum()))
    elif not fitter.converged:
        _warn_not_converged(fitter.n_iter, max_iter, fitter.last_change, tol)
    return _model_from_standardised(
        beta=fitter.beta,
        inverse_hessian=fitter.covariance(),
        centre=centre,
        scale=scale,
        names=names,
        kept=kept,
        dropped=dropped,
        total_weight=total_weight,
        n_iter=fitter.n_iter,
        converged=fitter.converged,
        log_likelihood=fitter.log_likelihood(),
        log_likelihood_null=_null_log_likelihood(outcome, weights, fit_intercept),
        l2=l2,
        fit_intercept=fit_intercept,
        separated=separated,
    )


def _warn_not_converged(n_iter: int, max_iter: int, last_change: float, tol: float) -> None:
    warn(
        f"fit_logistic() did not converge: {n_iter} Newton iteration(s) with "
        f"step-halving line search (max_iter={max_iter}) left a largest coefficient change "
        f"of {last_change:.3g} > tol={tol:g} on the standardised scale; "
        "the result is the last iterate. Try a larger max_iter, or l2 > 0.",
        ConvergenceWarning,
    )


def _model_from_standardised(
    *,
    beta: FloatArray,
    inverse_hessian: FloatArray,
    centre: FloatArray,
    scale: FloatArray,
    names: tuple[str, ...],
    kept: Any,
    dropped: dict[int, tuple[str, ...]],
    total_weight: float,
    n_iter: int,
    converged: bool,
    log_likelihood: float,
    log_likelihood_null: float,
    l2: float,
    fit_intercept: bool,
    separated: tuple[str, ...],
) -> LogisticModel:
    """The model on the scale of ``X`` from the estimate on the standardised design."""
    p = len(names)
    offset = int(fit_intercept)
    # Back to the original scale: θ = A θ̃ with β_j = β̃_j / s_j, β0 = β̃0 − Σ β̃_j m_j / s_j.
    q = len(beta)
    transform = np.zeros((q, q))
    if fit_intercept:
        transform[0, 0] = 1.0
        transform[0, 1:] = -centre / scale
        transform[1:, 1:] = np.diag(1.0 / scale)
    else:
        transform[:, :] = np.diag(1.0 / scale)
    params = transform @ beta
    reduced = transform @ inverse_hessian @ transform.T
    reduced = (reduced + reduced.T) / 2.0
    # Aliased columns: NaN coefficient, standard error and covariance row/column.
    estimated = np.concatenate([np.arange(offset), kept + offset]).astype(np.intp)
    covariance = np.full((p + offset, p + offset), np.nan)
    covariance[np.ix_(estimated, estimated)] = reduced
    se = np.sqrt(np.clip(np.diag(reduced), 0.0, None))
    coef = np.full(p, np.nan)
    coef[kept] = params[offset:]
    std_errors = np.full(p, np.nan)
    std_errors[kept] = se[offset:]
    for array in (coef, std_errors, covariance):
        array.setflags(write=False)
    return LogisticModel(
        coef=coef,
        intercept=float(params[0]) if fit_intercept else 0.0,
        feature_names=names,
        std_errors=std_errors,
        intercept_std_error=float(se[0]) if fit_intercept else math.nan,
        covariance=covariance,
        n_obs=total_weight,
        n_iter=n_iter,
        converged=converged,
        log_likelihood=log_likelihood,
        log_likelihood_null=log_likelihood_null,
        l2=float(l2),
        fit_intercept=bool(fit_intercept),
        separated=separated,
        aliased={names[j]: dropped[j] for j in sorted(dropped)},
    )


def _needs_intercept(values: FloatArray, used: Any, column: int, sources: list[int]) -> bool:
    """Whether column = Σ a_i·sources_i needs a constant on the scale of ``X`` (raw, uncentred).

    The rank check runs on centred columns, where the intercept never appears; a
    least-squares fit on the raw weighted rows tells whether ``x_j`` also involves it.
    """
    target = values[used, column]
    basis = np.c_[np.ones(len(target)), values[np.ix_(used, sources)]]
    solution = np.linalg.lstsq(basis, target, rcond=None)[0]
    size = float(np.abs(target).max(initial=0.0))
    return bool(abs(solution[0]) > 1e-8 * max(size, np.finfo(np.float64).tiny))


def _warn_aliased(dropped: dict[int, tuple[str, ...]], names: tuple[str, ...]) -> None:
    shown = [names[j] for j in sorted(dropped)]
    listed = f"{shown[:10]}" + (f" and {len(shown) - 10} more" if len(shown) > 10 else "")
    warn(
        f"fit_logistic(): dropped {len(shown)} aliased column(s) {listed}: each is zero, "
        "constant (aliased with the intercept) or a linear combination of earlier columns, "
        "so its coefficient is not estimable; it is reported as NaN and gets no weight in "
        "predictions (see model.aliased). One-hot columns with an intercept are aliased: "
        "drop one level per feature (e.g. OneHotEncoder(drop='first')) to avoid this.",
        AliasedColumnsWarning,
    )


def _feature_names(given: list[str] | None, p: int) -> tuple[str, ...]:
    if given is None:
        return tuple(f"x{j}" for j in range(p))
    if len(given) != p:
        fail(
            "fit_logistic",
            "feature_names",
            f"must hold one name per column of X ({p})",
            described(f"{len(given)} name(s)"),
        )
    if len(set(given)) != len(given):
        repeated = sorted({n for n in given if given.count(n) > 1})
        fail("fit_logistic", "feature_names", "must not repeat a name", repeated)
    return tuple(given)


def _standardised_design(
    values: FloatArray,
    weights: FloatArray,
    used: Any,
    fit_intercept: bool,
    names: tuple[str, ...],
    l2: float,
    scratch: FloatArray,
    drop: bool = False,
) -> tuple[FloatArray, FloatArray, FloatArray, dict[int, tuple[str, ...]]]:
    """``[1, (X − m)/s]`` (or ``X/s`` without intercept) as one C-contiguous float64 array.

    Also returns the columns to drop (with ``drop``): ``{column: aliased with}``
    for constant columns (``("intercept",)``) and columns of zeros (``()``), which
    are otherwise errors.

    Centring and the sums of squares are done block by block (the block stays in
    cache). A column that is constant on the weighted rows is an error with
    ``l2 == 0`` (it is aliased with the intercept); under a ridge penalty it is set
    to exactly zero, so its coefficient is 0.
    """
    n, p = values.shape
    offset = int(fit_intercept)
    total = weights.sum()
    centre = (weights @ values) / total if fit_intercept else np.zeros(p)
    design = np.empty((n, p + offset))
    body = design[:, offset:]
    sum_squares = np.zeros(p)
    for start in range(0, n, CHUNK_ROWS):
        block = np.subtract(
            values[start : start + CHUNK_ROWS], centre, out=body[start : start + CHUNK_ROWS]
        )
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):  # redone below
            squares = np.multiply(block, block, out=scratch[: len(block), :p])
            sum_squares += weights[start : start + CHUNK_ROWS] @ squares
    scale = np.sqrt(sum_squares / total)
    # Squares under- or overflow for columns of extreme magnitude (×1e-200, ×1e160):
    # recompute those spreads on columns divided by their largest value.
    extreme = np.flatnonzero(~(scale > 1e-140) | ~(scale < 1e140))
    for j in extreme:
        largest = float(np.abs(body[used, j]).max())
        if largest > 0 and math.isfinite(largest):
            ratio = body[:, j] / largest
            scale[j] = largest * math.sqrt(float(weights @ (ratio * ratio)) / total)
    dropped: dict[int, tuple[str, ...]] = {}
    # Exactly constant columns leave only rounding noise after centring: find the
    # candidates by their tiny spread, then confirm on the weighted rows.
    tiny = scale <= 1e-8 * np.maximum(np.abs(centre), np.finfo(np.float64).tiny)
    suspects = np.flatnonzero(tiny)
    if len(suspects):
        rows = values[np.ix_(used, suspects)] if not used.all() else values[:, suspects]
        constant = suspects[rows.max(axis=0) == rows.min(axis=0)]
        if len(constant) and l2 == 0 and fit_intercept and drop:
            dropped.update({int(j): ("intercept",) for j in constant if centre[j] != 0})
        elif len(constant) and l2 == 0 and fit_intercept:
            fail(
                "fit_logistic",
                "X",
                "must not have constant columns (they are aliased with the intercept); "
                "drop them or pass fit_intercept=False",
                [names[j] for j in constant],
            )
        if fit_intercept:
            body[:, constant] = 0.0
            scale[constant] = 0.0
    zero = np.flatnonzero(scale == 0)
    if len(zero) and drop and (l2 == 0 or not fit_intercept):
        dropped.update({int(j): () for j in zero if j not in dropped})
        scale[zero] = 1.0
    elif len(zero):
        if l2 == 0 or not fit_intercept:
            fail(
                "fit_logistic",
                "X",
                "must not have columns that are zero on every weighted row",
                [names[j] for j in zero],
            )
        scale[zero] = 1.0  # constant columns under a ridge penalty: coefficient stays 0
    spread = np.flatnonzero((scale < SCALE_RANGE[0]) | (scale > SCALE_RANGE[1]))
    if len(spread):
        fail(
            "fit_logistic",
            "X",
            "must have columns whose spread (weighted standard deviation) lies between "
            f"{SCALE_RANGE[0]:g} and {SCALE_RANGE[1]:g}: beyond, the variance of the "
            "coefficient would overflow or underflow float64; rescale these column(s) (e.g. to other units)",
            described(", ".join(f"{names[j]!r} (spread {scale[j]:.3g})" for j in spread[:5])),
        )
    body /= scale
    if fit_intercept:
        design[:, 0] = 1.0
    return design, centre, scale, dropped


def _check_rank(gram: FloatArray, names: list[str] | tuple[str, ...]) -> None:
    """Raise InvalidInputError naming columns that are linear combinations of earlier ones."""
    dependent = aliased_columns(gram)
    if dependent:
        parts = [
            f"{names[j]!r} = combination of {[names[i] for i in sources]}"
            for j, sources in dependent.items()
        ]
        fail(
            "fit_logistic",
            "X",
            "must have linearly independent columns (the design is singular); "
            f"{'; '.join(parts[:5])}{' ...' if len(parts) > 5 else ''}; drop or merge them, "
            "or pass l2 > 0",
            described(f"{len(dependent)} dependent column(s)"),
        )


def aliased_columns(gram: FloatArray, tolerance: float = ALIAS_TOLERANCE) -> dict[int, list[int]]:
    """Columns of a Gram matrix that are linear combinations of earlier columns.

    An in-order Cholesky factorisation that skips a column when the share of its
    squared norm left after projecting it on the kept columns before it is at most
    ``tolerance``. Returns ``{dropped column: [kept columns it combines]}``; the
    earliest columns of each dependent set are kept, so callers control which
    column of an aliased group is dropped by ordering them.

    Examples
    --------
    >>> gram = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> aliased_columns(gram)
    {1: [0]}
    """
    q = gram.shape[0]
    factor = np.zeros((q, q))
    kept: list[int] = []
    dropped: dict[int, list[int]] = {}
    for j in range(q):
        diagonal = gram[j, j]
        if kept:
            lower = factor[np.ix_(kept, kept)]
            projection = linalg.solve_triangular(lower, gram[kept, j], lower=True)
            residual = diagonal - projection @ projection
        else:
            residual = diagonal
        if diagonal <= 0 or residual <= tolerance * diagonal:
            if not kept:
                dropped[j] = []
                continue
            weights = linalg.solve_triangular(lower.T, projection, lower=False)
            big = np.abs(weights) > 1e-6 * max(np.abs(weights).max(), 1e-300)
            dropped[j] = [kept[i] for i in np.flatnonzero(big)]
            continue
        if kept:
            factor[j, kept] = projection
        factor[j, j] = math.sqrt(residual)
        kept.append(j)
    return dropped


def _log_likelihood(eta: FloatArray, outcome: FloatArray, weights: FloatArray) -> float:
    """``Σ w [y η − log(1 + e^η)]`` without overflow (``logaddexp``)."""
    return float(weights @ (outcome * eta - np.logaddexp(0.0, eta)))


def _null_log_likelihood(outcome: FloatArray, weights: FloatArray, fit_intercept: bool) -> float:
    total = weights.sum()
    if not fit_intercept:
        return float(-total * math.log(2.0))
    rate = float(weights @ outcome) / total
    return float(total * (rate * math.log(rate) + (1 - rate) * math.log1p(-rate)))


class _Newton:
    """Newton/IRLS iterations on a standardised design, reusing its buffers."""

    def __init__(
        self,
        design: FloatArray,
        outcome: FloatArray,
        weights: FloatArray,
        penalty: FloatArray,
        *,
        tol: float,
        max_iter: int,
        buffer: FloatArray,
    ) -> None:
        self.design = design
        self.outcome = outcome
        self.weights = weights
        self.penalty = penalty
        self.tol = tol
        self.max_iter = max_iter
        n, q = design.shape
        self.buffer = buffer  # a block of rows of Z scaled by sqrt(w), for the rank-k update
        self.beta = np.zeros(q)
        self.eta = np.zeros(n)
        self.n_iter = 0
        self.converged = False
        self.separated = False
        self.last_change = math.inf
        self.last_step = np.zeros(q)
        self._gram: FloatArray | None = None
        self._start_curvature = 0.25
        self._final_factor: tuple[FloatArray, bool] | None = None

    def start_at_rate(self) -> None:
        """Start from the intercept-only estimate ``β0 = logit(ȳ)`` (the design's column 0).

        Its weights ``w ȳ(1 − ȳ)`` are constant, so the first Hessian is a multiple of
        the Gram matrix already formed for the rank check: a free, better first step.
        """
        rate = float(self.weights @ self.outcome) / float(self.weights.sum())
        self.beta[0] = math.log(rate) - math.log1p(-rate)
        self.eta[:] = self.beta[0]
        self._start_curvature = rate * (1.0 - rate)

    def _hessian(
        self, curvature: FloatArray, residual: FloatArray | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """``(Z' diag(c) Z + P, Z' residual)`` in one blocked pass over the rows of Z.

        Each block of rows is scaled by ``sqrt(c)`` into a cache-sized buffer and
        added to the upper triangle by a symmetric rank-k update (``dsyrk``); the
        gradient ``Z' residual`` is accumulated from the same block while it is in
        cache.
        """
        n, q = self.design.shape
        upper = np.zeros((q, q), order="F")
        gradient = np.zeros(q)
        root = np.sqrt(curvature)
        for start in range(0, n, CHUNK_ROWS):
            rows = self.design[start : start + CHUNK_ROWS]
            block = np.multiply(
                rows, root[start : start + CHUNK_ROWS, None], out=self.buffer[: len(rows)]
            )
            upper = blas.dsyrk(1.0, block.T, beta=1.0, c=upper, trans=0, lower=0, overwrite_c=1)
            if residual is not None:
                gradient += rows.T @ residual[start : start + CHUNK_ROWS]
        hessian: FloatArray = np.triu(upper) + np.triu(upper, 1).T
        hessian[np.diag_indices_from(hessian)] += self.penalty
        return hessian, gradient

    def _curvature(self, eta: FloatArray) -> tuple[FloatArray, FloatArray]:
        mu = special.expit(eta)
        return mu, self.weights * mu * (1.0 - mu)

    def first_gram(self) -> FloatArray:
        """``Z' diag(w) Z``, cached: the first Hessian is a multiple of it (constant start)."""
        self._gram = self._hessian(self.weights)[0] - np.diag(self.penalty)
        return self._gram

    def objective(self, eta: FloatArray, beta: FloatArray) -> float:
        """Penalised log-likelihood."""
        return _log_likelihood(eta, self.outcome, self.weights) - 0.5 * float(
            self.penalty @ (beta * beta)
        )

    def log_likelihood(self) -> float:
        """Unpenalised log-likelihood at the current iterate."""
        return _log_likelihood(self.eta, self.outcome, self.weights)

    def run(self) -> None:
        """Iterate until convergence, separation, a failed line search or max_iter."""
        current = self.objective(self.eta, self.beta)
        previous_change = last_previous = math.inf
        mu, curvature = self._curvature(self.eta)
        for iteration in range(1, self.max_iter + 1):
            residual = self.weights * (self.outcome - mu)
            if iteration == 1 and self._gram is not None:
                hessian = self._start_curvature * self._gram + np.diag(self.penalty)
                gradient = self.design.T @ residual
            else:
                hessian, gradient = self._hessian(curvature, residual)
            gradient -= self.penalty * self.beta
            try:
                factor = linalg.cho_factor(hessian, lower=False, check_finite=False)
                step = linalg.cho_solve(factor, gradient, check_finite=False)
            except linalg.LinAlgError:
                self.separated = self._perfectly_predicted().any()
                return
            if not np.all(np.isfinite(step)):
                self.separated = self._perfectly_predicted().any()
                return
            self.n_iter = iteration
            fraction = 1.0
            improved = False
            for _ in range(40):
                beta = self.beta + fraction * step
                eta = self.design @ beta
                value = self.objective(eta, beta)
                if value >= current - 1e-12 * abs(current):
                    improved = True
                    break
                fraction *= 0.5
            change = float(np.abs(fraction * step).max()) if improved else 0.0
            if not improved:
                # The likelihood cannot be raised to machine precision along the step.
                self.last_change = float(np.abs(step).max())
                self.converged = self.last_change < 1e-5
                return
            gain = value - current
            self.beta, self.eta, current = beta, eta, value
            self.last_step = step
            self.last_change = change
            mu, curvature = self._curvature(self.eta)
            if change <= self.tol or (
                # A full step that moves the objective by rounding only: the optimum is
                # reached to machine precision (a tol below it can ask no more).
                fraction == 1.0 and change < 1e-5 and abs(gain) <= ROUNDING * abs(current)
            ):
                self.converged = True
                self._final_factor = factor
                return
            if (
                self.penalty.max(initial=0.0) == 0.0
                and gain <= 1e-10 * max(1.0, abs(current))
                and change >= 0.5 * previous_change
                and self._perfectly_predicted().any()
            ):
                self.separated = True
                return
            previous_change, last_previous = change, previous_change
        # max_iter reached: separation if steps stopped shrinking while rows are predicted perfectly.
        self.separated = bool(
            self.penalty.max(initial=0.0) == 0.0
            and self.n_iter >= 2
            and self.last_change >= 0.5 * last_previous
            and self._perfectly_predicted().any()
        )

    def _perfectly_predicted(self) -> Any:
        signed = np.where(self.outcome > 0, self.eta, -self.eta)
        return (signed > PERFECT_ETA) & (self.weights > 0)

    def covariance(self) -> FloatArray:
        """Inverse negative Hessian (eigen-floored if not positive definite).

        After convergence, the Hessian factorised in the last iteration is reused (as
        R's ``glm`` does): it was evaluated one step of at most ``tol`` (standardised
        scale) before the estimate, which moves the standard errors by a relative
        amount of that order. Otherwise it is evaluated at the final iterate.
        """
        if self._final_factor is not None:
            identity = np.eye(self.design.shape[1])
            final: FloatArray = linalg.cho_solve(self._final_factor, identity, check_finite=False)
            return final
        _, curvature = self._curvature(self.eta)
        hessian, _ = self._hessian(curvature)
        try:
            factor = linalg.cho_factor(hessian, lower=False, check_finite=False)
            inverse: FloatArray = linalg.cho_solve(factor, np.eye(len(hessian)), check_finite=False)
        except linalg.LinAlgError:
            # Only under separation: the Hessian is numerically singular along the
            # diverging direction. Floor its eigenvalues so the (huge) errors stay finite.
            values, vectors = np.linalg.eigh(hessian)
            floor = max(values.max(), 1.0) * 1e-15
            inverse = (vectors / np.maximum(values, floor)) @ vectors.T
        return inverse

    def perfectly_predicted_count(self) -> int:
        """Observations whose fitted probability is within ~2e-9 of their outcome."""
        return int(self._perfectly_predicted().sum())


def _check_magnitude(values: FloatArray, weights: FloatArray, names: tuple[str, ...]) -> None:
    """Refuse columns holding values beyond :data:`MAX_ABS_VALUE`, naming them and their spread.

    Their squares (the Gram matrix, the variance) overflow float64; the spread is
    computed on the column divided by its largest magnitude, which cannot overflow.
    """
    if not values.size or (values.max() <= MAX_ABS_VALUE and values.min() >= -MAX_ABS_VALUE):
        return
    largest = np.abs(values).max(axis=0)
    share = weights / weights.sum()
    found = []
    for j in np.flatnonzero(largest > MAX_ABS_VALUE)[:5]:
        ratio = values[:, j] / largest[j]
        ratio -= ratio[0]  # exact zeros for a constant column, whatever rounding the mean has
        deviation = ratio - float(share @ ratio)
        spread = math.sqrt(float(share @ (deviation * deviation))) * largest[j]
        found.append(f"{names[j]!r} (spread {spread:.3g}), largest |value| {largest[j]:.3g}")
    fail(
        "fit_logistic",
        "X",
        f"must hold values of magnitude at most {MAX_ABS_VALUE:g} and columns whose spread "
        f"(weighted standard deviation) lies between {SCALE_RANGE[0]:g} and "
        f"{SCALE_RANGE[1]:g}: beyond, squares and sums of the column overflow float64; "
        "rescale these column(s) (e.g. to other units, or subtract a typical value)",
        described("; ".join(found)),
    )


def _separating_features(
    values: FloatArray,
    outcome: FloatArray,
    used: Any,
    step: FloatArray,
    names: tuple[str, ...],
    fit_intercept: bool,
) -> tuple[str, ...]:
    """Features that split the classes by a threshold, else those the step diverges along."""
    rows = values[used]
    labels = outcome[used] > 0
    ones, zeros = rows[labels], rows[~labels]
    threshold = (zeros.max(axis=0) <= ones.min(axis=0)) | (ones.max(axis=0) <= zeros.min(axis=0))
    found = [names[j] for j in np.flatnonzero(threshold)]
    if found:
        return tuple(found)
    direction = np.abs(step[int(fit_intercept) :])
    if direction.max(initial=0.0) == 0:
        return ()
    return tuple(names[j] for j in np.flatnonzero(direction >= 0.1 * direction.max()))


def _warn_separation(fitter: _Newton, separated: tuple[str, ...], n: int) -> None:
    _warn_separation_message(fitter.perfectly_predicted_count(), fitter.n_iter, separated, n)


def _warn_separation_message(perfect: int, n_iter: int, separated: tuple[str, ...], n: int) -> None:
    """The SeparationWarning (shared with the Dask fit, which counts rows on the workers)."""
    shown = f"{list(separated[:10])}" + (
        f" and {len(separated) - 10} more" if len(separated) > 10 else ""
    )
    warn(
        "fit_logistic(): complete or quasi-complete separation: "
        f"{perfect} of {n} observation(s) are predicted perfectly and the likelihood keeps "
        f"rising as the coefficients of {shown} grow without bound. The maximum-"
        "likelihood estimate does not exist; the returned coefficients and standard errors are "
        f"the iterate where the fit stopped (iteration {n_iter}), not estimates. "
        "Refit with l2 > 0 (e.g. l2=1.0) or drop or merge those features.",
        SeparationWarning,
    )
