"""A real Dask cluster for the whole test session: two single-threaded worker processes.

The tests compare every Dask result with the in-memory result on real data, computed on
this cluster (never a mock, never only the synchronous scheduler). Without the optional
``dask`` extra the tests here are skipped, except under ``CI=true`` where the extra is
required; the lower-bounds run of ``.ci/run`` sets ``SERVICEKIT_NO_DASK=1`` because it
installs only the core dependencies.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from typing import Any

import pytest


def _dask_required() -> bool:
    return (
        os.environ.get("CI", "").lower() == "true"
        and os.environ.get("SERVICEKIT_NO_DASK", "") != "1"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    missing = not (importlib.util.find_spec("dask") and importlib.util.find_spec("distributed"))
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.dask)
            if missing and not _dask_required():
                item.add_marker(pytest.mark.skip(reason="the optional dask extra is not installed"))


@pytest.fixture(scope="session")
def client() -> Iterator[Any]:
    """A ``distributed.Client`` on a LocalCluster of 2 single-threaded worker processes."""
    if _dask_required():
        assert importlib.util.find_spec("dask"), (
            "CI=true needs the dask extra: pip install -e '.[test,dask]'"
        )
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        host="127.0.0.1",
        silence_logs=40,
    )
    with Client(cluster) as session_client:
        yield session_client
    cluster.close()
