"""Queries for outgoing messages (webhook deliveries, emails, SMS, chat) and every attempt to send them.

A message is one row per (recipient or endpoint, event, channel): ``idem_key`` is unique, so planning
the same event twice (a planner that lost its lease, two workers) stores it once. States:

- ``pending``: waits for ``send_after`` (coalescing window, quiet hours, a retry);
- ``sending``: claimed by a sender (``claimed_until`` lease, ``claim_token``);
- ``sent``; ``failed`` (refused for good, or retries used up); ``skipped`` (never sent: ``reason`` says
  why: preference, opt-out, coalesced into a newer message, endpoint disabled);
- ``uncertain``: a sender stopped (crash, kill) between claiming an email/SMS/chat message and
  recording the outcome. It may have gone out; it is not resent blindly, a person can resend it.
  A webhook in that situation is sent again with the same ``webhook-id``, which receivers dedupe.

Planning and the log are here; claiming and recording attempts are in ``store.sending``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    or_,
    select,
    update,
)

from parceltrail.store.dialects import upsert_insert
from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

notifications = Table(
    "notifications",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("package_id", String(32), nullable=True),
    Column("event_id", String(32), nullable=True),
    Column("recipient_id", String(32), nullable=True),
    Column("endpoint_id", String(32), ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=True),
    Column("channel", String(16), nullable=False),
    Column("kind", String(48), nullable=False),
    Column("target", Text, nullable=False),
    Column("idem_key", String(200), nullable=False, unique=True),
    Column("coalesce_key", String(200), nullable=True),
    # within a coalescing key, a message never replaces one of higher rank, and is covered by one of higher
    # rank close in time (a status message carries the new delivery date, so the date message is not sent)
    Column("coalesce_rank", Integer, nullable=False, server_default="1"),
    Column("event_at", UTCDateTime(), nullable=False),
    Column("state", String(16), nullable=False),
    Column("reason", Text, nullable=True),
    Column("payload", Text, nullable=False),
    Column("subject", Text, nullable=True),
    Column("send_after", UTCDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("retry_step", Integer, nullable=False, server_default="0"),
    Column("claimed_until", UTCDateTime(), nullable=True),
    Column("claim_token", String(32), nullable=True),
    # set right before a message to a person goes out (see store.sending), cleared by each claim
    Column("started_at", UTCDateTime(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    Index(None, "state", "send_after"),
    Index(None, "shop_id", "id"),
    Index(None, "package_id", "id"),
    Index(None, "endpoint_id", "id"),
    Index(None, "recipient_id", "id"),
    Index(None, "coalesce_key", "event_at"),
)

notification_attempts = Table(
    "notification_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("notification_id", String(32), ForeignKey("notifications.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("duration_ms", Integer, nullable=True),
    Column("outcome", String(16), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Index(None, "notification_id", "number"),
)

PENDING, SENDING, SENT, FAILED, SKIPPED, UNCERTAIN = "pending", "sending", "sent", "failed", "skipped", "uncertain"
STATES = (PENDING, SENDING, SENT, FAILED, SKIPPED, UNCERTAIN)
_LIVE = (PENDING, SENDING, SENT, UNCERTAIN)
_ERROR_MAX = 1000


@dataclass(frozen=True, slots=True)
class NewMessage:
    """What the planner decided: to whom, on which channel, when (or why not)."""

    id: str
    shop_id: str
    channel: str
    kind: str
    target: str
    idem_key: str
    event_at: datetime
    send_after: datetime
    payload: str
    state: str = PENDING
    reason: str | None = None
    coalesce_key: str | None = None
    coalesce_rank: int = 1
    package_id: str | None = None
    event_id: str | None = None
    recipient_id: str | None = None
    endpoint_id: str | None = None


@dataclass(frozen=True, slots=True)
class Attempt:
    number: int
    started_at: datetime
    duration_ms: int | None
    outcome: str
    status_code: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    shop_id: str
    package_id: str | None
    event_id: str | None
    recipient_id: str | None
    endpoint_id: str | None
    channel: str
    kind: str
    target: str
    state: str
    reason: str | None
    payload: str
    subject: str | None
    event_at: datetime
    send_after: datetime
    attempts: int
    retry_step: int
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None
    history: list[Attempt] = field(default_factory=list)


_MESSAGE_COLUMNS = [notifications.c[name] for name in Message.__dataclass_fields__ if name != "history"]


def _to_message(row) -> Message:
    return Message(**{c.name: getattr(row, c.name) for c in _MESSAGE_COLUMNS})


@dataclass(frozen=True, slots=True)
class LogFilter:
    shop_id: str | None = None
    package_id: str | None = None
    endpoint_id: str | None = None
    recipient_id: str | None = None
    channel: str | None = None
    state: str | None = None
    before_id: str | None = None


class NotificationRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # -- planning ---------------------------------------------------------------------------------

    def _insert(self, returning: bool = False):
        statement = upsert_insert(self._c, notifications).on_conflict_do_nothing(index_elements=["idem_key"])
        return statement.returning(notifications.c.id) if returning else statement

    @staticmethod
    def _row(message: NewMessage, now: datetime) -> dict:
        return {**{name: getattr(message, name) for name in NewMessage.__dataclass_fields__},
                "attempts": 0, "retry_step": 0, "created_at": now, "updated_at": now}

    def add_many(self, messages: Sequence[NewMessage], now: datetime, span: timedelta = timedelta(0)) -> None:
        """``add`` for a planner's batch: messages that coalesce with nothing go in one executemany."""
        plain = [self._row(m, now) for m in messages if m.coalesce_key is None or m.state != PENDING]
        if plain:
            self._c.execute(self._insert(), plain)
        for message in messages:
            if message.coalesce_key is not None and message.state == PENDING:
                self.add(message, now, span)

    def add(self, message: NewMessage, now: datetime, span: timedelta = timedelta(0)) -> bool:
        """Store a planned message once (by ``idem_key``) and coalesce it with its neighbours; True when new.

        Coalescing, among messages with the same ``coalesce_key``: a message replaces older pending ones of
        its rank or lower (they become ``skipped``, naming it); it is itself skipped when a newer one of its
        rank or higher exists, or when one of higher rank lies within ``span`` of it.
        """
        if self._c.execute(self._insert(returning=True), self._row(message, now)).first() is None:
            return False
        key = message.coalesce_key
        if key is None or message.state != PENDING:
            return True
        c = notifications.c
        later = or_(c.event_at > message.event_at, and_(c.event_at == message.event_at, c.id > message.id))
        live = and_(c.coalesce_key == key, c.state.in_(_LIVE), c.id != message.id)
        rank = message.coalesce_rank
        near = c.event_at.between(message.event_at - span, message.event_at + span)
        covering = self._c.execute(select(c.id).where(live, c.coalesce_rank > rank, near).limit(1)).scalar()
        if covering is not None:
            self._set_state([message.id], SKIPPED, f"coalesced: {covering} says it too", now)
            return True
        newer = self._c.execute(select(c.id).where(live, c.coalesce_rank >= rank, later)
                                .order_by(c.event_at.desc()).limit(1)).scalar()
        if newer is not None:
            self._set_state([message.id], SKIPPED, f"coalesced: {newer} reports a newer state", now)
            return True
        older = self._c.execute(select(c.id).where(
            c.coalesce_key == key, c.state == PENDING, c.id != message.id, c.coalesce_rank <= rank,
            ~later)).scalars().all()
        self._set_state(list(older), SKIPPED, f"coalesced into {message.id}", now)
        return True

    def _set_state(self, ids: list[str], state: str, reason: str, now: datetime) -> None:
        if ids:
            self._c.execute(update(notifications).where(notifications.c.id.in_(ids))
                            .values(state=state, reason=reason, updated_at=now))

    def fail_pending_for_endpoint(self, endpoint_id: str, reason: str, now: datetime) -> int:
        return self._c.execute(update(notifications).where(
            notifications.c.endpoint_id == endpoint_id, notifications.c.state == PENDING)
            .values(state=FAILED, reason=reason, updated_at=now)).rowcount

    def requeue(self, message_id: str, now: datetime, reason: str) -> bool:
        """Send a finished message again (a person asked): pending now, with a fresh retry schedule."""
        result = self._c.execute(update(notifications).where(
            notifications.c.id == message_id, notifications.c.state.notin_([PENDING, SENDING]))
            .values(state=PENDING, send_after=now, retry_step=0, reason=reason, updated_at=now))
        return result.rowcount == 1

    # -- the log ----------------------------------------------------------------------------------

    def get(self, shop_id: str, message_id: str) -> Message | None:
        row = self._c.execute(select(*_MESSAGE_COLUMNS).where(
            notifications.c.shop_id == shop_id, notifications.c.id == message_id)).first()
        if row is None:
            return None
        return self._with_history([_to_message(row)])[0]

    def page(self, where: LogFilter, limit: int) -> list[Message]:
        """Newest first, with each message's attempts."""
        query = select(*_MESSAGE_COLUMNS)
        for column in ("shop_id", "package_id", "endpoint_id", "recipient_id", "channel", "state"):
            value = getattr(where, column)
            if value is not None:
                query = query.where(notifications.c[column] == value)
        if where.before_id is not None:
            query = query.where(notifications.c.id < where.before_id)
        rows = self._c.execute(query.order_by(notifications.c.id.desc()).limit(limit)).all()
        return self._with_history([_to_message(r) for r in rows])

    def _with_history(self, messages: Sequence[Message]) -> list[Message]:
        if not messages:
            return []
        rows = self._c.execute(select(notification_attempts).where(
            notification_attempts.c.notification_id.in_([m.id for m in messages]))
            .order_by(notification_attempts.c.notification_id, notification_attempts.c.number,
                      notification_attempts.c.id)).all()
        by_message: dict[str, list[Attempt]] = {}
        for r in rows:
            by_message.setdefault(r.notification_id, []).append(
                Attempt(r.number, r.started_at, r.duration_ms, r.outcome, r.status_code, r.error))
        for m in messages:
            m.history.extend(by_message.get(m.id, []))
        return list(messages)
