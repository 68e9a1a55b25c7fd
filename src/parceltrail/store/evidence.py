"""Reads the evidence bundle needs that no other repository answers: when and how each scan reached us."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from parceltrail.store.tables import events


@dataclass(frozen=True, slots=True)
class Receipt:
    fingerprint: str
    source: str
    """api | poll | push | ..., as ``record_scans`` was told."""
    recorded_at: datetime


class EvidenceRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def event_receipts(self, package_id: str) -> list[Receipt]:
        rows = self._c.execute(select(events.c.fingerprint, events.c.source, events.c.recorded_at)
                               .where(events.c.package_id == package_id)).all()
        return [Receipt(r.fingerprint, r.source, r.recorded_at) for r in rows]
