"""servicekit.insights against its anchors, measured in the same run.

* ``rfm_table`` on N synthetic transactions vs a hand-written pandas groupby (target:
  near 1x; N = 10,000,000 by default);
* ``association_rules`` vs mlxtend's ``apriori`` + ``association_rules`` on the
  help-desk baskets (time ratio; the rules must be identical);
* ``key_drivers`` with 12 drivers on 100,000 rows (target: under a second);
* ``discover_topics`` on 100,000 short messages (Banking77 + Bitext, resampled; target:
  under a minute on 2 cores), and AMI against the true intents on the full data sets vs
  a k-means-on-TF-IDF baseline.

Run: ``python benchmarks/bench_insights.py [--scale 0.2]`` (``--scale`` shrinks every
size, for a loaded machine).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
import pandas as pd
import scipy
import sklearn

from servicekit._datasets import data_dir
from servicekit.insights import association_rules, discover_topics, key_drivers, rfm_table


def timed(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - start


def bench_rfm(n: int) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "customer": rng.integers(0, n // 20, n),
            "time": pd.Timestamp("2020-01-01")
            + pd.to_timedelta(rng.integers(0, 3 * 365 * 86400, n), unit="s"),
            "amount": rng.gamma(2.0, 30.0, n).round(2),
        }
    )
    as_of = pd.Timestamp("2023-01-02")

    def by_hand() -> pd.DataFrame:
        g = frame.groupby("customer")
        out = g.agg(
            last=("time", "max"),
            frequency=("time", "size"),
            monetary=("amount", "sum"),
            first_purchase=("time", "min"),
        )
        out["recency_days"] = (as_of - out["last"]).dt.days
        out["monetary_mean"] = out["monetary"] / out["frequency"]
        return out

    ours, t_ours = timed(
        rfm_table, frame, customer="customer", time="time", amount="amount", as_of=as_of
    )
    anchor, t_anchor = timed(by_hand)
    assert (ours["recency_days"].to_numpy() == anchor["recency_days"].to_numpy()).all()
    print(
        f"rfm_table, {n:,} transactions: servicekit {t_ours:.2f} s, pandas groupby "
        f"{t_anchor:.2f} s, ratio {t_ours / t_anchor:.2f}"
    )


def helpdesk_baskets() -> pd.DataFrame:
    log = pd.read_csv(data_dir() / "helpdesk_italian_4tu" / "finale.csv")
    activities = pd.DataFrame(
        {"transaction": log["Case ID"], "item": "activity=" + log["Activity"]}
    )
    first = log.groupby("Case ID", sort=False).first()
    parts = [activities] + [
        pd.DataFrame({"transaction": first.index, "item": f"{c}=" + first[c].astype(str)})
        for c in ("seriousness", "service_level", "service_type", "workgroup", "customer")
    ]
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def bench_rules() -> None:
    from mlxtend.frequent_patterns import apriori
    from mlxtend.frequent_patterns import association_rules as mlx_rules

    long = helpdesk_baskets()
    onehot = pd.crosstab(long["transaction"], long["item"]).astype(bool)
    for support, confidence in ((0.05, 0.6), (0.02, 0.8)):
        ours, t_ours = timed(
            association_rules, long, min_support=support, min_confidence=confidence
        )
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            itemsets = apriori(onehot, min_support=support, use_colnames=True)
            theirs = mlx_rules(itemsets, len(onehot), metric="confidence", min_threshold=confidence)
        t_theirs = time.perf_counter() - start
        same = {(a, c) for a, c in zip(ours["antecedent"], ours["consequent"], strict=True)} == {
            (a, c) for a, c in zip(theirs["antecedents"], theirs["consequents"], strict=True)
        }
        print(
            f"association_rules, {onehot.shape[0]:,} tickets x {onehot.shape[1]} items, "
            f"min_support={support}: {len(ours):,} rules (identical to mlxtend: {same}); "
            f"servicekit {t_ours:.2f} s, mlxtend {t_theirs:.2f} s, ratio "
            f"{t_ours / t_theirs:.2f}"
        )


def bench_drivers(n: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 12)) @ rng.normal(size=(12, 12)) * 0.3 + rng.normal(size=(n, 12))
    frame = pd.DataFrame(x, columns=[f"d{i}" for i in range(12)])
    frame["y"] = x @ rng.normal(size=12) + rng.normal(size=n)
    drivers = [f"d{i}" for i in range(12)]
    _, t_lmg = timed(key_drivers, frame, outcome="y", drivers=drivers)
    _, t_rw = timed(key_drivers, frame, outcome="y", drivers=drivers, method="relative_weights")
    print(
        f"key_drivers, 12 drivers x {n:,} rows: shapley (LMG, 4,096 subsets) {t_lmg:.2f} s, "
        f"relative weights {t_rw:.2f} s (target < 1 s)"
    )


def bench_topics(n: int) -> None:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_mutual_info_score as ami

    folder = data_dir()
    b77 = pd.read_csv(folder / "banking77" / "train.csv")
    bitext = pd.read_csv(
        folder / "bitext_customer_support" / "Bitext_Sample_Customer_Support_Training_Dataset.csv"
    )
    for name, texts, labels in (
        ("Banking77 train", b77["text"], b77["category"]),
        ("Bitext", bitext["instruction"], bitext["intent"]),
    ):
        k = labels.nunique()
        base = (
            KMeans(n_clusters=k, n_init=10, random_state=0)
            .fit(TfidfVectorizer().fit_transform(texts))
            .labels_
        )
        fixed, t_fixed = timed(discover_topics, list(texts), n_topics=k)
        auto, t_auto = timed(discover_topics, list(texts))
        print(
            f"{name} ({len(texts):,} texts, {k} intents): AMI baseline k-means on TF-IDF "
            f"{ami(labels, base):.3f}; discover_topics n_topics={k} {ami(labels, fixed.labels):.3f} "
            f"({t_fixed:.1f} s); n_topics=None chose {auto.n_topics}, AMI "
            f"{ami(labels, auto.labels):.3f} ({t_auto:.1f} s); nmf "
            f"{ami(labels, discover_topics(list(texts), n_topics=k, method='nmf').labels):.3f}"
        )
    pool = pd.concat([b77["text"], bitext["instruction"]], ignore_index=True)
    messages = pool.sample(n, replace=True, random_state=0).tolist()
    topics, t = timed(discover_topics, messages)
    print(
        f"discover_topics, {n:,} short messages, n_topics=None: {t:.1f} s "
        f"({topics.n_topics} topics; target < 60 s on 2 cores)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", nargs="*", default=["rfm", "rules", "drivers", "topics"])
    args = parser.parse_args()
    import mlxtend

    print(
        f"numpy {np.__version__}, pandas {pd.__version__}, scipy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}, mlxtend {mlxtend.__version__}"
    )
    print("load average (1, 5, 15 min) at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if "rfm" in args.only:
        bench_rfm(int(10_000_000 * args.scale))
    if "rules" in args.only:
        bench_rules()
    if "drivers" in args.only:
        bench_drivers(int(100_000 * args.scale))
    if "topics" in args.only:
        bench_topics(int(100_000 * args.scale))


if __name__ == "__main__":
    main()
