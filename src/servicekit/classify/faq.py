"""FAQ auto-answers: retrieve the stored answer whose question is most similar to a query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from servicekit._persistence import Document, write_document
from servicekit._results import ResultMixin
from servicekit._typing import TextsLike
from servicekit._validation import Flag, InstanceOf, Interval, Options, Texts, fail, validated
from servicekit.text import (
    LANGUAGES,
    FeatureOptions,
    NgramRange,
    PreprocessOptions,
    TextFeatures,
    normalise_rows,
)

__all__ = ["FaqIndex", "FaqMatch"]

FORMAT = "servicekit.FaqIndex"
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class FaqMatch(ResultMixin):
    """One stored FAQ entry matching a query.

    Attributes
    ----------
    answer : str
        The stored answer.
    question : str
        The stored question it answers.
    similarity : float
        Cosine similarity of the query and the question, in [0, 1].

    Examples
    --------
    >>> str(FaqMatch("Tap 'Reset PIN' in the app.", "How do I reset my PIN?", 0.8))
    "0.800 How do I reset my PIN? -> Tap 'Reset PIN' in the app."
    """

    answer: str
    question: str
    similarity: float

    def __str__(self) -> str:
        return f"{self.similarity:.3f} {self.question} -> {self.answer}"


class FaqIndex:
    """Stored questions with their answers, searchable by TF-IDF cosine similarity.

    Questions are represented exactly as :func:`~servicekit.classify.fit_question_classifier`
    represents texts (word n-grams of preprocessed text + character n-grams, see
    :mod:`servicekit.text.tfidf`), with each row scaled to unit length, so the
    similarity of a query and a question is the cosine of their vectors. Get one from
    :meth:`build` or :meth:`from_json` (the constructor is internal); it is immutable.

    Examples
    --------
    >>> faq = FaqIndex.build(
    ...     ["How do I reset my PIN?", "Where is my card?", "How do I close my account?"],
    ...     ["Tap 'Reset PIN' in the app.", "Cards arrive within 5 working days.",
    ...      "Write to us from the app."])
    >>> faq
    FaqIndex(questions=3)
    >>> faq.answer("I forgot my PIN, how can I reset it?")[0].answer
    "Tap 'Reset PIN' in the app."
    >>> faq.answer("What is the weather tomorrow?")
    []
    """

    __slots__ = ("_answers", "_features", "_matrix", "_questions")
    _questions: tuple[str, ...]
    _answers: tuple[str, ...]
    _features: TextFeatures
    _matrix: sp.csr_matrix

    def __init__(
        self, questions: tuple[str, ...], answers: tuple[str, ...], features: TextFeatures
    ):
        set_ = object.__setattr__
        set_(self, "_questions", questions)
        set_(self, "_answers", answers)
        set_(self, "_features", features)
        set_(self, "_matrix", normalise_rows(features.transform(list(questions))))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("FaqIndex is immutable; build a new one instead")

    def __repr__(self) -> str:
        return f"FaqIndex(questions={len(self._questions)})"

    def __len__(self) -> int:
        return len(self._questions)

    @property
    def questions(self) -> tuple[str, ...]:
        """The stored questions."""
        return self._questions

    @property
    def answers(self) -> tuple[str, ...]:
        """The stored answers, in the order of :attr:`questions`."""
        return self._answers

    @classmethod
    @validated(
        questions=Texts(),
        answers=Texts(same_length_as="questions"),
        word_ngrams=NgramRange(optional=True),
        char_ngrams=NgramRange(optional=True),
        language=Options(*LANGUAGES),
        remove_stopwords=Flag(),
    )
    def build(
        cls,
        questions: TextsLike,
        answers: TextsLike,
        *,
        word_ngrams: tuple[int, int] | None = (1, 2),
        char_ngrams: tuple[int, int] | None = (3, 5),
        language: str = "english",
        remove_stopwords: bool = True,
    ) -> FaqIndex:
        """Index FAQ questions and their answers.

        The idf weights are learnt from the questions. Several questions may share an
        answer (paraphrases help matching).

        Parameters
        ----------
        questions : sequence of str
            The FAQ's questions (non-blank).
        answers : sequence of str
            One answer per question.
        word_ngrams, char_ngrams : (int, int) or None, default (1, 2) and (3, 5)
            n-gram ranges, as in :func:`~servicekit.classify.fit_question_classifier`;
            ``None`` turns a block off (not both). Character 2-grams are left out by
            default: on short questions they make unrelated questions look similar.
        language : str, default "english"
            Stemmer language.
        remove_stopwords : bool, default True
            Drop English stop words from the word block (pass ``False`` for other
            languages). Unlike classification, retrieval gains from it: in a small
            FAQ a shared "is" or "my" would otherwise count as evidence.

        Returns
        -------
        FaqIndex

        Examples
        --------
        >>> len(FaqIndex.build(["Where is my card?"], ["On its way."]))
        1
        """
        if word_ngrams is None and char_ngrams is None:
            fail("FaqIndex.build", "char_ngrams", "must not be None when word_ngrams is None", None)
        preprocessing = PreprocessOptions(language, remove_stopwords=remove_stopwords)
        preprocessing.check("FaqIndex.build")
        options = FeatureOptions(word_ngrams, char_ngrams, preprocessing)
        question_list = list(questions)
        features = TextFeatures.fit(question_list, options, function="FaqIndex.build")
        return cls(tuple(question_list), tuple(answers), features)

    @validated(
        query=InstanceOf(str),
        min_similarity=Interval(low=0, high=1),
        top=Interval(kind="int", low=1),
    )
    def answer(self, query: str, *, min_similarity: float = 0.35, top: int = 3) -> list[FaqMatch]:
        """The stored answers whose questions are most similar to ``query``, best first.

        Parameters
        ----------
        query : str
            The customer's question.
        min_similarity : float in [0, 1], default 0.35
            Only questions at least this similar (cosine) are returned.
        top : int, default 3
            At most this many matches.

        Returns
        -------
        list of FaqMatch
            Best first; empty when nothing clears ``min_similarity`` (the caller
            should escalate). Equal similarities keep the stored order.

        Examples
        --------
        >>> faq = FaqIndex.build(["How do I reset my PIN?", "Where is my card?"],
        ...                      ["Tap 'Reset PIN' in the app.", "On its way."])
        >>> [m.question for m in faq.answer("where is my new card", top=1)]
        ['Where is my card?']
        """
        if not query.strip():
            fail("FaqIndex.answer", "query", "must be a non-blank string", query)
        vector = normalise_rows(self._features.transform([query]))
        similarity = np.asarray((self._matrix @ vector.T).todense()).ravel()
        order = np.argsort(-similarity, kind="stable")[:top]
        return [
            FaqMatch(self._answers[i], self._questions[i], float(min(similarity[i], 1.0)))
            for i in order
            if similarity[i] >= min_similarity
        ]

    # -- persistence
    def to_json(self) -> str:
        """The index as JSON text (questions, answers, vocabularies, idf; no pickle).

        Examples
        --------
        >>> faq = FaqIndex.build(["Where is my card?"], ["On its way."])
        >>> FaqIndex.from_json(faq.to_json()).answer("where is my card")[0].answer
        'On its way.'
        """
        fields: dict[str, Any] = {
            "questions": list(self._questions),
            "answers": list(self._answers),
            "features": self._features.to_dict(),
        }
        return write_document(FORMAT, FORMAT_VERSION, fields)

    @classmethod
    @validated(text=InstanceOf(str))
    def from_json(cls, text: str) -> FaqIndex:
        """Load an index saved with :meth:`to_json`.

        Raises
        ------
        ModelFormatError
            If the text is not a servicekit FAQ index, or was truncated or altered.

        Examples
        --------
        >>> FaqIndex.from_json("[]")
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.FaqIndex model file: document must be a JSON object, got list
        """
        doc = Document(text, FORMAT, FORMAT_VERSION)
        doc.expect_keys({"format", "version", "checksum", "questions", "answers", "features"})
        questions = doc.texts("questions", unique=False, allow_empty=True)
        if not questions:
            doc.fail("questions", "must hold at least one question")
        answers = doc.texts("answers", length=len(questions), unique=False, allow_empty=True)
        features = TextFeatures.from_section(doc.section("features"))
        doc.verify_checksum()
        return cls(tuple(questions), tuple(answers), features)
