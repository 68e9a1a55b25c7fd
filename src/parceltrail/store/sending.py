"""Queries for senders: find due messages, claim them, record each attempt, and mark ``uncertain`` the
people messages whose sender vanished mid-send (see ``store.notifications`` for the states).

Claims are one ``UPDATE ... RETURNING`` (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), like polling; a claim
is a lease with a token, and an outcome is written only while the token still holds the claim. A message
to a person is marked ``started`` right before it goes out: when a sender vanishes, only the ones it had
started are uncertain; the ones it had merely claimed are claimed again by the next sender.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)

from parceltrail.store.claims import claim_rows
from parceltrail.store.notifications import (
    _ERROR_MAX,
    _MESSAGE_COLUMNS,
    PENDING,
    SENDING,
    SENT,
    UNCERTAIN,
    Attempt,
    Message,
    _to_message,
    notification_attempts,
    notifications,
)
from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

unsubscribe_tokens = Table(
    "unsubscribe_tokens",
    metadata,
    # sha256 of a one-click unsubscribe token a buyer message carried; one per attempt, all stay valid
    Column("token_hash", String(64), primary_key=True),
    Column("notification_id", String(32), ForeignKey("notifications.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)


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



_c = notifications.c
# one statement for every outcome (bound parameters, compiled once): what an outcome does not set stays
_RECORD = update(notifications).where(
    _c.id == bindparam("mid"), _c.claim_token == bindparam("token"), _c.state == SENDING,
).values(
    state=bindparam("state"), reason=bindparam("reason"), updated_at=bindparam("now"), attempts=_c.attempts + 1,
    claimed_until=None, claim_token=None, sent_at=func.coalesce(bindparam("sent_at", type_=UTCDateTime()), _c.sent_at),
    send_after=func.coalesce(bindparam("send_after", type_=UTCDateTime()), _c.send_after),
    retry_step=func.coalesce(bindparam("retry_step", type_=Integer()), _c.retry_step),
    subject=func.coalesce(bindparam("subject", type_=Text()), _c.subject),
)


class SendingRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def mark_uncertain(self, now: datetime) -> list[str]:
        """People messages whose sender vanished mid-send: ``uncertain``, never claimed again by themselves."""
        stale = self._c.execute(select(notifications.c.id, notifications.c.attempts, notifications.c.claimed_until)
                                .where(notifications.c.state == SENDING, notifications.c.claimed_until < now,
                                       notifications.c.channel != "webhook",
                                       notifications.c.started_at.is_not(None))).all()
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

    def any_due(self, now: datetime) -> bool:
        """Whether a send tick has anything to do (a read: an idle sender takes no write lock)."""
        c = notifications.c
        due = or_(and_(c.state == PENDING, c.send_after <= now), and_(c.state == SENDING, c.claimed_until < now))
        return self._c.execute(select(c.id).where(due).limit(1)).first() is not None

    def claim_due(self, now: datetime, limit: int, lease: timedelta, token: str) -> list[Message]:
        """Due messages, leased to ``token``: pending ones whose time has come, webhooks whose sender
        vanished (sent again under the same id), and people messages it had claimed but not started."""
        c = notifications.c
        due = or_(and_(c.state == PENDING, c.send_after <= now),
                  and_(c.state == SENDING, c.claimed_until < now,
                       or_(c.channel == "webhook", c.started_at.is_(None))))
        rows = claim_rows(self._c, notifications, due, notifications.c.send_after, limit,
                          {"state": SENDING, "claimed_until": now + lease, "claim_token": token, "started_at": None}, _MESSAGE_COLUMNS)
        return sorted((_to_message(r) for r in rows), key=lambda m: m.send_after)

    def start(self, message_id: str, token: str, now: datetime) -> bool:
        """Note that this message is about to go out (only while ``token`` holds it); False: the claim is lost."""
        result = self._c.execute(update(notifications).where(
            notifications.c.id == message_id, notifications.c.claim_token == token,
            notifications.c.state == SENDING).values(started_at=now))
        return result.rowcount == 1

    def record(self, outcome: Outcome, now: datetime) -> bool:
        """Write one attempt's result, only while ``token`` still holds the claim; True when written."""
        result = self._c.execute(_RECORD, {
            "mid": outcome.message_id, "token": outcome.token, "state": outcome.state, "reason": outcome.reason,
            "now": now, "sent_at": now if outcome.state == SENT else None, "send_after": outcome.send_after,
            "retry_step": outcome.retry_step, "subject": outcome.subject})
        if result.rowcount != 1:
            return False
        a = outcome.attempt
        self._c.execute(insert(notification_attempts), {
            "notification_id": outcome.message_id, "number": a.number, "started_at": a.started_at,
            "duration_ms": a.duration_ms, "outcome": a.outcome, "status_code": a.status_code,
            "error": (a.error or None) and a.error[:_ERROR_MAX]})
        return True

    def add_unsubscribe(self, message_id: str, token_hash: str, now: datetime) -> None:
        self._c.execute(insert(unsubscribe_tokens).values(token_hash=token_hash, notification_id=message_id,
                                                          created_at=now))

    def by_unsubscribe(self, token_hash: str) -> Message | None:
        row = self._c.execute(select(*_MESSAGE_COLUMNS).join(
            unsubscribe_tokens, unsubscribe_tokens.c.notification_id == notifications.c.id)
            .where(unsubscribe_tokens.c.token_hash == token_hash)).first()
        return _to_message(row) if row else None
