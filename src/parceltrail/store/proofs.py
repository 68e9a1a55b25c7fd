"""Proof of delivery as the carrier gave it, and the buyer's own "I got it", one row of each per package.

A proof row is replaced when a newer delivery of the same package arrives (a re-delivery after a return
is a new delivery); the same delivery read again (every poll of a delivered parcel until polling stops)
only refreshes ``checked_at``. The carrier's JSON node is kept verbatim (``raw``) with its SHA-256 so the
evidence can show what the carrier said, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

delivery_proofs = Table(
    "delivery_proofs",
    metadata,
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("carrier", String(32), nullable=False),
    Column("delivered_at", UTCDateTime(), nullable=True),
    Column("signed_by", String(200), nullable=True),
    Column("location", String(200), nullable=True),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("facility", String(200), nullable=True),
    Column("attempts", Integer, nullable=True),
    Column("fields", Text, nullable=False),  # DeliveryProof.to_dict(), JSON
    Column("raw", Text, nullable=True),  # the carrier's node for the parcel, JSON
    Column("raw_sha256", String(64), nullable=True),
    Column("source", String(16), nullable=False),  # poll | push | api
    Column("received_at", UTCDateTime(), nullable=False),
    Column("checked_at", UTCDateTime(), nullable=False),
)

buyer_confirmations = Table(
    "buyer_confirmations",
    metadata,
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("confirmed_at", UTCDateTime(), nullable=False),
    Column("via", String(16), nullable=False),  # tracking_page | api
)


@dataclass(frozen=True, slots=True)
class StoredProof:
    package_id: str
    shop_id: str
    carrier: str
    delivered_at: datetime | None
    fields: dict[str, Any]
    raw: Any
    raw_sha256: str | None
    source: str
    received_at: datetime
    checked_at: datetime

    @property
    def gps(self) -> tuple[float, float] | None:
        gps = self.fields.get("gps")
        return (gps["lat"], gps["lon"]) if gps else None


@dataclass(frozen=True, slots=True)
class Confirmation:
    package_id: str
    confirmed_at: datetime
    via: str


def raw_text(raw: Any) -> tuple[str | None, str | None]:
    """The kept JSON of the carrier's node and its SHA-256 (over exactly the stored text)."""
    if raw is None:
        return None, None
    text = json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
    return text, hashlib.sha256(text.encode()).hexdigest()


class ProofRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def save(self, shop_id: str, package_id: str, fields: dict[str, Any], raw: Any, source: str,
             now: datetime, delivered_at: datetime | None) -> bool:
        """Keep this proof unless the package already holds one of a later delivery; True when stored anew."""
        current = self._c.execute(select(delivery_proofs.c.delivered_at, delivery_proofs.c.fields)
                                  .where(delivery_proofs.c.package_id == package_id)).first()
        stored_fields = json.dumps(fields, sort_keys=True)
        if current is not None:
            older = (current.delivered_at is not None and delivered_at is not None and delivered_at < current.delivered_at)
            if older or (current.delivered_at == delivered_at and current.fields == stored_fields):
                self._c.execute(update(delivery_proofs).where(delivery_proofs.c.package_id == package_id)
                                .values(checked_at=now))
                return False
        text, digest = raw_text(raw)
        gps = fields.get("gps") or {}
        values = {"shop_id": shop_id, "carrier": fields["carrier"], "delivered_at": delivered_at,
                  "signed_by": fields.get("signed_by"), "location": fields.get("location"),
                  "lat": gps.get("lat"), "lon": gps.get("lon"), "facility": fields.get("facility"),
                  "attempts": fields.get("attempts"), "fields": stored_fields, "raw": text, "raw_sha256": digest,
                  "source": source, "received_at": now, "checked_at": now}
        if current is None:
            self._c.execute(insert(delivery_proofs).values(package_id=package_id, **values))
        else:
            self._c.execute(update(delivery_proofs).where(delivery_proofs.c.package_id == package_id).values(**values))
        return True

    def get(self, package_id: str) -> StoredProof | None:
        row = self._c.execute(select(delivery_proofs).where(delivery_proofs.c.package_id == package_id)).first()
        if row is None:
            return None
        return StoredProof(row.package_id, row.shop_id, row.carrier, row.delivered_at, json.loads(row.fields),
                           json.loads(row.raw) if row.raw else None, row.raw_sha256, row.source, row.received_at,
                           row.checked_at)

    def gps_of(self, package_ids: list[str]) -> dict[str, tuple[float, float]]:
        rows = self._c.execute(select(delivery_proofs.c.package_id, delivery_proofs.c.lat, delivery_proofs.c.lon)
                               .where(delivery_proofs.c.package_id.in_(package_ids),
                                      delivery_proofs.c.lat.is_not(None))).all()
        return {r.package_id: (r.lat, r.lon) for r in rows}

    def confirm(self, shop_id: str, package_id: str, now: datetime, via: str) -> Confirmation:
        """Record the buyer's confirmation once; confirming again keeps the first moment."""
        found = self.confirmation(package_id)
        if found is not None:
            return found
        self._c.execute(insert(buyer_confirmations).values(package_id=package_id, shop_id=shop_id, confirmed_at=now,
                                                           via=via))
        return Confirmation(package_id, now, via)

    def confirmation(self, package_id: str) -> Confirmation | None:
        row = self._c.execute(select(buyer_confirmations)
                              .where(buyer_confirmations.c.package_id == package_id)).first()
        return Confirmation(row.package_id, row.confirmed_at, row.via) if row else None

    def confirmations(self, package_ids: list[str]) -> dict[str, Confirmation]:
        rows = self._c.execute(select(buyer_confirmations)
                               .where(buyer_confirmations.c.package_id.in_(package_ids))).all()
        return {r.package_id: Confirmation(r.package_id, r.confirmed_at, r.via) for r in rows}
