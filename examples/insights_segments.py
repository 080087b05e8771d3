"""Customer segments on real data: RFM on CDNOW, k-means segments on CDNOW and Telco.

Run from the repository root:  python examples/insights_segments.py
The data folder is the first argument or $SERVICEKIT_DATA.
"""

from __future__ import annotations

import pandas as pd
from example_data import data_file

from servicekit.churn import evaluate, fit_churn_model
from servicekit.insights import rfm_scores, rfm_table, segment_customers
from servicekit.metrics import Proportion


def cdnow() -> None:
    purchases = pd.read_csv(data_file("cdnow", "cdnow_master.csv"))
    rfm = rfm_table(
        purchases, customer="customer_id", time="date", amount="amount", as_of="1998-07-01"
    )
    print(f"CDNOW: {len(purchases):,} purchases by {len(rfm):,} customers, as of 1998-07-01")
    print(rfm.describe().round(1).to_string(), "\n")
    scores = rfm_scores(rfm)
    print("RFM segments (share of customers, mean monetary value):")
    summary = rfm.groupby(scores["segment"]).agg(
        customers=("frequency", "size"), monetary=("monetary", "mean")
    )
    summary["share"] = summary["customers"] / summary["customers"].sum()
    print(summary.sort_values("customers", ascending=False).round(3).to_string(), "\n")

    seg = segment_customers(rfm[["recency_days", "frequency", "monetary"]], n_boot=5)
    print(
        f"k-means on log-transformed {list(seg.log_features)} and scaled RFM: k={seg.k} "
        f"chosen by silhouette, stability {seg.stability:.3f}"
    )
    print(seg.scores.round(3).to_string())
    print(seg.profile().round(1).to_string(), "\n")


def telco() -> None:
    raw = pd.read_csv(data_file("telco", "WA_Fn-UseC_-Telco-Customer-Churn.csv"))
    services = [
        "PhoneService",
        "OnlineSecurity",
        "OnlineBackup",
        "DeviceProtection",
        "TechSupport",
        "StreamingTV",
        "StreamingMovies",
    ]
    features = pd.DataFrame(
        {
            "tenure": raw["tenure"],
            "MonthlyCharges": raw["MonthlyCharges"],
            "services": (raw[services] == "Yes").sum(axis=1),
        }
    )
    seg = segment_customers(features, k_range=range(2, 8), n_boot=5)
    print(
        f"Telco: {len(raw):,} customers segmented on tenure, charges and number of services: "
        f"k={seg.k}, stability {seg.stability:.3f}"
    )
    print(seg.scores.round(3).to_string())
    # Churn per segment: the rate with its Wilson interval, and how well the churn model
    # ranks customers inside each segment (the churn area's evaluation).
    model = fit_churn_model(raw, target="Churn", positive="Yes", exclude=["customerID"])
    proba = model.predict_proba(raw)
    churned = (raw["Churn"] == "Yes").astype(int)
    profile = seg.profile()
    rows = []
    for segment in profile.index:
        members = seg.labels == segment
        rate = Proportion.from_counts(int(churned[members].sum()), int(members.sum()))
        report = evaluate(churned[members].to_numpy(), proba[members].to_numpy())
        rows.append(
            (segment, int(members.sum()), rate.value, rate.ci_low, rate.ci_high, report.roc_auc)
        )
    table = pd.DataFrame(
        rows, columns=["segment", "customers", "churn_rate", "ci_low", "ci_high", "model_auc"]
    ).set_index("segment")
    print(
        pd.concat([profile[["tenure_mean", "MonthlyCharges_mean", "services_mean"]], table], axis=1)
        .round(3)
        .to_string()
    )


def main() -> None:
    cdnow()
    telco()


if __name__ == "__main__":
    main()
