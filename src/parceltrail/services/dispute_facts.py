"""The facts a claim's windows count from, read from a package, its scans, its order and its estimates.

One reader for everything that needs them (a dispute's deadlines, the payment release signal, the
evidence bundle), so the same package always gives the same dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from parceltrail.core import NOT_A_HANDOFF, Package, Status, TrackingEvent
from parceltrail.core.disputes import ClaimFacts
from parceltrail.services.estimates import zone_of
from parceltrail.store import UnitOfWork
from parceltrail.store.estimates import StoredEstimate
from parceltrail.store.orders import StoredOrder


@dataclass(frozen=True, slots=True)
class PackageRecord:
    """A package with what was read alongside it, in one read transaction."""

    package: Package
    events: list[TrackingEvent]
    estimates: list[StoredEstimate]
    orders: list[StoredOrder]

    @property
    def order(self) -> StoredOrder | None:
        return self.orders[0] if self.orders else None


def read_record(uow: UnitOfWork, package: Package) -> PackageRecord:
    """Call inside an open unit of work."""
    return PackageRecord(package, uow.events.timeline(package.id), uow.estimates.history(package.id),
                         uow.orders.for_packages([package.id]).get(package.id, []))


def scheduled_at(record: PackageRecord) -> datetime | None:
    """When delivery was due: the order's deliver-by, else the end of the first promised day (destination time)."""
    order = record.order
    if order is not None and order.order.deadlines.deliver_by is not None:
        return order.order.deadlines.deliver_by
    first = next((e for e in record.estimates if e.moment in ("placed", "handoff")), None) or (
        record.estimates[0] if record.estimates else None)
    if first is None:
        return None
    return datetime.combine(first.promise, time(23, 59), zone_of(record.package.destination))


def claim_facts(record: PackageRecord, proof: str | None = None, distance_km: float | None = None,
                far: bool = False) -> ClaimFacts:
    package, events = record.package, record.events
    shipped = min((e.occurred_at for e in events if e.status not in NOT_A_HANDOFF), default=None)
    delivered = package.state.delivered_at if package.state.status is Status.DELIVERED else None
    order = record.order
    shipping_type = order.order.shipping_type if order else None
    return ClaimFacts(
        carrier=package.carrier, shipped_at=shipped, delivered_at=delivered,
        last_status_at=max((e.occurred_at for e in events), default=None), scheduled_at=scheduled_at(record),
        platform=order.order.platform if order else None,
        tiktok_shipping=package.carrier == "tiktok" or shipping_type == "TIKTOK",
        service=package.service, proof=proof, distance_km=distance_km, far=far,
    )
