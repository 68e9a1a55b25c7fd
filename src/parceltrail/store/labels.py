"""Labels and each shop's shipping settings (ship-from address, assignment rule, rate table, packaging presets).

A label row keeps what was printed (addresses, parcel, carrier and service, tracking number), what it
cost and promised, the assignment decision that chose it, and the carrier's own document when one was
bought; our own PDF and ZPL are re-rendered from the row, byte for byte the same. Voiding keeps the row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Row

from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

labels = Table(
    "labels",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="CASCADE"), nullable=False),
    Column("order_ref", String(128), nullable=True),
    Column("carrier", String(32), nullable=False),
    Column("service", String(32), nullable=False),
    Column("tracking_number", String(64), nullable=False),
    Column("ship_from", Text, nullable=False),  # JSON of core.address.PostalAddress
    Column("ship_to", Text, nullable=False),
    Column("weight_lb", Float, nullable=True),  # None: a TikTok Shipping label, weighed by TikTok
    Column("sides_in", Text, nullable=True),  # JSON [l, w, h]
    Column("billable_lb", Integer, nullable=True),
    Column("price", Float, nullable=True),
    Column("currency", String(3), nullable=True),
    Column("promised_on", Date, nullable=True),  # the service standard's day at purchase
    Column("deliver_by", Date, nullable=True),  # the platform's deadline (TikTok's deliver-by) when known
    Column("source", String(16), nullable=False),  # sandbox | carrier | seller | tiktok
    Column("assignment", Text, nullable=True),  # JSON: the choice, its candidates and its sentence
    Column("document", LargeBinary, nullable=True),  # the carrier's own label when bought from it
    Column("document_type", String(16), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("voided_at", UTCDateTime(), nullable=True),
    Index(None, "shop_id", "id"),
    Index(None, "package_id"),
)

shop_shipping = Table(
    "shop_shipping",
    metadata,
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("ship_from", Text, nullable=True),
    Column("rule", String(32), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("rates", Text, nullable=True),  # JSON: {"carrier/service": {"base", "per_lb", "per_zone"}}
    Column("presets", Text, nullable=True),  # JSON: {"name": {"sides_in": [...], "tare_lb": x}}
    Column("accounts", Text, nullable=True),  # JSON: {"ups": "A1B2C3"}: shipper account numbers (not secrets)
    Column("updated_at", UTCDateTime(), nullable=False),
)


@dataclass(frozen=True, slots=True)
class StoredLabel:
    id: str
    shop_id: str
    package_id: str
    order_ref: str | None
    carrier: str
    service: str
    tracking_number: str
    ship_from: dict[str, Any]
    ship_to: dict[str, Any]
    weight_lb: float | None
    sides_in: list[float] | None
    billable_lb: int | None
    price: float | None
    currency: str | None
    promised_on: date | None
    deliver_by: date | None
    source: str
    assignment: dict[str, Any] | None
    created_at: datetime
    voided_at: datetime | None = None
    document_type: str | None = None


@dataclass(frozen=True, slots=True)
class ShippingSettings:
    shop_id: str
    ship_from: dict[str, Any] | None
    rule: str
    confidence: float
    rates: dict[str, dict[str, float]]
    presets: dict[str, dict[str, Any]]
    accounts: dict[str, Any] = field(default_factory=dict)


_JSON = ("ship_from", "ship_to", "sides_in", "assignment")


def _label(row: Row) -> StoredLabel:
    values = {k: v for k, v in row._mapping.items() if k != "document"}
    for key in _JSON:
        values[key] = json.loads(values[key]) if values[key] else None
    return StoredLabel(**values)


class LabelRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, label: StoredLabel, document: bytes | None = None) -> None:
        values = {f: getattr(label, f) for f in StoredLabel.__slots__}  # type: ignore[attr-defined]
        for key in _JSON:
            values[key] = json.dumps(values[key]) if values[key] is not None else None
        self._c.execute(insert(labels).values(**values, document=document))

    def get(self, shop_id: str, label_id: str) -> StoredLabel | None:
        row = self._c.execute(select(labels).where(labels.c.id == label_id, labels.c.shop_id == shop_id)).first()
        return _label(row) if row else None

    def many(self, shop_id: str, label_ids: list[str]) -> dict[str, StoredLabel]:
        rows = self._c.execute(select(labels).where(labels.c.id.in_(label_ids), labels.c.shop_id == shop_id)).all()
        return {r.id: _label(r) for r in rows}

    def document(self, shop_id: str, label_id: str) -> bytes | None:
        return self._c.execute(select(labels.c.document).where(
            labels.c.id == label_id, labels.c.shop_id == shop_id)).scalar()

    def of_package(self, package_id: str) -> list[StoredLabel]:
        rows = self._c.execute(select(labels).where(labels.c.package_id == package_id).order_by(labels.c.id)).all()
        return [_label(r) for r in rows]

    def page(self, shop_id: str, order_ref: str | None, limit: int) -> list[StoredLabel]:
        query = select(labels).where(labels.c.shop_id == shop_id)
        if order_ref is not None:
            query = query.where(labels.c.order_ref == order_ref)
        rows = self._c.execute(query.order_by(labels.c.id.desc()).limit(limit)).all()
        return [_label(r) for r in rows]

    def void(self, shop_id: str, label_id: str, at: datetime) -> bool:
        return bool(self._c.execute(update(labels).where(
            labels.c.id == label_id, labels.c.shop_id == shop_id, labels.c.voided_at.is_(None),
        ).values(voided_at=at)).rowcount)

    # -- shop settings -----------------------------------------------------------------------------

    def settings(self, shop_id: str) -> ShippingSettings | None:
        row = self._c.execute(select(shop_shipping).where(shop_shipping.c.shop_id == shop_id)).first()
        if row is None:
            return None
        return ShippingSettings(row.shop_id, json.loads(row.ship_from) if row.ship_from else None, row.rule,
                                row.confidence, json.loads(row.rates or "{}"), json.loads(row.presets or "{}"),
                                json.loads(row.accounts or "{}"))

    def put_settings(self, settings: ShippingSettings, at: datetime) -> None:
        values = {"ship_from": json.dumps(settings.ship_from) if settings.ship_from else None, "rule": settings.rule,
                  "confidence": settings.confidence, "rates": json.dumps(settings.rates),
                  "presets": json.dumps(settings.presets), "accounts": json.dumps(settings.accounts), "updated_at": at}
        changed = self._c.execute(update(shop_shipping).where(shop_shipping.c.shop_id == settings.shop_id)
                                  .values(**values)).rowcount
        if not changed:
            self._c.execute(insert(shop_shipping).values(shop_id=settings.shop_id, **values))
