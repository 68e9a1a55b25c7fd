"""Fixtures shared by the whole suite: a real database (SQLite file, or PostgreSQL when
PARCELTRAIL_TEST_DATABASE_URL is set), and a real HTTP server on 127.0.0.1.

The suite runs in parallel processes (pytest-xdist, ``make test``): every test database is private to
its process (a SQLite file under the test's tmp_path; on PostgreSQL one database per xdist worker), ports
are taken from the kernel, and ``engine`` copies a database migrated once per process instead of running
every migration again for each test (docs/testing.md).
"""

from __future__ import annotations

import copy
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Self

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

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
    """On a PostgreSQL run, run exactly the tests that use the test database, and only those.

    Files marked ``slow`` go first (in their own order, the rest after in theirs): ``make test`` hands
    whole files to parallel workers in this order (``--no-loadscope-reorder``), so a minute-long test
    starts at once instead of being the last thing a worker does while the others sit idle.
    """
    if os.environ.get("PARCELTRAIL_TEST_DATABASE_URL"):
        keep = [item for item in items if "database_url" in getattr(item, "fixturenames", ())]
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


@pytest.fixture(autouse=True)
def _no_shop_clock_left_behind() -> Iterator[None]:
    """A shop's own clock (the demo's accelerated one) set by one test must not reach the next: the demo
    shop's id is gone with its database, but its clock would still be listed (services.clock)."""
    yield
    from parceltrail.services.clock import clear_shop_clocks

    clear_shop_clocks()


# A test server that has not answered in this long is hung, not slow: CI runs the suite in parallel on
# two shared cores, where a request or a server start can take seconds.
HUNG = 120


def _patient_httpx() -> None:
    """httpx's default timeout (5 s) turns a loaded machine into failures; tests that leave the timeout
    out now wait HUNG seconds. A test that sets its own timeout (to test one) keeps it; parceltrail's
    own clients always set theirs, so this changes nothing they do."""
    import httpx

    patient = httpx.Timeout(HUNG)
    for function in (httpx.Client.__init__, httpx.AsyncClient.__init__, httpx.request, httpx.get, httpx.post,
                     httpx.put, httpx.patch, httpx.delete, httpx.head, httpx.options, httpx.stream):
        if "timeout" in (function.__kwdefaults__ or {}):
            function.__kwdefaults__["timeout"] = patient


_patient_httpx()


def _migrated(url: str) -> None:
    from parceltrail.store import make_engine, migrate

    engine = make_engine(url)
    try:
        migrate(engine)
        if engine.dialect.name == "sqlite":  # everything into the main file, so a copy of it is whole
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


def _admin(url: str) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT")


def _recreate(admin: Engine, name: str, template: str | None = None) -> None:
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        like = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{like}'))


class TestDatabases:
    """Where this test process keeps its databases, and a migrated one to copy for each test.

    PostgreSQL: the database PARCELTRAIL_TEST_DATABASE_URL names, or under pytest-xdist one per worker
    (``parceltrail_test_gw0``, ...) so parallel workers never drop each other's tables; each is rebuilt
    for a test by ``CREATE DATABASE ... TEMPLATE`` from a sibling migrated once. SQLite: a file migrated
    once, copied into the test's tmp_path. Migrations themselves are still run, once per process, and
    ``test_store`` compares what they build with the declared tables.
    """

    def __init__(self, folder: Path) -> None:
        self.base = os.environ.get("PARCELTRAIL_TEST_DATABASE_URL")
        self.folder = folder
        self._admin: Engine | None = None
        self._template: str | None = None
        if self.base:
            url = make_url(self.base)
            worker = os.environ.get("PYTEST_XDIST_WORKER")
            self.name = f"{url.database}_{worker}" if worker else url.database
            self.url = url.set(database=self.name).render_as_string(hide_password=False)
            if worker:
                _recreate(self.admin(), self.name)

    def admin(self) -> Engine:
        if self._admin is None:
            self._admin = _admin(self.base)
        return self._admin

    def template(self) -> str:
        """The migrated database (a PostgreSQL database name, or a SQLite file path), made on first use."""
        if self._template is None:
            if self.base:
                name = f"{self.name}_template"
                _recreate(self.admin(), name)
                _migrated(make_url(self.url).set(database=name).render_as_string(hide_password=False))
                self._template = name
            else:
                path = self.folder / "migrated.db"
                _migrated(f"sqlite:///{path}")
                self._template = str(path)
        return self._template

    def fresh(self, url: str) -> None:
        """Make the database at ``url`` a just-migrated one (a SQLite file something already made is kept)."""
        if self.base:
            _recreate(self.admin(), self.name, self.template())
        elif not Path(make_url(url).database).exists():
            shutil.copyfile(self.template(), make_url(url).database)

    def close(self) -> None:
        if self._admin is not None:
            self._admin.dispose()


@pytest.fixture(scope="session")
def test_databases(tmp_path_factory) -> Iterator[TestDatabases]:
    databases = TestDatabases(tmp_path_factory.mktemp("databases"))
    yield databases
    databases.close()


@pytest.fixture
def database_url(tmp_path: Path, test_databases: TestDatabases) -> str:
    return test_databases.url if test_databases.base else f"sqlite:///{tmp_path / 'parceltrail.db'}"


@pytest.fixture
def engine(database_url: str, test_databases: TestDatabases) -> Iterator[Engine]:
    from parceltrail.store import make_engine, migrate

    test_databases.fresh(database_url)
    engine = make_engine(database_url)
    migrate(engine)  # a no-op on the fresh copy; says so if the copy were ever behind
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


_OPENAPI: dict[tuple, dict] = {}


def _routes(app) -> tuple:
    """What an app's OpenAPI schema is made from, as a key: its title, version and routes."""
    routes = tuple((getattr(r, "path", ""), tuple(sorted(getattr(r, "methods", None) or ())),
                    getattr(r, "name", "")) for r in getattr(app, "routes", ()))
    return getattr(app, "title", None), getattr(app, "version", None), routes


class LiveServer:
    """uvicorn serving an ASGI app on 127.0.0.1 in a background thread.

    The socket is bound here (port 0: the kernel's choice) and handed to uvicorn, so two parallel test
    processes can never be given the same port. Every ``create_app()`` builds the same OpenAPI schema at
    start-up (a third of a CPU second); an app with the same routes as one already served in this process
    starts with a copy of it.
    """

    def __init__(self, app) -> None:
        import uvicorn

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = app
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> Self:
        key = _routes(self.app)
        if key in _OPENAPI and getattr(self.app, "openapi_schema", False) is None:
            self.app.openapi_schema = copy.deepcopy(_OPENAPI[key])
        self.thread.start()
        deadline = time.monotonic() + HUNG
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("test server did not start (its thread ended; the error is above)")
            if time.monotonic() > deadline:
                raise RuntimeError(f"test server did not start within {HUNG} s")
            time.sleep(0.02)
        if key not in _OPENAPI and getattr(self.app, "openapi_schema", None):
            _OPENAPI[key] = copy.deepcopy(self.app.openapi_schema)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=HUNG)
        self.socket.close()


@pytest.fixture
def api(settings, engine) -> Iterator[LiveServer]:
    """The parceltrail API on a real port, on the test database."""
    from parceltrail.api import create_app

    with LiveServer(create_app(settings, engine)) as server:
        yield server
