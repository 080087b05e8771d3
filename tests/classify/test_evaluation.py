from __future__ import annotations

import numpy as np
import pytest

from servicekit.classify import evaluate_classifier
from servicekit.errors import InvalidInputError
from tests.classify import small

TEXTS = [*small.HELD_OUT, "card PIN fee", "refund my card"]
LABELS = [*small.HELD_OUT_LABELS, "change_pin", "card_arrival"]


def test_report_agrees_with_scikit_learn() -> None:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    clf = small.classifier()
    report = evaluate_classifier(clf, TEXTS, LABELS)
    predicted = clf.predict(TEXTS)
    assert report.accuracy == pytest.approx(accuracy_score(LABELS, predicted))
    assert report.macro_f1 == pytest.approx(f1_score(LABELS, predicted, average="macro"))
    assert report.n == len(TEXTS)
    assert report.escalation_rate == 0.0
    assert report.answered_accuracy == report.accuracy
    assert report.top3_accuracy == 1.0  # three labels: the truth is always among the top 3
    assert list(report.per_label.columns) == ["precision", "recall", "f1", "support"]
    assert report.per_label["support"].sum() == len(TEXTS)
    labels = list(report.confusion.index)
    np.testing.assert_array_equal(
        report.confusion.to_numpy(), confusion_matrix(LABELS, predicted, labels=labels)
    )


def test_threshold_splits_answered_from_escalated() -> None:
    clf = small.classifier()
    predictions = clf.classify(TEXTS)
    cut = sorted(p.confidence for p in predictions)[2]
    report = evaluate_classifier(clf, TEXTS, LABELS, threshold=cut)
    answered = [p.confidence >= cut for p in predictions]
    assert report.escalation_rate == pytest.approx(1 - np.mean(answered))
    hits = [p.label == y for p, y, a in zip(predictions, LABELS, answered, strict=True) if a]
    assert report.answered_accuracy == pytest.approx(np.mean(hits))
    everything = evaluate_classifier(clf, TEXTS, LABELS, threshold=1.0)
    assert everything.escalation_rate == 1.0
    assert np.isnan(everything.answered_accuracy)
    assert evaluate_classifier(clf, TEXTS, LABELS, margin=1.0).escalation_rate == 1.0


def test_report_renders_and_tabulates() -> None:
    report = evaluate_classifier(small.classifier(), TEXTS, LABELS)
    assert repr(report).startswith("ClassificationReport(n=5, accuracy=")
    row = report.to_frame()
    assert row.shape == (1, 8)
    assert row.loc[0, "accuracy"] == report.accuracy


def test_top3_with_many_labels_counts_misses() -> None:
    from servicekit.classify import fit_question_classifier

    texts = ["alpha one", "beta two", "gamma three", "delta four", "epsilon five"] * 2
    labels = ["a", "b", "c", "d", "e"] * 2
    clf = fit_question_classifier(texts, labels, char_ngrams=None)
    report = evaluate_classifier(clf, ["alpha", "zeta"], ["a", "e"])
    top = clf.top_k(["alpha", "zeta"], k=3)
    expected = np.mean([y in {n for n, _ in row} for y, row in zip(["a", "e"], top, strict=True)])
    assert report.top3_accuracy == pytest.approx(expected)


def test_unknown_labels_are_rejected() -> None:
    with pytest.raises(InvalidInputError, match=r"'labels'.*'other' at position 0"):
        evaluate_classifier(small.classifier(), ["x card"], ["other"])
