"""servicekit in one page: every area on the built-in sample data (no files, no network).

Run it with ``python examples/quickstart.py`` (about 10 s). Each block is a few lines
you can copy into your own script; swap the ``servicekit.datasets`` call for your
table. The other examples need the real data sets (see examples/README.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from servicekit.churn import evaluate, fit_churn_model
from servicekit.classify import fit_question_classifier
from servicekit.datasets import (
    CALLS_START,
    load_questions,
    make_calls,
    make_customers,
    make_ratings,
    make_tickets,
)
from servicekit.forecast import arrival_counts, forecast_arrivals
from servicekit.insights import discover_topics, segment_customers
from servicekit.metrics import BusinessCalendar, kpi_report, service_level
from servicekit.optimize import agents_required, rate_per_second
from servicekit.recommend import Interactions, fit_recommender


def section(title: str) -> None:
    print(f"\n== {title}")


# Metrics: KPIs of a ticket table, with 95% intervals.
tickets = make_tickets(1000, days=28, random_state=0)
section("metrics: KPI report by channel")
report = kpi_report(tickets, by="channel", satisfaction="csat")
print(report[["n", "resolution_rate", "resolution_rate_ci_low", "csat", "backlog"]].round(3))

calls = make_calls(10, random_state=0)
level = service_level(calls["wait_seconds"], calls["answered"], answer_within=20)
print(f"service level (20 s): {float(level):.1%}, 95% CI [{level.ci_low:.1%}, {level.ci_high:.1%}]")

# Churn: a logistic model, scored on customers it has not seen.
customers = make_customers(3000, random_state=0)
train, test = customers.iloc[:2400], customers.iloc[2400:]
model = fit_churn_model(train, target="churned", exclude=["customer_id"])
scores = evaluate(test["churned"], model.predict_proba(test))
section("churn: held-out evaluation")
print(f"ROC AUC {scores.roc_auc:.3f}, top-decile lift {scores.top_decile_lift:.2f}")
print(model.summary()[["coef", "odds_ratio"]].round(3).head(4))

# Classify: intents of customer questions.
questions = load_questions()
labelled = questions[questions["split"] == "train"]
held_out = questions[questions["split"] == "test"]
classifier = fit_question_classifier(labelled["question"], labelled["intent"])
accuracy = np.mean(classifier.predict(held_out["question"]) == held_out["intent"].to_numpy())
section("classify: question intents")
print(f"accuracy on {len(held_out)} held-out questions: {accuracy:.1%}")
for prediction in classifier.classify(["I was charged twice this month"], threshold=0.5):
    print(f"'I was charged twice this month' -> {prediction.label} ({prediction.confidence:.0%})")

# Recommend: top items per user from ratings.
ratings = make_ratings(200, 60, random_state=0)
interactions = Interactions.from_frame(ratings, user="user", item="item", rating="rating")
recommender = fit_recommender(interactions, method="item_knn")
section("recommend: top 3 for one user")
print(recommender.recommend(["U0001"], k=3)[["user", "item", "score"]].round(3))

# Forecast and optimize: a week of half-hourly calls, and the agents each interval needs.
desk = BusinessCalendar(opens="08:00", closes="20:00")
end = calls["arrived"].max().normalize() + pd.Timedelta(days=1)
counts = arrival_counts(calls["arrived"], freq="30min", open_hours=desk, start=CALLS_START, end=end)
forecast = forecast_arrivals(counts, horizon_days=1)
need = agents_required(
    rate_per_second(forecast.mean.to_numpy(), per_minutes=30),
    240.0,
    service_level=0.8,
    answer_within=20,
)
section("forecast + optimize: tomorrow's peak half hour")
peak = int(np.argmax(forecast.mean.to_numpy()))
print(
    f"{forecast.mean.index[peak]:%a %H:%M}: {forecast.mean.iloc[peak]:.1f} calls expected,"
    f" {int(need.agents[peak])} agents for 80% answered within 20 s"
)

# Insights: customer segments and contact reasons.
segments = segment_customers(
    customers, features=["tenure_months", "monthly_charges", "support_calls"], k=3, n_boot=0
)
section("insights: customer segments")
print(segments.profile()[["size", "share", "tenure_months_mean"]].round(2))
topics = discover_topics(questions["question"], n_topics=12, method="nmf")
section("insights: contact reasons")
for topic, terms in list(topics.terms(3).items())[:4]:
    print(f"topic {topic}: {', '.join(terms)}")
