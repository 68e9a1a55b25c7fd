"""The inbox-drain job: carrier pushes stored by the API are parsed and ingested here.

It runs when the API asks (right after a delivery is stored), every minute, and once whenever a
worker starts, so deliveries a crash left pending are taken up on restart without anyone asking.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from huey import Huey
from sqlalchemy import Engine

from parceltrail.services.hooks import drain_inbox
from parceltrail.store import UnitOfWork

log = logging.getLogger("parceltrail.worker")


def register_push_jobs(queue: Huey, engine: Engine, every_minute: Callable) -> dict[str, Callable]:
    @queue.periodic_task(every_minute, name="drain_hook_inbox")
    def drain_job() -> int:
        report = drain_inbox(UnitOfWork(engine))
        if report.done or report.failed:
            log.info("push inbox: %d processed (%d new events), %d failed, %d given up",
                     report.done, report.events, report.failed, report.given_up)
        return report.done

    @queue.on_startup(name="drain_hook_inbox_at_start")
    def drain_at_start() -> None:
        drain_job()

    return {"drain_hook_inbox": drain_job}
