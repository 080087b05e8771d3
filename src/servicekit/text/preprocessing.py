"""Text preprocessing that needs no downloaded data: tokenise, drop stop words, stem.

Only the parts of NLTK that ship their rules in code are used: a regular-expression
tokeniser and the Snowball stemmers. NLTK's ``word_tokenize`` (needs the ``punkt``
model) and its ``stopwords`` corpus (needs ``nltk.download``) are deliberately not
used, so preprocessing works offline, in locked-down containers and with an empty
``NLTK_DATA`` directory. The English stop-word list is scikit-learn's
``ENGLISH_STOP_WORDS`` (318 words), already a dependency.

Unspaced scripts (Chinese, Japanese, Thai) have no spaces between words, so a run of
such characters stays one token here. That is harmless for classification because
the character n-grams of :mod:`servicekit.text.tfidf` carry these languages;
pass ``stem=False`` (there is no stemmer for them) and rely on ``char_ngrams``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from servicekit._validation import Flag, InstanceOf, Options, fail, validated

__all__ = ["LANGUAGES", "STOP_WORD_LANGUAGES", "PreprocessOptions", "preprocess"]

#: Languages with a Snowball stemmer (NLTK's rules in code, no data files).
LANGUAGES: tuple[str, ...] = (
    "arabic",
    "danish",
    "dutch",
    "english",
    "finnish",
    "french",
    "german",
    "hungarian",
    "italian",
    "norwegian",
    "portuguese",
    "romanian",
    "russian",
    "spanish",
    "swedish",
)
#: Languages with a stop-word list available without downloads.
STOP_WORD_LANGUAGES: tuple[str, ...] = ("english",)

# Runs of letters/digits in any script ("\w" is Unicode-aware): "PIN-code" -> "PIN", "code".
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PreprocessOptions:
    """The preprocessing settings a model was fitted with (stored with the model)."""

    language: str = "english"
    stem: bool = True
    remove_stopwords: bool = True
    lowercase: bool = True

    def check(self, function: str) -> None:
        """Reject combinations no shipped resource supports (stop words for a language)."""
        if self.remove_stopwords and self.language not in STOP_WORD_LANGUAGES:
            fail(
                function,
                "remove_stopwords",
                f"must be False for language={self.language!r}: servicekit ships stop-word "
                f"lists for {', '.join(STOP_WORD_LANGUAGES)} only",
                True,
            )

    def apply(self, texts: Iterable[str]) -> list[str]:
        """Preprocess many texts with these options (stems are cached across texts)."""
        stop = _stop_words(self.language) if self.remove_stopwords else frozenset()
        stem = _stemmer(self.language) if self.stem else None
        out = []
        for text in texts:
            tokens = _TOKEN.findall(text.lower() if self.lowercase else text)
            if stop:
                tokens = [t for t in tokens if t.lower() not in stop]
            if stem is not None:
                tokens = [stem(t) for t in tokens]
            out.append(" ".join(tokens))
        return out


@functools.cache
def _stop_words(language: str) -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) if language == "english" else frozenset()


@functools.cache
def _stemmer(language: str) -> Callable[[str], str]:
    from nltk.stem.snowball import SnowballStemmer

    # Stemming is the slow step; questions repeat words, so cache per word.
    stem: Callable[[str], str] = functools.lru_cache(maxsize=200_000)(
        SnowballStemmer(language).stem
    )
    return stem


@validated(
    text=InstanceOf(str),
    language=Options(*LANGUAGES),
    stem=Flag(),
    remove_stopwords=Flag(),
    lowercase=Flag(),
)
def preprocess(
    text: str,
    *,
    language: str = "english",
    stem: bool = True,
    remove_stopwords: bool = True,
    lowercase: bool = True,
) -> str:
    r"""Normalise one text: lowercase, tokenise, drop stop words, stem; tokens joined by spaces.

    Tokens are runs of letters and digits in any script (the regular expression
    ``\w+``), so punctuation splits words ("PIN-code" gives "pin", "code").
    Stop words are matched case-insensitively against scikit-learn's English list;
    stems come from the Snowball stemmer of ``language`` (which lowercases, so
    ``lowercase=False`` only keeps case when ``stem=False``). Nothing is downloaded.

    Parameters
    ----------
    text : str
        A non-blank text.
    language : str, default "english"
        One of :data:`LANGUAGES` (those with a Snowball stemmer).
    stem : bool, default True
        Reduce words to their Snowball stems ("charged" and "charges" give "charg").
    remove_stopwords : bool, default True
        Drop stop words. Only English has a list; for other languages pass ``False``
        (an :class:`~servicekit.errors.InvalidInputError` says so otherwise).
    lowercase : bool, default True
        Lowercase before tokenising.

    Returns
    -------
    str
        The processed tokens separated by single spaces; empty when every token was a
        stop word.

    Raises
    ------
    InvalidInputError
        For a blank or non-string ``text``, an unknown ``language``, or
        ``remove_stopwords=True`` with a language that has no shipped list.

    Notes
    -----
    Chinese, Japanese or Thai text has no spaces, so a run of such characters is one
    token: ``preprocess("我的卡丢了")`` is ``"我的卡丢了"``. The classifier's character
    n-grams carry such languages (see :mod:`servicekit.text.tfidf`).

    Examples
    --------
    >>> preprocess("Why was I charged twice for my card?")
    'charg twice card'
    >>> preprocess("Why was I charged twice for my card?", remove_stopwords=False)
    'whi was i charg twice for my card'
    >>> preprocess("Mi tarjeta no llegó", language="spanish", remove_stopwords=False)
    'mi tarjet no lleg'
    >>> preprocess("我的卡丢了", stem=False)
    '我的卡丢了'
    """
    if not text.strip():
        fail("preprocess", "text", "must be a non-blank string", text)
    options = PreprocessOptions(language, stem, remove_stopwords, lowercase)
    options.check("preprocess")
    return options.apply([text])[0]
