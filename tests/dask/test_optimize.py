"""Staffing and the Erlang functions on Dask arrays: per-interval loads of the Technion bank.

Every interval of August 1999 (30-minute intervals with at least one served call) is one
row; the rows are split into uneven chunks with an empty one, evaluated on the two-worker
cluster and compared with the in-memory functions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError
from servicekit.optimize import (
    agents_required,
    erlang_a,
    erlang_b,
    erlang_c,
    rate_per_second,
    scheduled_agents,
)
from tests.support import real_data

pytestmark = pytest.mark.realdata

CHUNKS = (7, 0, 113)  # uneven, with an empty chunk; the rest in one chunk


@pytest.fixture(scope="module")
def loads() -> pd.DataFrame:
    """Calls, mean handle time and agents seen per 30-minute interval (every day of August)."""
    path = real_data("technion_anonymous_bank", "anonymous_bank_1999_08_calls.csv")
    calls = pd.read_csv(
        path, dtype=str, usecols=["date", "vru_exit", "outcome", "ser_time", "server", "q_start"]
    )
    calls = calls[calls["outcome"] != "PHANTOM"]
    calls = calls[(calls["outcome"] == "AGENT") | (calls["q_start"] != "0:00:00")].copy()
    calls["interval"] = pd.to_datetime(
        calls["date"] + " " + calls["vru_exit"], errors="coerce"
    ).dt.floor("30min")
    calls = calls.dropna(subset=["interval"])
    calls["service"] = calls["ser_time"].astype(float)
    busy = calls[(calls["outcome"] == "AGENT") & (calls["service"] > 0)]
    table = pd.DataFrame(
        {
            "calls": calls.groupby("interval").size(),
            "aht": busy.groupby("interval")["service"].mean(),
            "seen": busy.groupby("interval")["server"].nunique(),
        }
    ).dropna()
    assert len(table) > 500
    return table


def chunked(values: Any, chunks: tuple[int, ...] = CHUNKS) -> Any:
    import dask.array as da

    array = np.asarray(values, dtype=np.float64)
    layout = (*chunks, len(array) - sum(chunks))
    return da.from_array(array, chunks=(layout,))


def test_erlang_functions_equal_in_memory(client: Any, loads: pd.DataFrame) -> None:
    import dask
    import dask.array as da

    rate = rate_per_second(loads["calls"])
    aht, seen = loads["aht"].to_numpy(), loads["seen"].to_numpy()
    lazy_rate = rate_per_second(chunked(loads["calls"]))
    assert isinstance(lazy_rate, da.Array)
    lazy_b = erlang_b(lazy_rate * chunked(aht), chunked(seen))
    lazy_c = erlang_c(lazy_rate, chunked(aht), chunked(seen), answer_within=20)
    # In-memory arrays and numbers mix with Dask arrays; chunks follow the first Dask one.
    lazy_a = erlang_a(lazy_rate, aht, chunked(seen), patience=300.0, answer_within=20)
    for value in (lazy_b, *lazy_c.to_dict().values(), *lazy_a.to_dict().values()):
        assert isinstance(value, (da.Array, str))  # nothing computed yet (str: model)
    assert lazy_c.traffic.chunks[0][:3] == CHUNKS
    (got_rate, got_b, got_c, got_a) = dask.compute(
        lazy_rate, lazy_b, lazy_c.to_dict(), lazy_a.to_dict()
    )
    np.testing.assert_array_equal(got_rate, rate)
    np.testing.assert_array_equal(got_b, erlang_b(rate * aht, seen))
    # Erlang A sums each interval's series with as many terms as the longest interval of
    # its group, and the groups depend on the neighbouring intervals: equal to ~1 ulp.
    for got, model, rtol in (
        (got_c, erlang_c(rate, aht, seen, answer_within=20), 0.0),
        (got_a, erlang_a(rate, aht, seen, patience=300.0, answer_within=20), 1e-13),
    ):
        for name, value in model.to_dict().items():
            if name != "model":
                np.testing.assert_allclose(got[name], value, rtol=rtol, atol=0, err_msg=name)


def test_agents_required_equals_in_memory_and_survives_a_restart(
    client: Any, loads: pd.DataFrame
) -> None:
    import dask
    import dask.array as da

    rate = rate_per_second(loads["calls"])
    aht = loads["aht"].to_numpy()
    options = {"service_level": 0.8, "answer_within": 20, "shrinkage": 0.3}
    for model, extra in (("erlang_c", {}), ("erlang_a", {"patience": 300.0, "max_abandon": 0.05})):
        plan = agents_required(rate, aht, model=model, **options, **extra)  # type: ignore[arg-type]
        lazy = agents_required(chunked(rate), aht, model=model, **options, **extra)  # type: ignore[arg-type]
        assert isinstance(lazy.agents, da.Array)
        assert isinstance(lazy.metrics.service_level, da.Array)
        agents, scheduled, level, shrinkage = dask.compute(
            lazy.agents, lazy.scheduled, lazy.metrics.service_level, lazy.shrinkage
        )
        assert agents.dtype == np.int64
        np.testing.assert_array_equal(agents, plan.agents)
        np.testing.assert_array_equal(scheduled, plan.scheduled)
        np.testing.assert_allclose(level, plan.service_level, rtol=1e-13, atol=0)
        np.testing.assert_array_equal(shrinkage, plan.shrinkage)
    lazy_scheduled = scheduled_agents(chunked(plan.agents), shrinkage=0.3)
    assert isinstance(lazy_scheduled, da.Array)
    np.testing.assert_array_equal(lazy_scheduled.compute(), plan.scheduled)
    # A call retried after the workers restart (their memory lost) gives the same result.
    lazy = agents_required(chunked(rate), aht, **options)  # type: ignore[arg-type]
    assert isinstance(lazy.agents, da.Array)
    before = lazy.agents.compute()
    client.restart()
    retried = agents_required(chunked(rate), aht, **options)  # type: ignore[arg-type]
    assert isinstance(retried.agents, da.Array)
    np.testing.assert_array_equal(retried.agents.compute(), before)


def test_bad_input_on_dask(client: Any, loads: pd.DataFrame) -> None:
    import dask.array as da

    rate = chunked(rate_per_second(loads["calls"]))
    # Options and target combinations fail at call time, before anything is computed.
    with pytest.raises(InvalidInputError, match="'patience' must be given"):
        agents_required(rate, 180.0, model="erlang_a")
    with pytest.raises(InvalidInputError, match="one value per interval"):
        erlang_c(rate, np.ones(3), 10, answer_within=20)
    with pytest.raises(InvalidInputError, match="1-d Dask array"):
        erlang_b(da.ones((4, 2), chunks=2), 3)
    with pytest.raises(InvalidInputError, match="'per_minutes' cannot be a Dask"):
        rate_per_second(rate, per_minutes=da.ones(1, chunks=1)[0])
    # Values are checked on the workers, block by block, when the result is computed.
    lazy = erlang_b(chunked(-np.ones(len(loads))), 3)
    assert isinstance(lazy, da.Array)
    with pytest.raises(InvalidInputError, match="'traffic'"):
        lazy.compute()
