"""Valid calls of servicekit.classify's public functions and methods, for tests/test_bad_input.py."""

from __future__ import annotations

import pandas as pd

from servicekit import classify
from tests.classify import small
from tests.support import Case


def _agents() -> pd.DataFrame:
    return pd.DataFrame(
        {"agent": ["a", "b"], "skills": ["cards", "human"], "load": [0, 1], "cap": [3, 3]}
    )


CASES = [
    Case(classify.preprocess, lambda: {"text": "Where is my card?"}),
    Case(
        classify.fit_question_classifier,
        lambda: {"texts": small.TEXTS, "labels": small.LABELS, "model": "naive_bayes"},
        skip={
            ("word_ngrams", "None"): "None turns word n-grams off (valid)",
            ("char_ngrams", "None"): "None turns character n-grams off (valid)",
        },
    ),
    Case(
        classify.QuestionClassifier.predict,
        lambda: {"texts": small.HELD_OUT},
        instance=small.classifier,
    ),
    Case(
        classify.QuestionClassifier.predict_proba,
        lambda: {"texts": small.HELD_OUT},
        instance=small.classifier,
    ),
    Case(
        classify.QuestionClassifier.top_k,
        lambda: {"texts": small.HELD_OUT, "k": 2},
        instance=small.classifier,
    ),
    Case(
        classify.QuestionClassifier.classify,
        lambda: {"texts": small.HELD_OUT, "threshold": 0.5, "margin": 0.1},
        instance=small.classifier,
    ),
    Case(
        classify.QuestionClassifier.top_terms,
        lambda: {"n": 3},
        instance=small.classifier,
    ),
    Case(
        classify.QuestionClassifier.from_json,
        lambda: {"text": small.classifier().to_json()},
    ),
    Case(
        classify.choose_threshold,
        lambda: {
            "classifier": small.classifier(),
            "texts": small.HELD_OUT,
            "labels": small.HELD_OUT_LABELS,
        },
    ),
    Case(
        classify.threshold_curve,
        lambda: {
            "classifier": small.classifier(),
            "texts": small.HELD_OUT,
            "labels": small.HELD_OUT_LABELS,
        },
    ),
    Case(
        classify.evaluate_classifier,
        lambda: {
            "classifier": small.classifier(),
            "texts": small.HELD_OUT,
            "labels": small.HELD_OUT_LABELS,
            "threshold": 0.3,
        },
    ),
    Case(
        classify.FaqIndex.build,
        lambda: {"questions": ["Where is my card?"], "answers": ["On its way."]},
        skip={
            ("word_ngrams", "None"): "None turns word n-grams off (valid)",
            ("char_ngrams", "None"): "None turns character n-grams off (valid)",
        },
    ),
    Case(
        classify.FaqIndex.answer,
        lambda: {"query": "where is my card", "top": 2},
        instance=small.faq,
    ),
    Case(classify.FaqIndex.from_json, lambda: {"text": small.faq().to_json()}),
    Case(
        classify.route,
        lambda: {
            "predictions": ["card_arrival", "other"],
            "skills": {"card_arrival": "cards"},
            "agents": _agents(),
            "capacity_column": "cap",
        },
    ),
]
