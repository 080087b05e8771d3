from __future__ import annotations

import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score

from servicekit.errors import InvalidInputError
from servicekit.insights import Topics, discover_topics
from servicekit.insights.topics import EXAMPLE_MESSAGES
from tests.support import real_data


@pytest.fixture(scope="module")
def small() -> Topics:
    return discover_topics(list(EXAMPLE_MESSAGES), n_topics=2)


def test_topics_read_back(small: Topics) -> None:
    assert small.labels.tolist() == [0, 0, 0, 0, 1, 1, 1]
    assert small.share.sum() == pytest.approx(1.0)
    assert small.terms(1) == {0: ["card"], 1: ["refund"]}
    examples = small.examples(2)
    assert len(examples) == 4
    assert set(examples["rank"]) == {1, 2}
    frame = small.to_frame()
    assert frame["size"].tolist() == [4, 3]
    assigned = small.assign(list(EXAMPLE_MESSAGES))
    assert assigned["topic"].tolist() == small.labels.tolist()
    assert ((assigned["weight"] > 0) & (assigned["weight"] <= 1)).all()
    unseen = small.assign("zzzz qqqq")
    assert unseen["weight"].iloc[0] == 0.0


def test_nmf_method_and_chosen_number() -> None:
    nmf = discover_topics(list(EXAMPLE_MESSAGES), n_topics=2, method="nmf")
    assert sorted(nmf.labels.tolist()) == sorted(nmf.labels.tolist())
    assert nmf.labels.tolist() == [0, 0, 0, 0, 1, 1, 1]
    auto = discover_topics(list(EXAMPLE_MESSAGES) * 3, topic_range=range(2, 6))
    assert auto.n_topics == auto.scores["silhouette"].idxmax()
    assert list(auto.scores.index) == [2, 3, 4, 5]


def test_chinese_through_character_ngrams() -> None:
    texts = ["银行卡丢失", "银行卡丢了", "银行卡被偷了", "申请退款", "退款多久到账", "退款失败"]
    topics = discover_topics(texts, n_topics=2, stem=False)
    assert topics.labels.tolist() in ([0, 0, 0, 1, 1, 1], [1, 1, 1, 0, 0, 0])


def test_bad_input() -> None:
    with pytest.raises(InvalidInputError, match="'texts' must not all be empty"):
        discover_topics(["the and of", "is it was", "to be or not to be"])
    with pytest.raises(InvalidInputError, match="'n_topics'"):
        discover_topics(["a card", "a refund", "a loan"], n_topics=3)


def _ami_against_baseline(texts: list[str], intents: list[str]) -> tuple[float, float]:
    k = len(set(intents))
    ours = discover_topics(texts, n_topics=k)
    baseline = KMeans(n_clusters=k, n_init=10, random_state=0).fit(
        TfidfVectorizer().fit_transform(texts)
    )
    return (
        adjusted_mutual_info_score(intents, ours.labels),
        adjusted_mutual_info_score(intents, baseline.labels_),
    )


def _subsample(frame: pd.DataFrame, label: str, n_labels: int, per_label: int) -> pd.DataFrame:
    chosen = sorted(frame[label].unique())[:: max(1, frame[label].nunique() // n_labels)][:n_labels]
    part = frame[frame[label].isin(chosen)]
    return part.groupby(label).sample(n=per_label, random_state=0)


@pytest.mark.realdata
def test_banking77_beats_kmeans_on_tfidf() -> None:
    test = pd.read_csv(real_data("banking77", "test.csv"))
    part = _subsample(test, "category", 10, 25)
    ours, baseline = _ami_against_baseline(list(part["text"]), list(part["category"]))
    assert ours > baseline
    assert ours > 0.5


@pytest.mark.realdata
def test_bitext_beats_kmeans_on_tfidf() -> None:
    frame = pd.read_csv(
        real_data("bitext_customer_support", "Bitext_Sample_Customer_Support_Training_Dataset.csv")
    )
    part = _subsample(frame, "intent", 8, 25)
    ours, baseline = _ami_against_baseline(list(part["instruction"]), list(part["intent"]))
    assert ours > baseline
    assert ours > 0.5
