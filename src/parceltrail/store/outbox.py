"""The transactional outbox: what happened that someone may need to hear about.

A row is written in the same transaction as the change it reports (a status change by ``ingest_many``,
an estimate revision, a registration), so a change is never committed without its row, nor a row
without its change. The notification planner claims unplanned rows (a lease, like polling claims:
``UPDATE ... RETURNING``, with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL), turns each into messages and
marks it planned in one transaction; planned rows are pruned after a week.
``dedupe_key`` lets a periodic check (a package that became late) write its row at most once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, Connection, Index, String, Table, Text, and_, delete, func, or_, select, update

from parceltrail.store.claims import claim_rows
from parceltrail.store.dialects import upsert_insert
from parceltrail.store.ids import new_id
from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

outbox = Table(
    "outbox",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), nullable=False),
    Column("package_id", String(32), nullable=True),
    Column("type", String(48), nullable=False),
    Column("data", Text, nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("dedupe_key", String(160), nullable=True, unique=True),
    Column("planned_at", UTCDateTime(), nullable=True),
    Column("claimed_until", UTCDateTime(), nullable=True),
    Column("claim_token", String(32), nullable=True),
    Index(None, "planned_at", "id"),
)



@dataclass(frozen=True, slots=True)
class OutboxEvent:
    shop_id: str
    type: str
    occurred_at: datetime
    data: dict[str, Any]
    package_id: str | None = None
    dedupe_key: str | None = None
    id: str = field(default_factory=lambda: new_id("evt"))


class OutboxRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_many(self, events: Sequence[OutboxEvent], now: datetime) -> None:
        if not events:
            return
        rows = [{"id": e.id, "shop_id": e.shop_id, "package_id": e.package_id, "type": e.type,
                 "data": json.dumps(e.data, separators=(",", ":")), "occurred_at": e.occurred_at,
                 "created_at": now, "dedupe_key": e.dedupe_key} for e in events]
        statement = upsert_insert(self._c, outbox).on_conflict_do_nothing(index_elements=["dedupe_key"])
        self._c.execute(statement, rows)

    def claim(self, now: datetime, limit: int, lease: timedelta, token: str) -> list[OutboxEvent]:
        """Oldest unplanned events, leased to ``token``; a planner that dies frees them when the lease ends."""
        due = and_(outbox.c.planned_at.is_(None), or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now))
        rows = sorted(claim_rows(self._c, outbox, due, outbox.c.id, limit,
                                 {"claimed_until": now + lease, "claim_token": token},
                                 (outbox.c.id, outbox.c.shop_id, outbox.c.package_id, outbox.c.type, outbox.c.data,
                                  outbox.c.occurred_at, outbox.c.dedupe_key)), key=lambda r: r.id)
        return [OutboxEvent(r.shop_id, r.type, r.occurred_at, json.loads(r.data), r.package_id, r.dedupe_key, r.id)
                for r in rows]

    def mark_planned(self, event_ids: Sequence[str], token: str, now: datetime) -> set[str]:
        """Mark planned the events this planner still holds (a lease may have passed to another); their ids."""
        if not event_ids:
            return set()
        rows = self._c.execute(
            update(outbox).where(outbox.c.id.in_(list(event_ids)), outbox.c.claim_token == token,
                                 outbox.c.planned_at.is_(None))
            .values(planned_at=now, claimed_until=None, claim_token=None).returning(outbox.c.id)
        ).all()
        return {r.id for r in rows}

    def any_due(self, now: datetime) -> bool:
        """A cheap read first, so an idle planner never takes the write lock (SQLite) just to find nothing."""
        due = and_(outbox.c.planned_at.is_(None), or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now))
        return self._c.execute(select(outbox.c.id).where(due).limit(1)).first() is not None

    def unplanned_count(self) -> int:
        return self._c.execute(select(func.count()).select_from(outbox).where(outbox.c.planned_at.is_(None))).scalar_one()

    def prune_planned(self, before: datetime) -> int:
        return self._c.execute(delete(outbox).where(outbox.c.planned_at < before)).rowcount
