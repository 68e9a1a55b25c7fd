"""Backup and restore in one portable format, so a SQLite backup restores into PostgreSQL and back.

The format is gzip-compressed JSON lines: a header (format, version, the schema revision, the tables and
their columns with how each value is written), then one line per row (``[table index, values...]``), then
a trailer with each table's row count, so a file cut short is refused rather than half-restored. Times
are ISO 8601 in UTC, dates ISO, bytes base64; everything else is JSON as it is. Rows stream both ways,
a batch at a time, so the size of the database does not matter to memory.

A backup is one consistent snapshot: one reading transaction (REPEATABLE READ on PostgreSQL; SQLite's
WAL gives a reading transaction its snapshot). A restore goes into an empty database, as one
transaction: the schema is brought to the backup's revision, the rows are inserted (ids kept), the
id sequences are moved past them (PostgreSQL), and then the schema is brought up to date, so a backup
restores into the same or any newer parceltrail.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO

from sqlalchemy import (
    Date,
    DateTime,
    Engine,
    Float,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    func,
    inspect,
    select,
    text,
)

from parceltrail.store import uow as _uow
from parceltrail.store.migrate import current_revision, head_revision, upgrade
from parceltrail.store.tables import metadata

FORMAT = "parceltrail-backup"
VERSION = 1
BATCH = 1000


class BackupError(Exception):
    """A backup that cannot be written or restored here; the message says why and what to do."""


@dataclass
class Summary:
    revision: str
    rows: dict[str, int]


def _kind(column) -> str:
    kind = column.type
    if isinstance(kind, DateTime) or getattr(kind, "impl", None) is not None and isinstance(kind.impl, DateTime):
        return "datetime"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, LargeBinary):
        return "bytes"
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return "decimal"
    return "plain"


def _encode(kind: str, value):
    if value is None or kind == "plain":
        return value
    if kind == "datetime":
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if kind == "date":
        return value.isoformat()
    if kind == "decimal":
        return str(value)
    return base64.b64encode(bytes(value)).decode()


def _decode(kind: str, value):
    if value is None or kind == "plain":
        return value
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value)
    return base64.b64decode(value)


def _tables(engine: Engine) -> list[Table]:
    """The schema's tables in dependency order (parents before children), as this version declares them."""
    present = set(inspect(engine).get_table_names())
    return [t for t in metadata.sorted_tables if t.name in present]


def write_backup(engine: Engine, out: IO[bytes]) -> Summary:
    """Write a consistent snapshot of every table to ``out`` (a binary stream)."""
    revision = current_revision(engine)
    if revision != head_revision():
        raise BackupError(f"the database is at schema revision {revision}, this parceltrail at {head_revision()}: "
                          "run `parceltrail migrate` first")
    tables = _tables(engine)
    rows: dict[str, int] = {}
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    with connection, connection.begin(), gzip.GzipFile(fileobj=out, mode="wb") as packed:
        def line(value) -> None:
            packed.write(json.dumps(value, separators=(",", ":")).encode() + b"\n")

        line({"format": FORMAT, "version": VERSION, "revision": revision, "written_at": datetime.now(UTC).isoformat(),
              "dialect": engine.dialect.name,
              "tables": [{"name": t.name, "columns": [c.name for c in t.columns],
                          "kinds": [_kind(c) for c in t.columns]} for t in tables]})
        for index, table in enumerate(tables):
            kinds = [_kind(c) for c in table.columns]
            order = list(table.primary_key.columns) or list(table.columns)
            result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
                select(table).order_by(*order))
            count = 0
            for row in result:
                line([index, *(_encode(k, v) for k, v in zip(kinds, row, strict=True))])
                count += 1
            rows[table.name] = count
        line({"end": True, "rows": rows})
    return Summary(revision, rows)


def _read(stream: IO[bytes]) -> Iterator:
    try:
        with gzip.GzipFile(fileobj=stream, mode="rb") as packed:
            for raw in packed:
                yield json.loads(raw)
    except (OSError, EOFError, ValueError) as error:
        raise BackupError(f"not a readable parceltrail backup ({type(error).__name__}: {error})") from None


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as c:
        return all(c.execute(select(func.count()).select_from(t)).scalar_one() == 0 for t in _tables(engine))


def restore_backup(engine: Engine, stream: IO[bytes]) -> Summary:
    """Restore a backup into an empty database (no tables, or parceltrail's tables without a row)."""
    lines = _read(stream)
    header = next(lines, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError("not a parceltrail backup (no parceltrail-backup header)")
    if header.get("version") != VERSION:
        raise BackupError(f"backup format version {header.get('version')} is not one this parceltrail reads "
                          f"({VERSION}); restore it with the version that wrote it")
    revision = header["revision"]
    present = current_revision(engine)
    if present is not None and not _is_empty(engine):
        raise BackupError("the database already holds data; restore into an empty database "
                          "(a new PostgreSQL database, or a SQLite file that does not exist yet)")
    if present not in (None, revision):
        raise BackupError(f"the empty database is at schema revision {present}, the backup at {revision}; "
                          "restore into a database with no tables")
    try:
        upgrade(engine, revision)
    except Exception as error:
        raise BackupError(f"the backup's schema revision {revision} is unknown to this parceltrail "
                          f"({type(error).__name__}); restore it with the version that wrote it, or a newer one") from None
    declared = [(spec["name"], spec["columns"], spec["kinds"]) for spec in header["tables"]]
    schema = MetaData()
    tables = [Table(name, schema, autoload_with=engine) for name, _, _ in declared]
    counts = {name: 0 for name, _, _ in declared}
    with engine.connect().execution_options(sqlite_immediate=True) as connection, connection.begin():
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        batch: list[tuple[int, dict]] = []
        trailer = None
        for row in lines:
            if isinstance(row, dict):
                trailer = row
                break
            index, values = row[0], row[1:]
            name, columns, kinds = declared[index]
            batch.append((index, {c: _decode(k, v) for c, k, v in zip(columns, kinds, values, strict=True)}))
            counts[name] += 1
            if len(batch) >= BATCH or (batch and batch[0][0] != index):
                _insert(connection, tables, batch)
                batch = []
        _insert(connection, tables, batch)
        if trailer is None or not trailer.get("end") or trailer.get("rows") != counts:
            raise BackupError("the backup is incomplete (it ends before its trailer, or its row counts differ); "
                              "nothing was restored")
        _move_sequences_past(connection, tables)
    upgrade(engine)
    return Summary(revision, counts)


def _insert(connection, tables: list[Table], batch: list[tuple[int, dict]]) -> None:
    """Insert a batch (one table at a time, in file order, so parents come before their children)."""
    start = 0
    while start < len(batch):
        index = batch[start][0]
        end = start
        while end < len(batch) and batch[end][0] == index:
            end += 1
        connection.execute(tables[index].insert(), [values for _, values in batch[start:end]])
        start = end


def _move_sequences_past(connection, tables: list[Table]) -> None:
    """PostgreSQL hands out ids from sequences: start them after the restored ids (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                          {"t": table.name, "c": column.name}).scalar_one()
            if sequence:
                connection.execute(text(f"SELECT setval(:s, coalesce((SELECT max({column.name}) FROM {table.name}), 0) + 1, false)"),
                                   {"s": sequence})
