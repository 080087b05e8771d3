"""Satisfaction drivers of restaurant ratings, and co-occurring help-desk ticket traits.

Run from the repository root:  python examples/insights_drivers_rules.py
"""

from __future__ import annotations

import pandas as pd
from example_data import data_file

from servicekit.insights import association_rules, key_drivers


def drivers() -> None:
    folder = data_file("uci_restaurant_consumer")
    ratings = pd.read_csv(folder / "rating_final.csv")
    places = pd.read_csv(folder / "geoplaces2.csv", encoding="latin-1")
    frame = ratings.merge(places[["placeID", "price", "alcohol", "smoking_area"]], on="placeID")
    columns = ["food_rating", "service_rating", "price", "alcohol", "smoking_area"]
    for method in ("shapley", "relative_weights"):
        table = key_drivers(frame, outcome="rating", drivers=columns, method=method, n_boot=200)
        print(
            f"Key drivers of the overall rating ({method}; R² = {table.attrs['r2']:.3f}, "
            f"n = {table.attrs['n']:,}):"
        )
        print(table.round(3).to_string(), "\n")


def rules() -> None:
    log = pd.read_csv(data_file("helpdesk_italian_4tu", "finale.csv"))
    activities = pd.DataFrame(
        {"transaction": log["Case ID"], "item": "activity=" + log["Activity"]}
    )
    first = log.groupby("Case ID", sort=False).first()
    traits = [
        pd.DataFrame({"transaction": first.index, "item": f"{c}=" + first[c].astype(str)})
        for c in ("seriousness", "service_level", "service_type", "workgroup")
    ]
    long = pd.concat([activities, *traits], ignore_index=True).drop_duplicates()
    table = association_rules(long, min_support=0.02, min_confidence=0.8, max_len=3)
    table = table[table["consequent"].map(lambda c: all(i.startswith("activity=") for i in c))]
    table = table[table["antecedent"].map(lambda a: all(not i.startswith("activity=") for i in a))]
    print(
        f"Help desk: {table.attrs['n_transactions']:,} tickets; rules from ticket traits to "
        f"process activities (support >= 2 %, confidence >= 80 %), by lift:"
    )
    shown = table.head(12).assign(
        antecedent=lambda t: t["antecedent"].map(lambda s: ", ".join(sorted(s))),
        consequent=lambda t: t["consequent"].map(lambda s: ", ".join(sorted(s))),
    )
    with pd.option_context("display.width", 180, "display.max_colwidth", 70):
        print(
            shown[["antecedent", "consequent", "support", "confidence", "lift"]]
            .round(3)
            .to_string(index=False)
        )


def main() -> None:
    drivers()
    rules()


if __name__ == "__main__":
    main()
