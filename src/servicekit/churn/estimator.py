"""A scikit-learn classifier over :func:`~servicekit.churn.fit_logistic`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d

from servicekit._typing import ArrayLike, FloatArray, MatrixLike
from servicekit._validation import Array, Constraint, fail, validated
from servicekit._validation import _Context as Context
from servicekit.churn.logistic import LogisticModel, fit_logistic

__all__ = ["ChurnClassifier"]

try:
    from sklearn.utils.validation import validate_data
except ImportError:  # pragma: no cover - scikit-learn < 1.6 (the floor is 1.3)

    def validate_data(estimator: Any, *args: Any, **kwargs: Any) -> Any:
        """scikit-learn < 1.6 spelling of ``sklearn.utils.validation.validate_data``."""
        return estimator._validate_data(*args, **kwargs)


@dataclass(frozen=True)
class _Features(Constraint):
    """A 2-d array-like of finite numbers, checked the way scikit-learn checks it.

    The value is returned unchanged (a DataFrame keeps its column names for
    ``feature_names_in_``); scikit-learn's message is kept inside ours, so both
    ``except InvalidInputError`` and scikit-learn's own expectations hold.
    """

    optional: bool = False

    def describe(self) -> str:
        return "a 2-d array of finite numbers"

    def coerce(self, value: Any, ctx: Context) -> Any:
        try:
            # Finite values are required by default (the keyword was renamed in 1.6).
            check_array(value, dtype=np.float64, accept_sparse=False)
        except (ValueError, TypeError) as exc:
            ctx.fail(f"must be {self.describe()} ({exc})")
        return value

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        good = np.asarray(valid, dtype=np.float64)
        yield "a string", "not an array"
        yield "1-d", good[:, 0]
        yield "empty", good[:0]
        with_nan = good.copy()
        with_nan[0, 0] = np.nan
        yield "NaN", with_nan
        with_inf = good.copy()
        with_inf[0, 0] = np.inf
        yield "inf", with_inf
        yield "complex", good + 1j


@dataclass(frozen=True)
class _BinaryTarget(Constraint):
    """Binary class labels of the same length as ``X`` (scikit-learn's messages kept)."""

    optional: bool = False

    def describe(self) -> str:
        return "binary class labels (y should be a 1d array)"

    def coerce(self, value: Any, ctx: Context) -> Any:
        try:
            labels = column_or_1d(value, warn=False)
            check_classification_targets(labels)
        except (ValueError, TypeError) as exc:
            ctx.fail(f"must be {self.describe()} ({exc})")
        kind = type_of_target(labels, input_name="y")
        if kind != "binary":
            ctx.fail(
                "must be binary: Only binary classification is supported. "
                f"The type of the target is {kind}."
            )
        if len(np.unique(labels)) < 2:
            ctx.fail("must hold two classes to fit a classifier; got one class")
        features = ctx.arguments.get("X")
        rows = len(np.asarray(features)) if features is not None else None
        if rows is not None and rows != len(labels):
            ctx.fail(
                f"must have one label per row of X ({rows}); "
                f"got {len(labels)} (inconsistent numbers of samples)"
            )
        return value

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        good = list(valid)
        yield "continuous", [0.5 + i for i in range(len(good))]
        yield "multiclass", [i % 3 for i in range(len(good))]
        yield "one class", [good[0]] * len(good)
        yield "one element too many", [*good, good[-1]]
        yield "2-d", np.stack([good, good], axis=1)


class ChurnClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Binary logistic-regression classifier for scikit-learn pipelines, by Newton/IRLS.

    A thin scikit-learn estimator over :func:`~servicekit.churn.fit_logistic`:
    unpenalised by default (unlike ``LogisticRegression``), converges on unscaled
    and correlated columns, and warns on separation. Aliased columns (constant
    columns, or one-hot columns that sum to the intercept, as
    ``OneHotEncoder()`` makes them) are dropped from the fit with an
    :class:`~servicekit.errors.AliasedColumnsWarning` naming them
    (``fit_logistic(..., aliased="drop")``), so the estimator works in the usual
    ``make_column_transformer`` pipelines. Binary problems only;
    multiclass targets raise ``ValueError`` ("Only binary classification is
    supported").

    Parameters
    ----------
    l2 : float, default 0.0
        Ridge penalty on the coefficients (the intercept is not penalised).
    fit_intercept : bool, default True
        Estimate an intercept.
    tol : float, default 1e-8
        Convergence tolerance of the Newton iterations.
    max_iter : int, default 100
        Maximum number of Newton iterations.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        Class labels; ``classes_[1]`` is the positive class (churn).
    coef_ : ndarray of shape (1, n_features)
        Coefficients on the log-odds scale of ``classes_[1]``; 0 for aliased
        columns (the weight prediction gives them, so that ``decision_function``
        is ``X @ coef_.T + intercept_``); ``model_.coef`` has NaN there.
    intercept_ : ndarray of shape (1,)
        Intercept.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names, when ``X`` was a DataFrame with string column names.
    model_ : LogisticModel
        The fitted model, with standard errors, ``aliased`` and ``summary()``.

    Examples
    --------
    >>> X = [[1, 0], [2, 1], [3, 0], [4, 1], [5, 0], [6, 1], [7, 0], [8, 1], [9, 1], [10, 0]]
    >>> y = ["yes", "yes", "yes", "no", "yes", "no", "no", "yes", "no", "no"]
    >>> clf = ChurnClassifier().fit(X, y)
    >>> clf.classes_.tolist(), clf.coef_.round(3).tolist()
    (['no', 'yes'], [[-0.542, -0.832]])
    >>> clf.predict([[2, 0], [9, 1]]).tolist()
    ['yes', 'no']
    """

    def __init__(
        self, l2: float = 0.0, fit_intercept: bool = True, tol: float = 1e-8, max_iter: int = 100
    ) -> None:
        self.l2 = l2
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def _more_tags(self) -> dict[str, bool]:
        # The same tag for scikit-learn < 1.6, which reads _more_tags instead.
        return {"binary_only": True}

    @validated(
        X=_Features(),
        y=_BinaryTarget(),
        sample_weight=Array(low=0, same_length_as="X", optional=True),
    )
    def fit(
        self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> ChurnClassifier:
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Two class labels; the larger (in sort order) is the positive class.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights.

        Returns
        -------
        ChurnClassifier
            ``self``.

        Examples
        --------
        >>> ChurnClassifier().fit([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1]).n_features_in_
        1
        """
        features, labels = validate_data(self, X, y, dtype=np.float64)
        self.classes_, encoded = np.unique(labels, return_inverse=True)
        names = getattr(self, "feature_names_in_", None)
        self.model_: LogisticModel = fit_logistic(
            features,
            encoded,
            l2=self.l2,
            sample_weight=sample_weight,
            fit_intercept=self.fit_intercept,
            feature_names=None if names is None else [str(n) for n in names],
            tol=self.tol,
            max_iter=self.max_iter,
            aliased="drop",
        )
        self.coef_ = np.nan_to_num(self.model_.coef, nan=0.0).reshape(1, -1)
        self.intercept_ = np.array([self.model_.intercept])
        self.n_iter_ = np.array([self.model_.n_iter])
        return self

    def _features(self, X: MatrixLike, method: str) -> FloatArray:
        check_is_fitted(self)
        try:
            features: FloatArray = validate_data(self, X, dtype=np.float64, reset=False)
        except ValueError as exc:
            fail(f"ChurnClassifier.{method}", "X", f"must match the fitted data ({exc})")
        return features

    @validated(X=_Features())
    def decision_function(self, X: MatrixLike) -> FloatArray:
        """Log-odds of ``classes_[1]`` for each row.

        Examples
        --------
        >>> clf = ChurnClassifier().fit([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1])
        >>> clf.decision_function([[1.5]]).round(6).tolist()
        [0.0]
        """
        features = self._features(X, "decision_function")
        scores: FloatArray = features @ self.coef_[0] + self.intercept_[0]
        return scores

    @validated(X=_Features())
    def predict_proba(self, X: MatrixLike) -> FloatArray:
        """Class probabilities, columns in the order of ``classes_``.

        Examples
        --------
        >>> clf = ChurnClassifier().fit([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1])
        >>> clf.predict_proba([[1.5]]).round(3).tolist()
        [[0.5, 0.5]]
        """
        features = self._features(X, "predict_proba")
        positive = self.model_.predict_proba(features)
        return np.column_stack([1.0 - positive, positive])

    @validated(X=_Features())
    def predict(self, X: MatrixLike) -> Any:
        """Predicted class label (``classes_[1]`` where its log-odds are positive).

        Examples
        --------
        >>> clf = ChurnClassifier().fit([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1])
        >>> clf.predict([[0.0], [3.0]]).tolist()
        [0, 1]
        """
        features = self._features(X, "predict")
        scores = features @ self.coef_[0] + self.intercept_[0]
        return self.classes_[(scores > 0).astype(int)]
