"""The payment release signal per order (``core/disputes/release.py`` decides; this reads the facts).

An order is ``settled_safe`` once every parcel is delivered and the buyer's refund window has closed with
nothing open; ``at_risk`` with an open dispute or a parcel delivered far from the address that the buyer
has not confirmed; ``waiting`` otherwise, with the date it becomes safe if nothing happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from parceltrail.core.disputes.release import ParcelFacts, Release, release_signal
from parceltrail.services import cursors
from parceltrail.services.clock import utcnow
from parceltrail.services.delivery import judge
from parceltrail.services.disputes import open_disputes_of
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.store import UnitOfWork
from parceltrail.store.orders import OrderFilter, StoredOrder

STATES = ("settled_safe", "at_risk", "waiting")


@dataclass(frozen=True, slots=True)
class OrderRelease:
    order_id: str
    """The platform's order id (TikTok's)."""
    id: str
    release: Release
    parcels: list[ParcelFacts]
    untracked: int
    """Parcels of the order with no tracked package yet."""

    def to_dict(self) -> dict[str, Any]:
        return {"order_id": self.order_id, "id": self.id, **self.release.to_dict(),
                "parcels": [{"package_id": p.package_id, "tracking_number": p.tracking_number,
                             "delivered_at": p.delivered_at.isoformat() if p.delivered_at else None,
                             "open_disputes": p.open_disputes, "far_km": p.far_km, "far_basis": p.far_basis or None}
                            for p in self.parcels], "untracked_parcels": self.untracked}


def _of(uow: UnitOfWork, stored: StoredOrder, now: datetime) -> OrderRelease:
    """Call inside an open unit of work."""
    ids = [pid for pid in stored.package_ids.values() if pid]
    packages = uow.packages.get_many(stored.order.shop_id, ids)
    disputes = open_disputes_of(uow, ids)
    confirmations = uow.proofs.confirmations(ids)
    parcels = []
    for pid in ids:
        package = packages.get(pid)
        if package is None:
            continue
        check = judge(package, uow.events.timeline(pid), uow.proofs.get(pid), confirmations.get(pid))
        far = check.distance if check.far else None
        parcels.append(ParcelFacts(pid, package.tracking_number, check.delivered_at, len(disputes.get(pid, [])),
                                   far.km if far else None,
                                   ("the carrier's GPS point" if far.basis == "gps" else "the delivery scan's place")
                                   if far else ""))
    untracked = len(stored.package_ids) - len(ids) if stored.package_ids else 0
    release = release_signal(parcels, now)
    if untracked and release.state != "at_risk":
        release = Release("waiting", (f"{untracked} parcel{'s' if untracked > 1 else ''} without a tracking number",
                                      *release.reasons), None)
    return OrderRelease(stored.order.external_id, stored.id, release, parcels, untracked)


def order_release(uow: UnitOfWork, shop_id: str, order_ref: str, now: datetime | None = None) -> OrderRelease:
    """The release signal of one of the shop's orders (by the platform's order id or our ``ord_`` id)."""
    with uow.read():
        stored = uow.orders.get(shop_id, order_ref)
        if stored is None:
            raise NotFound("order", order_ref)
        return _of(uow, stored, now or utcnow())


@dataclass(frozen=True, slots=True)
class ReleasePage:
    items: list[OrderRelease]
    next_cursor: str | None


def release_page(uow: UnitOfWork, shop_id: str, state: str | None = None, cursor: str | None = None,
                 limit: int = 50, now: datetime | None = None, scan: int = 2000) -> ReleasePage:
    """Orders in id order with their signal, only those in ``state`` when given. At most ``scan`` orders are
    read per call; ``next_cursor`` continues after the last order read, so a page may hold fewer than
    ``limit`` while more remain."""
    if state is not None and state not in STATES:
        raise InvalidInput("unknown release state", [FieldError("state", f"expected one of: {', '.join(STATES)}")])
    now = now or utcnow()
    items: list[OrderRelease] = []
    after = cursors.decode_id(cursor, "ord_") if cursor else None
    read = 0
    with uow.read():
        while len(items) < limit and read < scan:
            size = min(200, scan - read)
            batch = uow.orders.page(shop_id, OrderFilter(after_id=after), size)
            for stored in batch:
                after = stored.id
                read += 1
                found = _of(uow, stored, now)
                if state is None or found.release.state == state:
                    items.append(found)
                    if len(items) == limit:
                        break
            if len(batch) < size and len(items) < limit:
                return ReleasePage(items, None)
    return ReleasePage(items, cursors.encode(after) if after else None)
