"""Queries for the people notifications go to, what they chose, who opted out, and shops' channels.

- ``recipients``: a package's (or an order's) buyer, or a shop's staff member, with preferences: events,
  channels, quiet hours in their own zone, locale; staff also a digest rhythm. JSON lists in text columns.
- ``suppressions``: addresses that unsubscribed from a shop (by channel), so a buyer who opted out from one
  parcel's message hears nothing more from that shop at that address, whatever the package.
- ``notification_channels``: a shop's Apprise URLs (SMS gateway, chat service), encrypted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
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
    delete,
    insert,
    or_,
    select,
    update,
)

from parceltrail.store.dialects import upsert_insert
from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

recipients = Table(
    "recipients",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(8), nullable=False),  # buyer | staff
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="CASCADE"), nullable=True, unique=True),
    Column("order_id", String(32), ForeignKey("orders.id", ondelete="CASCADE"), nullable=True, unique=True),
    Column("name", String(200), nullable=True),
    Column("email", String(320), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("locale", String(16), nullable=False),
    Column("time_zone", String(64), nullable=True),
    Column("events", Text, nullable=False),
    Column("channels", Text, nullable=False),
    Column("quiet_start", String(5), nullable=True),
    Column("quiet_end", String(5), nullable=True),
    Column("digest", String(8), nullable=False, server_default="off"),
    Column("digest_hour", Integer, nullable=False, server_default="8"),
    Column("opted_out_at", UTCDateTime(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index(None, "shop_id", "kind", "id"),
)

suppressions = Table(
    "suppressions",
    metadata,
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("channel", String(8), primary_key=True),
    Column("address", String(320), primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False),
)

notification_channels = Table(
    "notification_channels",
    metadata,
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(8), primary_key=True),  # sms | chat
    Column("ciphertext", Text, nullable=False),
    Column("service", String(64), nullable=False),
    Column("shown_url", Text, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)



@dataclass(frozen=True, slots=True)
class Recipient:
    id: str
    shop_id: str
    kind: str
    package_id: str | None
    order_id: str | None
    name: str | None
    email: str | None
    phone: str | None
    locale: str
    time_zone: str | None
    events: tuple[str, ...]
    channels: tuple[str, ...]
    quiet_start: str | None
    quiet_end: str | None
    digest: str
    digest_hour: int
    opted_out_at: datetime | None
    created_at: datetime
    updated_at: datetime


_NAMES = [f.name for f in fields(Recipient)]


def _to_recipient(row) -> Recipient:
    values = {name: getattr(row, name) for name in _NAMES}
    values["events"] = tuple(json.loads(values["events"]))
    values["channels"] = tuple(json.loads(values["channels"]))
    return Recipient(**values)


def _row(recipient: Recipient) -> dict:
    values = {name: getattr(recipient, name) for name in _NAMES}
    values["events"] = json.dumps(list(recipient.events))
    values["channels"] = json.dumps(list(recipient.channels))
    return values


@dataclass(frozen=True, slots=True)
class StoredChannel:
    shop_id: str
    kind: str
    ciphertext: str
    service: str
    shown_url: str
    updated_at: datetime


class RecipientRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def put(self, recipient: Recipient) -> None:
        """Insert, or replace the row with this id."""
        values = _row(recipient)
        changed = self._c.execute(update(recipients).where(recipients.c.id == recipient.id)
                                  .values({k: v for k, v in values.items() if k not in ("id", "created_at")})).rowcount
        if not changed:
            self._c.execute(insert(recipients).values(**values))

    def get(self, shop_id: str, recipient_id: str) -> Recipient | None:
        row = self._c.execute(select(recipients).where(recipients.c.shop_id == shop_id,
                                                       recipients.c.id == recipient_id)).first()
        return _to_recipient(row) if row else None

    def for_package(self, package_id: str) -> Recipient | None:
        row = self._c.execute(select(recipients).where(recipients.c.package_id == package_id)).first()
        return _to_recipient(row) if row else None

    def for_order(self, order_id: str) -> Recipient | None:
        row = self._c.execute(select(recipients).where(recipients.c.order_id == order_id)).first()
        return _to_recipient(row) if row else None

    def buyers(self, package_ids: Sequence[str], order_ids: Sequence[str]) -> list[Recipient]:
        if not package_ids and not order_ids:
            return []
        rows = self._c.execute(select(recipients).where(or_(recipients.c.package_id.in_(list(package_ids)),
                                                            recipients.c.order_id.in_(list(order_ids))))).all()
        return [_to_recipient(r) for r in rows]

    def staff(self, shop_ids: Sequence[str]) -> list[Recipient]:
        if not shop_ids:
            return []
        rows = self._c.execute(select(recipients).where(recipients.c.shop_id.in_(list(shop_ids)),
                                                        recipients.c.kind == "staff")
                               .order_by(recipients.c.id)).all()
        return [_to_recipient(r) for r in rows]

    def with_digest(self) -> list[Recipient]:
        rows = self._c.execute(select(recipients).where(recipients.c.kind == "staff",
                                                        recipients.c.digest != "off")
                               .order_by(recipients.c.id)).all()
        return [_to_recipient(r) for r in rows]

    def remove(self, shop_id: str, recipient_id: str) -> bool:
        return bool(self._c.execute(delete(recipients).where(recipients.c.shop_id == shop_id,
                                                             recipients.c.id == recipient_id)).rowcount)

    def set_opted_out(self, recipient_id: str, opted_out_at: datetime | None, now: datetime) -> None:
        self._c.execute(update(recipients).where(recipients.c.id == recipient_id)
                        .values(opted_out_at=opted_out_at, updated_at=now))

    # -- opt-outs by address ----------------------------------------------------------------------

    def suppress(self, shop_id: str, channel: str, address: str, at: datetime) -> None:
        statement = (upsert_insert(self._c, suppressions)
                     .values(shop_id=shop_id, channel=channel, address=address, created_at=at)
                     .on_conflict_do_nothing(index_elements=["shop_id", "channel", "address"]))
        self._c.execute(statement)

    def unsuppress(self, shop_id: str, channel: str, address: str) -> None:
        self._c.execute(delete(suppressions).where(suppressions.c.shop_id == shop_id,
                                                   suppressions.c.channel == channel,
                                                   suppressions.c.address == address))

    def suppressed(self, shop_ids: Sequence[str]) -> set[tuple[str, str, str]]:
        """(shop, channel, address) of every opt-out of these shops."""
        if not shop_ids:
            return set()
        rows = self._c.execute(select(suppressions.c.shop_id, suppressions.c.channel, suppressions.c.address)
                               .where(suppressions.c.shop_id.in_(list(shop_ids)))).all()
        return {(r.shop_id, r.channel, r.address) for r in rows}

    # -- the shop's Apprise channels --------------------------------------------------------------

    def put_channel(self, channel: StoredChannel) -> None:
        self._c.execute(delete(notification_channels).where(notification_channels.c.shop_id == channel.shop_id,
                                                             notification_channels.c.kind == channel.kind))
        self._c.execute(insert(notification_channels).values(**{f.name: getattr(channel, f.name)
                                                                  for f in fields(StoredChannel)}))

    def channels(self, shop_ids: Sequence[str]) -> dict[tuple[str, str], StoredChannel]:
        if not shop_ids:
            return {}
        rows = self._c.execute(select(notification_channels)
                               .where(notification_channels.c.shop_id.in_(list(shop_ids)))).all()
        return {(r.shop_id, r.kind): StoredChannel(**r._mapping) for r in rows}

    def remove_channel(self, shop_id: str, kind: str) -> bool:
        return bool(self._c.execute(delete(notification_channels).where(
            notification_channels.c.shop_id == shop_id, notification_channels.c.kind == kind)).rowcount)
