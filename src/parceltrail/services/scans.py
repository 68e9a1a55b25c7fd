"""Taking in scans from any source (API, polling, push): store them, then revise the estimates they moved.

``ingest_many`` is the storage step alone (and what bench/ingest.py measures); every caller that takes
scans for real goes through ``record_scans`` so no source can forget the estimate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from parceltrail.core import TrackingEvent
from parceltrail.services.clock import utcnow
from parceltrail.services.estimates import revise_estimates
from parceltrail.services.ingest import IngestResult, ingest_many
from parceltrail.store import UnitOfWork


def record_scans(
    uow: UnitOfWork,
    shop_id: str,
    batches: Mapping[str, Sequence[TrackingEvent]],
    source: str,
    now: datetime | None = None,
) -> dict[str, IngestResult]:
    now = now or utcnow(shop_id)
    results = ingest_many(uow, shop_id, batches, source=source, now=now)
    changed = [pid for pid, r in results.items() if r.status_changed]
    if changed:
        revise_estimates(uow, changed, now)
    return results
