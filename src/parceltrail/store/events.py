"""Queries for tracking events: which fingerprints are already stored, bulk insert, a package's timeline."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, Dialect, Row, insert, select

from parceltrail.core import Location, TrackingEvent
from parceltrail.store.tables import events

_CHUNK = 500  # stays under SQLite's bound-parameter limit for IN lists
_INSERT_COLUMNS = ("package_id", "fingerprint", "occurred_at", "status", "substatus", "description",
                   "carrier_code", "city", "region", "postal_code", "country", "source", "recorded_at",
                   "time_basis", "unknown_code", "seller_action")
_PROCESSED = (2, 12, 14, 15)  # the two time columns and the flags (SQLite stores booleans as integers)


@cache
def _compiled_insert(dialect: Dialect) -> tuple[str, bool, tuple]:
    compiled = insert(events).compile(dialect=dialect, column_keys=list(_INSERT_COLUMNS))
    order = compiled.positiontup if compiled.positional else _INSERT_COLUMNS
    if tuple(order) != _INSERT_COLUMNS:
        raise RuntimeError(f"unexpected parameter order in compiled insert: {order}")
    processors = tuple(events.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in _INSERT_COLUMNS)
    if any(p for i, p in enumerate(processors) if i not in _PROCESSED):
        raise RuntimeError("only the time columns and the flags are expected to need bind processing")
    return str(compiled), compiled.positional, processors


def _to_event(row: Row) -> TrackingEvent:
    location = Location(city=row.city, region=row.region, postal_code=row.postal_code, country=row.country)
    return TrackingEvent.create(
        row.occurred_at, row.status, row.substatus, row.description, row.carrier_code, location,
        row.time_basis, bool(row.unknown_code), bool(row.seller_action),
    )


class EventRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def known_fingerprints(self, package_ids: Iterable[str], fingerprints: Iterable[str]) -> set[tuple[str, str]]:
        """Which (package id, fingerprint) pairs among these packages and fingerprints are stored already.

        Reads the packages' fingerprints from the (package_id, fingerprint) unique index alone and
        filters here: ``package_id IN (...) AND fingerprint IN (...)`` made SQLite probe the index once
        per pair, 100x slower for a tick of 500 packages (bench/polling.py).
        """
        ids = list(dict.fromkeys(package_ids))
        wanted = set(fingerprints)
        found: set[tuple[str, str]] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            rows = self._c.execute(
                select(events.c.package_id, events.c.fingerprint).where(events.c.package_id.in_(chunk))
            )
            found.update((r.package_id, r.fingerprint) for r in rows if r.fingerprint in wanted)
        return found

    def add_many(self, new: list[tuple[str, str, TrackingEvent]], source: str, recorded_at: datetime) -> None:
        """Insert (package id, fingerprint, event) rows with one executemany.

        The statement is compiled once per dialect and the column types' own bind processors are applied
        in a tight loop, so rows skip SQLAlchemy's per-row parameter construction (the bulk of ingest
        time otherwise) while storing exactly what a Core insert would.
        """
        if not new:
            return
        sql, positional, processors = _compiled_insert(self._c.dialect)
        to_time = processors[2] or (lambda v: v)
        recorded = (processors[12] or (lambda v: v))(recorded_at)
        flag = processors[14] or (lambda v: v)
        rows = []
        for package_id, fp, e in new:
            loc = e.location
            values = (package_id, fp, to_time(e.occurred_at), e.status.value, e.substatus.value, e.description,
                      e.carrier_code, loc.city, loc.region, loc.postal_code, loc.country, source, recorded,
                      e.time_basis.value, flag(e.unknown_code), flag(e.seller_action))
            rows.append(values if positional else dict(zip(_INSERT_COLUMNS, values)))
        self._c.exec_driver_sql(sql, rows)

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

    def timeline(self, package_id: str) -> list[TrackingEvent]:
        """The package's events, oldest first (ties in insertion order)."""
        rows = self._c.execute(
            select(events).where(events.c.package_id == package_id).order_by(events.c.occurred_at, events.c.id)
        ).all()
        return [_to_event(r) for r in rows]
