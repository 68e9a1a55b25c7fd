"""Re-folding packages whose held-back future events have come due (``core.fold``).

Ingest re-folds a package when a scan arrives for it; this catches the packages nobody sends scans for:
the worker runs it every hour, so an event dated two days ahead counts within an hour of being a day
ahead. It goes through ``record_scans`` with an empty batch, so a status that moves also revises the
delivery estimate and tells the outbox, exactly as a scan would.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from parceltrail.core import FUTURE_TOLERANCE
from parceltrail.services.clock import utcnow
from parceltrail.services.scans import record_scans
from parceltrail.store import UnitOfWork


def refold_matured(uow: UnitOfWork, now: datetime | None = None, batch: int = 500) -> int:
    """Fold again every package holding back an event that counts as of now; returns how many were folded.

    Each shop is judged on its own clock (``utcnow(shop_id)``) unless ``now`` is given; candidates are
    found on the process clock, which no shop's clock is ahead of.
    """
    horizon = (now or utcnow()) + FUTURE_TOLERANCE
    with uow.read():
        due = uow.packages.matured(horizon, batch)
    per_shop: dict[str, list[str]] = defaultdict(list)
    for shop_id, package_id in due:
        per_shop[shop_id].append(package_id)
    for shop_id, package_ids in per_shop.items():
        record_scans(uow, shop_id, {pid: () for pid in package_ids}, source="system", now=now or utcnow(shop_id))
    return len(due)
