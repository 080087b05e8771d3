"""From a customer table to a numeric design matrix: column types, blanks, one-hot coding.

The rules (documented on :func:`~servicekit.churn.fit_churn_model`):

- A column is *numeric* when its dtype is numeric or boolean, or when it holds text
  whose every non-blank value parses as a number (Telco's ``TotalCharges`` is text
  because 11 values are a single space). Everything else is *categorical*.
- Blank text (empty or only whitespace), NaN and None are missing values.
- Categorical columns are one-hot coded against a reference level: the most frequent
  level of the training data (ties go to the first in sorted order). The reference
  gets no column; each other level ``v`` of column ``c`` gets the column ``"c=v"``.
- Levels are matched by value, not by the text of the column's dtype: a whole number
  is the same level whether it arrives as ``2``, ``2.0`` (a column made float by one
  missing value) or ``numpy.int64(2)``, and is written ``"2"``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from servicekit._persistence import Document
from servicekit._typing import BoolArray, FloatArray
from servicekit._validation import described, did_you_mean, fail, known_names
from servicekit._warnings import warn
from servicekit.errors import ServicekitWarning, UnseenCategoryWarning

__all__ = ["MissingPolicy", "TableEncoder"]

MissingPolicy = Literal["impute", "drop", "raise"]

#: A text column with more distinct values than this, and more than half as many as
#: rows, is taken for an identifier (customerID) and rejected rather than one-hot coded.
IDENTIFIER_LEVELS = 50


def _is_blank_text(values: pd.Series) -> BoolArray:
    text = values.astype(object)
    mask = np.array(
        [v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) for v in text],
        dtype=bool,
    )
    stripped = np.array([isinstance(v, str) and not v.strip() for v in text], dtype=bool)
    blank: BoolArray = mask | stripped
    return blank


def numbers_of(column: pd.Series) -> tuple[FloatArray, BoolArray, BoolArray]:
    """``(values, missing, unparseable)`` of a column read as numbers (text is parsed)."""
    if pd.api.types.is_bool_dtype(column.dtype) or pd.api.types.is_numeric_dtype(column.dtype):
        values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isinf(values).any():
            return values, np.isnan(values), np.isinf(values)
        return values, np.isnan(values), np.zeros(len(values), dtype=bool)
    blank = _is_blank_text(column)
    text = column.astype(object).where(~blank, None)
    parsed = pd.to_numeric(
        pd.Series([v.strip() if isinstance(v, str) else v for v in text], dtype=object),
        errors="coerce",
    ).to_numpy(dtype=np.float64, na_value=np.nan)
    unparseable = ~blank & ~np.isfinite(parsed)
    return parsed, blank, unparseable


#: The text ``str()`` gives a whole float (``"2.0"``, ``"-1.0"``), as older model files hold.
_WHOLE_FLOAT_TEXT = re.compile(r"-?[0-9]+\.0")


def level_text(value: Any) -> str:
    """The text of a categorical level, the same for equal numbers of any dtype.

    Whole numbers are written without a fractional part (``2``, ``2.0`` and
    ``numpy.int64(2)`` are all ``"2"``; so is the text ``"2.0"`` that ``str()`` of a
    float gives, which older model files hold); booleans stay ``"True"``/``"False"``
    and other values are ``str(value)``.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and _WHOLE_FLOAT_TEXT.fullmatch(value):
        return str(int(float(value)))
    return str(value)


def labels_of(column: pd.Series) -> tuple[np.ndarray[Any, Any], BoolArray]:
    """``(labels as str objects, missing)`` of a categorical column (see :func:`level_text`)."""
    missing = _is_blank_text(column)
    labels = np.array([level_text(v) for v in column.astype(object)], dtype=object)
    return labels, missing


def looks_numeric(column: pd.Series) -> bool:
    """Whether a column is numeric under the module's rules (see the module docstring)."""
    if pd.api.types.is_bool_dtype(column.dtype) or pd.api.types.is_numeric_dtype(column.dtype):
        return True
    _, blank, unparseable = numbers_of(column)
    return not unparseable.any() and not blank.all()


def _rows(frame: pd.DataFrame, mask: BoolArray, limit: int = 5) -> Any:
    labels = list(frame.index[mask][:limit])
    more = int(mask.sum()) - len(labels)
    return described(f"{labels}{f' and {more} more' if more > 0 else ''} (row labels)")


def _require_unicode(texts: list[str], column: str, function: str) -> None:
    """Refuse a column name or level holding a lone surrogate: the model could not be saved."""
    for text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            fail(
                function,
                "frame",
                f"column {column!r} must hold valid Unicode text (a lone surrogate is not)",
                text,
            )


@dataclass(frozen=True, slots=True)
class TableEncoder:
    """The learned recipe turning a customer table into the model's design matrix.

    Attributes
    ----------
    numeric : tuple of str
        Numeric columns, in table order.
    categorical : tuple of str
        Categorical columns, in table order.
    levels : mapping of str to tuple of str
        Every level seen in training, sorted, per categorical column.
    reference : mapping of str to str
        Reference level (no design column) per categorical column.
    fill_values : mapping of str to float
        Training median per numeric column (used by ``missing="impute"``).
    baseline : mapping of str to float
        Training mean per numeric column (the risk-driver baseline).
    aliased : mapping of str to tuple of str
        Design columns dropped because they equal a combination of earlier columns
        (e.g. ``"OnlineSecurity=No internet service"`` ->
        ``("InternetService=No",)``), with those columns.
    missing : {"impute", "drop", "raise"}
        How missing values are handled (at fit and at scoring time).
    """

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    levels: Mapping[str, tuple[str, ...]]
    reference: Mapping[str, str]
    fill_values: Mapping[str, float]
    baseline: Mapping[str, float]
    aliased: Mapping[str, tuple[str, ...]]
    missing: MissingPolicy

    @property
    def columns(self) -> tuple[str, ...]:
        """Every input column the model reads (numeric first, then categorical)."""
        return self.numeric + self.categorical

    @property
    def all_design_names(self) -> tuple[str, ...]:
        """Design columns before aliased ones are dropped."""
        names = list(self.numeric)
        for column in self.categorical:
            names += [f"{column}={v}" for v in self.levels[column] if v != self.reference[column]]
        return tuple(names)

    @property
    def design_names(self) -> tuple[str, ...]:
        """Design columns the model's coefficients refer to."""
        return tuple(n for n in self.all_design_names if n not in self.aliased)

    def source_of(self) -> list[str]:
        """The input column behind each design column (``design_names`` order)."""
        out = []
        for name in self.design_names:
            if name in self.numeric:
                out.append(name)
            else:
                out.append(next(c for c in self.categorical if name.startswith(f"{c}=")))
        return out

    # ------------------------------------------------------------------ learning
    @staticmethod
    def learn(
        frame: pd.DataFrame,
        columns: Sequence[str],
        categorical: Sequence[str] | None,
        missing: MissingPolicy,
        function: str,
    ) -> tuple[TableEncoder, BoolArray, dict[str, int]]:
        """Learn column types, levels and fill values; returns ``(encoder, kept rows, blanks)``."""
        numeric: list[str] = []
        cats: list[str] = []
        for column in columns:
            if categorical is not None:
                is_cat = column in categorical
            else:
                is_cat = not looks_numeric(frame[column])
            (cats if is_cat else numeric).append(column)
        blanks: dict[str, int] = {}
        missing_rows = np.zeros(len(frame), dtype=bool)
        numbers: dict[str, FloatArray] = {}
        labels: dict[str, Any] = {}
        for column in numeric:
            values, empty, bad = numbers_of(frame[column])
            if bad.any():
                at = int(np.argmax(bad))
                fail(
                    function,
                    "categorical" if categorical is not None else "frame",
                    f"leaves column {column!r} numeric but it holds text that is not a number "
                    f"(value {frame[column].iloc[at]!r} at row {frame.index[at]!r}); "
                    "list it in categorical= or exclude it",
                )
            numbers[column] = values
            missing_rows |= empty
            if empty.any():
                blanks[column] = int(empty.sum())
        for column in cats:
            values, empty = labels_of(frame[column])
            labels[column] = values
            missing_rows |= empty
            if empty.any():
                blanks[column] = int(empty.sum())
        if missing == "raise" and missing_rows.any():
            fail(
                function,
                "frame",
                f"must not have missing or blank values (counts per column: {blanks}); "
                "pass missing='impute' or missing='drop'",
                _rows(frame, missing_rows),
            )
        keep = ~missing_rows if missing == "drop" else np.ones(len(frame), dtype=bool)
        if not keep.any():
            fail(function, "frame", "has no row without missing values", _rows(frame, missing_rows))
        fill: dict[str, float] = {}
        base: dict[str, float] = {}
        for column in numeric:
            _require_unicode([column], column, function)
            values = numbers[column][keep]
            present = values[~np.isnan(values)]
            if not present.size:
                fail(function, "frame", f"column {column!r} has only missing values")
            fill[column] = float(np.median(present))
            base[column] = float(np.where(np.isnan(values), fill[column], values).mean())
        levels: dict[str, tuple[str, ...]] = {}
        reference: dict[str, str] = {}
        n_rows = int(keep.sum())
        for column in cats:
            _, empty = labels_of(frame[column])
            present = labels[column][keep & ~empty]
            if not present.size:
                fail(function, "frame", f"column {column!r} has only missing values")
            found, counts = np.unique(present.astype(str), return_counts=True)
            if len(found) > IDENTIFIER_LEVELS and len(found) > n_rows / 2:
                fail(
                    function,
                    "frame",
                    f"column {column!r} looks like an identifier ({len(found)} distinct values "
                    f"in {n_rows} rows); pass exclude=[{column!r}]",
                )
            levels[column] = tuple(str(v) for v in found)
            _require_unicode([column, *levels[column]], column, function)
            # Most frequent level; np.argmax takes the first (sorted) one on ties.
            reference[column] = str(found[int(np.argmax(counts))])
        encoder = TableEncoder(
            numeric=tuple(numeric),
            categorical=tuple(cats),
            levels=levels,
            reference=reference,
            fill_values=fill,
            baseline=base,
            aliased={},
            missing=missing,
        )
        return encoder, keep, blanks

    # ------------------------------------------------------------------ applying
    def encode(
        self, frame: pd.DataFrame, function: str, *, aliased_too: bool = False
    ) -> tuple[FloatArray, BoolArray]:
        """Design matrix of ``frame`` and the mask of rows it could score.

        Rows with missing values are filled (``"impute"``), rejected (``"raise"``) or
        marked unscorable (``"drop"``: their row of the matrix holds zeros and the
        mask is False). Unseen categories are coded as the reference level with an
        :class:`UnseenCategoryWarning`.
        """
        absent = [c for c in self.columns if c not in frame.columns]
        if absent:
            fail(
                function,
                "frame",
                f"must have the model's column(s) {absent}",
                described(known_names(frame.columns) + did_you_mean(absent[0], frame.columns)),
            )
        names = self.all_design_names if aliased_too else self.design_names
        position = {name: j for j, name in enumerate(names)}
        design = np.zeros((len(frame), len(names)))
        scorable = np.ones(len(frame), dtype=bool)
        for column in self.numeric:
            values, empty, bad = numbers_of(frame[column])
            if bad.any():
                at = int(np.argmax(bad))
                fail(
                    function,
                    "frame",
                    f"column {column!r} must hold numbers",
                    described(f"{frame[column].iloc[at]!r} at row {frame.index[at]!r}"),
                )
            scorable &= self._handle_missing(frame, column, empty, function)
            design[:, position[column]] = np.where(empty, self.fill_values[column], values)
        for column in self.categorical:
            labels, empty = labels_of(frame[column])
            scorable &= self._handle_missing(frame, column, empty, function)
            known = {level_text(level) for level in self.levels[column]}
            unseen = ~empty & np.array([v not in known for v in labels], dtype=bool)
            if unseen.any():
                shown = sorted({str(v) for v in labels[unseen]})[:5]
                warn(
                    f"{function}(): column {column!r} holds {int(unseen.sum())} value(s) "
                    f"unseen in training ({shown}); scored as the reference level "
                    f"{self.reference[column]!r}",
                    UnseenCategoryWarning,
                )
            for level in self.levels[column]:
                name = f"{column}={level}"
                if name in position:
                    design[:, position[name]] = (labels == level_text(level)) & ~empty
        if not scorable.all():
            design[~scorable] = 0.0
        return design, scorable

    def _handle_missing(
        self, frame: pd.DataFrame, column: str, empty: BoolArray, function: str
    ) -> BoolArray:
        if not empty.any():
            return np.ones(len(empty), dtype=bool)
        if self.missing == "raise":
            fail(
                function,
                "frame",
                f"column {column!r} must not have missing or blank values "
                "(the model was fitted with missing='raise')",
                _rows(frame, empty),
            )
        if self.missing == "drop":
            warn(
                f"{function}(): {int(empty.sum())} row(s) have a missing {column!r} and get no "
                "score (NaN), as the model was fitted with missing='drop'",
                ServicekitWarning,
            )
            return ~empty
        return np.ones(len(empty), dtype=bool)

    # ------------------------------------------------------------------ persistence
    def _to_fields(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "numeric": list(self.numeric),
            "categorical": list(self.categorical),
            "levels": {c: list(v) for c, v in self.levels.items()},
            "reference": dict(self.reference),
            "fill_values": dict(self.fill_values),
            "baseline": dict(self.baseline),
            "aliased": {k: list(v) for k, v in self.aliased.items()},
            "missing": self.missing,
        }

    @staticmethod
    def _from_document(doc: Document) -> TableEncoder:
        """Rebuild from validated fields (raises ModelFormatError naming the field)."""
        doc.expect_keys(
            {
                "numeric",
                "categorical",
                "levels",
                "reference",
                "fill_values",
                "baseline",
                "aliased",
                "missing",
            }
        )
        numeric = doc.texts("numeric")
        categorical = doc.texts("categorical")
        if set(numeric) & set(categorical):
            doc.fail("categorical", "must not repeat a numeric column")
        if not numeric and not categorical:
            doc.fail("numeric", "and 'categorical' must not both be empty")
        levels_doc = doc.mapping("levels")
        if set(levels_doc) != set(categorical):
            doc.fail("levels", "must list the levels of exactly the categorical columns")
        levels: dict[str, tuple[str, ...]] = {}
        for column in categorical:
            value = levels_doc[column]
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(v, str) for v in value)
                or len(set(value)) != len(value)
            ):
                doc.fail("levels", f"of {column!r} must be a non-empty list of distinct strings")
            levels[column] = tuple(value)
        reference = doc.mapping("reference")
        if set(reference) != set(categorical) or any(
            reference[c] not in levels[c] for c in categorical
        ):
            doc.fail("reference", "must name one of its levels per categorical column")
        numbers = {}
        for key in ("fill_values", "baseline"):
            mapping = doc.mapping(key)
            if set(mapping) != set(numeric) or any(
                isinstance(v, bool) or not isinstance(v, (int, float)) for v in mapping.values()
            ):
                doc.fail(key, "must map every numeric column to a number")
            numbers[key] = {c: float(mapping[c]) for c in numeric}
        encoder = TableEncoder(
            numeric=numeric,
            categorical=categorical,
            levels=levels,
            reference=dict(reference),
            fill_values=numbers["fill_values"],
            baseline=numbers["baseline"],
            aliased={},
            missing=doc.text("missing", options=("impute", "drop", "raise")),  # type: ignore[arg-type]
        )
        aliased_doc = doc.mapping("aliased")
        full = set(encoder.all_design_names)
        aliased: dict[str, tuple[str, ...]] = {}
        for name, sources in aliased_doc.items():
            if (
                name not in full
                or not isinstance(sources, list)
                or not all(
                    isinstance(s, str) and s in full and s not in aliased_doc for s in sources
                )
            ):
                doc.fail("aliased", f"entry {name!r} must name design columns of the model")
            aliased[name] = tuple(sources)
        return dataclasses.replace(encoder, aliased=aliased)
