"""Contact reasons discovered in unlabelled messages, scored against the hidden intents.

Banking77 (training split, 10,003 questions, 77 intents) and Bitext (4,514, 27 intents):
topics are discovered WITHOUT the labels, then the adjusted mutual information (AMI)
between topics and true intents is compared with k-means on plain TF-IDF given the true
number of intents. Run from the repository root:  python examples/insights_topics.py
"""

from __future__ import annotations

import time

import pandas as pd
from example_data import data_file
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score

from servicekit.insights import discover_topics


def run(name: str, texts: list[str], intents: pd.Series) -> None:
    k = intents.nunique()
    baseline = KMeans(n_clusters=k, n_init=10, random_state=0).fit(
        TfidfVectorizer().fit_transform(texts)
    )
    start = time.perf_counter()
    topics = discover_topics(texts)
    seconds = time.perf_counter() - start
    fixed = discover_topics(texts, n_topics=k)
    print(f"{name}: {len(texts):,} messages, {k} true intents (hidden from the method)")
    print(
        f"  baseline k-means on TF-IDF (k={k}): AMI "
        f"{adjusted_mutual_info_score(intents, baseline.labels_):.3f}"
    )
    print(
        f"  discover_topics(n_topics={k}): AMI "
        f"{adjusted_mutual_info_score(intents, fixed.labels):.3f}"
    )
    print(
        f"  discover_topics(): chose {topics.n_topics} topics in {seconds:.0f} s, AMI "
        f"{adjusted_mutual_info_score(intents, topics.labels):.3f}"
    )
    frame = topics.to_frame().head(8)
    with pd.option_context("display.width", 160, "display.max_colwidth", 50):
        print(frame[["size", "share", "terms", "example"]].round(3).to_string(), "\n")


def main() -> None:
    folder = data_file()
    b77 = pd.read_csv(folder / "banking77" / "train.csv")
    run("Banking77", b77["text"].tolist(), b77["category"])
    bitext = pd.read_csv(
        folder / "bitext_customer_support" / "Bitext_Sample_Customer_Support_Training_Dataset.csv"
    )
    run("Bitext", bitext["instruction"].tolist(), bitext["intent"])


if __name__ == "__main__":
    main()
