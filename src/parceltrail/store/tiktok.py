"""A shop's TikTok Shop connection (tokens encrypted, shop cipher, sync cursor), the browser flow's
one-time states, and the webhook inbox TikTok posts into.

Tokens arrive here already encrypted (``services/secrets.py``); nothing in this module sees them in clear.
The inbox is its own table rather than the carriers' ``hook_inbox``: TikTok's notifications name a
TikTok shop, not a tracking number, and are applied by re-fetching the order, not by a carrier parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection as Database
from sqlalchemy.engine import Row

from parceltrail.store.dialects import upsert_insert
from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

tiktok_connections = Table(
    "tiktok_connections",
    metadata,
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("tiktok_shop_id", String(64), nullable=False, unique=True),
    Column("shop_cipher", String(256), nullable=True),
    Column("shop_name", String(200), nullable=True),
    Column("region", String(8), nullable=True),
    Column("seller_name", String(200), nullable=True),
    Column("access_token", Text, nullable=False),
    Column("refresh_token", Text, nullable=False),
    Column("access_expires_at", UTCDateTime(), nullable=False),
    Column("refresh_expires_at", UTCDateTime(), nullable=False),
    # connected | deauthorized | expiring: what a seller must know before the next sync fails
    Column("state", String(16), nullable=False),
    Column("state_detail", Text, nullable=True),
    Column("synced_through", UTCDateTime(), nullable=True),
    Column("last_sync_at", UTCDateTime(), nullable=True),
    Column("last_sync_error", Text, nullable=True),
    Column("connected_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

tiktok_auth_states = Table(
    "tiktok_auth_states",
    metadata,
    Column("state_hash", String(64), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

tiktok_inbox = Table(
    "tiktok_inbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("notification_id", String(128), nullable=True),
    Column("tiktok_shop_id", String(64), nullable=True),
    Column("type", Integer, nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("state", String(16), nullable=False),  # pending | done | failed
    Column("attempts", Integer, nullable=False, default=0, server_default="0"),
    Column("processed_at", UTCDateTime(), nullable=True),
    Column("error", Text, nullable=True),
    UniqueConstraint("notification_id"),
    Index(None, "state", "id"),
)



@dataclass(frozen=True, slots=True)
class TikTokConnection:
    shop_id: str
    tiktok_shop_id: str
    shop_cipher: str | None
    shop_name: str | None
    region: str | None
    seller_name: str | None
    access_token: str
    """Encrypted."""
    refresh_token: str
    """Encrypted."""
    access_expires_at: datetime
    refresh_expires_at: datetime
    state: str
    state_detail: str | None
    synced_through: datetime | None
    last_sync_at: datetime | None
    last_sync_error: str | None
    connected_at: datetime
    updated_at: datetime



@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    notification_id: str | None
    tiktok_shop_id: str | None
    type: int
    body: bytes
    state: str
    attempts: int


def _connection(row: Row) -> TikTokConnection:
    return TikTokConnection(**row._mapping)


class TikTokRepository:
    def __init__(self, connection: Database) -> None:
        self._c = connection

    # -- connections -----------------------------------------------------------------------------

    def get(self, shop_id: str) -> TikTokConnection | None:
        row = self._c.execute(select(tiktok_connections).where(tiktok_connections.c.shop_id == shop_id)).first()
        return _connection(row) if row else None

    def by_tiktok_shop(self, tiktok_shop_id: str) -> TikTokConnection | None:
        row = self._c.execute(select(tiktok_connections)
                              .where(tiktok_connections.c.tiktok_shop_id == tiktok_shop_id)).first()
        return _connection(row) if row else None

    def connected(self) -> list[TikTokConnection]:
        rows = self._c.execute(select(tiktok_connections).where(tiktok_connections.c.state != "deauthorized")
                               .order_by(tiktok_connections.c.shop_id)).all()
        return [_connection(r) for r in rows]

    def put(self, conn: TikTokConnection) -> None:
        values = {k: getattr(conn, k) for k in TikTokConnection.__slots__ if k != "shop_id"}
        if not self._c.execute(update(tiktok_connections).where(tiktok_connections.c.shop_id == conn.shop_id)
                               .values(**values)).rowcount:
            self._c.execute(insert(tiktok_connections).values(shop_id=conn.shop_id, **values))

    def update(self, shop_id: str, **values) -> None:
        self._c.execute(update(tiktok_connections).where(tiktok_connections.c.shop_id == shop_id).values(**values))

    # -- browser flow states ---------------------------------------------------------------------

    def add_state(self, state_hash: str, shop_id: str, at: datetime) -> None:
        self._c.execute(insert(tiktok_auth_states).values(state_hash=state_hash, shop_id=shop_id, created_at=at))

    def take_state(self, state_hash: str, not_before: datetime) -> str | None:
        """The shop a fresh state was issued for; the state is used up either way."""
        row = self._c.execute(select(tiktok_auth_states).where(tiktok_auth_states.c.state_hash == state_hash)).first()
        self._c.execute(delete(tiktok_auth_states).where(
            (tiktok_auth_states.c.state_hash == state_hash) | (tiktok_auth_states.c.created_at < not_before)))
        return row.shop_id if row and row.created_at >= not_before else None

    # -- webhook inbox ---------------------------------------------------------------------------

    def add_notification(self, notification_id: str | None, tiktok_shop_id: str | None, kind: int,
                         at: datetime, body: bytes) -> int | None:
        """Store a pending notification; None when its ``tts_notification_id`` is stored already."""
        statement = (upsert_insert(self._c, tiktok_inbox)
                     .values(notification_id=notification_id, tiktok_shop_id=tiktok_shop_id, type=kind,
                             received_at=at, body=body, state="pending", attempts=0)
                     .on_conflict_do_nothing(index_elements=["notification_id"])
                     .returning(tiktok_inbox.c.id))
        row = self._c.execute(statement).first()
        return row.id if row else None

    def due_notifications(self, limit: int, max_attempts: int) -> list[Notification]:
        rows = self._c.execute(select(tiktok_inbox).where(
            (tiktok_inbox.c.state == "pending")
            | ((tiktok_inbox.c.state == "failed") & (tiktok_inbox.c.attempts < max_attempts)))
            .order_by(tiktok_inbox.c.id).limit(limit)).all()
        return [Notification(r.id, r.notification_id, r.tiktok_shop_id, r.type, bytes(r.body), r.state, r.attempts)
                for r in rows]

    def finish_notification(self, inbox_id: int, at: datetime, error: str | None) -> None:
        self._c.execute(update(tiktok_inbox).where(tiktok_inbox.c.id == inbox_id).values(
            state="failed" if error else "done", processed_at=at, error=(error or None) and error[:1000],
            attempts=tiktok_inbox.c.attempts + 1))

    def notification_counts(self, tiktok_shop_id: str) -> dict[str, int]:
        rows = self._c.execute(select(tiktok_inbox.c.state, func.count())
                               .where(tiktok_inbox.c.tiktok_shop_id == tiktok_shop_id)
                               .group_by(tiktok_inbox.c.state)).all()
        return {state: count for state, count in rows}
