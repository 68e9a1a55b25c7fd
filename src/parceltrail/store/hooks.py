"""Queries for the push inbox: store a delivery once, find the ones due for processing, record the outcome.

States: ``pending`` (not tried yet), ``done``, ``failed`` (the last try failed; ``error`` says why,
``processed_at`` says when, ``attempts`` how often; retried until the service gives up).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Row, and_, delete, func, or_, select, update

from parceltrail.store.dialects import insert_or_skip
from parceltrail.store.tables import hook_inbox

PENDING, DONE, FAILED = "pending", "done", "failed"
_ERROR_MAX = 1000


@dataclass(frozen=True, slots=True)
class InboxDelivery:
    id: int
    carrier: str
    delivery_id: str | None
    received_at: datetime
    body: bytes
    state: str
    attempts: int
    processed_at: datetime | None
    error: str | None


def _to_delivery(row: Row) -> InboxDelivery:
    return InboxDelivery(
        id=row.id, carrier=row.carrier, delivery_id=row.delivery_id, received_at=row.received_at,
        body=bytes(row.body), state=row.state, attempts=row.attempts, processed_at=row.processed_at,
        error=row.error,
    )


class HookInboxRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, carrier: str, delivery_id: str | None, received_at: datetime, body: bytes) -> int | None:
        """Store a pending delivery and return its id; None when this carrier's delivery id is stored already.

        One ``INSERT ... ON CONFLICT DO NOTHING``, so two concurrent redeliveries cannot both get in and
        neither sees an error that would abort its transaction.
        """
        statement = (
            insert_or_skip(self._c, hook_inbox, ["carrier", "delivery_id"])
            .values(carrier=carrier, delivery_id=delivery_id, received_at=received_at, body=body,
                    state=PENDING, attempts=0)
            .returning(hook_inbox.c.id)
        )
        row = self._c.execute(statement).first()
        return row.id if row else None

    def find(self, carrier: str, delivery_id: str) -> InboxDelivery | None:
        row = self._c.execute(
            select(hook_inbox).where(hook_inbox.c.carrier == carrier, hook_inbox.c.delivery_id == delivery_id)
        ).first()
        return _to_delivery(row) if row else None

    def get(self, inbox_id: int) -> InboxDelivery | None:
        row = self._c.execute(select(hook_inbox).where(hook_inbox.c.id == inbox_id)).first()
        return _to_delivery(row) if row else None

    def due(self, retry_after: Mapping[int, datetime], limit: int) -> list[InboxDelivery]:
        """Oldest first: every pending delivery, and failed ones whose last try is older than
        ``retry_after[attempts]`` (attempt counts missing from the mapping are not retried)."""
        retryable = [
            and_(hook_inbox.c.attempts == attempts, hook_inbox.c.processed_at <= cutoff)
            for attempts, cutoff in retry_after.items()
        ]
        condition = hook_inbox.c.state == PENDING
        if retryable:
            condition = or_(condition, and_(hook_inbox.c.state == FAILED, or_(*retryable)))
        query = select(hook_inbox).where(condition).order_by(hook_inbox.c.id).limit(limit)
        rows = self._c.execute(query).all()
        return [_to_delivery(r) for r in rows]

    def mark_done(self, inbox_id: int, at: datetime) -> None:
        self._c.execute(
            update(hook_inbox).where(hook_inbox.c.id == inbox_id)
            .values(state=DONE, processed_at=at, error=None, attempts=hook_inbox.c.attempts + 1)
        )

    def mark_failed(self, inbox_id: int, at: datetime, error: str) -> int:
        """Record a failed try and return the attempt count; a delivery another worker finished stays done."""
        self._c.execute(
            update(hook_inbox).where(hook_inbox.c.id == inbox_id, hook_inbox.c.state != DONE)
            .values(state=FAILED, processed_at=at, error=error[:_ERROR_MAX],
                    attempts=hook_inbox.c.attempts + 1)
        )
        return self._c.execute(select(hook_inbox.c.attempts).where(hook_inbox.c.id == inbox_id)).scalar_one()

    def requeue(self, inbox_id: int) -> bool:
        """Make a failed delivery pending again with a fresh count of attempts; False when there is none."""
        result = self._c.execute(
            update(hook_inbox).where(hook_inbox.c.id == inbox_id, hook_inbox.c.state == FAILED)
            .values(state=PENDING, attempts=0)
        )
        return result.rowcount == 1

    def delete_done_before(self, cutoff: datetime) -> int:
        """Forget deliveries processed before ``cutoff``; returns how many. Failed ones stay for a person."""
        result = self._c.execute(
            delete(hook_inbox).where(hook_inbox.c.state == DONE, hook_inbox.c.processed_at < cutoff)
        )
        return result.rowcount

    def counts(self) -> dict[str, int]:
        """How many deliveries are in each state."""
        rows = self._c.execute(select(hook_inbox.c.state, func.count()).group_by(hook_inbox.c.state)).all()
        return {state: count for state, count in rows}

    def recent(self, state: str | None, limit: int) -> list[InboxDelivery]:
        """The newest deliveries (optionally in one state), newest first."""
        query = select(hook_inbox)
        if state is not None:
            query = query.where(hook_inbox.c.state == state)
        rows = self._c.execute(query.order_by(hook_inbox.c.id.desc()).limit(limit)).all()
        return [_to_delivery(r) for r in rows]
