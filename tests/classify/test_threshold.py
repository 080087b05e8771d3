from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from servicekit.classify import choose_threshold
from servicekit.errors import InvalidInputError, ServicekitWarning
from tests.classify import small

# Validation questions: clear ones, a vague one, and one labelled against the model's guess.
VALIDATION = [
    *small.HELD_OUT,
    "my card did not come",
    "PIN forgotten",
    "refund the fee",
    "hello",
    "card PIN fee",
]
VALIDATION_LABELS = [*small.HELD_OUT_LABELS, "card_arrival", "change_pin", "extra_charge"]


def _labels_with_mistakes() -> list[str]:
    clf = small.classifier()
    predicted = clf.predict(VALIDATION[-2:])
    # Label the two vague questions differently from the model's answer: two sure mistakes.
    wrong = [next(label for label in clf.labels if label != p) for p in predicted]
    return [*VALIDATION_LABELS, *wrong]


def _brute_force(
    labels: list[str], target: object, oos: str | None = None, texts: list[str] = VALIDATION
) -> float:
    """The best threshold by trying every candidate, straight from the documented rule."""
    clf = small.classifier()
    proba = clf.predict_proba(texts).to_numpy()
    confidence = proba.max(axis=1)
    correct = np.asarray(clf.labels)[proba.argmax(axis=1)] == np.asarray(labels)
    is_oos = np.asarray(labels) == oos
    best_t, best_score = None, -1.0
    for t in sorted({0.0, *confidence}):
        answered = confidence >= t
        if not answered.any():
            continue
        precision = correct[answered].mean()
        recall = (correct & answered).sum() / (~is_oos).sum()
        if target == "f1":
            if oos is None:
                score = 2 * precision * recall / (precision + recall) if precision + recall else 0
            else:
                oos_recall = (is_oos & ~answered).sum() / is_oos.sum()
                score = (
                    2 * recall * oos_recall / (recall + oos_recall) if recall + oos_recall else 0
                )
        else:
            score = answered.sum() if precision >= target else -1  # most answered meeting target
        if score > best_score:
            best_t, best_score = t, score
    assert best_t is not None
    return best_t


def test_f1_threshold_matches_brute_force_and_raises_precision() -> None:
    labels = _labels_with_mistakes()
    t = choose_threshold(small.classifier(), VALIDATION, labels)
    assert t == pytest.approx(_brute_force(labels, "f1"))
    predictions = small.classifier().classify(VALIDATION, threshold=t)
    answered = [p.label == y for p, y in zip(predictions, labels, strict=True) if not p.escalate]
    overall = [p.label == y for p, y in zip(predictions, labels, strict=True)]
    assert np.mean(answered) > np.mean(overall)


def test_target_precision_is_the_smallest_threshold_meeting_it() -> None:
    labels = _labels_with_mistakes()
    t = choose_threshold(small.classifier(), VALIDATION, labels, target=0.99)
    assert t == pytest.approx(_brute_force(labels, 0.99))
    # A target already met by answering everything gives 0: escalate nothing.
    assert choose_threshold(small.classifier(), VALIDATION[:6], VALIDATION_LABELS, target=0.5) == 0


def test_unreachable_target_warns_and_returns_the_most_accurate() -> None:
    clf = small.classifier()
    wrong = [next(label for label in clf.labels if label != p) for p in clf.predict(VALIDATION)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = choose_threshold(clf, VALIDATION, wrong, target=0.9)
    assert any(issubclass(w.category, ServicekitWarning) for w in caught)
    assert 0 <= t <= 1


def test_out_of_scope_questions_push_the_threshold_up() -> None:
    clf = small.classifier()
    texts = [*VALIDATION[:6], "what is the weather like", "tell me a joke", "book a flight"]
    labels = [*VALIDATION_LABELS[:6], "out_of_scope", "out_of_scope", "out_of_scope"]
    t = choose_threshold(clf, texts, labels, out_of_scope_label="out_of_scope")
    assert t == pytest.approx(_brute_force(labels, "f1", oos="out_of_scope", texts=texts))
    assert t > choose_threshold(clf, texts[:6], labels[:6])


def test_bad_labels_and_targets_are_input_errors() -> None:
    clf = small.classifier()
    with pytest.raises(InvalidInputError, match=r"'labels'.*knows.*'nope' at position 1"):
        choose_threshold(clf, VALIDATION[:2], ["card_arrival", "nope"])
    with pytest.raises(InvalidInputError, match=r"'target'"):
        choose_threshold(clf, VALIDATION[:2], VALIDATION_LABELS[:2], target="precision")
    for bad in (0, 1, 1.5, float("nan"), True):
        with pytest.raises(InvalidInputError, match=r"'target'"):
            choose_threshold(clf, VALIDATION[:2], VALIDATION_LABELS[:2], target=bad)
    with pytest.raises(InvalidInputError, match=r"'out_of_scope_label'.*not be a label"):
        choose_threshold(
            clf, VALIDATION[:2], VALIDATION_LABELS[:2], out_of_scope_label="change_pin"
        )
    with pytest.raises(InvalidInputError, match=r"'out_of_scope_label'.*occur"):
        choose_threshold(clf, VALIDATION[:2], VALIDATION_LABELS[:2], out_of_scope_label="oos")
    with pytest.raises(InvalidInputError, match=r"'labels'.*in-scope"):
        choose_threshold(clf, VALIDATION[:2], ["oos", "oos"], out_of_scope_label="oos")


OOS_TEXTS = [*VALIDATION[:6], "what is the weather like", "tell me a joke", "book a flight"]
OOS_LABELS = [*VALIDATION_LABELS[:6], "out_of_scope", "out_of_scope", "out_of_scope"]


def _points(texts: list[str], labels: list[str], oos: str | None = None) -> list[dict[str, float]]:
    """Every candidate threshold's figures, straight from the documented definitions."""
    clf = small.classifier()
    proba = clf.predict_proba(texts).to_numpy()
    confidence = proba.max(axis=1)
    correct = np.asarray(clf.labels)[proba.argmax(axis=1)] == np.asarray(labels)
    is_oos = np.asarray(labels) == oos
    rows = []
    # Threshold 0 answers everything, as the lowest confidence would: one row for both.
    for t in sorted({0.0, *confidence} - {confidence.min()}):
        answered = confidence >= t
        if not answered.any():
            continue
        row = {
            "threshold": t,
            "escalated": 1 - answered.mean(),
            "answered_accuracy": correct[answered].mean(),
            "in_scope_accuracy": (correct & answered).sum() / (~is_oos).sum(),
        }
        if oos is not None:
            row["out_of_scope_recall"] = (is_oos & ~answered).sum() / is_oos.sum()
        rows.append(row)
    return rows


def test_threshold_curve_matches_the_definitions_row_by_row() -> None:
    from servicekit.classify import threshold_curve

    labels = _labels_with_mistakes()
    curve = threshold_curve(small.classifier(), VALIDATION, labels)
    expected = pd.DataFrame(_points(VALIDATION, labels))
    assert list(curve.columns) == [
        "threshold",
        "escalated",
        "answered_accuracy",
        "in_scope_accuracy",
    ]
    pd.testing.assert_frame_equal(curve, expected, check_exact=False, atol=1e-12)
    assert curve["threshold"].is_monotonic_increasing
    assert curve.loc[0, "escalated"] == 0.0

    curve = threshold_curve(
        small.classifier(), OOS_TEXTS, OOS_LABELS, out_of_scope_label="out_of_scope"
    )
    expected = pd.DataFrame(_points(OOS_TEXTS, OOS_LABELS, "out_of_scope"))
    pd.testing.assert_frame_equal(curve, expected, check_exact=False, atol=1e-12)
    assert curve["out_of_scope_recall"].iloc[-1] > 0


def test_f1_choice_is_a_row_of_the_curve() -> None:
    from servicekit.classify import threshold_curve

    labels = _labels_with_mistakes()
    t = choose_threshold(small.classifier(), VALIDATION, labels)
    assert t in set(threshold_curve(small.classifier(), VALIDATION, labels)["threshold"])


@pytest.mark.parametrize("budget", [0.0, 0.2, 0.4, 0.7, 1.0])
def test_max_escalation_is_the_most_accurate_within_budget(budget: float) -> None:
    labels = _labels_with_mistakes()
    points = _points(VALIDATION, labels)
    within = [p for p in points if p["escalated"] <= budget + 1e-12]
    best = max(within, key=lambda p: (p["in_scope_accuracy"], -p["threshold"]))
    t = choose_threshold(small.classifier(), VALIDATION, labels, max_escalation=budget)
    assert t == pytest.approx(best["threshold"])
    escalated = np.mean([p.escalate for p in small.classifier().classify(VALIDATION, threshold=t)])
    assert escalated <= budget + 1e-12


@pytest.mark.parametrize("wanted", [0.3, 0.6, 1.0])
def test_min_out_of_scope_recall_is_the_most_accurate_reaching_it(wanted: float) -> None:
    points = _points(OOS_TEXTS, OOS_LABELS, "out_of_scope")
    reached = [p for p in points if p["out_of_scope_recall"] >= wanted]
    t = choose_threshold(
        small.classifier(),
        OOS_TEXTS,
        OOS_LABELS,
        out_of_scope_label="out_of_scope",
        min_out_of_scope_recall=wanted,
    )
    if reached:
        best = max(reached, key=lambda p: (p["in_scope_accuracy"], -p["threshold"]))
        assert t == pytest.approx(best["threshold"])


def test_min_precision_equals_a_numeric_target() -> None:
    labels = _labels_with_mistakes()
    clf = small.classifier()
    assert choose_threshold(clf, VALIDATION, labels, min_precision=0.99) == choose_threshold(
        clf, VALIDATION, labels, target=0.99
    )
    assert choose_threshold(clf, VALIDATION, labels, min_precision=0.99) == pytest.approx(
        _brute_force(labels, 0.99)
    )


def test_unreachable_out_of_scope_recall_warns() -> None:
    clf = small.classifier()
    # Out-of-scope questions that look exactly like training questions: sure of them.
    texts = [small.HELD_OUT[2], small.TEXTS[0], small.TEXTS[6]]
    labels = [small.HELD_OUT_LABELS[2], "oos", "oos"]
    confidence = clf.predict_proba(texts).to_numpy().max(axis=1)
    assert confidence[1:].max() > confidence[0]  # the most confident question is oos
    with pytest.warns(ServicekitWarning, match="out-of-scope"):
        t = choose_threshold(
            clf, texts, labels, out_of_scope_label="oos", min_out_of_scope_recall=1.0
        )
    assert 0 <= t <= 1


def test_budgets_are_checked() -> None:
    clf = small.classifier()
    texts, labels = VALIDATION[:3], VALIDATION_LABELS[:3]
    with pytest.raises(InvalidInputError, match=r"'min_precision'.*one budget"):
        choose_threshold(clf, texts, labels, max_escalation=0.1, min_precision=0.9)
    with pytest.raises(InvalidInputError, match=r"'target'.*max_escalation"):
        choose_threshold(clf, texts, labels, target=0.9, max_escalation=0.1)
    with pytest.raises(InvalidInputError, match=r"'min_out_of_scope_recall'.*out_of_scope_label"):
        choose_threshold(clf, texts, labels, min_out_of_scope_recall=0.5)
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(InvalidInputError, match=r"'max_escalation'"):
            choose_threshold(clf, texts, labels, max_escalation=bad)
    with pytest.raises(InvalidInputError, match=r"'min_precision'"):
        choose_threshold(clf, texts, labels, min_precision=0.0)
