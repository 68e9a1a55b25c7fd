"""Writing outbox events in the transaction of the change they report (see ``store.outbox``).

Callers are the write paths themselves: ``ingest_many`` (status changes), ``revise_estimates``
(estimate changes), ``register_package`` and ``upsert_orders`` (new packages, created or changed orders),
``mark_connection`` (a TikTok Shop connection lost or expiring). Each call adds rows to the open unit of
work and never commits: the change and its event are stored together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from parceltrail.core import Package, PackageState, TrackingEvent
from parceltrail.notify import payloads
from parceltrail.notify.plan import (
    CREATED,
    ESTIMATE_CHANGED,
    ORDER_UPDATED,
    STATUS_CHANGED,
    TIKTOK_CONNECTION,
)
from parceltrail.store import UnitOfWork
from parceltrail.store.estimates import StoredEstimate
from parceltrail.store.outbox import OutboxEvent

_WINDOW = ("earliest", "likely", "latest", "promise")


def record_status_changes(uow: UnitOfWork, changes: Mapping[str, tuple[Package, PackageState, TrackingEvent | None]],
                          now: datetime) -> None:
    """``package.status_changed`` for each package whose (status, substatus) moved: (before, after, scan)."""
    uow.outbox.add_many([
        OutboxEvent(package.shop_id, STATUS_CHANGED, now, payloads.status_changed(package, state, scan), package.id)
        for package, state, scan in changes.values()
        if (state.status, state.substatus) != (package.state.status, package.state.substatus)
    ], now)


def record_created(uow: UnitOfWork, packages: Sequence[Package], now: datetime) -> None:
    uow.outbox.add_many([OutboxEvent(p.shop_id, CREATED, now, {"package": payloads.package_object(p)}, p.id)
                         for p in packages], now)


def record_orders_updated(uow: UnitOfWork, shop_id: str, order_ids: Sequence[str], now: datetime) -> None:
    """``order.updated`` for orders created or changed; the planner reads the order as it then is."""
    uow.outbox.add_many([OutboxEvent(shop_id, ORDER_UPDATED, now, {"order": {"id": oid}}) for oid in order_ids], now)


def record_estimate_changes(uow: UnitOfWork, packages: Mapping[str, Package],
                            before: Mapping[str, StoredEstimate], after: list[StoredEstimate], now: datetime) -> None:
    """``package.estimate_changed`` for each package whose window or promise dates moved (a package's
    first estimate is part of its registration, not a change)."""
    events = []
    for estimate in after:
        previous = before.get(estimate.package_id)
        if previous is None or all(getattr(previous, k) == getattr(estimate, k) for k in _WINDOW):
            continue
        package = packages[estimate.package_id]
        data = payloads.estimate_changed(package, previous.to_dict(), estimate.to_dict())
        events.append(OutboxEvent(package.shop_id, ESTIMATE_CHANGED, now, data, package.id))
    uow.outbox.add_many(events, now)


def record_tiktok_connection(uow: UnitOfWork, shop_id: str, state: str, cause: str | None,
                             expires_at: datetime | None, now: datetime) -> None:
    """``tiktok.connection_changed``: the shop's TikTok connection is ``deauthorized`` (``cause``: removed |
    refresh_refused) or ``expiring`` (at ``expires_at`` when TikTok said)."""
    data = {"connection": {"shop_id": shop_id, "state": state, "cause": cause,
                           "expires_at": expires_at.isoformat() if expires_at else None}}
    uow.outbox.add_many([OutboxEvent(shop_id, TIKTOK_CONNECTION, now, data)], now)
