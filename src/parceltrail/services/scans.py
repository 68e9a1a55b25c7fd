"""Taking in scans from any source (API, polling, push): store them, revise the estimates they moved, and
look at the packages' flags again.

``ingest_many`` is the storage step alone (and what bench/ingest.py measures); every caller that takes
scans for real goes through ``record_scans`` so no source can forget the estimate or the flags. A
package whose estimate is withheld (lost) is estimated again by any new scan, which shows it moving.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime

from parceltrail.core import TrackingEvent
from parceltrail.services.clock import utcnow
from parceltrail.services.estimates import revise_estimates
from parceltrail.services.exceptions import evaluate_packages
from parceltrail.services.ingest import IngestResult, ingest_many
from parceltrail.store import UnitOfWork

log = logging.getLogger("parceltrail.scans")


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
    heard = [pid for pid, r in results.items() if r.accepted]
    if heard:
        with uow.read():
            withheld = uow.estimates.withheld(heard)
        changed = list(dict.fromkeys([*changed, *withheld]))
    if changed:
        revise_estimates(uow, changed, now)
    # a status moved by a held-back scan coming due (services.refold: no new scan) is news to the flags too
    looked = list(dict.fromkeys([*heard, *changed]))
    if looked:
        try:
            evaluate_packages(uow, looked, now)
        except Exception:  # the scans are stored: a failed look at flags must not lose them; the worker looks again
            log.exception("flags of %d packages not evaluated after their scans; the worker will retry", len(looked))
    return results
