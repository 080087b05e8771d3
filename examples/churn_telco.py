"""Churn on the IBM Telco table: fit, read the summary, cross-validate, explain customers.

The data folder is the first argument or $SERVICEKIT_DATA:

    python examples/churn_telco.py /path/to/data
"""

from __future__ import annotations

import pandas as pd
from example_data import data_file

from servicekit.churn import cross_validate, evaluate, fit_churn_model


def main() -> None:
    frame = pd.read_csv(data_file("telco", "WA_Fn-UseC_-Telco-Customer-Churn.csv"))
    print(f"{len(frame):,} customers, churn rate {(frame['Churn'] == 'Yes').mean():.1%}\n")

    # 1. Fit on the table as it comes: TotalCharges is text with 11 blanks, 15 columns
    #    are categorical, and 7 dummy columns are aliased (dropped, and reported).
    model = fit_churn_model(frame, target="Churn", positive="Yes", exclude=["customerID"])
    print(model)

    # 2. The strongest effects, as odds ratios with 95% intervals.
    table = model.summary()
    table["or_low"], table["or_high"] = (
        table["ci_low"].rpow(2.718281828459045),
        table["ci_high"].rpow(2.718281828459045),
    )
    strongest = table.drop(index="intercept").sort_values("p_value").head(6)
    print("\nStrongest effects (odds ratio per unit, 95% CI):")
    print(strongest[["odds_ratio", "or_low", "or_high", "p_value"]].round(3).to_string())

    # 3. Honest accuracy: repeated stratified 5-fold cross-validation.
    scores = cross_validate(
        frame, target="Churn", folds=5, repeats=2, positive="Yes", exclude=["customerID"]
    )
    print(
        f"\nCross-validated ROC AUC {scores['roc_auc'].mean():.3f} "
        f"(sd {scores['roc_auc'].std():.3f} over {len(scores)} folds), "
        f"top-decile lift {scores['top_decile_lift'].mean():.2f}"
    )

    # 4. In-sample evaluation of the full model, for comparison.
    proba = model.predict_proba(frame)
    print("In-sample:", evaluate(frame["Churn"] == "Yes", proba))

    # 5. Why are these three customers at risk?
    customers = frame.set_index("customerID").head(3)
    print("\nChurn probability:")
    print(model.predict_proba(customers).round(3).to_string())
    print("\nRisk drivers (log-odds contributions against a typical customer):")
    print(model.risk_drivers(customers, top=3).round(3).to_string())


if __name__ == "__main__":
    main()
