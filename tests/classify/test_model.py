from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.classify import Prediction, QuestionClassifier, fit_question_classifier
from servicekit.errors import ConvergenceWarning, InvalidInputError, ModelFormatError
from tests.classify import small

MODELS = ["logistic", "naive_bayes", "linear_svm"]


@pytest.mark.parametrize("model", MODELS)
def test_every_model_learns_the_small_set(model: str) -> None:
    clf = small.classifier(model)
    assert clf.model == model
    assert clf.labels == ("card_arrival", "change_pin", "extra_charge")
    assert clf.predict(small.HELD_OUT) == small.HELD_OUT_LABELS
    proba = clf.predict_proba(small.HELD_OUT)
    assert list(proba.columns) == list(clf.labels)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert ((proba >= 0) & (proba <= 1)).all().all()


def test_logistic_probabilities_match_scikit_learn() -> None:
    from sklearn.linear_model import LogisticRegression

    from servicekit.text.preprocessing import PreprocessOptions
    from servicekit.text.tfidf import FeatureOptions, TextFeatures

    features = TextFeatures.fit(
        small.TEXTS, FeatureOptions(preprocessing=PreprocessOptions(remove_stopwords=False))
    )
    reference = LogisticRegression(C=30.0, max_iter=1000).fit(
        features.transform(small.TEXTS), small.LABELS
    )
    expected = reference.predict_proba(features.transform(small.HELD_OUT))
    got = small.classifier().predict_proba(small.HELD_OUT).to_numpy()
    np.testing.assert_allclose(got, expected, atol=1e-10)


def test_naive_bayes_probabilities_match_scikit_learn() -> None:
    from sklearn.naive_bayes import MultinomialNB

    from servicekit.text.preprocessing import PreprocessOptions
    from servicekit.text.tfidf import FeatureOptions, TextFeatures

    features = TextFeatures.fit(
        small.TEXTS, FeatureOptions(preprocessing=PreprocessOptions(remove_stopwords=False))
    )
    nb = MultinomialNB().fit(features.transform(small.TEXTS), small.LABELS)
    expected = nb.predict_proba(features.transform(small.HELD_OUT))
    got = small.classifier("naive_bayes").predict_proba(small.HELD_OUT).to_numpy()
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_two_labels_and_integer_labels() -> None:
    clf = fit_question_classifier(small.TEXTS[:12], [1] * 6 + [2] * 6)
    assert clf.labels == ("1", "2")
    assert clf.predict(["where is my card", "new PIN"]) == ["1", "2"]
    svm = fit_question_classifier(small.TEXTS[:12], [1] * 6 + [2] * 6, model="linear_svm")
    assert svm.predict(["where is my card", "new PIN"]) == ["1", "2"]


def test_single_string_is_a_list_of_one() -> None:
    clf = small.classifier()
    assert clf.predict("charged twice") == clf.predict(["charged twice"])
    assert len(clf.classify("charged twice")) == 1


def test_input_containers_give_the_same_answer() -> None:
    clf = small.classifier()
    expected = clf.predict(small.HELD_OUT)
    assert clf.predict(tuple(small.HELD_OUT)) == expected
    assert clf.predict(pd.Series(small.HELD_OUT)) == expected
    assert clf.predict(np.asarray(small.HELD_OUT)) == expected


def test_top_k_is_sorted_and_bounded() -> None:
    clf = small.classifier()
    rows = clf.top_k(small.HELD_OUT, k=3)
    for row, truth in zip(rows, small.HELD_OUT_LABELS, strict=True):
        probabilities = [p for _, p in row]
        assert probabilities == sorted(probabilities, reverse=True)
        assert row[0][0] == truth
        assert sum(probabilities) == pytest.approx(1.0)
    with pytest.raises(InvalidInputError, match=r"'k' must be at most the number of labels \(3\)"):
        clf.top_k(small.HELD_OUT, k=4)


def test_classify_escalates_on_threshold_and_margin() -> None:
    clf = small.classifier()
    plain = clf.classify(small.HELD_OUT)
    assert [p.label for p in plain] == small.HELD_OUT_LABELS
    assert not any(p.escalate for p in plain)
    assert all(len(p.alternatives) == 2 for p in plain)
    for p in plain:
        assert p.confidence >= p.alternatives[0][1] >= p.alternatives[1][1]
    high = clf.classify(small.HELD_OUT, threshold=1.0)
    assert all(p.escalate and p.reason == "low confidence" for p in high)
    wide = clf.classify(small.HELD_OUT, margin=1.0)
    assert all(p.escalate and p.reason == "ambiguous" for p in wide)
    # Escalation is exactly "confidence < threshold".
    middle = sorted(p.confidence for p in plain)[1]
    flags = [p.escalate for p in clf.classify(small.HELD_OUT, threshold=middle)]
    assert flags == [p.confidence < middle for p in plain]
    assert clf.classify(small.HELD_OUT, n_alternatives=0)[0].alternatives == ()
    assert len(clf.classify(small.HELD_OUT, n_alternatives=10)[0].alternatives) == 2


def test_prediction_is_a_frozen_result() -> None:
    p = small.classifier().classify(["charged twice"], threshold=0.99)[0]
    assert isinstance(p, Prediction)
    assert "escalate: low confidence" in str(p)
    assert p.to_dict()["label"] == "extra_charge"
    with pytest.raises(AttributeError):
        p.label = "other"  # type: ignore[misc]


def test_top_terms_explain_each_intent() -> None:
    for model in MODELS:
        terms = small.classifier(model).top_terms(3)
        assert set(terms) == set(small.classifier(model).labels)
        assert "pin" in terms["change_pin"]
        assert "card" in terms["card_arrival"] or "arriv" in terms["card_arrival"]
    chars = small.classifier().top_terms(2, kind="char")
    assert all(t.startswith("'") for ts in chars.values() for t in ts)
    assert len(small.classifier().top_terms(5, kind="all")["change_pin"]) == 5


def test_classifier_is_immutable() -> None:
    clf = small.classifier()
    with pytest.raises(AttributeError):
        clf.labels = ("x",)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        clf._model = "naive_bayes"  # type: ignore[misc]
    with pytest.raises(ValueError, match=r"read-only"):
        clf.coefficients[0, 0] = 1.0
    assert repr(clf).startswith("QuestionClassifier(model='logistic', labels=3, features=")


@pytest.mark.parametrize("model", MODELS)
def test_json_round_trip_predicts_identically(model: str) -> None:
    clf = small.classifier(model)
    again = QuestionClassifier.from_json(clf.to_json())
    queries = [*small.HELD_OUT, *small.TEXTS, "completely unrelated words here"]
    pd.testing.assert_frame_equal(again.predict_proba(queries), clf.predict_proba(queries))
    assert again.labels == clf.labels
    assert again.model == clf.model
    assert again.fit_options == clf.fit_options
    assert again.top_terms(3) == clf.top_terms(3)


def _tamper(text: str, edit: object) -> str:
    document = json.loads(text)
    edit(document)  # type: ignore[operator]
    return json.dumps(document)


def _rechecksum(document: dict[str, object]) -> None:
    """Recompute the checksum, as a forger would, so the structural checks are reached."""
    import hashlib

    rest = {k: v for k, v in document.items() if k != "checksum"}
    canonical = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    document["checksum"] = hashlib.sha256(canonical.encode()).hexdigest()


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.update(format="sklearn"),
        lambda d: d.update(version=2),
        lambda d: d.pop("coefficients"),
        lambda d: d.update(labels=["a", "b", "c", "d"]),  # checksum no longer matches
        lambda d: d["features"]["word"]["vocabulary"].reverse(),  # checksum no longer matches
    ],
)
def test_foreign_or_altered_files_are_rejected(edit: object) -> None:
    with pytest.raises(ModelFormatError):
        QuestionClassifier.from_json(_tamper(small.classifier().to_json(), edit))


@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b.update(model="random_forest"),
        lambda b: b.update(labels=["a", "b", "c", "d"]),
        lambda b: b.update(labels=["a"]),
        lambda b: b.update(labels="abc"),
        lambda b: b.pop("coefficients"),
        lambda b: b["coefficients"].update(shape=[2, 2]),
        lambda b: b["intercepts"].update(float64="AAAAAAAA+H8="),  # one NaN, wrong size too
        lambda b: b.update(calibration={"slopes": 1}),
        lambda b: b.update(fit_options=[]),
        lambda b: b.update(features=None),
    ],
)
def test_structurally_wrong_bodies_are_rejected(edit: object) -> None:
    def forge(document: dict[str, object]) -> None:
        edit(document)  # type: ignore[operator]
        _rechecksum(document)

    with pytest.raises(ModelFormatError, match=r"model file"):
        QuestionClassifier.from_json(_tamper(small.classifier().to_json(), forge))


def test_svm_calibration_is_checked_on_load() -> None:
    def forge(document: dict[str, object]) -> None:
        document["calibration"] = None
        _rechecksum(document)

    with pytest.raises(ModelFormatError, match=r"calibration"):
        QuestionClassifier.from_json(_tamper(small.classifier("linear_svm").to_json(), forge))


@pytest.mark.parametrize(
    "text", ["", "{", "null", "[1, 2]", '{"format": "servicekit.QuestionClassifier"}']
)
def test_truncated_or_empty_text_is_rejected(text: str) -> None:
    with pytest.raises(ModelFormatError):
        QuestionClassifier.from_json(text)


def test_truncation_anywhere_is_rejected() -> None:
    text = small.classifier().to_json()
    for cut in (len(text) // 3, len(text) // 2, len(text) - 2):
        with pytest.raises(ModelFormatError):
            QuestionClassifier.from_json(text[:cut])


def test_bad_fit_inputs_name_the_argument() -> None:
    with pytest.raises(InvalidInputError, match=r"'labels'.*at least 2 distinct"):
        fit_question_classifier(small.TEXTS, ["one"] * len(small.TEXTS))
    with pytest.raises(InvalidInputError, match=r"'labels'.*same length"):
        fit_question_classifier(small.TEXTS, small.LABELS[:-1])
    with pytest.raises(InvalidInputError, match=r"'texts'.*empty"):
        fit_question_classifier(["a card", " "], ["x", "y"])
    with pytest.raises(InvalidInputError, match=r"'C'.*naive_bayes"):
        fit_question_classifier(small.TEXTS, small.LABELS, model="naive_bayes", C=1.0)
    with pytest.raises(InvalidInputError, match=r"'alpha'.*only used"):
        fit_question_classifier(small.TEXTS, small.LABELS, alpha=0.5)
    with pytest.raises(InvalidInputError, match=r"'char_ngrams'.*no features"):
        fit_question_classifier(small.TEXTS, small.LABELS, word_ngrams=None, char_ngrams=None)
    with pytest.raises(InvalidInputError, match=r"'remove_stopwords'.*german"):
        fit_question_classifier(small.TEXTS, small.LABELS, language="german", remove_stopwords=True)
    with pytest.raises(InvalidInputError, match=r"'labels'.*2 examples of every label"):
        fit_question_classifier(small.TEXTS[:7], small.LABELS[:7], model="linear_svm")


def test_options_change_the_model() -> None:
    words_only = fit_question_classifier(small.TEXTS, small.LABELS, char_ngrams=None)
    assert all("'" not in name for name in words_only.feature_names)
    balanced = fit_question_classifier(
        small.TEXTS[:14], small.LABELS[:14], class_weight="balanced", C=1.0
    )
    plain = fit_question_classifier(small.TEXTS[:14], small.LABELS[:14], C=1.0)
    # Two extra_charge examples against six of each other label: balancing raises its prior.
    query = ["hello there"]
    assert (
        balanced.predict_proba(query)["extra_charge"][0]
        > plain.predict_proba(query)["extra_charge"][0]
    )
    nb = fit_question_classifier(small.TEXTS, small.LABELS, model="naive_bayes", alpha=0.1)
    assert nb.fit_options["alpha"] == 0.1


@pytest.mark.parametrize("model", ["logistic", "linear_svm"])
def test_non_convergence_warns_once_in_our_own_class(model: str) -> None:
    from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_question_classifier(small.TEXTS, small.LABELS, model=model, max_iter=1)  # type: ignore[arg-type]
    ours = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(ours) == 1
    assert f"the {model} solver stopped at max_iter=1" in str(ours[0].message)
    assert not any(issubclass(w.category, SklearnConvergenceWarning) for w in caught)


def test_chinese_questions_are_classified_by_character_ngrams() -> None:
    texts = [
        "我的卡还没有到",
        "我的新卡什么时候到",
        "卡片寄出了吗",
        "我一直在等我的卡",
        "怎么修改密码",
        "我忘记了密码",
        "密码被锁了怎么办",
        "在哪里设置新密码",
    ]
    labels = ["card_arrival"] * 4 + ["change_pin"] * 4
    clf = fit_question_classifier(texts, labels, stem=False)
    assert clf.predict(["我的卡什么时候寄到", "我想改密码"]) == ["card_arrival", "change_pin"]
    # Without character n-grams each sentence is one "word": nothing is shared.
    words_only = fit_question_classifier(texts, labels, stem=False, char_ngrams=None)
    proba = words_only.predict_proba(["我想改密码"]).to_numpy()
    np.testing.assert_allclose(proba, 0.5)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_any_text_gets_a_valid_answer(text: str) -> None:
    """Punctuation only, emoji, unseen scripts: always a distribution, never a crash."""
    clf = small.classifier()
    proba = clf.predict_proba(text).to_numpy()[0]
    assert np.isfinite(proba).all()
    assert proba.sum() == pytest.approx(1.0)
    prediction = clf.classify(text)[0]
    assert prediction.label == clf.predict(text)[0] == clf.top_k(text, k=1)[0][0][0]
    assert prediction.confidence == pytest.approx(proba.max())
