from __future__ import annotations

import os
import subprocess
import sys

import pytest

from servicekit.classify import preprocess
from servicekit.errors import InvalidInputError


def test_pipeline_lowercases_drops_stop_words_and_stems() -> None:
    assert preprocess("Why was I CHARGED twice?") == "charg twice"
    assert preprocess("Why was I CHARGED twice?", stem=False) == "charged twice"
    assert preprocess("Cards, cards: CARDS!", remove_stopwords=False) == "card card card"


def test_lowercase_false_keeps_case_without_stemming() -> None:
    assert preprocess("My PIN", lowercase=False, stem=False, remove_stopwords=False) == "My PIN"
    # Stop words are matched case-insensitively even when case is kept.
    assert preprocess("The PIN", lowercase=False, stem=False) == "PIN"


def test_only_stop_words_give_an_empty_string() -> None:
    assert preprocess("Why is it?") == ""


def test_other_languages_stem_but_have_no_stop_word_list() -> None:
    assert preprocess("Häuser und Karten", language="german", remove_stopwords=False) == (
        "haus und kart"
    )
    with pytest.raises(InvalidInputError, match=r"'remove_stopwords' must be False.*german"):
        preprocess("Häuser", language="german")


def test_unspaced_script_is_one_token_not_lost() -> None:
    assert preprocess("我的卡丢了 怎么办", stem=False) == "我的卡丢了 怎么办"


@pytest.mark.parametrize("bad", ["", "   ", "\n"])
def test_blank_text_is_rejected(bad: str) -> None:
    with pytest.raises(InvalidInputError, match=r"'text'"):
        preprocess(bad)


def test_nothing_needs_nltk_data_or_network(tmp_path: object) -> None:
    """A fresh interpreter with an empty NLTK_DATA and no sockets fits and predicts."""
    code = (
        "import socket\n"
        "def guard(*a, **k): raise RuntimeError('network used')\n"
        "socket.socket.connect = guard; socket.create_connection = guard\n"
        "from servicekit.classify import fit_question_classifier, preprocess\n"
        "print(preprocess('Running cards'))\n"
        "clf = fit_question_classifier(['lost card', 'stolen card', 'new PIN', 'reset PIN'],"
        " ['card', 'card', 'pin', 'pin'])\n"
        "print(clf.predict(['card stolen'])[0])\n"
    )
    env = {**os.environ, "NLTK_DATA": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["run", "card", "card"]
