from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servicekit.metrics import service_level
from servicekit.optimize import agents_required, erlang_a, erlang_c, rate_per_second
from tests.support import real_data


@pytest.fixture(scope="module")
def offered() -> pd.DataFrame:
    path = real_data("technion_anonymous_bank", "anonymous_bank_1999_08_calls.csv")
    calls = pd.read_csv(path, dtype=str)
    calls = calls[calls["outcome"] != "PHANTOM"]
    first_days = calls[calls["date"].isin(["2010-08-01", "2010-08-02", "2010-08-03"])]
    frame = first_days[
        (first_days["outcome"] == "AGENT") | (first_days["q_start"] != "0:00:00")
    ].copy()
    frame["interval"] = pd.to_datetime(frame["date"] + " " + frame["vru_exit"]).dt.floor("30min")
    frame["wait"] = frame["q_time"].astype(float)
    frame["service"] = frame["ser_time"].astype(float)
    frame["answered"] = frame["outcome"] == "AGENT"
    return frame


@pytest.mark.realdata
def test_estimation_arithmetic_and_staffing(offered: pd.DataFrame) -> None:
    counts = offered.groupby("interval").size()
    busy = offered[offered["answered"] & (offered["service"] > 0)]
    aht = busy.groupby("interval")["service"].mean()
    table = pd.DataFrame({"calls": counts, "aht": aht}).dropna()
    table = table[table["calls"] >= 30]
    assert len(table) >= 20
    rate = rate_per_second(table["calls"], per_minutes=30)
    assert rate * 1800 == pytest.approx(table["calls"].to_numpy())
    one = table.index[0]
    in_one = busy[busy["interval"] == one]["service"]
    assert table.loc[one, "aht"] == pytest.approx(in_one.sum() / len(in_one))
    plan = agents_required(rate, table["aht"], service_level=0.8, answer_within=20)
    at = erlang_c(rate, table["aht"], plan.agents, answer_within=20).service_level
    below = erlang_c(rate, table["aht"], plan.agents - 1, answer_within=20).service_level
    assert np.all(at >= 0.8)
    assert np.all(below < 0.8)
    assert np.all(plan.agents > rate * table["aht"])


@pytest.mark.realdata
def test_predicted_against_observed_service_level(offered: pd.DataFrame) -> None:
    patience = offered["wait"].sum() / (~offered["answered"]).sum()
    assert 60 < patience < 1200  # a few minutes, as reported for this bank
    busy = offered[offered["answered"] & (offered["service"] > 0)]
    seen = busy.groupby("interval")["server"].nunique()
    calls = offered.groupby("interval").size()
    aht = busy.groupby("interval")["service"].mean()
    keep = calls[calls >= 30].index.intersection(seen.index)
    observed = np.array(
        [
            service_level(
                g["wait"], g["answered"], answer_within=20, method="abandoned_negative"
            ).value
            for _, g in offered[offered["interval"].isin(keep)].groupby("interval")
        ]
    )
    rate = rate_per_second(calls[keep], per_minutes=30)
    c = erlang_c(rate, aht[keep], seen[keep], answer_within=20).service_level
    a = erlang_a(rate, aht[keep], seen[keep], patience=patience, answer_within=20).service_level
    # Abandonment relieves the queue, so Erlang A predicts a higher service level at equal staffing.
    assert np.all(a >= c - 1e-12)
    assert np.all((observed >= 0) & (observed <= 1))
    assert np.isfinite(np.abs(a - observed).mean())
