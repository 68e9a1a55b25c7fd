"""Engines for the embedded default (SQLite in WAL mode) and for any other SQLAlchemy URL."""

from __future__ import annotations

import threading
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

WRITE_WAIT_SECONDS = 30.0
"""How long a writer waits for its turn (the same as SQLite's busy timeout)."""

_write_turns: WeakKeyDictionary[Engine, threading.Lock] = WeakKeyDictionary()


def make_engine(url: str) -> Engine:
    """An engine for ``url``. SQLite gets WAL, a busy timeout and enforced foreign keys.

    WAL lets the API read while the worker writes; ``synchronous=NORMAL`` is the documented safe pairing
    with WAL (a power cut can lose the last commits, never corrupt the file). A transaction whose commit
    is a promise to someone outside (the push inbox: "202 means on disk") runs with
    ``synchronous=FULL`` instead, so its commit waits for the WAL to reach the disk (``UnitOfWork.durable``).
    """
    parsed = make_url(url)
    # 10 connections kept open per process (SQLAlchemy keeps 5): with more requests at once than kept
    # connections, each request past them opened a connection and closed it again (a new PostgreSQL backend,
    # or SQLite's pragmas, per request; bench/load.py). At most 15 to PostgreSQL, as before (docs/operations.md).
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=5, future=True)
    pool = {} if parsed.database in (None, "", ":memory:") else {"pool_size": 10, "max_overflow": 10}
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": WRITE_WAIT_SECONDS},
                           future=True, **pool)
    _write_turns[engine] = threading.Lock()

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - exercised via every test
        # pysqlite opens transactions lazily and never emits BEGIN for SELECTs; take control so each
        # unit of work is one real transaction (BEGIN IMMEDIATE would serialise readers too).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if parsed.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection) -> None:  # pragma: no cover - exercised via every test
        options = connection.get_execution_options()
        # synchronous is per connection and cannot change inside a transaction: set it before BEGIN,
        # and only when this transaction wants another level than the connection's last one.
        wanted = "FULL" if options.get("sqlite_durable", False) else "NORMAL"
        info = connection.connection.info
        if info.get("synchronous", "NORMAL") != wanted:
            connection.exec_driver_sql(f"PRAGMA synchronous={wanted}")
            info["synchronous"] = wanted
        if options.get("sqlite_immediate", False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # may wait for the lock and fail: SQLAlchemy's errors
        else:  # a deferred BEGIN cannot fail: straight to the driver, cheaper than a read's query that way
            connection.connection.dbapi_connection.execute("BEGIN")

    return engine


def write_turn(engine: Engine) -> threading.Lock | None:
    """The lock a process's writers of one SQLite file take turns on, before SQLite's own write lock.

    SQLite has one writer at a time; a writer that finds the file locked polls it, sleeping up to 100 ms
    between tries, so with 8 writers at once the unluckiest waited 10 to 25 times the median write
    (bench/load.py). Queued on a lock of their own, the writers of one process are woken as soon as the
    one before them is done; SQLite's busy timeout still settles turns with other processes (the worker,
    a CLI command). None for PostgreSQL, whose writers do not exclude one another.
    """
    return _write_turns.get(engine)


ANALYSIS_LIMIT = 1000
"""Rows ANALYZE reads per index on SQLite: approximate statistics in milliseconds even at millions of rows,
which is all the planner needs to prefer the index that matches a list's sort."""


def refresh_statistics(engine: Engine) -> None:
    """Keep the query planner's statistics current: on SQLite a bounded ANALYZE (``PRAGMA optimize`` on
    SQLite 3.46+, which re-analyses only what changed); run at start and hourly by the worker. Without
    statistics SQLite may list a shop's packages through an index that does not match the sort and sort
    them all (issue 25 item 7: 3.1 s at a million packages). PostgreSQL's autovacuum does this itself."""
    if not is_sqlite(engine):
        return
    import sqlite3

    with engine.connect() as connection:
        connection.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        if sqlite3.sqlite_version_info >= (3, 46):
            connection.exec_driver_sql("PRAGMA optimize=0x10002")
        else:
            connection.exec_driver_sql("ANALYZE")
        connection.commit()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
