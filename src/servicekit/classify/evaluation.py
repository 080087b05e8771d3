"""Held-out evaluation of a question classifier, escalation included."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from servicekit._results import ResultMixin
from servicekit._typing import ArrayLike, TextsLike
from servicekit._validation import InstanceOf, Interval, Labels, Texts, validated
from servicekit.classify.model import QuestionClassifier, _unknown_labels, escalation_reasons

__all__ = ["ClassificationReport", "evaluate_classifier"]


@dataclass(frozen=True, slots=True)
class ClassificationReport(ResultMixin):
    """How well a classifier does on labelled questions.

    Attributes
    ----------
    accuracy : float
        Share of questions whose top label is right (escalated ones included).
    macro_f1 : float
        Unweighted mean of the per-label F1 over the labels in the truth or the
        predictions.
    top3_accuracy : float
        Share of questions whose true label is among the 3 most probable (among all
        labels when there are fewer than 3).
    escalation_rate : float
        Share of questions escalated at ``threshold``/``margin`` (0 without them).
    answered_accuracy : float
        Accuracy of the questions not escalated (``nan`` when all were escalated).
    n : int
        Number of questions.
    threshold, margin : float or None
        The escalation settings used.
    per_label : DataFrame
        Index = label; columns ``precision``, ``recall``, ``f1``, ``support``.
    confusion : DataFrame
        Counts; rows are true labels, columns predicted labels.

    Examples
    --------
    >>> from servicekit.classify import fit_question_classifier
    >>> clf = fit_question_classifier(["lost card", "stolen card", "reset PIN", "new PIN"],
    ...                               ["card", "card", "pin", "pin"])
    >>> report = evaluate_classifier(clf, ["card stolen", "PIN new"], ["card", "pin"])
    >>> report.accuracy, report.escalation_rate
    (1.0, 0.0)
    """

    accuracy: float
    macro_f1: float
    top3_accuracy: float
    escalation_rate: float
    answered_accuracy: float
    n: int
    threshold: float | None
    margin: float | None
    per_label: pd.DataFrame
    confusion: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The scalar figures as a one-row DataFrame (see :attr:`per_label` for the rest)."""
        fields = ("accuracy", "macro_f1", "top3_accuracy", "escalation_rate", "answered_accuracy")
        row = {f: getattr(self, f) for f in (*fields, "n", "threshold", "margin")}
        frame: pd.DataFrame = pd.DataFrame([row])
        return frame

    def __repr__(self) -> str:
        return (
            f"ClassificationReport(n={self.n}, accuracy={self.accuracy:.4f}, "
            f"macro_f1={self.macro_f1:.4f}, top3_accuracy={self.top3_accuracy:.4f}, "
            f"escalation_rate={self.escalation_rate:.4f}, "
            f"answered_accuracy={self.answered_accuracy:.4f})"
        )

    __str__ = __repr__


@validated(
    classifier=InstanceOf(QuestionClassifier),
    texts=Texts(),
    labels=Labels(same_length_as="texts"),
    threshold=Interval(low=0, high=1, optional=True),
    margin=Interval(low=0, high=1, optional=True),
)
def evaluate_classifier(
    classifier: QuestionClassifier,
    texts: TextsLike,
    labels: ArrayLike,
    *,
    threshold: float | None = None,
    margin: float | None = None,
) -> ClassificationReport:
    """Accuracy, macro F1, top-3 accuracy and escalation figures on labelled questions.

    Parameters
    ----------
    classifier : QuestionClassifier
        The fitted classifier.
    texts : sequence of str
        Held-out questions.
    labels : sequence of str
        Their true labels; all must be labels of the classifier.
    threshold, margin : float in [0, 1], optional
        Escalation settings, as in :meth:`QuestionClassifier.classify`.

    Returns
    -------
    ClassificationReport

    Raises
    ------
    InvalidInputError
        For labels the classifier does not know, or mismatched lengths.

    Examples
    --------
    >>> from servicekit.classify import fit_question_classifier
    >>> clf = fit_question_classifier(["lost card", "stolen card", "reset PIN", "new PIN"],
    ...                               ["card", "card", "pin", "pin"])
    >>> evaluate_classifier(clf, ["card stolen", "PIN new"], ["card", "pin"]).per_label
          precision  recall   f1  support
    label
    card        1.0     1.0  1.0        1
    pin         1.0     1.0  1.0        1
    """
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    truth = np.asarray([str(v) for v in np.asarray(labels).tolist()])
    _unknown_labels("evaluate_classifier", list(truth), classifier.labels)
    proba = classifier.predict_proba(texts).to_numpy()
    names = np.asarray(classifier.labels)
    predicted = names[proba.argmax(axis=1)]
    escalated = np.asarray([r is not None for r in escalation_reasons(proba, threshold, margin)])
    correct = predicted == truth
    top3 = names[np.argsort(-proba, axis=1, kind="stable")[:, : min(3, len(names))]]
    in_top = (top3 == truth[:, None]).any(axis=1)
    present = [label for label in classifier.labels if label in set(truth) | set(predicted)]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=present, zero_division=0
    )
    per_label = pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support.astype(np.int64)},
        index=pd.Index(present, name="label"),
    )
    confusion = pd.DataFrame(
        confusion_matrix(truth, predicted, labels=present),
        index=pd.Index(present, name="true"),
        columns=pd.Index(present, name="predicted"),
    )
    answered = ~escalated
    return ClassificationReport(
        accuracy=float(correct.mean()),
        macro_f1=float(np.mean(f1)),
        top3_accuracy=float(in_top.mean()),
        escalation_rate=float(escalated.mean()),
        answered_accuracy=float(correct[answered].mean()) if answered.any() else float("nan"),
        n=len(truth),
        threshold=threshold,
        margin=margin,
        per_label=per_label,
        confusion=confusion,
    )
