from __future__ import annotations

import os
import warnings

import pytest

from servicekit.errors import ServicekitWarning


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the network: any connection off this machine fails loudly.

    Connections to the loopback interface stay allowed: the Dask tests start a real
    local cluster whose scheduler and workers talk over 127.0.0.1.
    """
    import socket

    connect = socket.socket.connect
    create_connection = socket.create_connection

    def local(address: object) -> bool:
        if isinstance(address, (str, bytes)):  # a Unix socket path
            return True
        host = address[0] if isinstance(address, tuple) and address else None
        return host in {"127.0.0.1", "::1", "localhost"}

    def guarded_connect(self: socket.socket, address: object) -> None:
        if not local(address):
            raise RuntimeError(f"servicekit tests must not use the network ({address!r})")
        connect(self, address)  # type: ignore[arg-type]

    def guarded_create_connection(address: object, *args: object, **kwargs: object) -> object:
        if not local(address):
            raise RuntimeError(f"servicekit tests must not use the network ({address!r})")
        return create_connection(address, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)


@pytest.fixture(autouse=True, scope="session")
def _empty_nltk_data(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Run with an empty NLTK_DATA so nothing can rely on downloaded NLTK corpora.

    nltk reads NLTK_DATA once, at import, and also searches home and system folders;
    so the search path itself is replaced by one empty folder for the whole session
    (subprocesses inherit the environment variable).
    """
    empty = str(tmp_path_factory.mktemp("nltk_data"))
    os.environ["NLTK_DATA"] = empty
    import nltk

    nltk.data.path[:] = [empty]


@pytest.fixture
def quiet() -> object:
    """Silence servicekit's statistical warnings inside a test (use sparingly)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ServicekitWarning)
        yield
