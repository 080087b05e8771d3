"""Choosing the confidence below which a question is handed to a human."""

from __future__ import annotations

import math

import numpy as np

from servicekit._typing import ArrayLike, FloatArray, TextsLike
from servicekit._validation import InstanceOf, Labels, Texts, fail, validated
from servicekit._warnings import warn
from servicekit.classify.model import QuestionClassifier, _unknown_labels
from servicekit.errors import ServicekitWarning

__all__ = ["choose_threshold"]


def _harmonic(a: FloatArray, b: FloatArray) -> FloatArray:
    total = a + b
    out: FloatArray = np.divide(2 * a * b, total, out=np.zeros_like(total), where=total > 0)
    return out


@validated(
    classifier=InstanceOf(QuestionClassifier),
    texts=Texts(),
    labels=Labels(same_length_as="texts"),
    out_of_scope_label=InstanceOf(str, optional=True),
    target=InstanceOf(str, float, int),
)
def choose_threshold(
    classifier: QuestionClassifier,
    texts: TextsLike,
    labels: ArrayLike,
    *,
    out_of_scope_label: str | None = None,
    target: str | float = "f1",
) -> float:
    """Pick the escalation threshold for :meth:`QuestionClassifier.classify` on validation data.

    A question is *answered* when its confidence (top probability) is at least the
    threshold and escalated otherwise. Candidates are 0 and every confidence seen,
    so the result is one of them (0.0 means "escalate nothing").

    * ``target="f1"`` without out-of-scope examples: maximise the F1 of
      *precision* = accuracy of the answered questions and *recall* = share of all
      questions answered correctly. Raising the threshold trades recall for precision.
    * ``target=p`` (a number in (0, 1)): the smallest threshold whose answered
      accuracy is at least ``p`` (the most coverage that meets the target precision).
      If no threshold reaches ``p``, the one with the highest answered accuracy is
      returned with a :class:`~servicekit.errors.ServicekitWarning`.
    * with ``out_of_scope_label`` (questions the classifier was never meant to
      answer, labelled so in ``labels``): ``target="f1"`` maximises the harmonic mean
      of *in-scope accuracy* (share of in-scope questions answered correctly) and
      *out-of-scope recall* (share of out-of-scope questions escalated); a numeric
      target again asks for that answered accuracy, counting answered out-of-scope
      questions as wrong.

    Ties are broken towards the lower threshold (fewer escalations).

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
        What to optimise, as above.

    Returns
    -------
    float
        The threshold, in [0, 1].

    Raises
    ------
    InvalidInputError
        For labels the classifier does not know, a bad ``target``, or an
        ``out_of_scope_label`` that is a classifier label or absent from ``labels``.

    Examples
    --------
    >>> from servicekit.classify import fit_question_classifier
    >>> clf = fit_question_classifier(["lost card", "stolen card", "reset PIN", "new PIN"],
    ...                               ["card", "card", "pin", "pin"])
    >>> t = choose_threshold(clf, ["card lost", "PIN reset", "card PIN"], ["card", "pin", "pin"])
    >>> 0 <= t <= 1
    True
    """
    name = "choose_threshold"
    if isinstance(target, str):
        if target != "f1":
            fail(name, "target", "must be 'f1' or a precision in (0, 1)", target)
    elif isinstance(target, bool) or not (math.isfinite(target) and 0 < target < 1):
        fail(name, "target", "must be 'f1' or a precision in (0, 1)", target)
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
    # Only cut where the confidence changes (equal confidences are answered together).
    cuts = np.concatenate([[0], np.flatnonzero(np.diff(conf_sorted) != 0) + 1, [len(order)]])
    thresholds = np.concatenate([[1.0 + 1e-12], conf_sorted])[cuts]
    thresholds[cuts == len(order)] = 0.0
    thresholds = np.where(cuts == 0, np.inf, thresholds)
    ok, n_ans, oos = answered_correct[cuts], n_answered[cuts], answered_oos[cuts]
    precision = np.divide(ok, n_ans, out=np.zeros(len(cuts)), where=n_ans > 0)
    n_oos = int(out_of_scope.sum())
    n_in_scope = len(order) - n_oos
    recall = ok / n_in_scope  # share of in-scope questions answered correctly
    candidates = np.flatnonzero(np.isfinite(thresholds))  # at least one question answered
    if target == "f1":
        if out_of_scope_label is None:
            score = _harmonic(precision, recall)
        else:
            escalated_oos = (n_oos - oos) / n_oos  # out-of-scope recall
            score = _harmonic(recall, escalated_oos)
        # Highest score; among ties the most answered (= the lowest threshold).
        pick = candidates[np.lexsort((-n_ans[candidates], -score[candidates]))[0]]
        return float(min(max(thresholds[pick], 0.0), 1.0))
    meets = candidates[precision[candidates] >= float(target)]
    if meets.size:
        pick = meets[np.argmax(n_ans[meets])]
    else:
        pick = candidates[np.lexsort((-n_ans[candidates], -precision[candidates]))[0]]
        warn(
            f"choose_threshold: no threshold reaches an answered accuracy of {target}; "
            f"returning the most accurate one ({precision[pick]:.3f})",
            ServicekitWarning,
        )
    return float(min(max(thresholds[pick], 0.0), 1.0))
