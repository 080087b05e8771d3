from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from servicekit.errors import InvalidInputError, ModelFormatError
from servicekit.insights import Segmentation, segment_customers
from tests.support import real_data


@pytest.fixture(scope="module")
def blobs() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    centres = np.array([[2.0, 50.0, 1.0], [10.0, 400.0, 3.0], [30.0, 2000.0, 2.0]])
    rows = np.vstack([c * rng.lognormal(0, 0.15, size=(80, 3)) for c in centres])
    return pd.DataFrame(rows, columns=["orders", "spend", "tenure"])


@pytest.fixture(scope="module")
def seg(blobs: pd.DataFrame) -> Segmentation:
    return segment_customers(blobs, k_range=range(2, 7), n_boot=5)


def test_inertia_and_silhouette_equal_scikit_learn(blobs: pd.DataFrame, seg: Segmentation) -> None:
    values = blobs.to_numpy()
    logged = values.copy()
    for j, name in enumerate(blobs.columns):
        if name in seg.log_features:
            logged[:, j] = np.log1p(logged[:, j])
    scaled = (logged - logged.mean(axis=0)) / logged.std(axis=0)
    for k in range(2, 7):
        model = KMeans(n_clusters=k, n_init=10, random_state=0).fit(scaled)
        assert seg.scores.loc[k, "inertia"] == pytest.approx(model.inertia_, rel=1e-10)
        assert seg.scores.loc[k, "silhouette"] == pytest.approx(
            silhouette_score(scaled, model.labels_), rel=1e-10
        )


def test_chooses_the_planted_k_and_is_stable(seg: Segmentation) -> None:
    assert seg.k == 3
    assert seg.scores["silhouette"].idxmax() == 3
    assert seg.stability > 0.95
    assert seg.labels.value_counts().tolist() == [80, 80, 80]
    profile = seg.profile()
    assert profile["size"].sum() == 240
    assert profile["share"].sum() == pytest.approx(1.0)
    # Centres come back in original units: the big spenders' centre is near 2000.
    assert seg.centers["spend"].max() == pytest.approx(2000, rel=0.1)
    assert set(profile.columns) >= {"spend_mean", "spend_median", "orders_mean"}


def test_auto_transform_logs_skewed_columns_only() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"spend": rng.lognormal(3, 1.2, 300), "age": rng.normal(40, 8, 300)})
    seg = segment_customers(frame, k=3, n_boot=0)
    assert seg.log_features == ("spend",)
    assert np.isnan(seg.stability)
    assert segment_customers(frame, k=3, transform="none", n_boot=0).log_features == ()


def test_assign_reproduces_training_labels(blobs: pd.DataFrame, seg: Segmentation) -> None:
    assert (seg.assign(blobs) == seg.labels).all()
    with pytest.raises(InvalidInputError, match="'new_frame'"):
        seg.assign(blobs.drop(columns=["spend"]))


def test_json_round_trip(seg: Segmentation, blobs: pd.DataFrame) -> None:
    text = seg.to_json()
    again = Segmentation.from_json(text)
    assert again.to_json() == text
    assert (again.assign(blobs) == seg.assign(blobs)).all()
    pd.testing.assert_frame_equal(again.profile(), seg.profile())
    altered = json.loads(text)
    altered["stability"] = 0.5
    with pytest.raises(ModelFormatError, match="checksum"):
        Segmentation.from_json(json.dumps(altered))
    with pytest.raises(ModelFormatError, match="scaled_centers"):
        Segmentation.from_json(text.replace('"k": 3', '"k": 2', 1))


def test_bad_input() -> None:
    same = pd.DataFrame({"a": [1.0] * 5, "b": [2.0] * 5})
    with pytest.raises(InvalidInputError, match="identical"):
        segment_customers(same)
    few = pd.DataFrame({"a": [1.0, 1.0, 2.0, 2.0], "b": [0.0, 0.0, 1.0, 1.0]})
    with pytest.raises(InvalidInputError, match="'k' must be at most the number of distinct"):
        segment_customers(few, k=3)
    text = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "z"]})
    with pytest.raises(InvalidInputError, match=r"'features'.*'b'"):
        segment_customers(text, features=["a", "b"])
    constant = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 1.0, 1.0]})
    with pytest.raises(InvalidInputError, match="constant"):
        segment_customers(constant)


@pytest.mark.realdata
def test_telco_segments_separate_churn() -> None:
    from servicekit.metrics import Proportion

    raw = pd.read_csv(real_data("telco", "WA_Fn-UseC_-Telco-Customer-Churn.csv"))
    services = [
        "PhoneService",
        "OnlineSecurity",
        "OnlineBackup",
        "DeviceProtection",
        "TechSupport",
        "StreamingTV",
        "StreamingMovies",
    ]
    frame = pd.DataFrame(
        {
            "tenure": raw["tenure"],
            "MonthlyCharges": raw["MonthlyCharges"],
            "services": (raw[services] == "Yes").sum(axis=1),
        }
    ).sample(1500, random_state=0)
    seg = segment_customers(frame, k=4, n_boot=2)
    churned = raw.loc[frame.index, "Churn"].eq("Yes")
    rates = churned.groupby(seg.labels).mean()
    assert seg.stability > 0.8
    # Segments differ in churn: the worst segment churns far more often than the best.
    assert rates.max() > 3 * rates.min()
    low = Proportion.from_counts(
        int(churned[seg.labels == rates.idxmin()].sum()), int((seg.labels == rates.idxmin()).sum())
    )
    assert low.ci_high < rates.max()
