"""Disputes and their history: every state, kind change, ticked step and note, with when and who.

``external_ref`` makes opening idempotent for sources that resend (a TikTok return notification names
its ``return_id``): one dispute per shop and reference. The ticked checklist steps are a JSON list on
the dispute (read with it, never queried); the history is its own table because a seller shows it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Row

from parceltrail.core.disputes import ClaimKind, DisputeState
from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

disputes = Table(
    "disputes",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="CASCADE"), nullable=False),
    Column("order_id", String(32), ForeignKey("orders.id", ondelete="SET NULL"), nullable=True),
    Column("kind", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("source", String(16), nullable=False),  # api | seller | buyer | tiktok
    Column("external_ref", String(128), nullable=True),
    Column("description", Text, nullable=False, default=""),
    Column("steps_done", Text, nullable=False, default="[]"),
    Column("opened_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("closed_at", UTCDateTime(), nullable=True),
    UniqueConstraint("shop_id", "external_ref"),
    Index(None, "shop_id", "state", "id"),
    Index(None, "package_id"),
)

dispute_history = Table(
    "dispute_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dispute_id", String(32), ForeignKey("disputes.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(16), nullable=False),
    Column("action", String(16), nullable=False),  # opened | state | kind | step | note
    Column("state", String(16), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Index(None, "dispute_id", "id"),
)


@dataclass(frozen=True, slots=True)
class Dispute:
    id: str
    shop_id: str
    package_id: str
    order_id: str | None
    kind: ClaimKind
    state: DisputeState
    source: str
    description: str
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    external_ref: str | None = None
    steps_done: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    state: DisputeState
    detail: str

    def to_dict(self) -> dict:
        return {"at": self.at.isoformat(), "actor": self.actor, "action": self.action, "state": self.state.value,
                "detail": self.detail}


def _dispute(row: Row) -> Dispute:
    return Dispute(row.id, row.shop_id, row.package_id, row.order_id, ClaimKind(row.kind), DisputeState(row.state),
                   row.source, row.description, row.opened_at, row.updated_at, row.closed_at, row.external_ref,
                   frozenset(json.loads(row.steps_done or "[]")))


class DisputeRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, dispute: Dispute) -> None:
        self._c.execute(insert(disputes).values(
            id=dispute.id, shop_id=dispute.shop_id, package_id=dispute.package_id, order_id=dispute.order_id,
            kind=dispute.kind.value, state=dispute.state.value, source=dispute.source,
            external_ref=dispute.external_ref, description=dispute.description,
            steps_done=json.dumps(sorted(dispute.steps_done)), opened_at=dispute.opened_at,
            updated_at=dispute.updated_at, closed_at=dispute.closed_at))

    def save(self, dispute: Dispute) -> None:
        self._c.execute(update(disputes).where(disputes.c.id == dispute.id).values(
            kind=dispute.kind.value, state=dispute.state.value, steps_done=json.dumps(sorted(dispute.steps_done)),
            updated_at=dispute.updated_at, closed_at=dispute.closed_at))

    def record(self, dispute_id: str, entry: HistoryEntry) -> None:
        self._c.execute(insert(dispute_history).values(dispute_id=dispute_id, at=entry.at, actor=entry.actor,
                                                       action=entry.action, state=entry.state.value,
                                                       detail=entry.detail))

    def get(self, shop_id: str | None, dispute_id: str) -> Dispute | None:
        """A dispute of this shop (any shop when ``shop_id`` is None: the operator's CLI)."""
        query = select(disputes).where(disputes.c.id == dispute_id)
        if shop_id is not None:
            query = query.where(disputes.c.shop_id == shop_id)
        row = self._c.execute(query).first()
        return _dispute(row) if row else None

    def by_ref(self, shop_id: str, external_ref: str) -> Dispute | None:
        row = self._c.execute(select(disputes).where(disputes.c.shop_id == shop_id,
                                                     disputes.c.external_ref == external_ref)).first()
        return _dispute(row) if row else None

    def history(self, dispute_id: str) -> list[HistoryEntry]:
        rows = self._c.execute(select(dispute_history).where(dispute_history.c.dispute_id == dispute_id)
                               .order_by(dispute_history.c.id)).all()
        return [HistoryEntry(r.at, r.actor, r.action, DisputeState(r.state), r.detail) for r in rows]

    def page(self, shop_id: str | None, states: Sequence[DisputeState] = (), package_id: str | None = None,
             after: str | None = None, limit: int = 50) -> list[Dispute]:
        """Oldest first, in id order; ``after`` is the last id of the previous page."""
        query = select(disputes).order_by(disputes.c.id).limit(limit)
        if shop_id is not None:
            query = query.where(disputes.c.shop_id == shop_id)
        if states:
            query = query.where(disputes.c.state.in_([s.value for s in states]))
        if package_id is not None:
            query = query.where(disputes.c.package_id == package_id)
        if after is not None:
            query = query.where(disputes.c.id > after)
        return [_dispute(r) for r in self._c.execute(query).all()]

    def for_packages(self, package_ids: Sequence[str]) -> dict[str, list[Dispute]]:
        out: dict[str, list[Dispute]] = {pid: [] for pid in package_ids}
        if not package_ids:
            return out
        rows = self._c.execute(select(disputes).where(disputes.c.package_id.in_(list(package_ids)))
                               .order_by(disputes.c.id)).all()
        for row in rows:
            out[row.package_id].append(_dispute(row))
        return out

    def delete_for_packages(self, package_ids: Sequence[str]) -> int:
        """Retention: remove the disputes (and, by cascade, their history) of these packages."""
        if not package_ids:
            return 0
        ids = [r.id for r in self._c.execute(select(disputes.c.id).where(disputes.c.package_id.in_(list(package_ids))))]
        if ids:
            self._c.execute(delete(dispute_history).where(dispute_history.c.dispute_id.in_(ids)))
            self._c.execute(delete(disputes).where(disputes.c.id.in_(ids)))
        return len(ids)
