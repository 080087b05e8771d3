"""Banking77 end to end: fit, evaluate, pick an escalation threshold, explain, save, answer FAQs.

Run from the repository root: ``python examples/classify_banking77.py`` (about a minute).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from example_data import data_file

from servicekit.classify import (
    FaqIndex,
    QuestionClassifier,
    choose_threshold,
    evaluate_classifier,
    fit_question_classifier,
)


def main() -> None:
    folder = data_file("banking77")
    train = pd.read_csv(folder / "train.csv", dtype=str)
    test = pd.read_csv(folder / "test.csv", dtype=str)

    # Hold out 15 % of the training set to choose the escalation threshold; never the test set.
    validation = train.groupby("category").sample(frac=0.15, random_state=0)
    fitting = train.drop(validation.index)
    classifier = fit_question_classifier(fitting["text"], fitting["category"])
    print(classifier)

    threshold = choose_threshold(classifier, validation["text"], validation["category"])
    print(f"threshold chosen on the validation split: {threshold:.3f}")
    for t in (None, threshold):
        print(evaluate_classifier(classifier, test["text"], test["category"], threshold=t))

    report = evaluate_classifier(classifier, test["text"], test["category"])
    print("\nhardest intents:")
    print(report.per_label.sort_values("f1").head(5).round(3).to_string())

    questions = [
        "How do I reset my card PIN?",
        "My card still hasn't arrived after two weeks",
        "Is it raining in London?",
    ]
    print("\nanswers (escalate below the threshold or when the top two are within 0.1):")
    for question, p in zip(
        questions, classifier.classify(questions, threshold=threshold, margin=0.1), strict=True
    ):
        print(f"  {question!r}: {p}; next {p.alternatives[0][0]} ({p.alternatives[0][1]:.3f})")

    print("\nwhat two intents mean (top word features):")
    terms = classifier.top_terms(6)
    for label in ("change_pin", "card_arrival"):
        print(f"  {label}: {', '.join(terms[label])}")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "banking77.json"
        path.write_text(classifier.to_json(), encoding="utf-8")
        again = QuestionClassifier.from_json(path.read_text(encoding="utf-8"))
        same = again.predict(questions) == classifier.predict(questions)
        print(
            f"\nsaved {path.stat().st_size / 1e6:.1f} MB of JSON; reloaded predicts the same: {same}"
        )

    faq = FaqIndex.build(
        [
            "How do I change my PIN?",
            "When will my card arrive?",
            "Why was I charged a fee for a transfer?",
        ],
        [
            "Open Cards > Change PIN in the app, or use any ATM.",
            "Cards arrive within 5 working days; track yours in the app.",
            "Transfers in another currency carry a 0.5 % fee.",
        ],
    )
    for question in ("I forgot my PIN, how can I change it?", "Can I open a joint account?"):
        matches = faq.answer(question)
        print(f"FAQ {question!r}: {matches[0] if matches else 'no answer, escalate'}")


if __name__ == "__main__":
    main()
