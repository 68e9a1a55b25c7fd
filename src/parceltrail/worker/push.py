"""The inbox-drain job: carrier pushes stored by the API are parsed and ingested here.

It runs when the API asks (right after a delivery is stored; a burst of deliveries shares one queued
drain, see ``request_drain``), every minute, and once whenever a worker starts, so deliveries a crash
left pending are taken up on restart without anyone asking. A drain flag left by a queue that failed
mid-request is cleared by the next scheduled drain.
Once an hour, deliveries processed more than ``KEEP_DONE`` ago are deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from huey import Huey, crontab
from sqlalchemy import Engine

from parceltrail.services.hooks import KEEP_DONE, drain_inbox, prune_inbox
from parceltrail.store import UnitOfWork

log = logging.getLogger("parceltrail.worker")
DRAIN_QUEUED = "drain_hook_inbox:queued"
"""Set in the queue's storage while a requested drain waits: pushes stored meanwhile ride on that one."""


def request_drain(drain: Callable[[], object], flag: str = DRAIN_QUEUED) -> bool:
    """Enqueue the drain job unless one asked for is still waiting (any API process may ask); True
    when this call enqueued it. A burst of pushes then costs one queued drain, not one each."""
    queue = drain.huey  # type: ignore[attr-defined]
    if not queue.put_if_empty(flag, "1"):
        return False
    try:
        drain()
    except Exception:
        queue.get(flag)  # nothing was queued after all: the next push asks again
        raise
    return True


def register_push_jobs(queue: Huey, engine: Engine, every_minute: Callable) -> dict[str, Callable]:
    @queue.periodic_task(every_minute, name="drain_hook_inbox")
    def drain_job() -> int:
        # cleared before reading the inbox: a push stored from here on asks for a drain of its own
        queue.get(DRAIN_QUEUED)
        report = drain_inbox(UnitOfWork(engine))
        if report.done or report.failed:
            log.info("push inbox: %d processed (%d new events), %d failed, %d given up",
                     report.done, report.events, report.failed, report.given_up)
        return report.done

    @queue.periodic_task(crontab(minute="17"), name="prune_hook_inbox")
    def prune_job() -> int:
        deleted = prune_inbox(UnitOfWork(engine))
        if deleted:
            log.info("push inbox: deleted %d deliveries processed over %d days ago", deleted, KEEP_DONE.days)
        return deleted

    @queue.on_startup(name="drain_hook_inbox_at_start")
    def drain_at_start() -> None:
        # Huey's scheduler also checks periodic tasks when it starts; this makes the start-up drain a
        # promise of this module rather than a side effect of the one-minute schedule.
        drain_job()

    return {"drain_hook_inbox": drain_job, "prune_hook_inbox": prune_job}
