from __future__ import annotations

import json

import numpy as np
import pytest

from servicekit.errors import InvalidInputError, ModelFormatError
from servicekit.text.preprocessing import PreprocessOptions
from servicekit.text.tfidf import FeatureOptions, TextFeatures, normalise_rows
from tests.classify import small


def test_columns_are_word_then_char_blocks_each_unit_norm() -> None:
    features = TextFeatures.fit(small.TEXTS, FeatureOptions())
    matrix = features.transform(small.HELD_OUT)
    n_word = int(features.is_word_feature().sum())
    assert 0 < n_word < features.n_features == matrix.shape[1]
    word, char = matrix[:, :n_word].toarray(), matrix[:, n_word:].toarray()
    np.testing.assert_allclose(np.linalg.norm(word, axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(char, axis=1), 1.0)
    assert "card" in features.feature_names()[:n_word]
    assert "' car'" in features.feature_names()[n_word:]


def test_sublinear_tf_dampens_repeats() -> None:
    corpus = ["card card card pin", "pin fee"]
    damped = TextFeatures.fit(corpus, FeatureOptions(char_ngrams=None))
    raw = TextFeatures.fit(corpus, FeatureOptions(char_ngrams=None, sublinear_tf=False))
    names = damped.feature_names()
    card, pin = names.index("card"), names.index("pin")
    a = damped.transform(["card card card pin"]).toarray()[0]
    b = raw.transform(["card card card pin"]).toarray()[0]
    # Same idf; tf 3 counts 1 + log 3 = 2.10 times, not 3 times, a single occurrence.
    assert a[card] / a[pin] == pytest.approx((b[card] / b[pin]) * (1 + np.log(3)) / 3)


def test_json_round_trip_gives_identical_matrices() -> None:
    options = FeatureOptions(
        word_ngrams=(1, 3), char_ngrams=(1, 4), preprocessing=PreprocessOptions(), min_df=1
    )
    features = TextFeatures.fit(small.TEXTS, options)
    again = TextFeatures.from_dict(json.loads(json.dumps(features.to_dict())))
    a, b = features.transform(small.HELD_OUT), again.transform(small.HELD_OUT)
    assert (a != b).nnz == 0
    assert again.options == features.options
    assert again.feature_names() == features.feature_names()


def test_one_block_can_be_off() -> None:
    words = TextFeatures.fit(small.TEXTS, FeatureOptions(char_ngrams=None))
    chars = TextFeatures.fit(small.TEXTS, FeatureOptions(word_ngrams=None))
    assert words.is_word_feature().all()
    assert not chars.is_word_feature().any()
    again = TextFeatures.from_dict(json.loads(json.dumps(chars.to_dict())))
    assert (again.transform(["card"]) != chars.transform(["card"])).nnz == 0


def test_texts_leaving_no_features_are_an_input_error() -> None:
    options = FeatureOptions(char_ngrams=None, preprocessing=PreprocessOptions())
    with pytest.raises(InvalidInputError, match=r"'texts'.*word n-grams"):
        TextFeatures.fit(["why is it", "was it"], options, function="f")
    with pytest.raises(InvalidInputError, match=r"'texts'.*character n-grams"):
        TextFeatures.fit(["ab", "cd"], FeatureOptions(word_ngrams=None, min_df=2), function="f")


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.pop("options"),
        lambda d: d["options"].update(word_ngrams=[2, 1]),
        lambda d: d["options"]["preprocessing"].update(language="klingon"),
        lambda d: d["options"].update(min_df=0),
        lambda d: d["options"].update(sublinear_tf="yes"),
        lambda d: d.update(char=None),
        lambda d: d.update(word="x"),
        lambda d: d["word"].update(vocabulary=["a", "a"]),
        lambda d: d["word"].update(vocabulary=[]),
        lambda d: d["word"]["vocabulary"].pop(),
        lambda d: d["word"]["idf"].update(float64="!!!"),
        lambda d: d["word"]["idf"].update(float64=d["word"]["idf"]["float64"][:8]),
    ],
)
def test_malformed_features_raise_model_format_error(edit: object) -> None:
    data = json.loads(json.dumps(TextFeatures.fit(small.TEXTS, FeatureOptions()).to_dict()))
    edit(data)  # type: ignore[operator]
    with pytest.raises(ModelFormatError):
        TextFeatures.from_dict(data)


def test_normalise_rows_leaves_zero_rows_zero() -> None:
    import scipy.sparse as sp

    m = normalise_rows(sp.csr_matrix(np.array([[3.0, 4.0], [0.0, 0.0]])))
    np.testing.assert_allclose(m.toarray(), [[0.6, 0.8], [0.0, 0.0]])
