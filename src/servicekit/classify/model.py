"""Question (intent) classification on TF-IDF features, with confidence and escalation.

:func:`fit_question_classifier` learns a linear model on word + character TF-IDF
features (:mod:`servicekit.text.tfidf`) and returns an immutable
:class:`QuestionClassifier`. Every model is stored the same way, as a score matrix
``X @ coefficients.T + intercepts`` followed by a probability map:

* ``"logistic"`` (default): multinomial logistic regression (L2 penalty, ``C=30``
  chosen on a validation split of Banking77's training set); probabilities are the
  softmax of the scores.
* ``"naive_bayes"``: the source pipeline's multinomial naive Bayes; the scores are
  joint log-likelihoods (``coefficients`` = log P(term | label), ``intercepts`` =
  log priors) and the softmax gives its posterior, exactly as scikit-learn's.
* ``"linear_svm"``: one-vs-rest linear SVM; its margins are calibrated per label by
  Platt scaling fitted on 3-fold out-of-fold margins, then normalised to sum to 1.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from servicekit._dask import dask_aware
from servicekit._persistence import (
    PATH,
    Document,
    JsonText,
    decode_packed_array,
    encode_array,
    encode_packed_array,
    load_json,
    read_file,
    write_document,
    write_file,
)
from servicekit._progress import progress_bar
from servicekit._results import ResultMixin
from servicekit._typing import ArrayLike, FloatArray, TextsLike
from servicekit._validation import (
    Flag,
    Interval,
    Labels,
    Options,
    Texts,
    described,
    fail,
    validated,
)
from servicekit._warnings import warn
from servicekit.classify import _dask as _on_dask
from servicekit.errors import ConvergenceWarning
from servicekit.text import LANGUAGES, FeatureOptions, NgramRange, PreprocessOptions, TextFeatures

__all__ = ["MODELS", "Prediction", "QuestionClassifier", "fit_question_classifier"]

#: The model families :func:`fit_question_classifier` offers.
MODELS: tuple[str, ...] = ("logistic", "naive_bayes", "linear_svm")
#: Regularisation defaults, fixed on a validation split of Banking77's *training* set.
DEFAULT_C = {"logistic": 30.0, "linear_svm": 0.5}
#: From this many training texts on, the default ``min_df`` is 2 (else 1).
MIN_DF_TWO_FROM = 1000
FORMAT = "servicekit.QuestionClassifier"
FORMAT_VERSION = 2

ModelName = Literal["logistic", "naive_bayes", "linear_svm"]
PROBABILITY = Interval(low=0, high=1)
#: Largest naive Bayes smoothing accepted: pseudo-counts beyond it swamp any corpus,
#: and the smoothed counts summed over the vocabulary would approach float64's maximum.
MAX_ALPHA = 1e10


@dataclass(frozen=True, slots=True)
class Prediction(ResultMixin):
    """The classifier's answer for one question.

    Attributes
    ----------
    label : str
        The most probable label.
    confidence : float
        Its probability, in [0, 1].
    alternatives : tuple of (str, float)
        The next most probable labels with their probabilities, best first.
    escalate : bool
        True when the question should go to a human: confidence below the
        threshold, or the top two labels within the margin.
    reason : str or None
        ``"low confidence"``, ``"ambiguous"`` (top two within the margin), or
        ``None`` when not escalated.

    Examples
    --------
    >>> p = Prediction("card_arrival", 0.91, (("card_delivery_estimate", 0.05),), False, None)
    >>> str(p)
    'card_arrival (confidence 0.910)'
    """

    label: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    escalate: bool
    reason: str | None = None

    def __str__(self) -> str:
        text = f"{self.label} (confidence {self.confidence:.3f})"
        return text + (f", escalate: {self.reason}" if self.escalate else "")


def escalation_reasons(
    proba: FloatArray, threshold: float | None, margin: float | None
) -> list[str | None]:
    """Why each row of a probability matrix is escalated (``None``: answered).

    ``"low confidence"`` when the top probability is below ``threshold``, else
    ``"ambiguous"`` when the top two are less than ``margin`` apart.
    """
    top_two = -np.partition(-proba, 1, axis=1)[:, :2]
    low = top_two[:, 0] < threshold if threshold is not None else np.zeros(len(proba), bool)
    close = (
        top_two[:, 0] - top_two[:, 1] < margin if margin is not None else np.zeros(len(proba), bool)
    )
    return [
        "low confidence" if lo else "ambiguous" if cl else None
        for lo, cl in zip(low, close, strict=True)
    ]


def _softmax(scores: FloatArray) -> FloatArray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    np.exp(shifted, out=shifted)
    result: FloatArray = shifted / shifted.sum(axis=1, keepdims=True)
    return result


def _sigmoid(z: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * z))  # stable for large |z|
    return out


class QuestionClassifier:
    """A fitted, immutable question classifier.

    Get one from :func:`fit_question_classifier` or :meth:`from_json`; the
    constructor is internal (it takes already-validated parts) and may change.

    Every method taking ``texts`` accepts a sequence of strings (list, tuple,
    pandas Series, NumPy array) or a single string, which is treated as a list of
    one; results always have one entry per text.

    Examples
    --------
    >>> texts = ["where is my card", "card has not arrived", "my card is still not here",
    ...          "reset my PIN", "I forgot my PIN", "change PIN code"]
    >>> labels = ["card_arrival"] * 3 + ["change_pin"] * 3
    >>> clf = fit_question_classifier(texts, labels)
    >>> clf
    QuestionClassifier(model='logistic', labels=2, features=217)
    >>> clf.predict(["when will my card arrive?", "how do I change my PIN?"])
    ['card_arrival', 'change_pin']
    """

    __slots__ = (
        "_coefficients",
        "_features",
        "_fit_options",
        "_intercepts",
        "_labels",
        "_model",
        "_offsets",
        "_slopes",
        "_weights",
    )
    _model: str
    _labels: tuple[str, ...]
    _features: TextFeatures
    _coefficients: FloatArray
    _intercepts: FloatArray
    _slopes: FloatArray | None
    _offsets: FloatArray | None
    _fit_options: dict[str, Any]
    _weights: FloatArray

    def __init__(
        self,
        *,
        model: str,
        labels: tuple[str, ...],
        features: TextFeatures,
        coefficients: FloatArray,
        intercepts: FloatArray,
        slopes: FloatArray | None,
        offsets: FloatArray | None,
        fit_options: dict[str, Any],
    ) -> None:
        for array in (coefficients, intercepts, slopes, offsets):
            if array is not None:
                array.setflags(write=False)
        set_ = object.__setattr__
        set_(self, "_model", model)
        set_(self, "_labels", labels)
        set_(self, "_features", features)
        set_(self, "_coefficients", coefficients)
        set_(self, "_intercepts", intercepts)
        set_(self, "_slopes", slopes)
        set_(self, "_offsets", offsets)
        set_(self, "_fit_options", dict(fit_options))
        # Features x labels, contiguous: the product with a sparse matrix then needs no copy.
        set_(self, "_weights", np.ascontiguousarray(coefficients.T))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("QuestionClassifier is immutable; fit a new one instead")

    def __getstate__(self) -> tuple[None, dict[str, Any]]:
        # Pickling (e.g. for a Dask worker) leaves out the transposed copy of the
        # coefficients, rebuilt on loading: half the bytes to ship.
        return None, {name: getattr(self, name) for name in self.__slots__ if name != "_weights"}

    def __setstate__(self, state: tuple[None, dict[str, Any]]) -> None:
        # Unpickling: set the slots past the immutability guard, arrays read-only.
        for name, value in state[1].items():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_weights", np.ascontiguousarray(self._coefficients.T))

    def __repr__(self) -> str:
        return (
            f"QuestionClassifier(model={self._model!r}, labels={len(self._labels)}, "
            f"features={self._coefficients.shape[1]})"
        )

    # -- read-only description
    @property
    def labels(self) -> tuple[str, ...]:
        """The labels, in the column order of :meth:`predict_proba`."""
        return self._labels

    @property
    def model(self) -> str:
        """The model family: ``"logistic"``, ``"naive_bayes"`` or ``"linear_svm"``."""
        return self._model

    @property
    def n_features(self) -> int:
        """Number of TF-IDF features (word then character n-grams)."""
        return int(self._coefficients.shape[1])

    @property
    def coefficients(self) -> FloatArray:
        """Read-only ``(n_labels, n_features)`` score weights (log-probabilities for NB)."""
        return self._coefficients

    @property
    def intercepts(self) -> FloatArray:
        """Read-only per-label score offsets (log priors for NB)."""
        return self._intercepts

    @property
    def fit_options(self) -> dict[str, Any]:
        """The options the model was fitted with (a copy)."""
        return dict(self._fit_options)

    @property
    def feature_names(self) -> list[str]:
        """Readable feature names (character n-grams are quoted), in column order."""
        return list(self._features.feature_names())

    # -- prediction
    def _probabilities(self, texts: list[str]) -> FloatArray:
        matrix = self._features.transform(texts)
        scores: FloatArray = np.asarray(matrix @ self._weights) + self._intercepts
        if self._slopes is None or self._offsets is None:
            return _softmax(scores)
        calibrated = _sigmoid(scores * self._slopes + self._offsets)
        calibrated = np.maximum(calibrated, 1e-300)
        result: FloatArray = calibrated / calibrated.sum(axis=1, keepdims=True)
        return result

    @dask_aware(_on_dask.predict)
    @validated(texts=Texts(single_ok=True))
    def predict(self, texts: TextsLike | str) -> list[str]:
        """The most probable label of each text.

        Parameters
        ----------
        texts : sequence of str or str
            Non-blank questions.

        Returns
        -------
        list of str

        Notes
        -----
        Dask: ``texts`` may be a Dask Series; the result is then a Dask Series of
        labels (object dtype) with the texts' index and partitions, each partition
        classified on a worker by this method. The model enters the task graph once,
        as a single key, and is shipped to each worker once per call, not once per
        partition. Blank texts fail when the result is computed.

        Examples
        --------
        >>> clf = fit_question_classifier(["lost card", "stolen card", "reset PIN",
        ...                                "new PIN"], ["card", "card", "pin", "pin"])
        >>> clf.predict("my card was stolen")
        ['card']
        """
        best = self._probabilities(list(texts)).argmax(axis=1)
        return [self._labels[i] for i in best]

    @dask_aware(_on_dask.predict_proba)
    @validated(texts=Texts(single_ok=True))
    def predict_proba(self, texts: TextsLike | str) -> pd.DataFrame:
        """Probability of every label for every text (rows sum to 1).

        Parameters
        ----------
        texts : sequence of str or str
            Non-blank questions.

        Returns
        -------
        DataFrame
            One row per text, one column per label (in :attr:`labels` order).

        Notes
        -----
        Dask: ``texts`` may be a Dask Series; the result is then a Dask DataFrame
        with one float64 column per label and the texts' index and partitions, each
        partition computed on a worker by this method, equal to the in-memory
        result. The model enters the task graph once, as a single key. Only the
        probabilities (8 bytes x labels per text) are gathered when you compute it.

        Examples
        --------
        >>> clf = fit_question_classifier(["lost card", "stolen card", "reset PIN",
        ...                                "new PIN"], ["card", "card", "pin", "pin"])
        >>> proba = clf.predict_proba(["my card was stolen"])
        >>> list(proba.columns), bool(proba.loc[0, "card"] > 0.5)
        (['card', 'pin'], True)
        """
        frame: pd.DataFrame = pd.DataFrame(
            self._probabilities(list(texts)), columns=list(self._labels)
        )
        return frame

    @validated(texts=Texts(single_ok=True), k=Interval(kind="int", low=1))
    def top_k(self, texts: TextsLike | str, k: int = 3) -> list[list[tuple[str, float]]]:
        """The ``k`` most probable labels of each text with their probabilities, best first.

        Parameters
        ----------
        texts : sequence of str or str
            Non-blank questions.
        k : int, default 3
            How many labels; at most the number of labels.

        Returns
        -------
        list of list of (str, float)

        Raises
        ------
        InvalidInputError
            If ``k`` exceeds the number of labels.

        Examples
        --------
        >>> clf = fit_question_classifier(["lost card", "stolen card", "reset PIN",
        ...                                "new PIN"], ["card", "card", "pin", "pin"])
        >>> [label for label, _ in clf.top_k("stolen card", k=2)[0]]
        ['card', 'pin']
        """
        if k > len(self._labels):
            fail(
                "QuestionClassifier.top_k",
                "k",
                f"must be at most the number of labels ({len(self._labels)})",
                k,
            )
        proba = self._probabilities(list(texts))
        order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
        return [
            [(self._labels[j], float(row[j])) for j in best]
            for row, best in zip(proba, order, strict=True)
        ]

    @dask_aware(_on_dask.classify)
    @validated(
        texts=Texts(single_ok=True),
        threshold=Interval(low=0, high=1, optional=True),
        margin=Interval(low=0, high=1, optional=True),
        n_alternatives=Interval(kind="int", low=0),
    )
    def classify(
        self,
        texts: TextsLike | str,
        *,
        threshold: float | None = None,
        margin: float | None = None,
        n_alternatives: int = 2,
    ) -> list[Prediction]:
        """Label each text and decide whether to hand it to a human.

        A prediction is escalated when its confidence is below ``threshold`` (reason
        ``"low confidence"``) or when the two most probable labels are within
        ``margin`` of each other (reason ``"ambiguous"``), as in Rasa's fallback
        policy. Pick ``threshold`` on validation data with
        :func:`~servicekit.classify.choose_threshold`.

        Parameters
        ----------
        texts : sequence of str or str
            Non-blank questions.
        threshold : float in [0, 1], optional
            Escalate when the top probability is below this.
        margin : float in [0, 1], optional
            Escalate when the top two probabilities differ by less than this.
        n_alternatives : int, default 2
            How many runner-up labels to report (capped at the number of labels - 1).

        Returns
        -------
        list of Prediction

        Notes
        -----
        Dask: ``texts`` may be a Dask Series; the result is then a Dask DataFrame
        with the texts' index and partitions and one column per field of Prediction
        (``label``, ``confidence``, ``alternatives``, ``escalate``, ``reason``),
        each row equal to the in-memory Prediction. ``threshold``, ``margin`` and
        ``n_alternatives`` are checked at call time; the model enters the task graph
        once, as a single key.

        Examples
        --------
        >>> clf = fit_question_classifier(["lost card", "stolen card", "reset PIN",
        ...                                "new PIN"], ["card", "card", "pin", "pin"])
        >>> [p.escalate for p in clf.classify(["stolen card"], threshold=0.2)]
        [False]
        >>> clf.classify(["stolen card"], threshold=0.99)[0].reason
        'low confidence'
        """
        proba = self._probabilities(list(texts))
        reasons = escalation_reasons(proba, threshold, margin)
        keep = min(n_alternatives, len(self._labels) - 1) + 1
        order = np.argsort(-proba, axis=1, kind="stable")[:, :keep]
        return [
            Prediction(
                label=self._labels[best[0]],
                confidence=float(row[best[0]]),
                alternatives=tuple((self._labels[j], float(row[j])) for j in best[1:]),
                escalate=reason is not None,
                reason=reason,
            )
            for row, best, reason in zip(proba, order, reasons, strict=True)
        ]

    @validated(n=Interval(kind="int", low=1), kind=Options("word", "char", "all"))
    def top_terms(self, n: int = 10, *, kind: str = "word") -> dict[str, list[str]]:
        """The ``n`` features that most raise each label's score: what each intent "means".

        For logistic regression and the SVM these are the largest coefficients; for
        naive Bayes, the largest log-probabilities relative to their mean over labels
        (raw log-probabilities would list the same frequent words for every label).

        Parameters
        ----------
        n : int, default 10
            Terms per label.
        kind : {"word", "char", "all"}, default "word"
            Word n-grams (stems, readable), character n-grams (quoted), or both.

        Returns
        -------
        dict of str to list of str
            Label to its terms, strongest first.

        Examples
        --------
        >>> clf = fit_question_classifier(["lost card", "stolen card", "reset PIN",
        ...                                "new PIN"], ["card", "card", "pin", "pin"])
        >>> clf.top_terms(1)
        {'card': ['card'], 'pin': ['pin']}
        """
        weights = np.array(self._coefficients)
        if self._model == "naive_bayes":
            weights -= weights.mean(axis=0, keepdims=True)
        is_word = self._features.is_word_feature()
        allowed = {"word": is_word, "char": ~is_word, "all": np.ones_like(is_word)}[kind]
        columns = np.flatnonzero(allowed)
        names = self._features.feature_names()
        out: dict[str, list[str]] = {}
        for label, row in zip(self._labels, weights[:, columns], strict=True):
            best = columns[np.argsort(-row, kind="stable")[:n]]
            out[label] = [names[j] for j in best]
        return out

    # -- persistence by path (thin wrappers over to_json / from_json)
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
        >>> model = fit_question_classifier(["lost card", "stolen card", "reset PIN",
        ...                                  "new PIN"], ["card", "card", "pin", "pin"])
        >>> path = tempfile.mkdtemp() + "/model.json"
        >>> model.save(path)
        >>> QuestionClassifier.load(path).predict(["new PIN please"])
        ['pin']
        """
        write_file(path, self.to_json())

    @classmethod
    @validated(path=PATH)
    def load(cls, path: str | os.PathLike[str]) -> QuestionClassifier:
        """Read a model written by :meth:`save` (validated like :meth:`from_json`).

        Parameters
        ----------
        path : str or path-like
            A ``servicekit.QuestionClassifier`` file.

        Raises
        ------
        ModelFormatError
            If the file is not UTF-8 JSON of this format or fails validation.
        FileNotFoundError
            If there is no such file.

        Examples
        --------
        >>> QuestionClassifier.load("no-such-model.json")
        Traceback (most recent call last):
        ...
        FileNotFoundError: [Errno 2] No such file or directory: 'no-such-model.json'
        """
        return cls.from_json(read_file(path))

    # -- persistence
    def to_json(self) -> str:
        """Everything needed to predict, as JSON text (no pickle).

        The file holds the format name and version (2), the labels, the preprocessing
        and feature options, the vocabularies, idf weights, coefficients (byte-shuffled
        and deflated; float32 for the logistic model, whose fit is float32), intercepts
        and calibration parameters, plus a checksum; see :mod:`servicekit._persistence`.
        Loading gives a model with exactly the same numbers and predictions.

        Examples
        --------
        >>> clf = fit_question_classifier(["lost card", "stolen card", "reset PIN",
        ...                                "new PIN"], ["card", "card", "pin", "pin"])
        >>> again = QuestionClassifier.from_json(clf.to_json())
        >>> again.predict(["new PIN please"]) == clf.predict(["new PIN please"])
        True
        """
        calibration = None
        if self._slopes is not None and self._offsets is not None:
            calibration = {
                "slopes": encode_array(self._slopes),
                "offsets": encode_array(self._offsets),
            }
        # Logistic weights are fitted in float32 (see _fit_logistic): stored exactly so.
        dtype = "float32" if self._model == "logistic" else "float64"
        fields = {
            "model": self._model,
            "labels": list(self._labels),
            "features": self._features.to_dict(),
            "coefficients": encode_packed_array(self._coefficients, dtype=dtype),
            "intercepts": encode_array(self._intercepts),
            "calibration": calibration,
            "fit_options": self._fit_options,
        }
        return write_document(FORMAT, FORMAT_VERSION, fields)

    @classmethod
    @validated(text=JsonText())
    def from_json(cls, text: str) -> QuestionClassifier:
        """Load a classifier saved with :meth:`to_json`.

        Parameters
        ----------
        text : str
            The JSON text.

        Raises
        ------
        ModelFormatError
            If the text is not a servicekit classifier, is of a format version other
            than 1 or 2, or was truncated or altered (shapes, types and the checksum
            are verified).

        Notes
        -----
        Version 2 (written since servicekit 0.2) stores the coefficient matrix
        byte-shuffled and deflated, in float32 for logistic models (fitted in
        float32, so stored exactly); version 1 files (float64, base64) still load,
        and predict exactly as before. To convert one, load it and save it again:
        ``QuestionClassifier.from_json(old).to_json()``.

        Examples
        --------
        >>> QuestionClassifier.from_json('{"format": "something else"}')
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.QuestionClassifier model file: field 'format' must be 'servicekit.QuestionClassifier', got 'something else' (not this kind of model)
        """
        fields = load_json(text, FORMAT)
        found = fields.get("version") if isinstance(fields, dict) else None
        # Version 1 (servicekit 0.1: float64 coefficients, base64) still loads as it was.
        version = 1 if type(found) is int and found == 1 else FORMAT_VERSION
        doc = Document(None, FORMAT, version, fields=fields)
        doc.expect_keys(
            {
                "format",
                "version",
                "checksum",
                "model",
                "labels",
                "features",
                "coefficients",
                "intercepts",
                "calibration",
                "fit_options",
            }
        )
        model = doc.text("model", options=MODELS)
        labels = doc.texts("labels", allow_empty=True)
        if len(labels) < 2:
            doc.fail("labels", f"must hold at least 2 labels, got {len(labels)}")
        features = TextFeatures.from_section(doc.section("features"))
        shape = (len(labels), features.n_features)
        if version == 1:
            coefficients = doc.array("coefficients", shape=shape)
        else:
            coefficients = decode_packed_array(doc, "coefficients", shape=shape)
        intercepts = doc.array("intercepts", shape=(len(labels),))
        calibration = doc.optional_section("calibration")
        slopes = offsets = None
        if (model == "linear_svm") != (calibration is not None):
            doc.fail("calibration", "must be an object for linear_svm and null otherwise")
        if calibration is not None:
            calibration.expect_keys({"slopes", "offsets"})
            slopes = calibration.array("slopes", shape=(len(labels),))
            offsets = calibration.array("offsets", shape=(len(labels),))
        fit_options = doc.mapping("fit_options")
        doc.verify_checksum()
        return cls(
            model=model,
            labels=tuple(labels),
            features=features,
            coefficients=coefficients,
            intercepts=intercepts,
            slopes=slopes,
            offsets=offsets,
            fit_options=fit_options,
        )


# --------------------------------------------------------------------------- fitting
def _fit_linear_svm(
    X: Any,
    y: npt.NDArray[np.intp],
    C: float,
    class_weight: str | None,
    random_state: int,
    max_iter: int,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """LinearSVC plus per-label Platt scaling fitted on out-of-fold margins."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.svm import LinearSVC

    def svm() -> Any:
        return LinearSVC(
            C=C,
            class_weight=class_weight,
            random_state=random_state,
            max_iter=max_iter,
            dual="auto",
        )

    smallest = int(np.bincount(y.astype(np.int64)).min())
    folds = StratifiedKFold(n_splits=min(3, smallest), shuffle=True, random_state=random_state)
    with _solver_warnings("linear_svm", max_iter):
        margins = cross_val_predict(svm(), X, y, cv=folds, method="decision_function")
        final = svm().fit(X, y)
    margins = np.asarray(margins)
    if margins.ndim == 1:  # two labels: one margin for the second label
        margins = np.column_stack([-margins, margins])
    n_labels = margins.shape[1]
    slopes, offsets = np.empty(n_labels), np.empty(n_labels)
    for k in range(n_labels):
        # Platt (1999): P(y = k | margin) = sigmoid(a * margin + b), a and b by max likelihood.
        platt = LogisticRegression(C=1e4).fit(margins[:, [k]], (y == k).astype(int))
        slopes[k], offsets[k] = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    coef, intercept = np.asarray(final.coef_), np.asarray(final.intercept_)
    if coef.shape[0] == 1:
        coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    return coef, intercept, slopes, offsets


@validated(
    texts=Texts(),
    labels=Labels(min_classes=2, same_length_as="texts"),
    model=Options(*MODELS),
    word_ngrams=NgramRange(optional=True),
    char_ngrams=NgramRange(optional=True),
    class_weight=Options("balanced", optional=True),
    random_state=Interval(kind="int", low=0),
    C=Interval(low=0, low_open=True, optional=True),
    alpha=Interval(low=0, low_open=True, high=MAX_ALPHA, optional=True),
    min_df=Interval(kind="int", low=1, optional=True),
    max_features=Interval(kind="int", low=1, optional=True),
    language=Options(*LANGUAGES),
    stem=Flag(),
    remove_stopwords=Flag(),
    max_iter=Interval(kind="int", low=1),
    progress=Flag(),
)
def fit_question_classifier(
    texts: TextsLike,
    labels: ArrayLike,
    *,
    model: ModelName = "logistic",
    word_ngrams: tuple[int, int] | None = (1, 2),
    char_ngrams: tuple[int, int] | None = (2, 5),
    class_weight: Literal["balanced"] | None = None,
    random_state: int = 0,
    C: float | None = None,
    alpha: float | None = None,
    min_df: int | None = None,
    max_features: int | None = None,
    language: str = "english",
    stem: bool = True,
    remove_stopwords: bool = False,
    max_iter: int = 1000,
    progress: bool = False,
) -> QuestionClassifier:
    """Fit a question (intent) classifier on word + character TF-IDF features.

    Word n-grams come from text preprocessed by :func:`~servicekit.classify.preprocess` and
    character n-grams (``char_wb``) from the lowercased raw text, both with sublinear
    term frequency; see :mod:`servicekit.text.tfidf`. The defaults were tuned
    on a stratified 80/20 split of Banking77's *training* set (never its test set):
    keeping stop words (``remove_stopwords=False``: "not", "why", "can" carry intent),
    ``C=30`` and char n-grams 2-5 scored best there.

    Parameters
    ----------
    texts : sequence of str
        Training questions (non-blank).
    labels : sequence of str, int or bool
        One label per text, at least two distinct, all of one kind. Integer and
        boolean labels are kept as their string form (``3`` becomes ``"3"``, ``True``
        becomes ``"True"``), so ``predict`` returns strings.
    model : {"logistic", "naive_bayes", "linear_svm"}, default "logistic"
        Multinomial logistic regression; the source's multinomial naive Bayes
        (kept for comparison); or a one-vs-rest linear SVM with Platt-calibrated
        probabilities.
    word_ngrams : (int, int) or None, default (1, 2)
        Word n-gram range; ``None`` turns word features off.
    char_ngrams : (int, int) or None, default (2, 5)
        Character n-gram range; ``None`` turns character features off. Keep them for
        unspaced scripts (Chinese, Japanese, Thai).
    class_weight : {"balanced"} or None, default None
        ``"balanced"`` weighs examples inversely to their label's frequency.
    random_state : int, default 0
        Seed of the SVM's solver and calibration folds (the other fits are
        deterministic).
    C : float, optional
        Inverse L2 penalty for ``"logistic"`` (default 30) and ``"linear_svm"``
        (default 0.5); not accepted for naive Bayes.
    alpha : float, optional
        Additive (Laplace/Lidstone) smoothing for ``"naive_bayes"`` (default 1.0),
        in (0, 1e10] (larger pseudo-counts swamp any corpus and can overflow); not
        accepted for the other models.
    min_df : int, optional
        Ignore n-grams found in fewer training texts. Default: 2 when there are at
        least 1,000 training texts (n-grams seen in a single question are dropped: on
        Banking77 that removes 41% of the features and of the model file for about
        0.1 point of test accuracy), 1 for smaller sets, which need their rare n-grams.
    max_features : int, optional
        Keep at most this many n-grams per block.
    language : str, default "english"
        Stemmer language (see :data:`~servicekit.text.LANGUAGES`).
    stem : bool, default True
        Stem words before building word n-grams.
    remove_stopwords : bool, default False
        Drop English stop words before building word n-grams.
    max_iter : int, default 1000
        Iteration cap of the logistic and SVM solvers; a
        :class:`~servicekit.errors.ConvergenceWarning` says when it was reached.
    progress : bool, default False
        Show a progress bar of the two stages (features, model fit) on standard error;
        the command line turns it on when standard error is a terminal.

    Returns
    -------
    QuestionClassifier

    Raises
    ------
    InvalidInputError
        On blank or non-string texts, missing labels, fewer than two labels, lengths
        that differ, ``C`` given for naive Bayes or ``alpha`` for another model, a
        label with a single example for ``"linear_svm"`` (its calibration needs two),
        or texts that leave no features.

    References
    ----------
    I. Casanueva et al. (2020), "Efficient Intent Detection with Dual Sentence
    Encoders", NLP4ConvAI (Banking77 and its TF-IDF baselines).
    J. Platt (1999), "Probabilistic outputs for support vector machines".

    Examples
    --------
    >>> clf = fit_question_classifier(
    ...     ["lost card", "stolen card", "reset PIN", "new PIN"], ["card", "card", "pin", "pin"],
    ...     model="naive_bayes")
    >>> clf.labels, clf.model
    (('card', 'pin'), 'naive_bayes')
    """
    name = "fit_question_classifier"
    if word_ngrams is None and char_ngrams is None:
        fail(name, "char_ngrams", "must not be None when word_ngrams is None (no features)", None)
    if model == "naive_bayes" and C is not None:
        fail(name, "C", "is not used by model='naive_bayes' (use alpha)", C)
    if model != "naive_bayes" and alpha is not None:
        fail(name, "alpha", f"is only used by model='naive_bayes', not {model!r} (use C)", alpha)
    preprocessing = PreprocessOptions(language, stem, remove_stopwords, lowercase=True)
    preprocessing.check(name)
    label_text = np.asarray([str(v) for v in np.asarray(labels).tolist()])
    names, y = np.unique(label_text, return_inverse=True)
    counts = np.bincount(y)
    if model == "linear_svm" and counts.min() < 2:
        fail(
            name,
            "labels",
            "must hold at least 2 examples of every label for model='linear_svm' "
            "(its probability calibration uses cross-validation)",
            str(names[counts.argmin()]),
        )
    if min_df is None:
        min_df = 2 if len(texts) >= MIN_DF_TWO_FROM else 1
    options = FeatureOptions(word_ngrams, char_ngrams, preprocessing, min_df, max_features)
    with progress_bar(2, "fit_question_classifier", enabled=progress) as bar:
        texts_list: list[str] = list(texts)
        bar.set_postfix_str("features")
        features, X = TextFeatures.fit_transform(texts_list, options, function=name)
        bar.update()
        bar.set_postfix_str(f"{model} fit")
        slopes = offsets = None
        if model == "logistic":
            coefficients, intercepts, C = _fit_logistic(X, y, C, class_weight, max_iter)
        elif model == "naive_bayes":
            from sklearn.naive_bayes import MultinomialNB
            from sklearn.utils.class_weight import compute_sample_weight

            alpha = 1.0 if alpha is None else alpha
            weights = compute_sample_weight(class_weight, y) if class_weight else None
            nb = MultinomialNB(alpha=alpha).fit(X, y, sample_weight=weights)
            coefficients = np.asarray(nb.feature_log_prob_)
            intercepts = np.asarray(nb.class_log_prior_)
        else:
            C = DEFAULT_C["linear_svm"] if C is None else C
            coefficients, intercepts, slopes, offsets = _fit_linear_svm(
                X, y, C, class_weight, random_state, max_iter
            )
        bar.update()
    fit_options = {
        "C": C,
        "alpha": alpha,
        "class_weight": class_weight,
        "random_state": random_state,
        "n_train": len(texts_list),
    }
    return QuestionClassifier(
        model=model,
        labels=tuple(str(n) for n in names),
        features=features,
        coefficients=np.ascontiguousarray(coefficients, dtype=np.float64),
        intercepts=np.ascontiguousarray(intercepts, dtype=np.float64),
        slopes=slopes,
        offsets=offsets,
        fit_options=fit_options,
    )


@contextlib.contextmanager
def _solver_warnings(solver: str, max_iter: int) -> Iterator[None]:
    """Turn scikit-learn's convergence warnings into one servicekit ConvergenceWarning."""
    from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    stopped = False
    for w in caught:
        if issubclass(w.category, SklearnConvergenceWarning):
            stopped = True
        else:
            warn(w.message, w.category)
    if stopped:
        warn(
            f"fit_question_classifier: the {solver} solver stopped at max_iter={max_iter} "
            "before converging; raise max_iter",
            ConvergenceWarning,
        )


def _fit_logistic(
    X: Any, y: npt.NDArray[np.intp], C: float | None, class_weight: str | None, max_iter: int
) -> tuple[FloatArray, FloatArray, float]:
    """Multinomial L2 logistic regression by L-BFGS on float32 products.

    The objective is scikit-learn's (``sum_i w_i log-loss_i + ||W||^2 / (2C)``, the
    intercepts not penalised; with two labels the penalty is doubled so the logit
    difference is penalised as in binary logistic regression). The sparse products,
    where the time goes, run in float32 (half the memory traffic of scikit-learn's
    float64; the optimiser's state stays float64), with the transpose kept in CSR so
    both products are row-major. The stopping rule is scikit-learn's (projected
    gradient of the mean loss below 1e-4). (A diagonal preconditioner was tried:
    it reached good accuracy sooner but met the stopping rule later.) The returned
    weights are rounded to float32, the precision they were fitted at, so a saved
    model stores them exactly in half the space.
    """
    from scipy.optimize import minimize

    C = DEFAULT_C["logistic"] if C is None else C
    n, F = X.shape
    K = int(y.max()) + 1
    penalty = (1.0 if K > 2 else 2.0) / C
    counts = np.bincount(y, minlength=K).astype(np.float64)
    weights = n / (K * counts[y]) if class_weight == "balanced" else np.ones(n)
    total = float(weights.sum())
    X32 = sp.csr_matrix(X, dtype=np.float32)
    X32T = sp.csr_matrix(X32.T, dtype=np.float32)  # CSR: both products are row-major
    onehot = np.zeros((n, K), dtype=np.float32)
    onehot[np.arange(n), y] = 1.0
    row_weight = (weights / total).astype(np.float32)[:, None]
    rows = np.arange(n)

    def loss_and_gradient(theta: FloatArray) -> tuple[float, FloatArray]:
        W = theta[: F * K].reshape(F, K)
        b = theta[F * K :]
        Z = np.asarray(X32 @ W.astype(np.float32)) + b.astype(np.float32)
        Z -= Z.max(axis=1, keepdims=True)
        E = np.exp(Z)
        S = E.sum(axis=1, keepdims=True)
        log_loss = (np.log(S[:, 0]) - Z[rows, y]).astype(np.float64)
        regular = 0.5 * penalty / total * float(np.sum(W * W))
        loss = float(np.dot(weights / total, log_loss)) + regular
        G = (E / S - onehot) * row_weight
        grad_W = np.asarray(X32T @ G, dtype=np.float64) + penalty / total * W
        return loss, np.concatenate([grad_W.ravel(), G.sum(axis=0, dtype=np.float64)])

    result = minimize(
        loss_and_gradient,
        np.zeros(F * K + K),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_iter, "gtol": 1e-4, "maxls": 50},
    )
    if result.nit >= max_iter:
        warn(
            f"fit_question_classifier: the logistic solver stopped at max_iter={max_iter} "
            "before converging; raise max_iter",
            ConvergenceWarning,
        )
    coef = result.x[: F * K].reshape(F, K).T
    intercept = result.x[F * K :]
    intercept = intercept - intercept.mean()  # softmax is shift-invariant: centre for reading
    return _float32(coef), _float32(intercept), C


def _float32(values: FloatArray) -> FloatArray:
    """Values rounded to float32 and held as float64 (exactly storable as float32)."""
    return np.ascontiguousarray(np.asarray(values, dtype=np.float32), dtype=np.float64)


def _unknown_labels(
    function: str, labels: Sequence[str], known: Sequence[str], *, allowed: str | None = None
) -> None:
    """Fail on the first label the classifier does not know (``allowed`` excepted)."""
    known_set = set(known)
    for i, label in enumerate(labels):
        if label not in known_set and label != allowed:
            fail(
                function,
                "labels",
                "must hold only labels the classifier knows",
                described(f"{str(label)!r} at position {i}"),
            )
