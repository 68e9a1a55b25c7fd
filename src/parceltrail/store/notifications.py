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

Claims are one ``UPDATE ... RETURNING`` (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), like polling.
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
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from parceltrail.store.claims import claim_rows
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
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


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
class Outcome:
    """The result of one attempt, as the sender records it."""

    message_id: str
    token: str
    attempt: Attempt
    state: str
    reason: str | None = None
    send_after: datetime | None = None
    retry_step: int | None = None
    subject: str | None = None


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

    def add(self, message: NewMessage, now: datetime) -> bool:
        """Store a planned message once (by ``idem_key``) and coalesce it with its neighbours; True when new.

        Coalescing: a message with a ``coalesce_key`` replaces older pending ones with the same key (they
        become ``skipped``, naming it), and is itself skipped when a newer one exists already.
        """
        values = {name: getattr(message, name) for name in NewMessage.__dataclass_fields__}
        statement = (_INSERTS[self._c.dialect.name](notifications)
                     .values(**values, attempts=0, retry_step=0, created_at=now, updated_at=now)
                     .on_conflict_do_nothing(index_elements=["idem_key"]).returning(notifications.c.id))
        if self._c.execute(statement).first() is None:
            return False
        key = message.coalesce_key
        if key is None or message.state != PENDING:
            return True
        later = or_(notifications.c.event_at > message.event_at,
                    and_(notifications.c.event_at == message.event_at, notifications.c.id > message.id))
        newer = self._c.execute(select(notifications.c.id).where(
            notifications.c.coalesce_key == key, notifications.c.state.in_(_LIVE), later)
            .order_by(notifications.c.event_at.desc()).limit(1)).scalar()
        if newer is not None:
            self._set_state([message.id], SKIPPED, f"coalesced: {newer} reports a newer state", now)
            return True
        older = self._c.execute(select(notifications.c.id).where(
            notifications.c.coalesce_key == key, notifications.c.state == PENDING,
            notifications.c.id != message.id, ~later)).scalars().all()
        self._set_state(list(older), SKIPPED, f"coalesced into {message.id}", now)
        return True

    def _set_state(self, ids: list[str], state: str, reason: str, now: datetime) -> None:
        if ids:
            self._c.execute(update(notifications).where(notifications.c.id.in_(ids))
                            .values(state=state, reason=reason, updated_at=now))

    # -- sending ----------------------------------------------------------------------------------

    def mark_uncertain(self, now: datetime) -> list[str]:
        """People messages whose sender vanished mid-send: ``uncertain``, never claimed again by themselves."""
        stale = self._c.execute(select(notifications.c.id, notifications.c.attempts, notifications.c.claimed_until)
                                .where(notifications.c.state == SENDING, notifications.c.claimed_until < now,
                                       notifications.c.channel != "webhook")).all()
        if not stale:
            return []
        why = ("the sender stopped while sending; it may or may not have gone out, so it is not resent "
               "automatically (resend it if the recipient did not get it)")
        self._c.execute(update(notifications).where(notifications.c.id.in_([r.id for r in stale]),
                                                    notifications.c.state == SENDING)
                        .values(state=UNCERTAIN, reason=why, claimed_until=None, claim_token=None, updated_at=now))
        self._c.execute(insert(notification_attempts), [
            {"notification_id": r.id, "number": r.attempts + 1, "started_at": now, "duration_ms": None,
             "outcome": UNCERTAIN, "status_code": None, "error": "sender stopped before recording the outcome"}
            for r in stale])
        return [r.id for r in stale]

    def claim_due(self, now: datetime, limit: int, lease: timedelta, token: str) -> list[Message]:
        """Due messages, leased to ``token``: pending ones whose time has come, and webhooks whose sender
        vanished (sent again under the same id)."""
        due = or_(and_(notifications.c.state == PENDING, notifications.c.send_after <= now),
                  and_(notifications.c.state == SENDING, notifications.c.claimed_until < now,
                       notifications.c.channel == "webhook"))
        rows = claim_rows(self._c, notifications, due, notifications.c.send_after, limit,
                          {"state": SENDING, "claimed_until": now + lease, "claim_token": token}, _MESSAGE_COLUMNS)
        return sorted((_to_message(r) for r in rows), key=lambda m: m.send_after)

    def record(self, outcome: Outcome, now: datetime) -> bool:
        """Write one attempt's result, only while ``token`` still holds the claim; True when written."""
        values = {"state": outcome.state, "reason": outcome.reason, "updated_at": now,
                  "attempts": notifications.c.attempts + 1, "claimed_until": None, "claim_token": None}
        if outcome.state == SENT:
            values["sent_at"] = now
        if outcome.send_after is not None:
            values["send_after"] = outcome.send_after
        if outcome.retry_step is not None:
            values["retry_step"] = outcome.retry_step
        if outcome.subject is not None:
            values["subject"] = outcome.subject
        result = self._c.execute(update(notifications).where(
            notifications.c.id == outcome.message_id, notifications.c.claim_token == outcome.token,
            notifications.c.state == SENDING).values(**values))
        if result.rowcount != 1:
            return False
        a = outcome.attempt
        self._c.execute(insert(notification_attempts).values(
            notification_id=outcome.message_id, number=a.number, started_at=a.started_at, duration_ms=a.duration_ms,
            outcome=a.outcome, status_code=a.status_code, error=(a.error or None) and a.error[:_ERROR_MAX]))
        return True

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

    def counts(self, shop_id: str | None = None) -> dict[str, int]:
        query = select(notifications.c.state, func.count()).group_by(notifications.c.state)
        if shop_id is not None:
            query = query.where(notifications.c.shop_id == shop_id)
        return {state: count for state, count in self._c.execute(query).all()}
