"""What differs between SQLite and PostgreSQL and is needed for safe concurrent writes.

``insert_or_skip`` is ``INSERT ... ON CONFLICT DO NOTHING`` in both dialects: a unique index, not a
read before the write, decides whether a row is new, so two writers racing on one row never see an
error that would abort their transaction. ``is_transient`` names the PostgreSQL errors a transaction
may simply be run again after (deadlock, serialisation failure); SQLite has one writer and has none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_TRANSIENT = {"40P01", "40001"}  # deadlock_detected, serialization_failure
T = TypeVar("T")


def upsert_insert(connection: Connection, table: Table):
    """The dialect's own insert construct, which has ``on_conflict_do_nothing`` / ``_do_update``."""
    return _INSERTS[connection.dialect.name](table)


def insert_or_skip(connection: Connection, table: Table, unique: Sequence[str]):
    """An insert into ``table`` that skips rows whose ``unique`` columns are taken (add ``.values``)."""
    return upsert_insert(connection, table).on_conflict_do_nothing(index_elements=list(unique))


def is_transient(error: BaseException) -> bool:
    orig = getattr(error, "orig", None)
    return isinstance(error, DBAPIError) and getattr(orig, "sqlstate", None) in _TRANSIENT


def retrying(work: Callable[[], T], attempts: int = 5) -> T:
    """Run one transaction (``work`` opens and commits it), again when PostgreSQL aborts it for a
    deadlock or a serialisation failure; other errors, and the last attempt's, propagate."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as error:
            if attempt == attempts or not is_transient(error):
                raise
    raise AssertionError("unreachable")
