"""Ingesting events: the one path every scan takes, whether posted by a seller, polled or pushed.

Dedup is by fingerprint inside the transaction; the package state is folded forward from its saved
newest-event key instead of re-reading the whole timeline, which gives the same result as a full
fold (``core.fold``) at a fraction of the cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from parceltrail.core import Package, TrackingEvent, fingerprint, fold_into
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import NotFound
from parceltrail.store import UnitOfWork


@dataclass(frozen=True, slots=True)
class IngestResult:
    accepted: int
    duplicates: int
    package: Package
    status_changed: bool


def ingest_events(
    uow: UnitOfWork,
    shop_id: str,
    package_id: str,
    events: Sequence[TrackingEvent],
    source: str = "api",
    now: datetime | None = None,
) -> IngestResult:
    """Store the events this package does not have yet and fold them into its state, in one transaction."""
    now = now or utcnow()
    with uow:
        package = uow.packages.get(shop_id, package_id)
        if package is None:
            raise NotFound("package", package_id)
        batch: dict[str, TrackingEvent] = {}
        for event in events:
            batch.setdefault(fingerprint(package.carrier, package.tracking_number, event), event)
        known = uow.events.known_fingerprints(package_id, batch)
        new = [(fp, e) for fp, e in batch.items() if fp not in known]
        if not new:
            return IngestResult(0, len(events), package, status_changed=False)
        uow.events.add_many(package_id, new, source, now)
        state = fold_into(package.state, new)
        uow.packages.save_state(package_id, state, now)
        uow.commit()
    changed = (state.status, state.substatus) != (package.state.status, package.state.substatus)
    updated = Package(
        package.id, package.shop_id, package.tracking_number, package.carrier, package.created_at, now,
        package.order_ref, package.destination, state,
    )
    return IngestResult(len(new), len(events) - len(new), updated, status_changed=changed)
