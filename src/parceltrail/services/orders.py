"""Orders into the store: upsert a batch of orders with their packages, in one transaction.

Every source (TikTok sync, webhooks, the Seller Center CSV) ends here, so they agree: an order older than
the stored one (by the platform's ``updated_at``) never overwrites it, an order that changed nothing
visible writes nothing, a status change is kept in the history, and each parcel with a tracking number
is followed like a registered package (the same package when a number is already followed, so a parcel
serving two combined orders is one package with two links).

A batch costs a fixed number of statements whatever its size (read the stored orders, read the
followed numbers, then one executemany each for new packages, new orders, changed orders, links and
history): bench/orders_import.py showed per-row statements spent most of an import building SQL.

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
from parceltrail.services.outbox import record_created, record_orders_updated
from parceltrail.services.packages import normalize_tracking_number
from parceltrail.store import UnitOfWork
from parceltrail.store.ids import new_id, new_ids
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


def _latest(shop_id: str, incoming: Sequence[Order]) -> dict[str, Order]:
    latest: dict[str, Order] = {}
    for order in incoming:
        if order.shop_id != shop_id:
            raise ValueError(f"order {order.external_id} belongs to shop {order.shop_id}, not {shop_id}")
        kept = latest.get(order.external_id)
        if kept is None or order.updated_at >= kept.updated_at:
            latest[order.external_id] = order
    platforms = {o.platform for o in latest.values()}
    if len(platforms) > 1:
        raise ValueError(f"one batch holds one platform's orders, not {sorted(platforms)}")
    return latest


def _changed(order: Order, existing: StoredOrder | None) -> bool:
    if existing is None:
        return True
    if order.updated_at < existing.order.updated_at:
        return False  # older news than what is stored (a late webhook re-fetch, an old CSV)
    linked = all(existing.package_ids.get(p.key) for p in order.packages if p.tracking_number)
    return not (existing.order.same_as(order) and linked)


def _number(order: Order, package: OrderPackage, report: UpsertReport) -> str | None:
    if not package.tracking_number:
        return None
    try:
        return normalize_tracking_number(package.tracking_number)
    except InvalidInput as error:
        report.errors.append({"order_id": order.external_id, "package_id": package.external_id or "",
                              "tracking_number": package.tracking_number, "reason": str(error)})
        return None


def upsert_orders(uow: UnitOfWork, shop_id: str, incoming: Sequence[Order], source: str,
                  now: datetime | None = None) -> UpsertReport:
    """Store ``incoming`` (orders of ``shop_id``) and follow their parcels; one transaction for the batch.

    A parcel whose tracking number cannot be followed is reported in ``errors`` and still linked to its
    order (without a tracked package), so nothing the platform said is lost.
    """
    now = now or utcnow(shop_id)  # the shop's clock (the demo shop keeps its own)
    report = UpsertReport()
    latest = _latest(shop_id, incoming)
    if not latest:
        return report
    new_packages: list[Package] = []
    with uow:
        stored = uow.orders.find_many(shop_id, next(iter(latest.values())).platform, list(latest))
        todo = [(o, stored.get(eid)) for eid, o in latest.items() if _changed(o, stored.get(eid))]
        numbers = {(o.external_id, p.key): n for o, _ in todo for p in o.packages
                   if (n := _number(o, p, report)) is not None}
        followed = uow.packages.find_numbers(shop_id, list(set(numbers.values())))
        added, replaced, links, changes = [], [], [], []
        fresh = iter(new_ids("ord", sum(1 for _, existing in todo if existing is None)))
        for order, existing in todo:
            order_id = existing.id if existing else next(fresh)
            (replaced if existing else added).append((order_id, order))
            before = existing.order if existing else None
            if before is None or (before.status, before.on_hold) != (order.status, order.on_hold):
                changes.append((order_id, StatusChange(order.status, order.on_hold, order.updated_at, now, source)))
            old_links = {p.key: p for p in before.packages} if before else {}
            for package in order.packages:
                number = numbers.get((order.external_id, package.key))
                package_id = None
                if number is not None:
                    package_id = _follow(order, package, number, followed, new_packages, now)
                links.append((order_id, package, package_id))
                if package.key in old_links and old_links[package.key] != package:
                    report.packages_updated += 1
        uow.packages.add_many([(p, now if can_poll(p.carrier) else None) for p in new_packages])
        uow.orders.add_many(added, now)
        uow.orders.replace_many(replaced, now)
        uow.orders.set_links(links, [oid for oid, _ in replaced], now)
        uow.orders.record_many(changes)
        record_created(uow, new_packages, now)
        record_orders_updated(uow, shop_id, [oid for oid, _ in added + replaced], now)
        uow.commit()
    report.orders_created, report.orders_updated = len(added), len(replaced)
    report.packages_created = len(new_packages)
    if new_packages:
        revise_estimates(uow, [p.id for p in new_packages], now)
    return report


def _follow(order: Order, package: OrderPackage, number: str, followed: dict[tuple[str, str], Package],
            new_packages: list[Package], now: datetime) -> str:
    """The tracked package following this parcel's number, registered now if nobody follows it yet."""
    carrier = tracking_carrier(order, package)
    found = followed.get((number, carrier or ""))
    if found is not None:
        return found.id
    address = order.buyer.address
    destination = Address(postal_code=address.postal_code, country=address.country) \
        if (address.postal_code or address.country) else None
    tracked = Package(id=new_id("pkg"), shop_id=order.shop_id, tracking_number=number, carrier=carrier,
                      created_at=now, updated_at=now, order_ref=order.external_id, destination=destination,
                      state=PackageState())
    followed[(number, carrier or "")] = tracked
    new_packages.append(tracked)
    return tracked.id


__all__ = ["TIKTOK_SHIPPING", "UpsertReport", "tracking_carrier", "upsert_orders"]
