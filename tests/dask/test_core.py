"""The Dask core: recognising collections, the helper module, partition layout, the cluster."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest

from servicekit.errors import InvalidInputError


def test_the_cluster_is_real_and_has_two_single_threaded_workers(client: Any) -> None:
    workers = client.scheduler_info()["workers"]
    assert len(workers) == 2
    assert all(worker["nthreads"] == 1 for worker in workers.values())
    import dask.array as da

    assert int(da.ones(10, chunks=3).sum().compute()) == 10
    assert client.run(os.getpid).keys() == workers.keys()  # separate processes
    assert len(set(client.run(os.getpid).values())) == 2


def test_importing_servicekit_and_every_area_does_not_import_dask() -> None:
    code = (
        "import sys, servicekit\n"
        "for area in ('metrics','churn','recommend','optimize','classify','forecast','insights'):\n"
        "    __import__('servicekit.' + area)\n"
        "print('dask' in sys.modules, 'distributed' in sys.modules)\n"
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "False False"


def test_the_helper_module_names_the_extra_when_dask_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    monkeypatch.delitem(sys.modules, "servicekit.dask", raising=False)
    from servicekit.errors import OptionalDependencyError

    with pytest.raises(OptionalDependencyError, match=r"pip install 'servicekit\[dask\]'"):
        importlib.import_module("servicekit.dask")
    monkeypatch.delitem(sys.modules, "servicekit.dask", raising=False)


def test_is_dask_collection() -> None:
    import dask.array as da
    import dask.dataframe as dd

    from servicekit.dask import is_dask_collection

    assert is_dask_collection(da.zeros(3, chunks=2))
    assert is_dask_collection(dd.from_pandas(pd.DataFrame({"a": [1]}), npartitions=1))
    assert not is_dask_collection(np.zeros(3))
    assert not is_dask_collection(pd.DataFrame({"a": [1]}))


def test_partition_by_puts_each_key_in_one_partition_on_the_cluster(client: Any) -> None:
    import dask.dataframe as dd

    from servicekit.dask import check_partitioned_by, partition_by

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"ticket": rng.integers(0, 50, 1000), "x": np.arange(1000)})
    ddf = dd.from_pandas(frame, npartitions=7)
    with pytest.raises(InvalidInputError, match="is in several partitions"):
        check_partitioned_by(ddf, "ticket")
    laid_out = partition_by(ddf, "ticket", npartitions=4)
    check_partitioned_by(laid_out, "ticket")
    back = laid_out.compute().sort_values("x")
    pd.testing.assert_frame_equal(back.reset_index(drop=True), frame)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda m, ddf: m.partition_by(ddf.compute(), "ticket"), "'frame' must be a dask"),
        (lambda m, ddf: m.partition_by(ddf, "nope"), "'column' must name a column"),
        (lambda m, ddf: m.partition_by(ddf, "ticket", npartitions=0), "'npartitions'"),
        (lambda m, ddf: m.check_partitioned_by(ddf, "nope"), "has no column 'nope'"),
        (lambda m, ddf: m.check_partitioned_by([1], "ticket"), "'frame' must be a dask"),
    ],
)
def test_helper_bad_input(call: Any, match: str) -> None:
    import dask.dataframe as dd

    import servicekit.dask as module

    ddf = dd.from_pandas(pd.DataFrame({"ticket": [1, 2]}), npartitions=1)
    with pytest.raises(InvalidInputError, match=match):
        call(module, ddf)


def test_the_network_guard_still_refuses_other_hosts() -> None:
    import socket

    with pytest.raises(RuntimeError, match="must not use the network"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
