"""The table-level churn model: a customer DataFrame in, churn probabilities and reasons out."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from servicekit._dask import dask_aware
from servicekit._persistence import PATH, Document, JsonText, read_file, write_document, write_file
from servicekit._results import ResultMixin
from servicekit._stats import CONFIDENCE
from servicekit._typing import FloatArray
from servicekit._validation import (
    Column,
    Frame,
    InstanceOf,
    Interval,
    Options,
    described,
    fail,
    validated,
)
from servicekit.churn import _dask as _on_dask
from servicekit.churn.encoding import MissingPolicy, TableEncoder
from servicekit.churn.logistic import (
    FORMAT as LOGISTIC_FORMAT,
)
from servicekit.churn.logistic import (
    MAX_L2,
    LogisticModel,
    aliased_columns,
    fit_logistic,
)
from servicekit.churn.logistic import (
    VERSION as LOGISTIC_VERSION,
)

__all__ = ["ChurnModel", "fit_churn_model", "target_outcome"]

FORMAT = "servicekit.ChurnModel"
VERSION = 1

Label = str | int | bool


@dataclass(frozen=True, slots=True, eq=False)
class ChurnModel(ResultMixin):
    """A logistic churn model over a customer table (see :func:`fit_churn_model`).

    Attributes
    ----------
    target : str
        Name of the outcome column.
    positive, negative : str, int or bool
        The target values meaning "churned" (coded 1) and "stayed" (coded 0).
    encoder : TableEncoder
        Column types, categorical levels and reference levels, fill values,
        numeric baselines and the design columns dropped as aliased.
    logistic : LogisticModel
        The fitted logistic regression on the design matrix.
    missing_counts : dict of str to int
        Missing or blank values found per column in the training table.
    n_dropped : int
        Training rows dropped for missing values (``missing="drop"``).

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "tenure": [1, 30, 2, 45, 5, 60, 3, 24, 8, 50, 12, 36],
    ...     "contract": ["month", "year", "month", "year", "month", "year",
    ...                  "month", "month", "year", "year", "month", "year"],
    ...     "churn": ["Yes", "No", "Yes", "No", "No", "No", "Yes", "No", "Yes", "No", "Yes", "No"],
    ... })
    >>> model = fit_churn_model(frame, target="churn", positive="Yes")
    >>> model.logistic.feature_names
    ('tenure', 'contract=year')
    >>> model.predict_proba(frame.head(2)).round(3)
    0    0.915
    1    0.063
    Name: churn_probability, dtype: float64
    >>> round(model.baseline_log_odds, 3)
    -2.726
    """

    target: str
    positive: Label
    negative: Label
    encoder: TableEncoder
    logistic: LogisticModel
    missing_counts: dict[str, int] = field(default_factory=dict)
    n_dropped: int = 0

    # ------------------------------------------------------------------ scoring
    @dask_aware(_on_dask.churn_predict_proba)
    @validated(frame=Frame())
    def predict_proba(self, frame: pd.DataFrame) -> pd.Series:
        """Churn probability of each customer (row) of ``frame``.

        Parameters
        ----------
        frame : DataFrame
            Customers with (at least) the columns the model was fitted on; other
            columns (such as the target) are ignored.

        Returns
        -------
        Series
            ``churn_probability``, indexed like ``frame``. Rows with a missing value
            get NaN when the model was fitted with ``missing="drop"`` (with a warning).
            A lazy Dask Series when ``frame`` is a Dask DataFrame.

        Warns
        -----
        UnseenCategoryWarning
            When a categorical column holds a level unseen in training; such values
            are scored as the reference level.

        Notes
        -----
        Dask: on a Dask DataFrame each partition is scored on the workers
        (``map_partitions``) when the result is computed; the model's columns are
        checked at once, values per partition. Nothing is gathered but the result.

        Examples
        --------
        >>> frame = pd.DataFrame({"tenure": [1, 40, 3, 30, 2, 50, 4, 20],
        ...                       "churn": [1, 0, 0, 0, 1, 0, 1, 1]})
        >>> fit_churn_model(frame, target="churn").predict_proba(frame.head(2)).round(3)
        0    0.842
        1    0.079
        Name: churn_probability, dtype: float64
        """
        design, scorable = self.encoder.encode(frame, "ChurnModel.predict_proba")
        proba = special.expit(self._log_odds(design))
        proba[~scorable] = np.nan
        result: pd.Series = pd.Series(proba, index=frame.index, name="churn_probability")
        return result

    def _log_odds(self, design: FloatArray) -> FloatArray:
        eta: FloatArray = design @ self.logistic.coef + self.logistic.intercept
        return eta

    @property
    def baseline_log_odds(self) -> float:
        """Log-odds of the baseline customer: training means, reference levels."""
        numeric = len(self.encoder.numeric)
        means = np.array([self.encoder.baseline[c] for c in self.encoder.numeric])
        return float(self.logistic.intercept + self.logistic.coef[:numeric] @ means)

    @dask_aware(_on_dask.churn_contributions)
    @validated(frame=Frame())
    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Each column's contribution to each customer's log-odds of churn.

        For a numeric column ``β·(x − mean)`` (mean over the training rows); for a
        categorical column the coefficient of the customer's level (0 at the
        reference level). A customer's log-odds is ``baseline_log_odds`` plus the
        row sum, so the table explains each prediction exactly.

        Parameters
        ----------
        frame : DataFrame
            Customers with the model's columns.

        Returns
        -------
        DataFrame
            One row per customer (indexed like ``frame``), one column per input
            column of the model, in log-odds units (NaN for unscorable rows). A lazy
            Dask DataFrame when ``frame`` is a Dask DataFrame.

        Notes
        -----
        Dask: computed partition by partition on the workers (``map_partitions``);
        the ``baseline_log_odds`` attribute is not carried by the Dask result (read it
        from the model).

        Examples
        --------
        >>> frame = pd.DataFrame({"tenure": [1, 40, 3, 30, 2, 50, 4, 20],
        ...                       "churn": [1, 0, 0, 0, 1, 0, 1, 1]})
        >>> model = fit_churn_model(frame, target="churn")
        >>> model.contributions(frame.head(2)).round(3)
           tenure
        0   1.880
        1  -2.251
        """
        design, scorable = self.encoder.encode(frame, "ChurnModel.contributions")
        return self._contributions(frame, design, scorable)

    def _contributions(
        self, frame: pd.DataFrame, design: FloatArray, scorable: Any
    ) -> pd.DataFrame:
        numeric = len(self.encoder.numeric)
        centred = design.copy()
        means = np.array([self.encoder.baseline[c] for c in self.encoder.numeric])
        centred[:, :numeric] -= means
        terms = centred * self.logistic.coef
        sources = np.array(self.encoder.source_of(), dtype=object)
        table: pd.DataFrame = pd.DataFrame(index=frame.index)
        for column in self.encoder.columns:
            table[column] = terms[:, sources == column].sum(axis=1)
        table.loc[~scorable, :] = np.nan
        table.attrs["baseline_log_odds"] = self.baseline_log_odds
        return table

    @dask_aware(_on_dask.churn_risk_drivers)
    @validated(frame=Frame(), top=Interval(kind="int", low=1))
    def risk_drivers(self, frame: pd.DataFrame, top: int = 3) -> pd.DataFrame:
        """Per customer, up to ``top`` columns pushing the risk of churn up most.

        Contributions are on the log-odds scale against a baseline customer
        (training means for numeric columns, the reference level for categorical
        ones; see :meth:`contributions`). ``exp(contribution)`` is the factor by
        which that column multiplies the customer's odds of churn relative to the
        baseline. Only contributions that raise the risk (strictly positive) are
        drivers: a customer with fewer than ``top`` of them gets only those rows,
        and one with none (at or below the baseline in every column, or
        unscorable) gets no row at all.

        Parameters
        ----------
        frame : DataFrame
            Customers with the model's columns.
        top : int, default 3
            Drivers per customer (at most the number of input columns).

        Returns
        -------
        DataFrame
            At most ``top`` rows per customer, indexed by the customer's index
            label, with columns ``rank`` (1 = strongest), ``feature`` (input
            column), ``value`` (the customer's value) and ``contribution``
            (log-odds, > 0). A lazy Dask DataFrame when ``frame`` is a Dask DataFrame.

        Notes
        -----
        Dask: each partition's drivers are found on the workers
        (``map_partitions``, one model call per partition) when the result is
        computed; rows never move between partitions, so the result keeps the
        customers' partitioning. ``top`` and the model's columns are checked at once.

        Examples
        --------
        >>> frame = pd.DataFrame({
        ...     "tenure": [1, 30, 2, 45, 5, 60, 3, 24, 8, 50, 12, 36],
        ...     "contract": ["month", "year", "month", "year", "month", "year",
        ...                  "month", "month", "year", "year", "month", "year"],
        ...     "churn": [1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0],
        ... })
        >>> model = fit_churn_model(frame, target="churn")
        >>> model.risk_drivers(frame.head(1), top=2).round(3)
           rank feature  value  contribution
        0     1  tenure      1         5.109

        The customer's contract is the reference level (contribution 0): not a driver.
        """
        design, scorable = self.encoder.encode(frame, "ChurnModel.risk_drivers")
        table = self._contributions(frame, design, scorable)
        k = min(top, table.shape[1])
        values = table.to_numpy(dtype=np.float64)
        order = np.argsort(-np.nan_to_num(values, nan=-np.inf), axis=1, kind="stable")[:, :k]
        rows = np.repeat(np.arange(len(frame)), k)
        cols = order.ravel()
        ranks = np.tile(np.arange(1, k + 1), len(frame))
        raising = values[rows, cols] > 0  # NaN (unscorable) and 0 are not drivers
        rows, cols, ranks = rows[raising], cols[raising], ranks[raising]
        columns = np.array(table.columns, dtype=object)
        raw = frame[list(self.encoder.columns)].to_numpy(dtype=object)
        drivers: pd.DataFrame = pd.DataFrame(
            {
                "rank": ranks,
                "feature": columns[cols],
                "value": raw[rows, [self.encoder.columns.index(c) for c in columns[cols]]],
                "contribution": values[rows, cols],
            },
            index=frame.index[rows],
        )
        return drivers

    # ------------------------------------------------------------------ reading
    @validated(confidence=CONFIDENCE)
    def summary(self, confidence: float = 0.95) -> pd.DataFrame:
        """Coefficient table of the design columns (see :meth:`LogisticModel.summary`).

        ``attrs`` also records ``aliased`` (design columns dropped as linear
        combinations of others) and ``missing_counts``.

        Examples
        --------
        >>> frame = pd.DataFrame({"tenure": [1, 40, 3, 30, 2, 50, 4, 20],
        ...                       "churn": [1, 0, 0, 0, 1, 0, 1, 1]})
        >>> fit_churn_model(frame, target="churn").summary()[["coef", "odds_ratio"]].round(3)
                    coef  odds_ratio
        intercept  1.781       5.936
        tenure    -0.106       0.899
        """
        table = self.logistic.summary(confidence)
        table.attrs["aliased"] = {k: list(v) for k, v in self.encoder.aliased.items()}
        table.attrs["missing_counts"] = dict(self.missing_counts)
        table.attrs["target"] = f"{self.target} == {self.positive!r}"
        return table

    def __str__(self) -> str:
        lines = [
            f"Churn model: P({self.target} == {self.positive!r}) by logistic regression",
            f"  numeric columns: {list(self.encoder.numeric)}",
            "  categorical columns (reference level): "
            + ", ".join(f"{c} ({self.encoder.reference[c]})" for c in self.encoder.categorical),
        ]
        if self.missing_counts:
            lines.append(
                f"  missing/blank values: {self.missing_counts} (missing={self.encoder.missing!r}"
                f"{f', {self.n_dropped} row(s) dropped' if self.n_dropped else ''})"
            )
        for name, sources in self.encoder.aliased.items():
            lines.append(f"  dropped {name!r}: equals a combination of {list(sources)}")
        lines.append(str(self.logistic))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"ChurnModel(target={self.target!r}, positive={self.positive!r}, "
            f"n_columns={len(self.encoder.columns)}, n_features={len(self.logistic.coef)}, "
            f"n_obs={self.logistic.n_obs})"
        )

    # ------------------------------------------------------------------ persistence
    def to_json(self) -> str:
        """The model as a versioned, checksummed JSON document (``servicekit.ChurnModel`` v1).

        Holds the encoder (columns, levels, reference levels, fill values,
        baselines, aliased columns) and the logistic model; floats round-trip
        exactly.

        Examples
        --------
        >>> frame = pd.DataFrame({"tenure": [1, 40, 3, 30, 2, 50, 4, 20],
        ...                       "churn": [1, 0, 0, 0, 1, 0, 1, 1]})
        >>> model = fit_churn_model(frame, target="churn")
        >>> ChurnModel.from_json(model.to_json()).to_json() == model.to_json()
        True
        """
        fields = {
            "target": self.target,
            "positive": self.positive,
            "negative": self.negative,
            "encoder": self.encoder._to_fields(),
            "missing_counts": dict(self.missing_counts),
            "n_dropped": self.n_dropped,
            "logistic": {
                "format": LOGISTIC_FORMAT,
                "version": LOGISTIC_VERSION,
                **self.logistic._to_fields(),
            },
        }
        return write_document(FORMAT, VERSION, fields)

    @classmethod
    @validated(text=JsonText())
    def from_json(cls, text: str) -> ChurnModel:
        """Load a model written by :meth:`to_json`, validating every field.

        Raises
        ------
        ModelFormatError
            On invalid or truncated JSON, another format or version, any field of
            the wrong type, shape or length, coefficients that do not match the
            encoder's design columns, or content altered after writing (checksum).
        InvalidInputError
            If ``text`` is not a str: a path (use :meth:`load`), bytes or a dict.

        Examples
        --------
        >>> ChurnModel.from_json("not json")
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: not a servicekit.ChurnModel model file: invalid or truncated JSON (...)
        """
        doc = Document(text, FORMAT, VERSION)
        doc.expect_keys(
            {
                "format",
                "version",
                "checksum",
                "target",
                "positive",
                "negative",
                "encoder",
                "missing_counts",
                "n_dropped",
                "logistic",
            }
        )
        encoder = TableEncoder._from_document(doc.section("encoder"))
        logistic = LogisticModel._from_document(
            doc.nested("logistic", LOGISTIC_FORMAT, LOGISTIC_VERSION)
        )
        if logistic.feature_names != encoder.design_names:
            doc.fail("logistic", "must have one coefficient per design column of the encoder")
        positive, negative = doc.label("positive"), doc.label("negative")
        if positive == negative:
            doc.fail("negative", "must differ from 'positive'")
        counts = doc.mapping("missing_counts")
        if not all(k in encoder.columns and type(v) is int and v > 0 for k, v in counts.items()):
            doc.fail("missing_counts", "must map model columns to positive counts")
        model = cls(
            target=doc.text("target"),
            positive=positive,
            negative=negative,
            encoder=encoder,
            logistic=logistic,
            missing_counts=dict(counts),
            n_dropped=doc.integer("n_dropped"),
        )
        doc.verify_checksum()
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
        >>> frame = pd.DataFrame({"tenure": [1, 40, 3, 30, 2, 50, 4, 20],
        ...                       "churn": [1, 0, 0, 0, 1, 0, 1, 1]})
        >>> model = fit_churn_model(frame, target="churn")
        >>> path = tempfile.mkdtemp() + "/model.json"
        >>> model.save(path)
        >>> ChurnModel.load(path).predict_proba(frame.head(1)).round(3).tolist()
        [0.842]
        """
        write_file(path, self.to_json())

    @classmethod
    @validated(path=PATH)
    def load(cls, path: str | os.PathLike[str]) -> ChurnModel:
        """Read a model written by :meth:`save` (validated like :meth:`from_json`).

        Parameters
        ----------
        path : str or path-like
            A ``servicekit.ChurnModel`` file.

        Raises
        ------
        ModelFormatError
            If the file is not UTF-8 JSON of this format or fails validation.
        FileNotFoundError
            If there is no such file.

        Examples
        --------
        >>> ChurnModel.load("no-such-model.json")
        Traceback (most recent call last):
        ...
        FileNotFoundError: [Errno 2] No such file or directory: 'no-such-model.json'
        """
        return cls.from_json(read_file(path))


def target_outcome(
    frame: pd.DataFrame, target: str, positive: Label | None, function: str
) -> tuple[FloatArray, Label, Label]:
    """``(0/1 outcome, positive label, negative label)`` from the target column.

    ``positive=None`` works for boolean targets and numeric 0/1 targets (1 and
    True mean churn); any other target needs ``positive`` to say which value is
    churn. The target must have exactly two values and none missing.
    """
    column = frame[target]
    missing = column.isna().to_numpy()
    if missing.any():
        fail(
            function,
            "target",
            f"column {target!r} must not have missing values",
            described(f"{int(missing.sum())} missing, first at row {frame.index[missing][0]!r}"),
        )
    values = [_plain_value(v) for v in pd.unique(column.astype(object))]
    values.sort(key=lambda v: (str(type(v)), str(v)))
    if len(values) != 2:
        fail(
            function,
            "target",
            f"column {target!r} must hold exactly two values (churn is binary)",
            described(f"{len(values)} value(s) {values[:6]}"),
        )
    if positive is None:
        if set(values) == {0, 1}:  # also {False, True}
            positive = next(v for v in values if v == 1)
        else:
            fail(
                function,
                "positive",
                f"must say which value of {target!r} means churn (one of {values})",
                None,
            )
    matches = [v for v in values if v == positive and type(v) is type(positive)] or [
        v for v in values if v == positive
    ]
    if not matches:
        fail(function, "positive", f"must be one of the values of {target!r}: {values}", positive)
    chosen = matches[0]
    negative = next(v for v in values if v is not chosen)
    outcome = np.array([_plain_value(v) == chosen for v in column.astype(object)], dtype=np.float64)
    return outcome, chosen, negative


def _plain_value(value: Any) -> Label:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, (str, int, bool)):
        return str(value)
    return value


@validated(
    frame=Frame(min_rows=2),
    target=Column("frame"),
    positive=InstanceOf(str, int, bool, optional=True),
    exclude=Column("frame", many=True, allow_empty=True),
    categorical=Column("frame", many=True, allow_empty=True, optional=True),
    l2=Interval(low=0, high=MAX_L2, high_open=True),
    missing=Options("impute", "drop", "raise"),
)
def fit_churn_model(
    frame: pd.DataFrame,
    *,
    target: str,
    positive: Label | None = None,
    exclude: Sequence[Hashable] = (),
    categorical: Sequence[Hashable] | None = None,
    l2: float = 0.0,
    missing: MissingPolicy = "impute",
) -> ChurnModel:
    """Fit a logistic churn model on a customer table with numeric and categorical columns.

    Every column except ``target`` and ``exclude`` is a predictor.

    - Column types are inferred: numeric dtypes, booleans, and text columns whose
      every non-blank value is a number (Telco's ``TotalCharges``) are numeric;
      the rest are categorical. ``categorical=[...]`` overrides the inference
      (the listed columns are categorical, all others must be numeric).
    - Blanks: empty or whitespace-only text, NaN and None are missing values,
      counted per column in ``missing_counts``. ``missing="impute"`` (default)
      fills numeric columns with the training median and categorical ones with
      their reference level, at fit and at scoring time; ``"drop"`` drops those
      training rows (scoring gives NaN for them, with a warning); ``"raise"``
      rejects them.
    - Categorical columns are one-hot coded against a reference level, the most
      frequent level (ties: the first in sorted order); a level ``v`` of column
      ``c`` becomes the 0/1 column ``"c=v"``. A text column with more than 50
      levels and more than half as many levels as rows is taken for an
      identifier and rejected (exclude it).
    - Aliased dummies are dropped automatically: a dummy column that is a linear
      combination of earlier columns (in table order) would make the design
      singular. In Telco, ``"No internet service"`` in six service columns equals
      ``InternetService=No`` and ``MultipleLines=No phone service`` equals
      ``PhoneService=No``; those later dummies are dropped and recorded in
      ``encoder.aliased`` (their effect is carried by the earlier column). Aliased
      *numeric* columns are an error naming them. With ``l2 > 0`` the penalised fit
      is unique, so nothing is dropped (aliased columns share their effect).

    Parameters
    ----------
    frame : DataFrame
        One row per customer.
    target : str
        The outcome column (two distinct values).
    positive : str, int or bool, optional
        The target value meaning churn; may be omitted for 0/1 or boolean targets.
    exclude : list of str, default ()
        Columns that are not predictors (identifiers such as ``customerID``).
    categorical : list of str, optional
        Columns to treat as categorical (overrides the inference).
    l2 : float, default 0.0
        Ridge penalty passed to :func:`fit_logistic` (0: maximum likelihood), below
        ``1e300`` and at most ``1e300`` times the variance of every encoded column
        (see :func:`fit_logistic`).
    missing : {"impute", "drop", "raise"}, default "impute"
        Handling of missing and blank values (see above).

    Returns
    -------
    ChurnModel

    Raises
    ------
    InvalidInputError
        On a target that is not binary, has missing values or whose ``positive``
        value is unknown or not given; a column that cannot be coded; missing
        values under ``missing="raise"``; an aliased numeric column.

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "tenure": [1, 30, 2, 45, 5, 60, 3, 24, 8, 50, 12, 36],
    ...     "charges": ["70.5", "20.0", " ", "25.5", "80.1", "19.9",
    ...                 "90.0", "60.0", "75.0", "22.0", "65.0", "30.0"],
    ...     "churn": ["Yes", "No", "Yes", "No", "No", "No", "Yes", "No", "Yes", "No", "Yes", "No"],
    ... })
    >>> model = fit_churn_model(frame, target="churn", positive="Yes")
    >>> model.encoder.numeric, model.missing_counts
    (('tenure', 'charges'), {'charges': 1})
    >>> model.logistic.converged
    True
    """
    function = "fit_churn_model"
    excluded = [exclude] if isinstance(exclude, str) else list(exclude)
    declared = (
        None
        if categorical is None
        else ([categorical] if isinstance(categorical, str) else list(categorical))
    )
    columns = [c for c in frame.columns if c != target and c not in excluded]
    if not columns:
        fail(function, "exclude", "must leave at least one predictor column", excluded)
    unnamed = [c for c in columns if not isinstance(c, str) or not c]
    if unnamed:
        fail(
            function, "frame", "must have non-empty string names for its predictor columns", unnamed
        )
    if declared is not None:
        stray = [c for c in declared if c not in columns]
        if stray:
            fail(
                function, "categorical", "must list predictor columns (not target/excluded)", stray
            )
    outcome, positive_label, negative_label = target_outcome(frame, target, positive, function)
    encoder, keep, blanks = TableEncoder.learn(
        frame,
        [str(c) for c in columns],
        None if declared is None else [str(c) for c in declared],
        missing,
        function,
    )
    rows = frame[keep] if not keep.all() else frame
    outcome = outcome[keep]
    if len(np.unique(outcome)) < 2:
        fail(function, "target", "must hold both classes among the rows kept", positive_label)
    design, _ = encoder.encode(rows, function, aliased_too=True)
    names = encoder.all_design_names
    encoder = _drop_aliased(encoder, design, names, l2, function)
    kept = [j for j, name in enumerate(names) if name not in encoder.aliased]
    logistic = fit_logistic(design[:, kept], outcome, l2=l2, feature_names=[names[j] for j in kept])
    return ChurnModel(
        target=str(target),
        positive=positive_label,
        negative=negative_label,
        encoder=encoder,
        logistic=logistic,
        missing_counts=blanks,
        n_dropped=int((~keep).sum()),
    )


def _drop_aliased(
    encoder: TableEncoder, design: FloatArray, names: tuple[str, ...], l2: float, function: str
) -> TableEncoder:
    """Record (to drop) dummy columns that are linear combinations of earlier columns."""
    if l2 > 0:
        return encoder
    centred = design - design.mean(axis=0)
    norms = np.sqrt((centred * centred).sum(axis=0))
    constant = np.flatnonzero(norms == 0)
    if len(constant):
        fail(
            function,
            "frame",
            "must not have constant predictor columns (exclude them)",
            [names[j] for j in constant],
        )
    scaled = centred / norms
    dependent = aliased_columns(scaled.T @ scaled)
    numeric = [names[j] for j in dependent if names[j] in encoder.numeric]
    if numeric:
        fail(
            function,
            "frame",
            "must not have numeric columns that are linear combinations of other columns",
            numeric,
        )
    aliased = {names[j]: tuple(names[i] for i in sources) for j, sources in dependent.items()}
    return dataclasses.replace(encoder, aliased=aliased)
