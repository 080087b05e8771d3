"""Choosing the confidence below which a question is handed to a human.

:func:`threshold_curve` lays out the whole trade-off on validation data (one row per
candidate threshold); :func:`choose_threshold` picks one point of it, by F1 or by an
operating budget (a share of traffic humans can take, a precision answers must
reach, a share of out-of-scope questions that must be caught).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from servicekit._typing import ArrayLike, FloatArray, TextsLike
from servicekit._validation import InstanceOf, Interval, Labels, Texts, fail, validated
from servicekit._warnings import warn
from servicekit.classify.model import QuestionClassifier, _unknown_labels
from servicekit.errors import ServicekitWarning

__all__ = ["choose_threshold", "threshold_curve"]


def _harmonic(a: FloatArray, b: FloatArray) -> FloatArray:
    total = a + b
    out: FloatArray = np.divide(2 * a * b, total, out=np.zeros_like(total), where=total > 0)
    return out


@dataclass(frozen=True, slots=True)
class _Curve:
    """Operating points, one per distinct confidence, highest threshold first."""

    threshold: FloatArray
    answered: FloatArray  # number of questions answered
    precision: FloatArray  # accuracy of the answered questions
    in_scope_accuracy: FloatArray  # in-scope questions answered correctly / in-scope questions
    out_of_scope_recall: FloatArray | None  # out-of-scope questions escalated / out-of-scope
    n: int


def _check_labels(
    name: str, classifier: QuestionClassifier, labels: ArrayLike, out_of_scope_label: str | None
) -> list[str]:
    truth = [str(v) for v in np.asarray(labels).tolist()]
    if out_of_scope_label is not None:
        if out_of_scope_label in classifier.labels:
            fail(
                name,
                "out_of_scope_label",
                "must not be a label of the classifier",
                out_of_scope_label,
            )
        if out_of_scope_label not in truth:
            fail(name, "out_of_scope_label", "must occur in 'labels'", out_of_scope_label)
        if all(label == out_of_scope_label for label in truth):
            fail(name, "labels", "must hold some in-scope questions", out_of_scope_label)
    _unknown_labels(name, truth, classifier.labels, allowed=out_of_scope_label)
    return truth


def _curve(
    classifier: QuestionClassifier,
    texts: TextsLike,
    truth: list[str],
    out_of_scope_label: str | None,
) -> _Curve:
    proba = classifier.predict_proba(texts).to_numpy()
    best = proba.argmax(axis=1)
    confidence = proba[np.arange(len(best)), best]
    predicted = np.asarray(classifier.labels)[best]
    correct = predicted == np.asarray(truth)
    out_of_scope = np.asarray(truth) == out_of_scope_label

    # Sort by confidence, descending: answering the top j questions <=> threshold = conf[j-1].
    order = np.argsort(-confidence, kind="stable")
    conf_sorted = confidence[order]
    answered_correct = np.concatenate([[0], np.cumsum(correct[order])])
    answered_oos = np.concatenate([[0], np.cumsum(out_of_scope[order])])
    n_answered = np.arange(len(order) + 1)
    # Only cut where the confidence changes (equal confidences are answered together);
    # every cut answers at least one question, the last one answers all (threshold 0).
    cuts = np.concatenate([np.flatnonzero(np.diff(conf_sorted) != 0) + 1, [len(order)]])
    thresholds = np.clip(conf_sorted[cuts - 1], 0.0, 1.0)
    thresholds[-1] = 0.0
    ok, n_ans, oos = answered_correct[cuts], n_answered[cuts], answered_oos[cuts]
    precision = ok / n_ans
    n_oos = int(out_of_scope.sum())
    n_in_scope = len(order) - n_oos
    recall = None if out_of_scope_label is None else (n_oos - oos) / n_oos
    return _Curve(
        threshold=thresholds.astype(np.float64),
        answered=n_ans.astype(np.float64),
        precision=precision.astype(np.float64),
        in_scope_accuracy=(ok / n_in_scope).astype(np.float64),
        out_of_scope_recall=recall,
        n=len(order),
    )


@validated(
    classifier=InstanceOf(QuestionClassifier),
    texts=Texts(),
    labels=Labels(same_length_as="texts"),
    out_of_scope_label=InstanceOf(str, optional=True),
)
def threshold_curve(
    classifier: QuestionClassifier,
    texts: TextsLike,
    labels: ArrayLike,
    *,
    out_of_scope_label: str | None = None,
) -> pd.DataFrame:
    """The escalation trade-off on validation data: one row per candidate threshold.

    A question is answered when its confidence (top probability) is at least the
    threshold and escalated otherwise. The candidates are every distinct confidence
    seen (each answers the questions at or above it), with the lowest replaced by 0
    (answer everything, whatever the confidence), so every row answers at least one
    question. Rows run from the lowest threshold (0,
    nothing escalated) to the highest.

    Parameters
    ----------
    classifier : QuestionClassifier
        The fitted classifier.
    texts : sequence of str
        Validation questions, not used for fitting.
    labels : sequence of str
        Their true labels: labels of the classifier, or ``out_of_scope_label``.
    out_of_scope_label : str, optional
        The label marking questions the classifier cannot answer (intents it was not
        trained on); must not be a label of the classifier and must occur in
        ``labels``.

    Returns
    -------
    DataFrame
        Columns ``threshold``; ``escalated`` (share of all questions escalated);
        ``answered_accuracy`` (share of answered questions answered correctly, the
        precision of the answers; answered out-of-scope questions count as wrong);
        ``in_scope_accuracy`` (share of in-scope questions answered correctly: without
        ``out_of_scope_label`` every question is in scope); and, with
        ``out_of_scope_label``, ``out_of_scope_recall`` (share of out-of-scope
        questions escalated).

    Raises
    ------
    InvalidInputError
        For labels the classifier does not know, or an ``out_of_scope_label`` that is
        a classifier label or absent from ``labels``.

    See Also
    --------
    choose_threshold : pick one row by F1 or by a budget.

    Examples
    --------
    >>> from servicekit.classify import fit_question_classifier
    >>> clf = fit_question_classifier(["lost card", "stolen card", "reset PIN", "new PIN"],
    ...                               ["card", "card", "pin", "pin"])
    >>> curve = threshold_curve(clf, ["card lost", "PIN reset", "card PIN", "open account"],
    ...                         ["card", "pin", "pin", "other"], out_of_scope_label="other")
    >>> list(curve.columns)
    ['threshold', 'escalated', 'answered_accuracy', 'in_scope_accuracy', 'out_of_scope_recall']
    >>> curve[["escalated", "in_scope_accuracy", "out_of_scope_recall"]].iloc[0].tolist()
    [0.0, 0.6666666666666666, 0.0]
    """
    truth = _check_labels("threshold_curve", classifier, labels, out_of_scope_label)
    curve = _curve(classifier, texts, truth, out_of_scope_label)
    columns: dict[str, FloatArray] = {
        "threshold": curve.threshold,
        "escalated": 1.0 - curve.answered / curve.n,
        "answered_accuracy": curve.precision,
        "in_scope_accuracy": curve.in_scope_accuracy,
    }
    if curve.out_of_scope_recall is not None:
        columns["out_of_scope_recall"] = curve.out_of_scope_recall
    frame = pd.DataFrame(columns).iloc[::-1].reset_index(drop=True)
    return frame


@validated(
    classifier=InstanceOf(QuestionClassifier),
    texts=Texts(),
    labels=Labels(same_length_as="texts"),
    out_of_scope_label=InstanceOf(str, optional=True),
    target=InstanceOf(str, float, int),
    max_escalation=Interval(low=0, high=1, optional=True),
    min_precision=Interval(low=0, high=1, low_open=True, high_open=False, optional=True),
    min_out_of_scope_recall=Interval(low=0, high=1, low_open=True, optional=True),
)
def choose_threshold(
    classifier: QuestionClassifier,
    texts: TextsLike,
    labels: ArrayLike,
    *,
    out_of_scope_label: str | None = None,
    target: str | float = "f1",
    max_escalation: float | None = None,
    min_precision: float | None = None,
    min_out_of_scope_recall: float | None = None,
) -> float:
    """Pick the escalation threshold for :meth:`QuestionClassifier.classify` on validation data.

    A question is *answered* when its confidence (top probability) is at least the
    threshold and escalated otherwise. Candidates are the rows of
    :func:`threshold_curve`: 0 and every confidence seen, so the result is one of
    them (0.0 means "escalate nothing").

    Objectives (``target``, used when no budget is given):

    * ``target="f1"`` without out-of-scope examples: maximise the F1 of
      *precision* = accuracy of the answered questions and *recall* = share of all
      questions answered correctly. Raising the threshold trades recall for precision.
    * ``target="f1"`` with ``out_of_scope_label`` (questions the classifier was never
      meant to answer, labelled so in ``labels``): maximise the harmonic mean of
      *in-scope accuracy* (share of in-scope questions answered correctly) and
      *out-of-scope recall* (share of out-of-scope questions escalated). This weighs
      both equally and often escalates many answerable questions; a budget below is
      usually the better choice for a staffed queue.
    * ``target=p`` (a number in (0, 1)): the same as ``min_precision=p``.

    Budgets (give at most one; it replaces ``target``):

    * ``max_escalation=b``: humans take at most a share ``b`` of all questions; the
      threshold with the highest in-scope accuracy among those escalating at most
      ``b`` (the lowest such threshold).
    * ``min_precision=p``: answers must be right at least a share ``p`` of the time
      (answered out-of-scope questions count as wrong); the smallest threshold whose
      answered accuracy reaches ``p`` (the most coverage that meets it).
    * ``min_out_of_scope_recall=r`` (needs ``out_of_scope_label``): escalate at least
      a share ``r`` of the out-of-scope questions; the threshold with the highest
      in-scope accuracy among those reaching ``r``.

    If no candidate meets a precision or recall budget, the one closest to it (highest
    answered accuracy, or highest out-of-scope recall) is returned with a
    :class:`~servicekit.errors.ServicekitWarning`. Ties are broken towards the lower
    threshold (fewer escalations).

    Parameters
    ----------
    classifier : QuestionClassifier
        The fitted classifier.
    texts : sequence of str
        Validation questions, not used for fitting.
    labels : sequence of str
        Their true labels: labels of the classifier, or ``out_of_scope_label``.
    out_of_scope_label : str, optional
        The label marking out-of-scope questions; must not be a label of the
        classifier and must occur in ``labels``.
    target : "f1" or float, default "f1"
        What to optimise when no budget is given, as above.
    max_escalation : float in [0, 1], optional
        Largest share of all questions that may be escalated.
    min_precision : float in (0, 1], optional
        Smallest acceptable accuracy of the answered questions.
    min_out_of_scope_recall : float in (0, 1], optional
        Smallest acceptable share of out-of-scope questions escalated.

    Returns
    -------
    float
        The threshold, in [0, 1].

    Raises
    ------
    InvalidInputError
        For labels the classifier does not know, a bad ``target``, more than one
        budget, a budget together with a numeric ``target``,
        ``min_out_of_scope_recall`` without ``out_of_scope_label``, or an
        ``out_of_scope_label`` that is a classifier label or absent from ``labels``.

    See Also
    --------
    threshold_curve : the whole trade-off, one row per candidate threshold.

    Examples
    --------
    >>> from servicekit.classify import fit_question_classifier
    >>> clf = fit_question_classifier(["lost card", "stolen card", "reset PIN", "new PIN"],
    ...                               ["card", "card", "pin", "pin"])
    >>> t = choose_threshold(clf, ["card lost", "PIN reset", "card PIN"], ["card", "pin", "pin"])
    >>> 0 <= t <= 1
    True
    >>> choose_threshold(clf, ["card lost", "PIN reset", "card PIN"], ["card", "pin", "pin"],
    ...                  max_escalation=0.0)
    0.0
    """
    name = "choose_threshold"
    if isinstance(target, str):
        if target != "f1":
            fail(name, "target", "must be 'f1' or a precision in (0, 1)", target)
    elif isinstance(target, bool) or not (math.isfinite(target) and 0 < target < 1):
        fail(name, "target", "must be 'f1' or a precision in (0, 1)", target)
    budgets = {
        key: value
        for key, value in (
            ("max_escalation", max_escalation),
            ("min_precision", min_precision),
            ("min_out_of_scope_recall", min_out_of_scope_recall),
        )
        if value is not None
    }
    if len(budgets) > 1:
        second = list(budgets)[1]
        fail(
            name,
            second,
            f"cannot be combined with {next(iter(budgets))}=; give one budget",
            budgets[second],
        )
    if budgets and not isinstance(target, str):
        key = next(iter(budgets))
        fail(name, "target", f"cannot be a number together with {key}=", target)
    if min_out_of_scope_recall is not None and out_of_scope_label is None:
        fail(
            name,
            "min_out_of_scope_recall",
            "needs out_of_scope_label (and out-of-scope examples in 'labels')",
            min_out_of_scope_recall,
        )
    truth = _check_labels(name, classifier, labels, out_of_scope_label)
    curve = _curve(classifier, texts, truth, out_of_scope_label)
    thresholds, n_ans = curve.threshold, curve.answered
    candidates = np.arange(len(thresholds))

    def best(score: FloatArray, among: np.ndarray[tuple[int], np.dtype[np.intp]]) -> int:
        # Highest score; among ties the most answered (= the lowest threshold).
        return int(among[np.lexsort((-n_ans[among], -score[among]))[0]])

    if max_escalation is not None:
        within = candidates[1.0 - n_ans / curve.n <= max_escalation + 1e-12]
        # The last candidate (threshold 0) escalates nothing, so "within" is never empty.
        return float(thresholds[best(curve.in_scope_accuracy, within)])
    if min_out_of_scope_recall is not None:
        assert curve.out_of_scope_recall is not None
        reached = candidates[curve.out_of_scope_recall >= min_out_of_scope_recall]
        if reached.size:
            return float(thresholds[best(curve.in_scope_accuracy, reached)])
        pick = best(curve.out_of_scope_recall, candidates)
        warn(
            f"choose_threshold: no threshold escalates {min_out_of_scope_recall} of the "
            "out-of-scope questions while answering any question; returning the one with the "
            f"highest out-of-scope recall ({curve.out_of_scope_recall[pick]:.3f})",
            ServicekitWarning,
        )
        return float(thresholds[pick])
    if min_precision is None and target == "f1":
        if curve.out_of_scope_recall is None:
            score = _harmonic(curve.precision, curve.in_scope_accuracy)
        else:
            score = _harmonic(curve.in_scope_accuracy, curve.out_of_scope_recall)
        return float(thresholds[best(score, candidates)])
    wanted = float(min_precision if min_precision is not None else target)
    meets = candidates[curve.precision >= wanted]
    if meets.size:
        return float(thresholds[meets[np.argmax(n_ans[meets])]])
    pick = best(curve.precision, candidates)
    warn(
        f"choose_threshold: no threshold reaches an answered accuracy of {wanted}; "
        f"returning the most accurate one ({curve.precision[pick]:.3f})",
        ServicekitWarning,
    )
    return float(thresholds[pick])
