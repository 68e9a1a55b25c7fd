"""Expiring packages that went quiet: recorded as an event, so the fold stays the single truth."""

from __future__ import annotations

from datetime import datetime, timedelta

from parceltrail.core import TERMINAL, Status, Substatus, TrackingEvent
from parceltrail.services.clock import shop_clocks, utcnow
from parceltrail.services.ingest import ingest_many
from parceltrail.store import UnitOfWork

_OPEN = tuple(s for s in Status if s not in TERMINAL)
_FINAL_WORD = (Substatus.LOST, Substatus.DISPOSED)
"""A carrier that declared a parcel lost or disposed of has had its last word: expiring it would hide
the one status the seller needs for a claim."""


def expire_quiet_packages(
    uow: UnitOfWork, after_days: int, now: datetime | None = None, batch: int = 500
) -> int:
    """Mark every open package with no news for ``after_days`` as expired; returns how many. Without
    ``now``, each shop is judged on its own clock (the demo shop's is accelerated)."""
    if now is not None:
        return _expire(uow, after_days, now, batch, None, ())
    own = shop_clocks()
    expired = _expire(uow, after_days, utcnow(), batch, None, tuple(own))
    for shop_id, clock in own.items():
        expired += _expire(uow, after_days, clock.now(), batch, shop_id, ())
    return expired


def _expire(uow: UnitOfWork, after_days: int, now: datetime, batch: int, shop_id: str | None,
            except_shops: tuple[str, ...]) -> int:
    before = now - timedelta(days=after_days)
    event = TrackingEvent.create(
        now, Status.EXPIRED, Substatus.NO_UPDATES,
        description=f"No carrier update for {after_days} days; tracking stopped",
    )
    expired = 0
    while True:
        with uow.read():
            quiet = uow.packages.quiet_since(before, _OPEN, batch, except_substatuses=_FINAL_WORD, shop_id=shop_id,
                                             except_shops=except_shops)
        per_shop: dict[str, dict[str, list[TrackingEvent]]] = {}
        for package in quiet:
            per_shop.setdefault(package.shop_id, {})[package.id] = [event]
        accepted = sum(r.accepted for shop_id, batches in per_shop.items()
                       for r in ingest_many(uow, shop_id, batches, source="system", now=now).values())
        expired += accepted
        if len(quiet) < batch or not accepted:  # nothing moved: the same rows would come back forever
            return expired
