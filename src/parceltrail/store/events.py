"""Queries for tracking events: insert the new ones (the unique index decides), page a timeline.

Inserting is one multi-row ``INSERT ... ON CONFLICT (package_id, fingerprint) DO NOTHING RETURNING
package_id`` per chunk, in both dialects: nothing reads the fingerprints already stored (a package
with 30,000 events used to read all of them on every ingest), and two writers racing with the same
scan cannot both store it nor fail on the index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, Dialect, Row, and_, bindparam, or_, select

from parceltrail.core import Location, TrackingEvent
from parceltrail.store.tables import events

_CHUNK = 500  # ids per IN list, rows per insert (16 x 500 parameters stays under both databases' bounds)
_INSERT_COLUMNS = ("package_id", "fingerprint", "occurred_at", "status", "substatus", "description",
                   "carrier_code", "city", "region", "postal_code", "country", "source", "recorded_at",
                   "time_basis", "unknown_code", "seller_action")
_PROCESSED = (2, 12, 14, 15)  # the two time columns and the flags (SQLite stores booleans as integers)
if sqlite3.sqlite_version_info < (3, 35):  # pragma: no cover - every supported platform has newer
    raise RuntimeError(f"parceltrail needs SQLite 3.35 or newer (RETURNING); this Python has {sqlite3.sqlite_version}")


@cache
def _processors(dialect: Dialect) -> tuple:
    processors = tuple(events.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in _INSERT_COLUMNS)
    if any(p for i, p in enumerate(processors) if i not in _PROCESSED):
        raise RuntimeError("only the time columns and the flags are expected to need bind processing")
    return processors


@cache
def _insert_sql(paramstyle: str, rows: int) -> str:
    mark = "?" if paramstyle == "qmark" else "%s"
    group = "(" + ", ".join([mark] * len(_INSERT_COLUMNS)) + ")"
    return (f"INSERT INTO events ({', '.join(_INSERT_COLUMNS)}) VALUES {', '.join([group] * rows)} "
            "ON CONFLICT (package_id, fingerprint) DO NOTHING RETURNING package_id, fingerprint")


_NEWEST = (select(events).where(events.c.package_id == bindparam("pid"))
           .order_by(events.c.occurred_at.desc(), events.c.id.desc()).limit(bindparam("limit")))
_AT = bindparam("at", type_=events.c.occurred_at.type)
_OLDER = (select(events).where(events.c.package_id == bindparam("pid"),
                               or_(events.c.occurred_at < _AT, and_(events.c.occurred_at == _AT,
                                                                   events.c.id < bindparam("row"))))
          .order_by(events.c.occurred_at.desc(), events.c.id.desc()).limit(bindparam("limit")))
"""A package's page of events (every package answer reads one): built once (bench/load.py)."""


def _to_event(row: Row) -> TrackingEvent:
    location = Location(city=row.city, region=row.region, postal_code=row.postal_code, country=row.country)
    return TrackingEvent.create(
        row.occurred_at, row.status, row.substatus, row.description, row.carrier_code, location,
        row.time_basis, bool(row.unknown_code), bool(row.seller_action),
    )


@dataclass(frozen=True, slots=True)
class PreparedEvents:
    """Insert parameters built before the write transaction opens: one flat tuple per chunk of rows."""

    chunks: tuple[tuple[int, tuple], ...]
    """(row count, parameters) per chunk."""


def prepare_events(dialect: Dialect, rows: Sequence[tuple[str, str, TrackingEvent]], source: str,
                   recorded_at: datetime) -> PreparedEvents:
    """(package id, fingerprint, event) rows as insert parameters for ``dialect``.

    The time columns' own bind processors are applied in a tight loop, so rows skip SQLAlchemy's
    per-row parameter construction (the bulk of ingest time otherwise) while storing exactly what a
    Core insert would; and none of it happens while the write lock is held.
    """
    processors = _processors(dialect)
    to_time = processors[2] or (lambda v: v)
    recorded = (processors[12] or (lambda v: v))(recorded_at)
    flag = processors[14] or (lambda v: v)
    chunks = []
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start:start + _CHUNK]
        params: list = []
        for package_id, fp, e in chunk:
            loc = e.location
            params += (package_id, fp, to_time(e.occurred_at), e.status.value, e.substatus.value, e.description,
                       e.carrier_code, loc.city, loc.region, loc.postal_code, loc.country, source, recorded,
                       e.time_basis.value, flag(e.unknown_code), flag(e.seller_action))
        chunks.append((len(chunk), tuple(params)))
    return PreparedEvents(tuple(chunks))


class EventRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_new(self, prepared: PreparedEvents) -> list[tuple[str, str]]:
        """Insert the rows that are not stored yet; the (package id, fingerprint) of each row inserted."""
        added: list[tuple[str, str]] = []
        paramstyle = self._c.dialect.paramstyle
        for count, params in prepared.chunks:
            result = self._c.exec_driver_sql(_insert_sql(paramstyle, count), params)
            added += [(r[0], r[1]) for r in result]
        return added

    def timelines(self, package_ids: Sequence[str]) -> dict[str, list[TrackingEvent]]:
        """Several packages' events, each oldest first, in one query per chunk of ids."""
        out: dict[str, list[TrackingEvent]] = {pid: [] for pid in package_ids}
        ids = list(out)
        for start in range(0, len(ids), _CHUNK):
            rows = self._c.execute(
                select(events).where(events.c.package_id.in_(ids[start:start + _CHUNK]))
                .order_by(events.c.package_id, events.c.occurred_at, events.c.id)
            ).all()
            for r in rows:
                out[r.package_id].append(_to_event(r))
        return out

    def fingerprinted(self, package_ids: Sequence[str]) -> dict[str, list[tuple[str, TrackingEvent]]]:
        """Several packages' stored (fingerprint, event) pairs: what a full re-fold of them needs."""
        out: dict[str, list[tuple[str, TrackingEvent]]] = {pid: [] for pid in package_ids}
        ids = list(out)
        for start in range(0, len(ids), _CHUNK):
            rows = self._c.execute(select(events).where(events.c.package_id.in_(ids[start:start + _CHUNK]))).all()
            for r in rows:
                out[r.package_id].append((r.fingerprint, _to_event(r)))
        return out
    def newest_first(self, package_id: str, before: tuple[datetime, int] | None,
                     limit: int) -> list[tuple[tuple[datetime, int], TrackingEvent]]:
        """Up to ``limit`` of the package's events, newest first, older than the ``(occurred_at, id)``
        position ``before``; each with its own position, which is what a cursor carries.

        Keyset on the (package_id, occurred_at) index (id breaks ties), so page 1,000 costs what page 1 does.
        """
        if before is None:
            rows = self._c.execute(_NEWEST, {"pid": package_id, "limit": limit}).all()
        else:
            at, row_id = before
            rows = self._c.execute(_OLDER, {"pid": package_id, "at": at, "row": row_id, "limit": limit}).all()
        return [((r.occurred_at, r.id), _to_event(r)) for r in rows]

    def timeline(self, package_id: str) -> list[TrackingEvent]:
        """The package's events, oldest first (ties in insertion order)."""
        rows = self._c.execute(
            select(events).where(events.c.package_id == package_id).order_by(events.c.occurred_at, events.c.id)
        ).all()
        return [_to_event(r) for r in rows]
