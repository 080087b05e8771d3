"""servicekit.datasets: deterministic, documented frames that the areas' models can read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servicekit import datasets
from servicekit.churn import fit_churn_model
from servicekit.errors import InvalidInputError
from servicekit.metrics import kpi_report

GENERATORS = {
    "make_tickets": lambda seed: datasets.make_tickets(300, random_state=seed),
    "make_customers": lambda seed: datasets.make_customers(300, random_state=seed),
    "make_calls": lambda seed: datasets.make_calls(3, random_state=seed),
    "make_ratings": lambda seed: datasets.make_ratings(40, 20, random_state=seed),
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_same_frame_other_seed_other_frame(name: str) -> None:
    make = GENERATORS[name]
    pd.testing.assert_frame_equal(make(5), make(5))
    assert not make(5).equals(make(6))


def test_tickets_columns_dtypes_and_time_order() -> None:
    tickets = datasets.make_tickets(2000, random_state=0)
    assert list(tickets.columns) == [
        "ticket_id",
        "created",
        "first_response",
        "resolved",
        "team",
        "channel",
        "priority",
        "escalated",
        "reopened",
        "contacts",
        "csat",
        "nps",
    ]
    for column in ("created", "first_response", "resolved"):
        assert tickets[column].dtype == np.dtype("datetime64[ns]"), column
    assert tickets["ticket_id"].is_unique
    assert tickets["created"].is_monotonic_increasing
    assert tickets["created"].min() >= datasets.TICKETS_START
    assert tickets["created"].max() < datasets.TICKETS_START + pd.Timedelta(days=28)
    responded = tickets.dropna(subset=["first_response"])
    assert (responded["first_response"] >= responded["created"]).all()
    resolved = tickets.dropna(subset=["resolved"])
    assert (resolved["resolved"] >= resolved["first_response"]).all()
    assert 0 < tickets["resolved"].isna().sum() < 200  # a backlog, not a broken generator
    assert set(tickets["team"]) == {"billing", "technical", "accounts"}
    assert set(tickets["channel"]) == {"email", "chat", "phone"}
    assert tickets["escalated"].dtype == bool
    assert tickets["contacts"].dtype == np.int64
    assert (tickets["contacts"] >= 1).all()
    rated = tickets["csat"].dropna()
    assert set(rated) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert tickets.loc[tickets["csat"].notna(), "resolved"].notna().all()
    assert set(tickets["nps"].dropna()) <= set(map(float, range(11)))
    # The frame is what kpi_report expects, with its default column names.
    report = kpi_report(tickets, by="team", satisfaction="csat")
    assert report["n"].sum() == 2000
    assert ((report["csat"] > 0.5) & (report["csat"] < 0.95)).all()


def test_customers_churn_fit_recovers_the_true_coefficients() -> None:
    customers = datasets.make_customers(20_000, random_state=0)
    truth = customers.attrs["true_coefficients"]
    assert truth == datasets.CHURN_COEFFICIENTS
    model = fit_churn_model(customers, target="churned", exclude=["customer_id"])
    summary = model.summary()
    assert sorted(summary.index) == sorted(truth)
    for name, value in truth.items():
        estimate, error = summary.loc[name, ["coef", "std_err"]]
        assert abs(estimate - value) < 3 * error, (name, estimate, value, error)


def test_customers_columns_and_dtypes() -> None:
    customers = datasets.make_customers(1000, random_state=1)
    assert customers.dtypes.astype(str).to_dict() == {
        "customer_id": str(customers["customer_id"].dtype),
        "tenure_months": "int64",
        "monthly_charges": "float64",
        "support_calls": "int64",
        "contract": str(customers["contract"].dtype),
        "payment_method": str(customers["payment_method"].dtype),
        "churned": "bool",
    }
    assert customers["tenure_months"].between(1, 72).all()
    assert customers["monthly_charges"].between(20, 120).all()
    assert (customers["monthly_charges"] * 100).round(6).mod(1).eq(0).all()  # cents
    assert customers["customer_id"].is_unique
    assert customers.attrs["target"] == "churned"
    customers.attrs["true_coefficients"]["intercept"] = 99.0  # a copy: the constant stays
    assert datasets.CHURN_COEFFICIENTS["intercept"] == -1.0


def test_calls_log_is_a_consistent_queue() -> None:
    calls = datasets.make_calls(10, random_state=0)
    assert list(calls.columns) == [
        "call_id",
        "arrived",
        "answered",
        "wait_seconds",
        "handle_seconds",
    ]
    assert calls["arrived"].dtype == np.dtype("datetime64[ns]")
    assert calls["arrived"].is_monotonic_increasing
    assert (calls["arrived"].dt.day_of_week < 5).all()
    minutes = calls["arrived"].dt.hour * 60 + calls["arrived"].dt.minute
    assert minutes.between(8 * 60, 20 * 60 - 1).all()
    assert calls["arrived"].dt.normalize().nunique() == 10
    assert (calls["wait_seconds"] >= 0).all()
    assert calls.loc[calls["answered"], "handle_seconds"].notna().all()
    assert calls.loc[~calls["answered"], "handle_seconds"].isna().all()
    assert 0.85 < calls["answered"].mean() < 1.0
    assert 200 < calls["handle_seconds"].mean() < 280
    per_day = calls.groupby(calls["arrived"].dt.normalize()).size()
    assert per_day.between(350, 900).all()
    agents = calls.attrs["agents"]
    assert len(agents) == 10 * 24
    assert (agents >= 1).all()


def test_calls_count_into_a_history_the_forecast_reads() -> None:
    from servicekit.forecast import arrival_counts, forecast_arrivals
    from servicekit.metrics import BusinessCalendar

    calls = datasets.make_calls(30, random_state=0)
    desk = BusinessCalendar(opens="08:00", closes="20:00")
    start = datasets.CALLS_START
    end = calls["arrived"].max().normalize() + pd.Timedelta(days=1)
    counts = arrival_counts(calls["arrived"], freq="30min", open_hours=desk, start=start, end=end)
    assert len(counts) == 30 * 24
    assert counts.sum() == len(calls)
    forecast = forecast_arrivals(counts, horizon_days=5)
    assert len(forecast.mean) == 5 * 24
    assert 400 < forecast.mean.sum() / 5 < 800


def test_ratings_prefer_liked_categories() -> None:
    ratings = datasets.make_ratings(300, 60, random_state=0)
    assert list(ratings.columns) == ["user", "item", "category", "rating"]
    assert ratings["rating"].dtype == np.int64
    assert ratings["rating"].between(1, 5).all()
    assert not ratings.duplicated(["user", "item"]).any()
    assert ratings["item"].nunique() <= 60
    assert ratings["user"].nunique() == 300
    assert (ratings.groupby("item")["category"].nunique() == 1).all()
    assert (ratings["item"].str.split("-").str[0] == ratings["category"]).all()
    # Users rate categories they like more often and higher: a user's mean rating in a
    # category correlates with how many of its items they rated.
    per = ratings.groupby(["user", "category"])["rating"].agg(["mean", "size"])
    assert per["mean"].corr(per["size"]) > 0.2


def test_question_set_size_intents_and_answers() -> None:
    questions = datasets.load_questions()
    assert list(questions.columns) == ["question", "intent", "answer", "split"]
    assert len(questions) == 300
    counts = questions["intent"].value_counts()
    assert len(counts) == 12
    assert (counts == 25).all()
    assert questions["question"].is_unique
    assert (questions.groupby("intent")["answer"].nunique() == 1).all()
    assert questions["answer"].nunique() == 12
    assert questions["split"].value_counts().to_dict() == {"train": 240, "test": 60}
    assert (questions[questions["split"] == "test"].groupby("intent").size() == 5).all()
    assert questions["question"].str.len().between(3, 120).all()


def test_the_question_file_ships_in_the_package_not_under_a_data_folder() -> None:
    import servicekit.datasets as package

    folder = Path(package.__file__).parent / "_files"
    assert sorted(p.name for p in folder.iterdir()) == ["questions.json"]
    assert "/data/" not in folder.as_posix() + "/"


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: datasets.make_tickets(0), "n"),
        (lambda: datasets.make_tickets(10, days=0), "days"),
        (lambda: datasets.make_customers(5), "n"),
        (lambda: datasets.make_calls(0), "days"),
        (lambda: datasets.make_calls(2, handle_time=1), "handle_time"),
        (lambda: datasets.make_ratings(10, 3), "n_items"),
        (lambda: datasets.make_ratings(10, 10, random_state=-1), "random_state"),
    ],
)
def test_bad_arguments_name_themselves(call: object, argument: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        call()  # type: ignore[operator]
    assert info.value.argument == argument


def test_wheel_check_in_ci_accepts_only_our_question_file() -> None:
    """.ci/run refuses data files in the wheel except the question set written for us."""
    script = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "servicekit/datasets/_files/questions.json" in script
    assert "wheel ships data" in script
