"""Orders, their packages (a link table: an order may have several parcels, a parcel may serve several
orders, a parcel may have no order) and every status an order went through.

``order_packages`` rows stand for the platform's packages; ``package_id`` points at the tracked
``packages`` row once a tracking number exists (a TikTok package awaiting shipment has none yet).
Line items are one JSON column: they are read with their order, never queried on their own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Row

from parceltrail.core.model import Address
from parceltrail.core.orders import Buyer, Deadlines, LineItem, Order, OrderPackage, OrderStatus
from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

orders = Table(
    "orders",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("platform", String(16), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("on_hold", Boolean, nullable=False),
    Column("shipping_type", String(16), nullable=True),
    Column("buyer_name", String(200), nullable=True),
    Column("buyer_line1", String(300), nullable=True),
    Column("buyer_line2", String(300), nullable=True),
    Column("buyer_city", String(128), nullable=True),
    Column("buyer_region", String(64), nullable=True),
    Column("buyer_postal_code", String(16), nullable=True),
    Column("buyer_country", String(2), nullable=True),
    Column("line_items", Text, nullable=False),
    Column("platform_times", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("paid_at", UTCDateTime(), nullable=True),
    Column("platform_updated_at", UTCDateTime(), nullable=False),
    Column("ship_by", UTCDateTime(), nullable=True),
    Column("collect_by", UTCDateTime(), nullable=True),
    Column("deliver_by", UTCDateTime(), nullable=True),
    Column("auto_cancel_at", UTCDateTime(), nullable=True),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("shop_id", "platform", "external_id"),
    Index(None, "shop_id", "id"),  # the orders list's order (ids are time-ordered); migration 0023
    Index(None, "shop_id", "status", "id"),
    Index(None, "shop_id", "ship_by"),
    Index(None, "shop_id", "deliver_by"),
)

order_packages = Table(
    "order_packages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String(32), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("package_key", String(80), nullable=False),
    Column("external_id", String(64), nullable=True),
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="SET NULL"), nullable=True),
    Column("tracking_number", String(64), nullable=True),
    Column("carrier", String(32), nullable=True),
    Column("shipping_provider_id", String(64), nullable=True),
    Column("shipping_provider_name", String(128), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("order_id", "package_key"),
    Index(None, "package_id"),
    Index(None, "external_id"),
    Index(None, "tracking_number"),
)

order_status_history = Table(
    "order_status_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String(32), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(32), nullable=False),
    Column("on_hold", Boolean, nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("source", String(16), nullable=False),
    Index(None, "order_id", "id"),
)


@dataclass(frozen=True, slots=True)
class StoredOrder:
    """An order with our id and the tracked package each of its parcels points at."""

    id: str
    order: Order
    package_ids: dict[str, str | None]
    """package_key -> tracked ``packages.id`` (None until the parcel has a tracking number)."""
    recorded_at: datetime
    stored_updated_at: datetime


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: OrderStatus
    on_hold: bool
    changed_at: datetime
    recorded_at: datetime
    source: str


def _items_json(items: Sequence[LineItem]) -> str:
    return json.dumps([{"id": i.id, "product_name": i.product_name, "sku": i.sku, "quantity": i.quantity,
                        "package_id": i.package_id} for i in items], separators=(",", ":"))


def _times_json(times: Sequence[tuple[str, datetime]]) -> str:
    return json.dumps({k: int(v.timestamp()) for k, v in times}, sort_keys=True)


def order_values(order: Order) -> dict:
    a = order.buyer.address
    d = order.deadlines
    return {
        "status": order.status.value, "on_hold": order.on_hold, "shipping_type": order.shipping_type,
        "buyer_name": order.buyer.name, "buyer_line1": a.line1, "buyer_line2": a.line2, "buyer_city": a.city,
        "buyer_region": a.region, "buyer_postal_code": a.postal_code, "buyer_country": a.country,
        "line_items": _items_json(order.line_items), "platform_times": _times_json(order.platform_times),
        "created_at": order.created_at, "paid_at": order.paid_at, "platform_updated_at": order.updated_at,
        "ship_by": d.ship_by, "collect_by": d.collect_by, "deliver_by": d.deliver_by,
        "auto_cancel_at": d.auto_cancel_at,
    }


def _to_order(row: Row, links: Sequence[Row]) -> Order:
    items = tuple(LineItem(**i) for i in json.loads(row.line_items))
    times = tuple((k, datetime.fromtimestamp(v, UTC)) for k, v in sorted(json.loads(row.platform_times).items()))
    return Order(
        shop_id=row.shop_id, external_id=row.external_id, status=OrderStatus(row.status),
        created_at=row.created_at, updated_at=row.platform_updated_at, platform=row.platform,
        on_hold=row.on_hold, paid_at=row.paid_at,
        buyer=Buyer(row.buyer_name, Address(postal_code=row.buyer_postal_code, country=row.buyer_country,
                                            line1=row.buyer_line1, line2=row.buyer_line2, city=row.buyer_city,
                                            region=row.buyer_region)),
        line_items=items,
        packages=tuple(OrderPackage(link.external_id, link.tracking_number, link.carrier,
                                    link.shipping_provider_id, link.shipping_provider_name) for link in links),
        deadlines=Deadlines(row.ship_by, row.collect_by, row.deliver_by, row.auto_cancel_at),
        platform_times=times, shipping_type=row.shipping_type,
    )


@dataclass(frozen=True, slots=True)
class OrderFilter:
    status: OrderStatus | None = None
    has_tracking: bool | None = None
    deadline: str = "ship_by"
    deadline_before: datetime | None = None
    deadline_after: datetime | None = None
    after_id: str | None = None


_ORDERS_OF_PACKAGES = select(order_packages.c.package_id, order_packages.c.order_id).where(
    order_packages.c.package_id.in_(bindparam("ids", expanding=True)))
"""Read with every package answer: built once (bench/load.py)."""


class OrderRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def _links(self, order_ids: Sequence[str]) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {oid: [] for oid in order_ids}
        if not order_ids:
            return out
        rows = self._c.execute(select(order_packages).where(order_packages.c.order_id.in_(list(order_ids)))
                               .order_by(order_packages.c.id)).all()
        for r in rows:
            out[r.order_id].append(r)
        return out

    def _stored(self, rows: Sequence[Row]) -> list[StoredOrder]:
        links = self._links([r.id for r in rows])
        return [StoredOrder(r.id, _to_order(r, links[r.id]), {link.package_key: link.package_id for link in links[r.id]},
                            r.recorded_at, r.updated_at) for r in rows]

    def find_many(self, shop_id: str, platform: str, external_ids: Sequence[str]) -> dict[str, StoredOrder]:
        """This shop's orders among ``external_ids``, by external id."""
        found: dict[str, StoredOrder] = {}
        ids = list(dict.fromkeys(external_ids))
        for start in range(0, len(ids), 500):
            rows = self._c.execute(select(orders).where(
                orders.c.shop_id == shop_id, orders.c.platform == platform,
                orders.c.external_id.in_(ids[start:start + 500]))).all()
            found.update({s.order.external_id: s for s in self._stored(rows)})
        return found

    def get(self, shop_id: str, order_ref: str) -> StoredOrder | None:
        """An order of this shop by our id or the platform's order id; another shop's answers None."""
        rows = self._c.execute(select(orders).where(
            orders.c.shop_id == shop_id, (orders.c.id == order_ref) | (orders.c.external_id == order_ref))).all()
        stored = self._stored(rows)
        return stored[0] if stored else None

    def add_many(self, rows: Sequence[tuple[str, Order]], now: datetime) -> None:
        """Insert new orders (our id, order); one executemany."""
        if rows:
            self._c.execute(insert(orders), [
                {"id": oid, "shop_id": o.shop_id, "platform": o.platform, "external_id": o.external_id,
                 "recorded_at": now, "updated_at": now, **order_values(o)} for oid, o in rows])

    def replace_many(self, rows: Sequence[tuple[str, Order]], now: datetime) -> None:
        """Overwrite stored orders with newer versions; one executemany."""
        if not rows:
            return
        names = list(order_values(rows[0][1]))
        statement = update(orders).where(orders.c.id == bindparam("oid")).values(
            {name: bindparam(f"v_{name}") for name in [*names, "updated_at"]})
        self._c.execute(statement, [
            {"oid": oid, "v_updated_at": now, **{f"v_{k}": v for k, v in order_values(o).items()}} for oid, o in rows])

    def set_links(self, links: Sequence[tuple[str, OrderPackage, str | None]], replacing: Sequence[str],
                  now: datetime) -> None:
        """The parcels of the given orders: (order id, parcel, tracked package id). Orders in ``replacing``
        lose the links they had first, so a re-split or a dropped parcel leaves no stale link."""
        ids = list(replacing)
        for start in range(0, len(ids), 500):
            self._c.execute(delete(order_packages).where(order_packages.c.order_id.in_(ids[start:start + 500])))
        if links:
            self._c.execute(insert(order_packages), [
                {"order_id": oid, "package_key": p.key, "external_id": p.external_id, "package_id": pid,
                 "tracking_number": p.tracking_number, "carrier": p.carrier,
                 "shipping_provider_id": p.shipping_provider_id, "shipping_provider_name": p.shipping_provider_name,
                 "created_at": now, "updated_at": now} for oid, p, pid in links])

    def record_status(self, order_id: str, change: StatusChange) -> None:
        self.record_many([(order_id, change)])

    def record_many(self, changes: Sequence[tuple[str, StatusChange]]) -> None:
        if changes:
            self._c.execute(insert(order_status_history), [
                {"order_id": oid, "status": c.status.value, "on_hold": c.on_hold, "changed_at": c.changed_at,
                 "recorded_at": c.recorded_at, "source": c.source} for oid, c in changes])

    def history(self, order_id: str) -> list[StatusChange]:
        rows = self._c.execute(select(order_status_history).where(order_status_history.c.order_id == order_id)
                               .order_by(order_status_history.c.id)).all()
        return [StatusChange(OrderStatus(r.status), r.on_hold, r.changed_at, r.recorded_at, r.source) for r in rows]

    def for_packages(self, package_ids: Sequence[str]) -> dict[str, list[StoredOrder]]:
        """The orders each tracked package serves (one, several when combined, none for a bare package)."""
        ids = list(package_ids)
        if not ids:
            return {}
        pairs = self._c.execute(_ORDERS_OF_PACKAGES, {"ids": ids}).all()
        if not pairs:  # a bare package (most of them): no order to read
            return {pid: [] for pid in ids}
        rows = self._c.execute(select(orders).where(orders.c.id.in_({p.order_id for p in pairs}))).all()
        by_id = {s.id: s for s in self._stored(rows)}
        out: dict[str, list[StoredOrder]] = {pid: [] for pid in ids}
        for p in pairs:
            out[p.package_id].append(by_id[p.order_id])
        return out

    def orders_with_number(self, shop_id: str, tracking_number: str) -> list[str]:
        """External ids of this shop's orders whose parcels carry ``tracking_number``."""
        rows = self._c.execute(select(orders.c.external_id).join(order_packages, order_packages.c.order_id == orders.c.id)
                               .where(orders.c.shop_id == shop_id, order_packages.c.tracking_number == tracking_number)
                               .distinct()).all()
        return [r.external_id for r in rows]

    def page(self, shop_id: str, where: OrderFilter, limit: int) -> list[StoredOrder]:
        """Up to ``limit`` orders in id order after ``where.after_id``."""
        query = select(orders).where(orders.c.shop_id == shop_id)
        if where.status is not None:
            query = query.where(orders.c.status == where.status.value)
        column = orders.c[where.deadline]
        if where.deadline_before is not None:
            query = query.where(column < where.deadline_before)
        if where.deadline_after is not None:
            query = query.where(column >= where.deadline_after)
        if where.has_tracking is not None:
            tracked = select(order_packages.c.order_id).where(order_packages.c.tracking_number.is_not(None))
            query = query.where(orders.c.id.in_(tracked) if where.has_tracking else orders.c.id.not_in(tracked))
        if where.after_id is not None:
            query = query.where(orders.c.id > where.after_id)
        return self._stored(self._c.execute(query.order_by(orders.c.id).limit(limit)).all())
