"""TikTok Shop jobs: apply stored webhooks (asked for by the API, and every minute) and reconcile every
connected shop every ``PARCELTRAIL_TIKTOK_SYNC_MINUTES`` (a missed webhook costs minutes, not the order).

Both need the TikTok app settings; on a server without them the jobs are not registered at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from huey import Huey
from sqlalchemy import Engine

from parceltrail.carriers.transport import CarrierClient
from parceltrail.services.tiktok import TikTokNotSetUp, tiktok_app
from parceltrail.services.tiktok_hooks import drain_notifications
from parceltrail.services.tiktok_sync import sync_all
from parceltrail.settings import Settings
from parceltrail.store import UnitOfWork

log = logging.getLogger("parceltrail.worker")
DRAIN_QUEUED = "drain_tiktok_inbox:queued"


def register_tiktok_jobs(queue: Huey, settings: Settings, engine: Engine,
                         every: Callable[[int], Callable]) -> dict[str, Callable]:
    try:
        app = tiktok_app(settings)
    except TikTokNotSetUp:
        return {}
    client = app.client(CarrierClient(timeout=settings.carrier_timeout_seconds))

    @queue.periodic_task(every(1), name="drain_tiktok_inbox")
    def drain_job() -> int:
        queue.get(DRAIN_QUEUED)
        report = drain_notifications(UnitOfWork(engine), app, client)
        if report.done or report.failed:
            log.info("TikTok webhooks: %d applied (%d orders changed), %d failed", report.done,
                     report.applied.orders_created + report.applied.orders_updated, report.failed)
        return report.done

    jobs: dict[str, Callable] = {"drain_tiktok_inbox": drain_job}
    if settings.tiktok_sync_minutes > 0:
        @queue.periodic_task(every(settings.tiktok_sync_minutes), name="sync_tiktok_shops")
        def sync_job() -> int:
            reports = sync_all(UnitOfWork(engine), app, client)
            for shop_id, r in reports.items():
                if r.orders_created or r.orders_updated or r.errors:
                    log.info("TikTok sync of %s: %d orders created, %d updated, %d errors", shop_id,
                             r.orders_created, r.orders_updated, len(r.errors))
            return len(reports)

        jobs["sync_tiktok_shops"] = sync_job
    return jobs
