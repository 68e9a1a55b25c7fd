"""Fixtures shared by the whole suite: a real database (SQLite file, or PostgreSQL when
PARCELTRAIL_TEST_DATABASE_URL is set), and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Self

import pytest
from sqlalchemy import Engine, text

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip with the reason when that folder is not beside the clone."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads public data from ../shared beside the repository")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pytest_collection_modifyitems(config, items):
    """On a PostgreSQL run, run exactly the tests that use the test database, and only those."""
    if not os.environ.get("PARCELTRAIL_TEST_DATABASE_URL"):
        return
    keep = [item for item in items if "database_url" in getattr(item, "fixturenames", ())]
    config.hook.pytest_deselected(items=[item for item in items if item not in keep])
    items[:] = keep


@pytest.fixture(autouse=True)
def _no_shop_clock_left_behind() -> Iterator[None]:
    """A shop's own clock (the demo's accelerated one) set by one test must not reach the next: the demo
    shop's id is gone with its database, but its clock would still be listed (services.clock)."""
    yield
    from parceltrail.services.clock import clear_shop_clocks

    clear_shop_clocks()


def _reset_postgres(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return os.environ.get("PARCELTRAIL_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'parceltrail.db'}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    from parceltrail.store import make_engine, migrate

    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        _reset_postgres(engine)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine: Engine):
    from parceltrail.store import UnitOfWork

    return UnitOfWork(engine)


@pytest.fixture
def settings(database_url: str, tmp_path: Path):
    from parceltrail.settings import Settings

    return Settings(database_url=database_url, queue_url=f"sqlite:///{tmp_path / 'queue.db'}")


class LiveServer:
    """uvicorn serving an ASGI app on a free 127.0.0.1 port in a background thread."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + 60  # start-up migrates, warms the ZIP table and builds the schema: slow on a loaded machine
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def api(settings, engine) -> Iterator[LiveServer]:
    """The parceltrail API on a real port, on the test database."""
    from parceltrail.api import create_app

    with LiveServer(create_app(settings, engine)) as server:
        yield server
