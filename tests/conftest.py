from __future__ import annotations

import os
import warnings

import pytest

from servicekit.errors import ServicekitWarning


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the network: any socket connection fails loudly."""
    import socket

    def guard(*args: object, **kwargs: object) -> None:
        raise RuntimeError("servicekit tests must not use the network")

    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket, "create_connection", guard)


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
