"""Queries for tracking events: which fingerprints are already stored, bulk insert, a package's timeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, Row, insert, select

from parceltrail.core import Location, TrackingEvent
from parceltrail.store.tables import events

_CHUNK = 500  # stays under SQLite's bound-parameter limit for IN lists


def _to_event(row: Row) -> TrackingEvent:
    location = Location(city=row.city, region=row.region, postal_code=row.postal_code, country=row.country)
    return TrackingEvent.create(
        row.occurred_at, row.status, row.substatus, row.description, row.carrier_code, location
    )


class EventRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def known_fingerprints(self, package_id: str, fingerprints: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(fingerprints))
        found: set[str] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            found.update(
                self._c.execute(
                    select(events.c.fingerprint).where(
                        events.c.package_id == package_id, events.c.fingerprint.in_(chunk)
                    )
                ).scalars()
            )
        return found

    def add_many(
        self, package_id: str, new: list[tuple[str, TrackingEvent]], source: str, recorded_at: datetime
    ) -> None:
        if not new:
            return
        rows = [
            {
                "package_id": package_id,
                "fingerprint": fp,
                "occurred_at": e.occurred_at,
                "status": e.status.value,
                "substatus": e.substatus.value,
                "description": e.description,
                "carrier_code": e.carrier_code,
                "city": e.location.city,
                "region": e.location.region,
                "postal_code": e.location.postal_code,
                "country": e.location.country,
                "source": source,
                "recorded_at": recorded_at,
            }
            for fp, e in new
        ]
        self._c.execute(insert(events), rows)

    def timeline(self, package_id: str) -> list[TrackingEvent]:
        """The package's events, oldest first (ties in insertion order)."""
        rows = self._c.execute(
            select(events).where(events.c.package_id == package_id).order_by(events.c.occurred_at, events.c.id)
        ).all()
        return [_to_event(r) for r in rows]
