"""The TikTok metric guard for one shop: gather its orders' facts from the store and count them
(``core.metrics``), as TikTok will, before TikTok does."""

from __future__ import annotations

from datetime import datetime, timedelta

from parceltrail.core import Status
from parceltrail.core.flags import FlagType
from parceltrail.core.metrics import Guard, OrderFacts, Thresholds, guard
from parceltrail.core.orders import OrderStatus
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import NotFound
from parceltrail.store import UnitOfWork

EXPECTED_LATE = {FlagType.LATE.value, FlagType.LOST.value}


def order_facts(uow: UnitOfWork, shop_id: str, now: datetime, thresholds: Thresholds) -> list[OrderFacts]:
    reach = max(thresholds.ldr_days, thresholds.vtr_days, thresholds.otdr_days) + 30
    with uow.read():
        if uow.shops.get(shop_id) is None:
            raise NotFound("shop", shop_id)
        found = uow.guard.orders_since(shop_id, now - timedelta(days=reach))
        ids = list({pid for o in found for pid in o.package_ids})
        packages = uow.packages.get_any(ids)
        scans = uow.guard.first_scans(ids)
        flags = uow.flags.open_for(ids)
    out = []
    for o in found:
        parcels = [packages[pid] for pid in o.package_ids if pid in packages]
        open_types = {f.type for pid in o.package_ids for f in flags.get(pid, [])}
        first = [scans[p.id] for p in parcels if p.id in scans]
        delivered = [p.state.delivered_at for p in parcels if p.state.status is Status.DELIVERED]
        out.append(OrderFacts(
            order_id=o.external_id, created_at=o.created_at, ship_by=o.ship_by, deliver_by=o.deliver_by,
            auto_cancel_at=o.auto_cancel_at, cancelled=o.status == OrderStatus.CANCELLED.value,
            tracking_uploaded_at=min((p.created_at for p in parcels), default=None),
            first_scan_at=min(first) if first else None,
            delivered_at=max(delivered) if parcels and len(delivered) == len(parcels) else None,  # type: ignore[type-var]
            suspicious=FlagType.SUSPICIOUS_TRACKING.value in open_types,
            expected_late=bool(open_types & EXPECTED_LATE),
        ))
    return out


def tiktok_metrics(uow: UnitOfWork, shop_id: str, now: datetime | None = None,
                   thresholds: Thresholds | None = None) -> Guard:
    now = now or utcnow()
    thresholds = thresholds or Thresholds()
    return guard(order_facts(uow, shop_id, now, thresholds), now, thresholds)
