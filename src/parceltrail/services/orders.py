"""Orders into the store: upsert a batch of orders with their packages, in one transaction.

Every source (TikTok sync, webhooks, the Seller Center CSV) ends here, so they agree: an order older than
the stored one (by the platform's ``updated_at``) never overwrites it, an order that changed nothing
visible writes nothing, a status change is kept in the history, and each parcel with a tracking number
is followed like a registered package (the same package when a number is already followed, so a parcel
serving two combined orders is one package with two links).

Counts: ``packages_created`` are tracking numbers newly followed; ``packages_updated`` are parcels whose
tracking number, carrier or provider changed on an order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from parceltrail.core import Address, Package, PackageState
from parceltrail.core.orders import Order, OrderPackage
from parceltrail.services.adapters import can_poll
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import InvalidInput
from parceltrail.services.estimates import revise_estimates
from parceltrail.services.packages import normalize_tracking_number
from parceltrail.store import UnitOfWork
from parceltrail.store.ids import new_id
from parceltrail.store.orders import StatusChange, StoredOrder

TIKTOK_SHIPPING = "TIKTOK"
"""``shipping_type`` of an order TikTok ships: its parcels are tracked through TikTok (carrier ``tiktok``)."""


@dataclass
class UpsertReport:
    orders_created: int = 0
    orders_updated: int = 0
    packages_created: int = 0
    packages_updated: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def add(self, other: UpsertReport) -> None:
        self.orders_created += other.orders_created
        self.orders_updated += other.orders_updated
        self.packages_created += other.packages_created
        self.packages_updated += other.packages_updated
        self.errors += other.errors

    def to_dict(self) -> dict:
        return {"orders_created": self.orders_created, "orders_updated": self.orders_updated,
                "packages_created": self.packages_created, "packages_updated": self.packages_updated,
                "errors": self.errors}


def tracking_carrier(order: Order, package: OrderPackage) -> str | None:
    """Who we ask for the parcel's scans: TikTok for TikTok Shipping, else the parcel's own carrier."""
    return "tiktok" if order.shipping_type == TIKTOK_SHIPPING else package.carrier


def upsert_orders(uow: UnitOfWork, shop_id: str, incoming: Sequence[Order], source: str,
                  now: datetime | None = None) -> UpsertReport:
    """Store ``incoming`` (orders of ``shop_id``) and follow their parcels; one transaction for the batch.

    A parcel whose tracking number cannot be followed is reported in ``errors`` and still linked to its
    order (without a tracked package), so nothing the platform said is lost.
    """
    now = now or utcnow()
    report = UpsertReport()
    latest: dict[str, Order] = {}
    for order in incoming:
        if order.shop_id != shop_id:
            raise ValueError(f"order {order.external_id} belongs to shop {order.shop_id}, not {shop_id}")
        kept = latest.get(order.external_id)
        if kept is None or order.updated_at >= kept.updated_at:
            latest[order.external_id] = order
    new_packages: list[str] = []
    with uow:
        platforms = {o.platform for o in latest.values()}
        if len(platforms) > 1:
            raise ValueError(f"one batch holds one platform's orders, not {sorted(platforms)}")
        stored = uow.orders.find_many(shop_id, platforms.pop(), list(latest)) if latest else {}
        for external_id, order in latest.items():
            _upsert_one(uow, order, stored.get(external_id), source, now, report, new_packages)
        uow.commit()
    if new_packages:
        revise_estimates(uow, new_packages, now)
    return report


def _upsert_one(uow: UnitOfWork, order: Order, existing: StoredOrder | None, source: str, now: datetime,
                report: UpsertReport, new_packages: list[str]) -> None:
    if existing is not None:
        if order.updated_at < existing.order.updated_at:
            return  # older news than what is stored (a late webhook re-fetch, an old CSV)
        if existing.order.same_as(order) and _all_linked(existing, order):
            return
    order_id = existing.id if existing else new_id("ord")
    if existing is None:
        uow.orders.add(order_id, order, now)
        report.orders_created += 1
    else:
        uow.orders.replace(order_id, order, now)
        report.orders_updated += 1
    before = existing.order if existing else None
    if before is None or (before.status, before.on_hold) != (order.status, order.on_hold):
        uow.orders.record_status(order_id, StatusChange(order.status, order.on_hold, order.updated_at, now, source))
    old_links = {p.key: p for p in before.packages} if before else {}
    for package in order.packages:
        package_id = _follow(uow, order, package, now, report, new_packages)
        uow.orders.link_package(order_id, package, package_id, now)
        old = old_links.get(package.key)
        if old is not None and old != package:
            report.packages_updated += 1
    uow.orders.unlink_except(order_id, [p.key for p in order.packages])


def _all_linked(existing: StoredOrder, order: Order) -> bool:
    """Every parcel with a tracking number already points at a tracked package."""
    return all(existing.package_ids.get(p.key) for p in order.packages if p.tracking_number)


def _follow(uow: UnitOfWork, order: Order, package: OrderPackage, now: datetime, report: UpsertReport,
            new_packages: list[str]) -> str | None:
    """The tracked package following this parcel's number, registered now if nobody follows it yet."""
    if not package.tracking_number:
        return None
    try:
        number = normalize_tracking_number(package.tracking_number)
    except InvalidInput as error:
        report.errors.append({"order_id": order.external_id, "package_id": package.external_id or "",
                              "tracking_number": package.tracking_number, "reason": str(error)})
        return None
    carrier = tracking_carrier(order, package)
    found = uow.packages.find(order.shop_id, number, carrier)
    if found is not None:
        return found.id
    address = order.buyer.address
    destination = Address(postal_code=address.postal_code, country=address.country) \
        if (address.postal_code or address.country) else None
    tracked = Package(id=new_id("pkg"), shop_id=order.shop_id, tracking_number=number, carrier=carrier,
                      created_at=now, updated_at=now, order_ref=order.external_id, destination=destination,
                      state=PackageState())
    uow.packages.add(tracked, next_check_at=now if can_poll(carrier) else None)
    new_packages.append(tracked.id)
    report.packages_created += 1
    return tracked.id


__all__ = ["TIKTOK_SHIPPING", "UpsertReport", "tracking_carrier", "upsert_orders"]
