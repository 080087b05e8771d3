"""Banking77: fit time, prediction throughput and accuracy, servicekit vs the source pipeline.

The anchor is the issue's source pipeline, measured in the same run: scikit-learn's
English stop words + ``TfidfVectorizer`` + ``MultinomialNB`` on raw text (NLTK's
stop-word list needs a download, so scikit-learn's stands in). servicekit's default
model (word + character TF-IDF, multinomial logistic regression) is timed end to end:
preprocessing, vectorising and fitting. Run once: ``python benchmarks/bench_classify.py``.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import make_pipeline

from servicekit._datasets import data_dir
from servicekit.classify import evaluate_classifier, fit_question_classifier

GOAL_FIT_SECONDS = 30.0


def timed(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    folder = data_dir() / "banking77"
    train = pd.read_csv(folder / "train.csv", dtype=str)
    test = pd.read_csv(folder / "test.csv", dtype=str)
    texts, labels = train["text"].tolist(), train["category"].tolist()
    test_texts, test_labels = test["text"].tolist(), test["category"].to_numpy()
    batch = test_texts[:1000]
    singles = test_texts[:200]
    print(f"Banking77: {len(texts)} training and {len(test_texts)} test questions, 77 intents")
    # Timings on a shared machine depend on what else runs: say how busy it was.
    print("load average (1, 5, 15 min) at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

    rows = []
    source = make_pipeline(TfidfVectorizer(stop_words="english"), MultinomialNB())
    _, fit_s = timed(source.fit, texts, labels)
    accuracy = float(np.mean(source.predict(test_texts) == test_labels))
    _, batch_s = timed(source.predict, batch)
    start = time.perf_counter()
    for text in singles:
        source.predict([text])
    single_s = (time.perf_counter() - start) / len(singles)
    rows.append(("source: stop words + TF-IDF + MultinomialNB", accuracy, fit_s, single_s, batch_s))

    for model in ("logistic", "naive_bayes", "linear_svm"):
        clf, fit_s = timed(fit_question_classifier, texts, labels, model=model)
        report = evaluate_classifier(clf, test_texts, test_labels)
        _, batch_s = timed(clf.predict, batch)
        start = time.perf_counter()
        for text in singles:
            clf.predict(text)
        single_s = (time.perf_counter() - start) / len(singles)
        name = f"servicekit {model}" + (" (default)" if model == "logistic" else "")
        rows.append((name, report.accuracy, fit_s, single_s, batch_s))
        if model == "logistic":
            default_fit, default_top3 = fit_s, report.top3_accuracy
            _, save_s = timed(clf.to_json)
            size_mb = len(clf.to_json()) / 1e6

    table = pd.DataFrame(
        rows, columns=["pipeline", "test_accuracy", "fit_s", "single_s", "batch1000_s"]
    )
    table["single_per_s"] = 1.0 / table["single_s"]
    table["batch_per_s"] = 1000.0 / table["batch1000_s"]
    anchor_fit = table.loc[0, "fit_s"]
    table["fit_vs_source"] = table["fit_s"] / anchor_fit
    print(
        table[
            [
                "pipeline",
                "test_accuracy",
                "fit_s",
                "fit_vs_source",
                "single_per_s",
                "batch_per_s",
            ]
        ].to_string(index=False, float_format=lambda x: f"{x:.4f}")
    )
    verdict = "meets" if default_fit < GOAL_FIT_SECONDS else "MISSES"
    print(
        f"default model: fit {default_fit:.1f} s ({verdict} the {GOAL_FIT_SECONDS:.0f} s goal), "
        f"top-3 accuracy {default_top3:.4f}, JSON {size_mb:.1f} MB written in {save_s:.2f} s"
    )


if __name__ == "__main__":
    main()
