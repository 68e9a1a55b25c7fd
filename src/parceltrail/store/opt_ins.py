"""Queries for buyers' opt-ins from the tracking page: asked for, then confirmed from the message sent to
the address (double opt-in), so nobody can sign a stranger's address up for a parcel's news.

A row holds what was asked (package, channel, address, locale) and when it was confirmed; the link's token
is derived from the row's id with the server key (``services.opt_ins``), so no token is stored at all.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import Column, Connection, ForeignKey, Index, String, Table, select, update

from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

opt_ins = Table(
    "opt_ins",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(8), nullable=False),  # email | sms
    Column("address", String(320), nullable=False),
    Column("locale", String(16), nullable=False),
    Column("requested_at", UTCDateTime(), nullable=False),
    Column("confirmed_at", UTCDateTime(), nullable=True),
    Index(None, "package_id", "requested_at"),
)


@dataclass(frozen=True, slots=True)
class OptIn:
    id: str
    shop_id: str
    package_id: str
    channel: str
    address: str
    locale: str
    requested_at: datetime
    confirmed_at: datetime | None = None


_NAMES = [f.name for f in fields(OptIn)]


class OptInRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, opt_in: OptIn) -> None:
        self._c.execute(opt_ins.insert().values({name: getattr(opt_in, name) for name in _NAMES}))

    def get(self, opt_in_id: str) -> OptIn | None:
        row = self._c.execute(select(opt_ins).where(opt_ins.c.id == opt_in_id)).first()
        return OptIn(**{name: getattr(row, name) for name in _NAMES}) if row else None

    def asked_since(self, package_id: str, since: datetime) -> list[OptIn]:
        """The package's opt-ins asked for at or after ``since``, oldest first."""
        rows = self._c.execute(select(opt_ins).where(opt_ins.c.package_id == package_id,
                                                     opt_ins.c.requested_at >= since)
                               .order_by(opt_ins.c.requested_at)).all()
        return [OptIn(**{name: getattr(r, name) for name in _NAMES}) for r in rows]

    def confirm(self, opt_in_id: str, at: datetime) -> bool:
        """Mark confirmed once; False when it already was."""
        return bool(self._c.execute(update(opt_ins).where(opt_ins.c.id == opt_in_id, opt_ins.c.confirmed_at.is_(None))
                                    .values(confirmed_at=at)).rowcount)
