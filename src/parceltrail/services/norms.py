"""A shop's stale norms, learned from its own delivered parcels and kept for six hours per process.

Learning reads the timelines of the shop's last 1,000 deliveries (a few hundred milliseconds for a big
shop): too much for every scan, nothing for the worker every few hours. A shop with few deliveries gets
mostly the prior (``core.flags.norms``): a group's own figure counts fully only from about 30 parcels.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from parceltrail.core import Address, Package
from parceltrail.core.flags import StaleNorms, learn_norms, waits_of
from parceltrail.services.flag_inputs import calendars_for, locate, shipment_of
from parceltrail.store import UnitOfWork

KEEP = timedelta(hours=6)
HISTORY = 1000
_lock = threading.Lock()
_cache: dict[str, tuple[datetime, StaleNorms]] = {}


def _learn(uow: UnitOfWork, shop_id: str) -> StaleNorms:
    with uow.read():
        rows = uow.history.delivered(shop_id, limit=HISTORY)
        timelines = uow.events.timelines([r.id for r in rows])
    waits = []
    for r in rows:
        destination = Address(postal_code=r.dest_postal_code, country=r.dest_country)
        origin = Address(postal_code=r.origin_postal_code, country=r.origin_country)
        package = Package(r.id, shop_id, "", r.carrier, r.created_at, r.created_at, destination=destination,
                          origin=origin, service=r.service)
        waits += waits_of(shipment_of(package), timelines[r.id], calendars_for(r.carrier, r.service, destination),
                          locate)
    return learn_norms(waits)


def shop_norms(uow: UnitOfWork, shop_id: str, now: datetime) -> StaleNorms:
    with _lock:
        kept = _cache.get(shop_id)
    if kept is not None and now - kept[0] < KEEP:
        return kept[1]
    norms = _learn(uow, shop_id)
    with _lock:
        if len(_cache) > 1000:
            _cache.clear()
        _cache[shop_id] = (now, norms)
    return norms


def forget(shop_id: str | None = None) -> None:
    """Drop the kept norms (of one shop, or all): the next evaluation learns them again."""
    with _lock:
        if shop_id is None:
            _cache.clear()
        else:
            _cache.pop(shop_id, None)
