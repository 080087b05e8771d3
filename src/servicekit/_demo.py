"""``servicekit demo``: every area end to end on the built-in sample data.

The report is plain ASCII text in sections whose headings use the words people search
for (CSAT, NPS, churn, recommendations, staffing, forecast, segments, contact reasons,
classification, FAQ, routing). Everything runs on :mod:`servicekit.datasets`: no
network, no files outside the installed package, about 10 to 20 seconds on a small
machine. Only the areas' public APIs are used, as a user would.

Examples
--------
>>> _fmt_pct(0.7321), _fmt_ci(0.703, 0.760)
('73.2%', '[70.3%, 76.0%]')
>>> print(_table(["name", "value"], [["a", "1.5"], ["bb", "10.0"]]))
  name  value
  ----  -----
  a       1.5
  bb     10.0
"""

from __future__ import annotations

import math
import os
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

__all__ = ["CHARTS", "SECTIONS", "prepare_plots", "run"]

#: Section headings, in order; tests check that each is printed.
SECTIONS = (
    "Customer service KPIs: CSAT, NPS, response and resolution times",
    "Call centre KPIs: service level, speed of answer, abandonment",
    "Churn prediction: logistic model summary",
    "Churn model evaluation on held-out customers",
    "Churn risk drivers for the three customers most at risk",
    "Recommendations: top 5 items for three users, with score breakdown",
    "Contact volume forecast for next week, with 90% intervals and implied staffing",
    "Staffing: agents required per half hour (Erlang C) for next Monday",
    "Shift schedule covering next Monday",
    "Customer segments (k-means)",
    "Discovered contact reasons (topics)",
    "Question classification: intent, confidence and escalation",
    "FAQ answers",
    "Routing table: questions to agents",
)

_HANDLE_TIME = 240.0  # seconds; make_calls' default mean handle time
_SHRINKAGE = 0.3
_THRESHOLD = 0.4  # classifier confidence below which a question goes to a human


# --------------------------------------------------------------------------- formatting
def _fmt_pct(x: float, digits: int = 1) -> str:
    return "-" if math.isnan(x) else f"{100 * x:.{digits}f}%"


def _fmt_ci(low: float, high: float, digits: int = 1) -> str:
    return f"[{_fmt_pct(low, digits)}, {_fmt_pct(high, digits)}]"


def _fmt_num(x: float, digits: int = 2) -> str:
    return "-" if math.isnan(x) else f"{x:,.{digits}f}"


def _fmt_duration(seconds: float) -> str:
    if math.isnan(seconds):
        return "-"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _is_number(text: str) -> bool:
    stripped = text.replace(",", "").replace("%", "").replace("+", "").lstrip("<x").strip()
    for unit in (" s", " min", " h"):
        stripped = stripped.removesuffix(unit)
    try:
        float(stripped)
    except ValueError:
        return text.startswith("[") or text == "-"
    return True


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    """An aligned text table: numbers right-aligned, text left-aligned."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    numeric = [
        all(_is_number(row[j]) for row in rows) if rows else False for j in range(len(headers))
    ]

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(w) if num else cell.ljust(w)
            for cell, w, num in zip(cells, widths, numeric, strict=True)
        ]
        return (indent + "  ".join(parts)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(row) for row in rows)
    return "\n".join(out)


class _Report:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        #: (file name, what it shows, a function drawing it): drawn only for --plots.
        self.charts: list[tuple[str, str, Callable[[], Any]]] = []

    def chart(self, name: str, what: str, draw: Callable[[], Any]) -> None:
        """Offer a figure of this section (a servicekit.plot call, made only if asked)."""
        self.charts.append((name, what, draw))

    def heading(self, title: str) -> None:
        self.out.write(f"\n{title}\n{'=' * len(title)}\n")

    def line(self, text: str = "") -> None:
        """A line of prose, wrapped at 100 characters (continuations indented)."""
        indent = text[: len(text) - len(text.lstrip())]
        wrapped = textwrap.fill(
            text, width=100, subsequent_indent=indent + "    ", break_on_hyphens=False
        )
        self.out.write((wrapped or text) + "\n")

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.out.write(_table(headers, rows) + "\n")

    def flush(self) -> None:
        self.out.flush()


def _plot() -> Any:
    """servicekit.plot, imported only when a chart is drawn (matplotlib is optional)."""
    import servicekit.plot

    return servicekit.plot


# --------------------------------------------------------------------------- sections
def _kpis(report: _Report) -> None:
    from servicekit.datasets import make_calls, make_tickets
    from servicekit.metrics import (
        abandonment_rate,
        average_speed_of_answer,
        csat,
        kpi_report,
        nps,
        service_level,
    )

    tickets = make_tickets(2000, days=28, random_state=0)
    report.heading(SECTIONS[0])
    report.line(
        f"{len(tickets):,} generated tickets over 4 weeks (servicekit.datasets.make_tickets);"
        " times are medians, rates with 95% Wilson intervals."
    )
    by_channel = kpi_report(tickets, by="channel", satisfaction="csat")
    overall = kpi_report(tickets, satisfaction="csat")
    rows = []
    for name, row in [*by_channel.iterrows(), ("all", overall.iloc[0])]:
        rows.append(
            [
                str(name),
                f"{int(row['n']):,}",
                _fmt_duration(float(row["response_seconds_median"])),
                _fmt_duration(float(row["resolution_seconds_median"])),
                _fmt_pct(float(row["resolution_rate"])),
                _fmt_ci(
                    float(row["resolution_rate_ci_low"]), float(row["resolution_rate_ci_high"])
                ),
                _fmt_pct(float(row["csat"])),
                _fmt_ci(float(row["csat_ci_low"]), float(row["csat_ci_high"])),
                str(int(row["backlog"])),
            ]
        )
    report.table(
        [
            "channel",
            "tickets",
            "first response",
            "resolution",
            "resolved",
            "95% CI",
            "CSAT",
            "95% CI",
            "backlog",
        ],
        rows,
    )
    weekly = kpi_report(
        tickets.assign(week=tickets["created"].dt.to_period("W").dt.start_time),
        by="week",
        satisfaction="csat",
    )
    report.chart(
        "kpi-csat-by-week.png",
        "CSAT per week with its 95% interval",
        lambda: _plot().plot_kpi_trend(weekly, "csat"),
    )
    satisfaction = csat(tickets["csat"], missing="omit")
    promoter = nps(tickets["nps"], missing="omit")
    report.line()
    report.line(
        f"  CSAT (rated 4 or 5 of 5): {_fmt_pct(float(satisfaction))}"
        f" of {satisfaction.n:,} ratings, 95% CI {_fmt_ci(satisfaction.ci_low, satisfaction.ci_high)}"
    )
    report.line(
        f"  NPS: {promoter.value:+.1f} points from {promoter.n:,} answers"
        f" ({_fmt_pct(promoter.promoter_share)} promoters,"
        f" {_fmt_pct(promoter.detractor_share)} detractors),"
        f" 95% CI [{promoter.ci_low:+.1f}, {promoter.ci_high:+.1f}]"
    )

    calls = make_calls(30, random_state=0)
    report.heading(SECTIONS[1])
    report.line(
        f"{len(calls):,} generated calls over 6 weeks of weekdays 08:00-20:00"
        " (servicekit.datasets.make_calls, a simulated queue)."
    )
    rows = []
    for method in ("ignore_abandoned", "abandoned_negative"):
        level = service_level(
            calls["wait_seconds"], calls["answered"], answer_within=20, method=method
        )
        rows.append(
            [
                f"service level, 20 s ({method})",
                _fmt_pct(float(level)),
                _fmt_ci(level.ci_low, level.ci_high),
            ]
        )
    abandoned = abandonment_rate(calls["wait_seconds"], calls["answered"])
    rows.append(
        [
            "abandonment rate",
            _fmt_pct(float(abandoned)),
            _fmt_ci(abandoned.ci_low, abandoned.ci_high),
        ]
    )
    asa = average_speed_of_answer(calls["wait_seconds"], calls["answered"])
    rows.append(["average speed of answer", f"{asa:.1f} s", "-"])
    report.table(["KPI", "value", "95% CI"], rows)


def _churn(report: _Report) -> dict[str, float]:
    from servicekit.churn import calibration_table, evaluate, fit_churn_model, lift_table
    from servicekit.datasets import make_customers

    customers = make_customers(5000, random_state=0)
    truth: dict[str, float] = customers.attrs["true_coefficients"]
    train, test = customers.iloc[:4000], customers.iloc[4000:]
    model = fit_churn_model(train, target="churned", exclude=["customer_id"])
    summary = model.summary()
    report.heading(SECTIONS[2])
    report.line(
        f"P(churned) by logistic regression on {len(train):,} generated customers"
        " (servicekit.datasets.make_customers, drawn from known coefficients);"
        " reference levels: month-to-month contract, bank transfer."
    )
    rows = []
    for name, row in summary.iterrows():
        rows.append(
            [
                str(name),
                f"{row['coef']:+.3f}",
                f"{row['std_err']:.3f}",
                f"[{row['ci_low']:+.3f}, {row['ci_high']:+.3f}]",
                f"{row['p_value']:.3f}" if row["p_value"] >= 0.001 else "<0.001",
                f"{row['odds_ratio']:.3f}",
                f"{truth[str(name)]:+.3f}",
            ]
        )
    report.table(["term", "coef", "std err", "95% CI", "p-value", "odds ratio", "true coef"], rows)

    proba = model.predict_proba(test)
    scores = evaluate(test["churned"], proba)
    lift = lift_table(test["churned"], proba, bins=10)
    report.heading(SECTIONS[3])
    report.line(f"{scores.n:,} customers not used in the fit, {scores.n_positive} of whom churned.")
    report.table(
        ["measure", "value"],
        [
            ["ROC AUC", f"{scores.roc_auc:.3f}"],
            ["PR AUC", f"{scores.pr_auc:.3f}"],
            ["top-decile lift", f"{scores.top_decile_lift:.2f}"],
            ["Brier score", f"{scores.brier:.3f}"],
            ["log loss", f"{scores.log_loss:.3f}"],
            [f"precision at {scores.threshold:.2f}", _fmt_pct(scores.precision)],
            [f"recall at {scores.threshold:.2f}", _fmt_pct(scores.recall)],
        ],
    )
    calibration = calibration_table(test["churned"], proba, bins=10)
    report.chart(
        "churn-gains-lift.png",
        "churn model: cumulative gains and lift by decile",
        lambda: _plot().plot_lift(lift),
    )
    report.chart(
        "churn-calibration.png",
        "churn model: observed churn rate against predicted probability",
        lambda: _plot().plot_calibration(calibration),
    )
    top_capture = float(lift["cumulative_capture"].iloc[1])
    report.line(
        f"  Contacting the riskiest 20% of customers reaches {_fmt_pct(top_capture)} of churners."
    )

    ranked = test.assign(risk=proba).sort_values("risk", ascending=False).head(3)
    drivers = model.risk_drivers(ranked.drop(columns="risk"), top=3)
    report.heading(SECTIONS[4])
    report.line(
        "Contribution: log-odds above a baseline customer; exp() of it multiplies the odds."
    )
    rows = []
    for label, customer in ranked.iterrows():
        for _, driver in drivers.loc[[label]].iterrows():
            value = driver["value"]
            shown = f"{value:,.2f}" if isinstance(value, float) else str(value)
            rows.append(
                [
                    str(customer["customer_id"]),
                    _fmt_pct(float(customer["risk"])),
                    str(int(driver["rank"])),
                    str(driver["feature"]),
                    shown,
                    f"{driver['contribution']:+.2f}",
                    f"x{math.exp(driver['contribution']):.2f}",
                ]
            )
    report.table(["customer", "P(churn)", "rank", "driver", "value", "contribution", "odds"], rows)
    return {"roc_auc": scores.roc_auc}


def _recommend(report: _Report) -> None:
    import pandas as pd

    from servicekit.datasets import make_ratings
    from servicekit.recommend import Interactions, fit_recommender

    ratings = make_ratings(400, 120, random_state=0)
    data = Interactions.from_frame(ratings, user="user", item="item", rating="rating")
    categories = ratings.drop_duplicates("item").set_index("item")["category"]
    features = pd.get_dummies(categories).astype(float)
    model = fit_recommender(data, method="hybrid", item_features=features)
    users = ["U0001", "U0002", "U0003"]
    top = model.recommend(users, k=5)
    report.heading(SECTIONS[5])
    report.line(
        f"Hybrid recommender (item features + item-item collaborative) on {len(ratings):,}"
        f" ratings by {data.n_users} users of {data.n_items} items"
        " (servicekit.datasets.make_ratings)."
    )
    report.line(
        "Score breakdown (Recommender.explain): the largest term of each part, the category"
        " the user likes and the rated item most similar to it (contribution in brackets)."
    )
    rows = []
    for _, rec in top.iterrows():
        user, item = str(rec["user"]), str(rec["item"])
        liked = ratings[ratings["user"] == user].groupby("category")["rating"].mean()
        terms = model.explain(user, item, n=2)
        terms = terms[terms["contribution"] > 0]
        feature = terms[terms["part"] == "features"]
        collaborative = terms[terms["part"] == "collaborative"]
        because = []
        if len(feature):
            because.append(
                f"likes {feature['term'].iloc[0]} ({feature['contribution'].iloc[0]:.2f})"
            )
        if len(collaborative):
            because.append(
                f"rated {collaborative['term'].iloc[0]}"
                f" {collaborative['user_value'].iloc[0]:.0f}/5"
                f" ({collaborative['contribution'].iloc[0]:.2f})"
            )
        rows.append(
            [
                user,
                str(int(rec["rank"])),
                item,
                f"{rec['score']:.3f}",
                f"{liked.get(item.split('-')[0], float('nan')):.1f}"
                if item.split("-")[0] in liked
                else "-",
                "; ".join(because) or "-",
            ]
        )
    report.table(["user", "rank", "item", "score", "user's category mean", "because"], rows)


def _forecast_and_staffing(report: _Report) -> None:
    import numpy as np
    import pandas as pd

    from servicekit.datasets import CALLS_START, make_calls
    from servicekit.forecast import arrival_counts, forecast_arrivals, staff_for_forecast
    from servicekit.metrics import BusinessCalendar
    from servicekit.optimize import (
        agents_required,
        rate_per_second,
        schedule_shifts,
        shift_patterns,
    )

    calls = make_calls(30, random_state=0)
    desk = BusinessCalendar(opens="08:00", closes="20:00")
    end = calls["arrived"].max().normalize() + pd.Timedelta(days=1)
    counts = arrival_counts(
        calls["arrived"], freq="30min", open_hours=desk, start=CALLS_START, end=end
    )
    forecast = forecast_arrivals(counts, horizon_days=5, level=0.9)
    intervals = forecast.interval(0.9)
    staffing = staff_for_forecast(
        forecast, _HANDLE_TIME, service_level=0.8, answer_within=20, shrinkage=_SHRINKAGE
    )
    plan = staffing.to_frame()
    report.heading(SECTIONS[6])
    report.line(
        f"Profile model on {len(counts):,} half-hour counts of 6 weeks of calls;"
        f" staffing for 80% answered within 20 s over each interval's forecast"
        f" distribution, {_fmt_duration(_HANDLE_TIME)} handle time,"
        f" {_fmt_pct(_SHRINKAGE, 0)} shrinkage."
    )
    rows = []
    days = pd.DatetimeIndex(forecast.mean.index).normalize()
    for day in days.unique():
        mask = days == day
        mean = forecast.mean[mask]
        peak = mean.idxmax()
        rows.append(
            [
                f"{day:%a %Y-%m-%d}",
                f"{mean.sum():,.0f}",
                f"{peak:%H:%M}",
                f"{mean[peak]:.1f}",
                f"{intervals.loc[peak, 'lower']:.0f}-{intervals.loc[peak, 'upper']:.0f}",
                str(int(plan.loc[peak, "agents"])),
                str(int(plan.loc[mask, "scheduled"].max())),
                f"{plan.loc[mask, 'scheduled'].sum() / 2:,.0f}",
            ]
        )
    report.table(
        [
            "day",
            "calls (mean)",
            "peak",
            "calls at peak",
            "90% interval",
            "agents at peak",
            "scheduled at peak",
            "scheduled agent-hours",
        ],
        rows,
    )
    last_week = counts[counts.index >= counts.index[-1].normalize() - pd.Timedelta(days=6)]
    report.chart(
        "forecast.png",
        "next week's contact forecast with its 90% interval, after last week's actual counts",
        lambda: _plot().plot_forecast(forecast, last_week),
    )
    report.line(
        f"  Staffing for the forecast distribution instead of its mean adds {staffing.added}"
        " agent-half-hours over the week."
    )

    monday = forecast.mean[days == days[0]]
    need = agents_required(
        rate_per_second(monday.to_numpy(), per_minutes=30),
        _HANDLE_TIME,
        service_level=0.8,
        answer_within=20,
        shrinkage=_SHRINKAGE,
    )
    report.heading(SECTIONS[7])
    report.line(
        "Erlang C for each half hour's expected calls: agents answering (required) and"
        f" agents to schedule ({_fmt_pct(_SHRINKAGE, 0)} shrinkage: breaks, training, absence)."
    )
    rows = []
    for i, start in enumerate(monday.index):
        rows.append(
            [
                f"{start:%H:%M}",
                f"{monday.iloc[i]:.1f}",
                str(int(need.agents[i])),
                str(int(need.scheduled[i])),
                _fmt_pct(float(need.service_level[i])),
                f"{need.average_speed_of_answer[i]:.1f} s",
                _fmt_pct(float(need.occupancy[i])),
            ]
        )
    report.table(
        ["half hour", "calls", "agents", "scheduled", "service level", "ASA", "occupancy"], rows
    )

    patterns = shift_patterns(
        len(monday), lengths=[12, 16], break_length=1, break_after=4, break_before_end=4
    )
    # Cost = half hours worked, plus a tie-break (fixed pseudo-random, together less than
    # one half hour) so that the optimum is unique: alternative optima would make the
    # table depend on the solver's version.
    worked = np.asarray(patterns.matrix).sum(axis=1)  # one row per pattern
    required = int(np.asarray(need.scheduled).sum())
    ties = np.random.default_rng(0).uniform(0.0, 1.0, worked.size) / (required + 1)
    schedule = schedule_shifts(
        np.asarray(need.scheduled), patterns, costs=worked + ties, time_limit=20
    )
    report.heading(SECTIONS[8])
    report.line(
        "Fewest agent-half-hours covering 'scheduled' above with 6 h and 8 h shifts, each with"
        f" a 30 min break (integer program; status {schedule.status})."
    )
    rows = []
    for j in np.flatnonzero(schedule.counts):
        start = monday.index[int(patterns.starts[j])]
        end_at = start + pd.Timedelta(minutes=30 * int(patterns.lengths[j]))
        pause = monday.index[int(patterns.break_starts[j])]
        rows.append(
            [
                f"{start:%H:%M}-{end_at:%H:%M}",
                f"{int(patterns.lengths[j]) / 2:.0f} h",
                f"{pause:%H:%M}",
                str(int(schedule.counts[j])),
            ]
        )
    report.table(["shift", "length", "break", "agents"], rows)
    report.chart(
        "staffing-monday.png",
        "Monday: agents required (Erlang C) against the shift schedule's coverage",
        lambda: _plot().plot_staffing(need, schedule, times=pd.DatetimeIndex(monday.index)),
    )
    report.line(
        f"  {int(schedule.counts.sum())} shifts; {int(schedule.overstaffing.sum())} agent-half-hours"
        f" above the requirement ({_fmt_pct(schedule.overstaffing.sum() / schedule.requirements.sum())}"
        " of it)."
    )


def _insights(report: _Report) -> None:
    from servicekit.datasets import load_questions, make_customers
    from servicekit.insights import discover_topics, segment_customers

    customers = make_customers(2000, random_state=1)
    features = ["tenure_months", "monthly_charges", "support_calls"]
    segments = segment_customers(customers, features=features, k=4, n_boot=0, random_state=0)
    profile = segments.profile()
    churn = customers.groupby(segments.labels)["churned"].mean()
    report.chart(
        "segments.png",
        "customer segments: each feature's mean per segment",
        lambda: _plot().plot_segments(segments),
    )
    report.heading(SECTIONS[9])
    report.line(
        f"k-means with k=4 on {', '.join(features)} of {len(customers):,} customers"
        " (log-transformed where skewed, standardised); churn rate per segment for reading."
    )
    rows = []
    for segment, row in profile.iterrows():
        rows.append(
            [
                str(segment),
                f"{int(row['size']):,}",
                _fmt_pct(float(row["share"])),
                f"{row['tenure_months_mean']:.1f}",
                f"{row['monthly_charges_mean']:.2f}",
                f"{row['support_calls_mean']:.2f}",
                _fmt_pct(float(churn.to_dict()[segment])),
            ]
        )
    report.table(
        [
            "segment",
            "customers",
            "share",
            "tenure (months)",
            "charges (per month)",
            "support calls",
            "churned",
        ],
        rows,
    )

    questions = load_questions()
    topics = discover_topics(questions["question"], n_topics=12, method="nmf", random_state=0)
    table = topics.to_frame()
    terms = topics.terms(4)
    report.heading(SECTIONS[10])
    report.line(
        f"NMF topic model of {len(questions)} unlabelled customer questions"
        " (servicekit.datasets.load_questions, 12 intents) with 12 topics; terms are stemmed."
    )
    rows = []
    for topic, row in table.iterrows():
        example = str(row["example"])
        rows.append(
            [
                str(topic),
                str(int(row["size"])),
                _fmt_pct(float(row["share"])),
                ", ".join(terms[int(str(topic))]),
                example if len(example) <= 48 else example[:45] + "...",
            ]
        )
    report.table(["topic", "questions", "share", "top terms", "example"], rows)


def _classify(report: _Report) -> None:
    import pandas as pd

    from servicekit.classify import (
        FaqIndex,
        evaluate_classifier,
        fit_question_classifier,
        route,
    )
    from servicekit.datasets import load_questions

    questions = load_questions()
    train = questions[questions["split"] == "train"]
    test = questions[questions["split"] == "test"]
    classifier = fit_question_classifier(train["question"], train["intent"])
    scores = evaluate_classifier(classifier, test["question"], test["intent"], threshold=_THRESHOLD)
    report.chart(
        "classification-confusion.png",
        "question classifier: confusion matrix on the held-out questions",
        lambda: _plot().plot_confusion(scores),
    )
    report.heading(SECTIONS[11])
    report.line(
        f"Logistic regression on word and character n-grams of {len(train)} questions over"
        f" {train['intent'].nunique()} intents; scored on the {len(test)} held-out questions."
    )
    report.table(
        ["measure", "value"],
        [
            ["accuracy", _fmt_pct(scores.accuracy)],
            ["macro F1", f"{scores.macro_f1:.3f}"],
            ["top-3 accuracy", _fmt_pct(scores.top3_accuracy)],
            [f"escalated (confidence < {_THRESHOLD})", _fmt_pct(scores.escalation_rate)],
            ["accuracy of those answered", _fmt_pct(scores.answered_accuracy)],
        ],
    )
    asked = [
        "I was charged twice for my subscription this month",
        "where is my parcel? it should have arrived on Monday",
        "please close my account and stop the monthly payments",
        "my router shows a red light and nothing loads",
        "can I bring my dog to the store?",
        "I need the VAT invoice for March",
    ]
    predictions = classifier.classify(asked, threshold=_THRESHOLD)
    report.line()
    rows = [
        [
            text if len(text) <= 52 else text[:49] + "...",
            p.label,
            _fmt_pct(p.confidence),
            "yes" if p.escalate else "no",
            p.alternatives[0][0] if p.alternatives else "-",
        ]
        for text, p in zip(asked, predictions, strict=True)
    ]
    report.table(["question", "intent", "confidence", "escalate", "runner-up"], rows)

    faq = FaqIndex.build(train["question"], train["answer"])
    report.heading(SECTIONS[12])
    report.line("Nearest known question by TF-IDF similarity; below 0.35 there is no answer.")
    for text in ("how do I get my money back for a broken item?", "is the app down right now?"):
        matches = faq.answer(text, top=1)
        report.line(f"  Q: {text}")
        if matches:
            best = matches[0]
            report.line(f"     matched: {best.question!r} (similarity {best.similarity:.2f})")
            report.line(f"  A: {best.answer}")
        else:
            report.line("  A: (no answer above the similarity threshold: hand over to an agent)")

    skills = {
        "billing_charge": "billing",
        "refund_request": "billing",
        "invoice_copy": "billing",
        "update_payment": "billing",
        "cancel_subscription": "accounts",
        "change_plan": "accounts",
        "update_address": "accounts",
        "delete_data": "accounts",
        "reset_password": "technical",
        "service_outage": "technical",
        "track_order": "orders",
        "talk_to_agent": "human",
    }
    agents = pd.DataFrame(
        {
            "agent": ["ana", "ben", "chen", "dara", "eli"],
            "skills": ["billing", ["billing", "accounts"], "technical", "orders", "human"],
            "load": [2, 1, 3, 0, 1],
        }
    )
    table = route(predictions, skills, agents)
    report.heading(SECTIONS[13])
    report.line(
        "Each question goes to the least-loaded agent with its intent's skill; low confidence"
        " goes to the human tier. Agents: ana (billing), ben (billing, accounts), chen"
        " (technical), dara (orders), eli (human)."
    )
    rows = [
        [
            str(int(row["question"]) + 1),
            str(row["label"]),
            _fmt_pct(float(row["confidence"])),
            str(row["queue"]),
            str(row["reason"]),
            "-" if row["agent"] is None else str(row["agent"]),
            str(row["status"]),
        ]
        for _, row in table.iterrows()
    ]
    report.table(["#", "intent", "confidence", "queue", "reason", "agent", "status"], rows)


# --------------------------------------------------------------------------- charts
#: Heading of the list of chart files (printed only with ``plots``).
CHARTS = "Charts written (servicekit.plot)"


def prepare_plots(folder: str | os.PathLike[str]) -> Path:
    """Check that charts can be drawn and written to ``folder`` (created if missing).

    Raises :class:`~servicekit.errors.OptionalDependencyError` without matplotlib and a
    one-line :class:`~servicekit._cli_support.CommandError` naming ``--plots`` when the
    folder is a file or cannot be created or written: before the demo's work starts.
    """
    from servicekit._cli_support import CommandError
    from servicekit.plot._core import require_matplotlib

    require_matplotlib()
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise CommandError(f"--plots {folder}: is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(
            f"--plots {folder}: folder cannot be created ({exc.strerror or exc})"
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise CommandError(f"--plots {folder}: cannot be written (permission denied)")
    return path


def _write_charts(report: _Report, folder: Path, shown: str) -> None:
    from servicekit._cli_support import CommandError

    report.heading(CHARTS)
    report.line(
        f"PNG files in {shown}, one per figure; each is a servicekit.plot function's Figure."
    )
    rows = []
    for name, what, draw in report.charts:
        figure = draw()
        try:
            figure.savefig(folder / name, dpi=100)
        except OSError as exc:
            raise CommandError(
                f"--plots {shown}: cannot write {name} ({exc.strerror or exc})"
            ) from None
        rows.append([name, what])
        report.flush()
    report.table(["file", "shows"], rows)


# --------------------------------------------------------------------------- entry point
def run(
    out: TextIO | None = None, *, plots: str | os.PathLike[str] | None = None
) -> dict[str, float]:
    """Print the demo report to ``out`` (standard output); return its headline figures.

    The report has one section per heading in :data:`SECTIONS`; the figures are the
    churn model's held-out ``roc_auc`` and the run time in ``seconds``. With ``plots``
    (a folder, created if missing; needs matplotlib, the ``plot`` extra) the
    :mod:`servicekit.plot` figures of the sections are also written there as PNG files,
    listed under the heading :data:`CHARTS`.

    Examples
    --------
    >>> len(SECTIONS), SECTIONS[2]
    (14, 'Churn prediction: logistic model summary')
    """
    stream = sys.stdout if out is None else out
    folder = None if plots is None else prepare_plots(plots)
    report = _Report(stream)
    started = time.perf_counter()
    report.line("servicekit demo: every area end to end on built-in sample data")
    report.line("(generated by servicekit.datasets; no network, no files; see docs/datasets.md)")
    figures: dict[str, float] = {}
    steps: list[Callable[[_Report], Any]] = [
        _kpis,
        _churn,
        _recommend,
        _forecast_and_staffing,
        _insights,
        _classify,
    ]
    for step in steps:
        found = step(report)
        if isinstance(found, dict):
            figures.update(found)
        report.flush()
    if folder is not None and plots is not None:
        _write_charts(report, folder, os.fspath(plots))
    figures["seconds"] = time.perf_counter() - started
    report.line()
    # No run time on the page: the output is the same on every run (docs/cli.md shows it).
    report.line("Done. Each area has its own command for your data: see servicekit --help.")
    return figures
