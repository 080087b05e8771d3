"""A small hand-written question set (three intents) and a classifier fitted on it, for fast tests."""

from __future__ import annotations

import functools

from servicekit.classify import FaqIndex, QuestionClassifier, fit_question_classifier

TEXTS = [
    "Where is my card?",
    "My card has not arrived yet",
    "When will my new card arrive?",
    "I am still waiting for my card",
    "Has my card been sent?",
    "The card you sent never came",
    "How do I change my PIN?",
    "I forgot my PIN code",
    "Can I reset the PIN of my card?",
    "My PIN is blocked after three tries",
    "Where can I set a new PIN?",
    "PIN change at an ATM",
    "I was charged twice for one payment",
    "Why is there an extra fee on my statement?",
    "A payment was taken two times",
    "I see a charge I do not recognise",
    "Refund the duplicate charge please",
    "There is a wrong fee on my account",
]
LABELS = ["card_arrival"] * 6 + ["change_pin"] * 6 + ["extra_charge"] * 6
HELD_OUT = ["my card still did not arrive", "how can I change the PIN", "charged twice"]
HELD_OUT_LABELS = ["card_arrival", "change_pin", "extra_charge"]


@functools.cache
def classifier(model: str = "logistic") -> QuestionClassifier:
    """A classifier fitted on the small set (cached: it is immutable)."""
    return fit_question_classifier(TEXTS, LABELS, model=model)  # type: ignore[arg-type]


@functools.cache
def faq() -> FaqIndex:
    """A three-entry FAQ index."""
    return FaqIndex.build(
        ["How do I reset my PIN?", "Where is my card?", "How do I close my account?"],
        [
            "Tap 'Reset PIN' in the app.",
            "Cards arrive within 5 working days.",
            "Write to us from the app.",
        ],
    )
