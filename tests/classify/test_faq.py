from __future__ import annotations

import json

import numpy as np
import pytest

from servicekit.classify import FaqIndex, FaqMatch
from servicekit.errors import InvalidInputError, ModelFormatError
from tests.classify import small


def test_best_match_first_and_floor_respected() -> None:
    faq = small.faq()
    matches = faq.answer("I forgot my PIN, how can I reset it?")
    assert matches[0].answer == "Tap 'Reset PIN' in the app."
    assert all(isinstance(m, FaqMatch) for m in matches)
    similarities = [m.similarity for m in matches]
    assert similarities == sorted(similarities, reverse=True)
    assert all(0.35 <= s <= 1 for s in similarities)
    assert faq.answer("What is the weather tomorrow?") == []
    assert len(faq.answer("my card PIN account", min_similarity=0.0, top=2)) == 2


def test_similarity_is_the_cosine_of_the_shared_representation() -> None:
    faq = small.faq()
    exact = faq.answer("Where is my card?", min_similarity=0.0, top=3)
    assert exact[0].question == "Where is my card?"
    assert exact[0].similarity == pytest.approx(1.0)
    from servicekit.text.tfidf import normalise_rows

    features = faq._features  # the representation the index was built with
    q = normalise_rows(features.transform(["Where is my card?"])).toarray()[0]
    other = normalise_rows(features.transform(["How do I reset my PIN?"])).toarray()[0]
    by_question = {m.question: m.similarity for m in exact}
    assert by_question["How do I reset my PIN?"] == pytest.approx(float(q @ other))


def test_json_round_trip_answers_identically() -> None:
    faq = small.faq()
    again = FaqIndex.from_json(faq.to_json())
    assert again.questions == faq.questions
    assert again.answers == faq.answers
    for query in ["reset pin", "where is the card", "close account please"]:
        assert again.answer(query, min_similarity=0.0) == faq.answer(query, min_similarity=0.0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{}",
        '{"format": "servicekit.QuestionClassifier", "version": 1}',
    ],
)
def test_foreign_files_are_rejected(text: str) -> None:
    with pytest.raises(ModelFormatError):
        FaqIndex.from_json(text)


def test_altered_files_are_rejected() -> None:
    document = json.loads(small.faq().to_json())
    document["answers"][0] = "Send us your PIN by e-mail."
    with pytest.raises(ModelFormatError, match=r"checksum"):
        FaqIndex.from_json(json.dumps(document))


def test_bad_input_names_the_argument() -> None:
    with pytest.raises(InvalidInputError, match=r"'query'"):
        small.faq().answer("  ")
    with pytest.raises(InvalidInputError, match=r"'answers'.*same length"):
        FaqIndex.build(["a question"], ["one", "two"])
    with pytest.raises(InvalidInputError, match=r"'char_ngrams'"):
        FaqIndex.build(["a question"], ["one"], word_ngrams=None, char_ngrams=None)
    with pytest.raises(InvalidInputError, match=r"'remove_stopwords'"):
        FaqIndex.build(["eine Frage"], ["eine Antwort"], language="german")


def test_index_is_immutable_and_sized() -> None:
    faq = small.faq()
    assert len(faq) == 3
    assert repr(faq) == "FaqIndex(questions=3)"
    with pytest.raises(AttributeError):
        faq._questions = ()  # type: ignore[misc]


def test_shared_answers_and_german_text() -> None:
    faq = FaqIndex.build(
        ["Wo ist meine Karte?", "Meine Karte ist nicht angekommen", "Wie ändere ich die PIN?"],
        ["Unterwegs.", "Unterwegs.", "In der App."],
        language="german",
        remove_stopwords=False,
    )
    best = faq.answer("Karte nicht angekommen")[0]
    assert best.answer == "Unterwegs."
    assert np.isfinite(best.similarity)


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda d: d.update(questions=[], answers=[]), r"field 'questions' must hold at least one"),
        (lambda d: d["answers"].pop(), r"field 'answers' must hold \d+ item"),
        (lambda d: d.update(extra=1), r"field 'extra' is not part of this format"),
        (lambda d: d["features"].update(word=None), r"field 'features.word' disagrees"),
    ],
)
def test_structurally_wrong_files_name_the_field(edit: object, match: str) -> None:
    document = json.loads(small.faq().to_json())
    edit(document)  # type: ignore[operator]
    with pytest.raises(ModelFormatError, match=match):
        FaqIndex.from_json(json.dumps(document))
