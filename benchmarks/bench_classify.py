"""Banking77: the classifier before and after issue 10, and the escalation trade-off tables.

Anchors, measured in the same run:

* **before**: the pipeline servicekit 0.1 shipped, rebuilt from its parts: word +
  character TF-IDF fitted, then the training texts transformed again, then
  scikit-learn's ``LogisticRegression(C=30)`` (lbfgs, float64), saved as a format
  version 1 document (float64 coefficients, base64). servicekit still loads that file.
* **source**: the issue's source pipeline (stop words + ``TfidfVectorizer`` +
  ``MultinomialNB``).

For each: fit time, test accuracy, model file size, load time and single-question
latency. Then the trade-off tables of ``docs/classify.md``: ``threshold_curve`` and the
``choose_threshold`` rules on Banking77 (thresholds chosen on a validation split of the
training set, figures on the test set) and on an out-of-scope set built by holding
every seventh intent out of training (its test questions become out of scope).
Run once: ``python benchmarks/bench_classify.py``.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
import scipy
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import make_pipeline

from servicekit._datasets import data_dir
from servicekit._persistence import encode_array, write_document
from servicekit.classify import (
    QuestionClassifier,
    choose_threshold,
    fit_question_classifier,
    threshold_curve,
)
from servicekit.text import FeatureOptions, PreprocessOptions, TextFeatures

GOAL_FIT_SPEEDUP = 3.0
GOAL_ACCURACY = 0.92


def timed(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - start


def fit_before(texts: list[str], labels: list[str]) -> tuple[QuestionClassifier, str]:
    """servicekit 0.1's default fit and its version 1 file (loaded back by today's code)."""
    options = FeatureOptions(preprocessing=PreprocessOptions(remove_stopwords=False))
    features = TextFeatures.fit(texts, options)
    X = features.transform(texts)
    names, y = np.unique(np.asarray(labels), return_inverse=True)
    fitted = LogisticRegression(C=30.0, max_iter=1000).fit(X, y)
    fields = {
        "model": "logistic",
        "labels": [str(n) for n in names],
        "features": features.to_dict(),
        "coefficients": encode_array(fitted.coef_),
        "intercepts": encode_array(fitted.intercept_),
        "calibration": None,
        "fit_options": {
            "C": 30.0,
            "alpha": None,
            "class_weight": None,
            "random_state": 0,
            "n_train": len(texts),
        },
    }
    text = write_document("servicekit.QuestionClassifier", 1, fields)
    return QuestionClassifier.from_json(text), text


def latency(clf: QuestionClassifier, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        clf.predict(text)
    return (time.perf_counter() - start) / len(texts)


def table(curve: pd.DataFrame, shares: tuple[float, ...]) -> pd.DataFrame:
    """Rows of the curve nearest to the given escalation shares."""
    rows = [int((curve["escalated"] - share).abs().idxmin()) for share in shares]
    return curve.loc[sorted(set(rows))]


def figures(
    clf: QuestionClassifier, texts: list[str], labels: list[str], t: float, oos: str | None
) -> dict[str, float]:
    curve = threshold_curve(clf, texts, labels, out_of_scope_label=oos)
    row = curve.loc[(curve["threshold"] <= t).to_numpy().nonzero()[0].max()]
    return {"threshold": t, **{k: float(v) for k, v in row.items() if k != "threshold"}}


def main() -> None:
    folder = data_dir() / "banking77"
    train = pd.read_csv(folder / "train.csv", dtype=str)
    test = pd.read_csv(folder / "test.csv", dtype=str)
    texts, labels = train["text"].tolist(), train["category"].tolist()
    test_texts, test_labels = test["text"].tolist(), test["category"].tolist()
    singles = test_texts[:200]
    print(
        f"numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}, "
        f"pandas {pd.__version__}"
    )
    print(f"Banking77: {len(texts)} training and {len(test_texts)} test questions, 77 intents")
    print("load average (1, 5, 15 min) at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

    rows = []
    source = make_pipeline(TfidfVectorizer(stop_words="english"), MultinomialNB())
    _, fit_s = timed(source.fit, texts, labels)
    accuracy = float(np.mean(source.predict(test_texts) == np.asarray(test_labels)))
    start = time.perf_counter()
    for text in singles:
        source.predict([text])
    rows.append(("source: TF-IDF + MultinomialNB", accuracy, fit_s, np.nan, np.nan, None))
    rows[-1] = (*rows[-1][:5], (time.perf_counter() - start) / len(singles))

    (before, before_text), before_fit = timed(fit_before, texts, labels)
    after, after_fit = timed(fit_question_classifier, texts, labels)
    after_text = after.to_json()
    for name, clf, fit_s, text in (
        ("before: 0.1 default (lbfgs float64, v1 file)", before, before_fit, before_text),
        ("after: default (float32 L-BFGS, v2 file)", after, after_fit, after_text),
    ):
        again, load_s = timed(QuestionClassifier.from_json, text)
        assert again.predict(test_texts) == clf.predict(test_texts), "round trip changed answers"
        accuracy = float(np.mean(np.asarray(clf.predict(test_texts)) == np.asarray(test_labels)))
        rows.append((name, accuracy, fit_s, len(text) / 1e6, load_s, latency(again, singles)))
    frame = pd.DataFrame(
        rows,
        columns=["pipeline", "test_accuracy", "fit_s", "file_mb", "load_s", "single_s"],
    )
    print(frame.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    speedup = before_fit / after_fit
    size_ratio = len(after_text) / len(before_text)
    accuracy_after = float(frame.loc[2, "test_accuracy"])
    print(
        f"fit speed-up after/before: {speedup:.2f}x (goal {GOAL_FIT_SPEEDUP:.0f}x: "
        f"{'met' if speedup >= GOAL_FIT_SPEEDUP else 'MISSED'}); accuracy {accuracy_after:.4f} "
        f"(goal {GOAL_ACCURACY}: {'met' if accuracy_after >= GOAL_ACCURACY else 'MISSED'}); "
        f"file size ratio {size_ratio:.3f} (goal <= 0.333: "
        f"{'met' if size_ratio <= 1 / 3 else 'MISSED'}); round trips give identical predictions"
    )

    # --- trade-off on Banking77: thresholds chosen on a validation split of train.
    shares = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
    rng = np.random.default_rng(0)
    validation = rng.random(len(texts)) < 0.2
    fit_part = [t for t, v in zip(texts, validation, strict=True) if not v]
    fit_labels = [y for y, v in zip(labels, validation, strict=True) if not v]
    val_texts = [t for t, v in zip(texts, validation, strict=True) if v]
    val_labels = [y for y, v in zip(labels, validation, strict=True) if v]
    clf = fit_question_classifier(fit_part, fit_labels)
    print("\nBanking77, trained on 80% of train; threshold_curve on the test set:")
    curve = threshold_curve(clf, test_texts, test_labels)
    print(table(curve, shares).to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print("choices made on the 20% validation split, figures on the test set:")
    picks = []
    for rule, kwargs in (
        ("target='f1'", {}),
        ("max_escalation=0.10", {"max_escalation": 0.10}),
        ("min_precision=0.95", {"min_precision": 0.95}),
        ("min_precision=0.98", {"min_precision": 0.98}),
    ):
        t = choose_threshold(clf, val_texts, val_labels, **kwargs)  # type: ignore[arg-type]
        picks.append({"rule": rule, **figures(clf, test_texts, test_labels, t, None)})
    print(pd.DataFrame(picks).to_string(index=False, float_format=lambda x: f"{x:.3f}"))

    # --- out of scope: every seventh intent held out of training.
    intents = sorted(set(labels))
    held = set(intents[::7])
    keep = [y not in held for y in labels]
    clf = fit_question_classifier(
        [t for t, k in zip(texts, keep, strict=True) if k],
        [y for y, k in zip(labels, keep, strict=True) if k],
    )
    oos_labels = ["out_of_scope" if y in held else y for y in test_labels]
    half = rng.random(len(test_texts)) < 0.5  # choose on one half of test, report the other
    pick_texts = [t for t, h in zip(test_texts, half, strict=True) if h]
    pick_labels = [y for y, h in zip(oos_labels, half, strict=True) if h]
    eval_texts = [t for t, h in zip(test_texts, half, strict=True) if not h]
    eval_labels = [y for y, h in zip(oos_labels, half, strict=True) if not h]
    print(
        f"\nOut of scope: {len(held)} of 77 intents held out of training "
        f"({sum(y == 'out_of_scope' for y in oos_labels)} of {len(oos_labels)} test questions); "
        "threshold_curve on the reporting half of test:"
    )
    curve = threshold_curve(clf, eval_texts, eval_labels, out_of_scope_label="out_of_scope")
    print(
        table(curve, (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)).to_string(
            index=False, float_format=lambda x: f"{x:.3f}"
        )
    )
    print("choices made on the other half of test, figures on the reporting half:")
    picks = []
    for rule, kwargs in (
        ("target='f1'", {}),
        ("max_escalation=0.15", {"max_escalation": 0.15}),
        ("max_escalation=0.25", {"max_escalation": 0.25}),
        ("min_precision=0.95", {"min_precision": 0.95}),
        ("min_out_of_scope_recall=0.6", {"min_out_of_scope_recall": 0.6}),
    ):
        t = choose_threshold(  # type: ignore[arg-type]
            clf, pick_texts, pick_labels, out_of_scope_label="out_of_scope", **kwargs
        )
        picks.append({"rule": rule, **figures(clf, eval_texts, eval_labels, t, "out_of_scope")})
    print(pd.DataFrame(picks).to_string(index=False, float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":
    main()
