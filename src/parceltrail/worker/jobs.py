"""Background jobs and their schedules, registered on a queue for one database.

Jobs are plain service calls; the queue only decides when they run. Each job opens its own unit of
work, so a failure rolls back that job alone and the worker carries on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from huey import Huey, crontab
from sqlalchemy import Engine

from parceltrail.services import expire_quiet_packages
from parceltrail.services.exceptions import evaluate_due
from parceltrail.services.history import refresh_shop_models
from parceltrail.services.refold import refold_matured
from parceltrail.services.retention import prune_evidence
from parceltrail.settings import Settings
from parceltrail.store import UnitOfWork
from parceltrail.store.engine import refresh_statistics
from parceltrail.worker.notify import register_notify_jobs
from parceltrail.worker.push import register_push_jobs
from parceltrail.worker.tiktok import register_tiktok_jobs

log = logging.getLogger("parceltrail.worker")


def every(minutes: int) -> Callable[[datetime], bool]:
    """A Huey schedule that fires every ``minutes`` minutes, aligned to the hour."""
    if minutes < 1:
        raise ValueError("a schedule interval must be at least one minute")

    def due(now: datetime) -> bool:
        return (now.hour * 60 + now.minute) % minutes == 0

    return due


def register_jobs(queue: Huey, settings: Settings, engine: Engine) -> dict[str, Callable]:
    """Attach every job to ``queue``; returns them by name so callers can enqueue one directly."""

    @queue.periodic_task(every(settings.expiry_check_minutes), name="expire_quiet_packages")
    def expire_job() -> int:
        count = expire_quiet_packages(UnitOfWork(engine), settings.expire_after_days)
        if count:
            log.info("expired %d packages with no update for %d days", count, settings.expire_after_days)
        return count

    @queue.periodic_task(every(settings.history_refresh_minutes), name="refresh_shop_models")
    def refresh_job() -> int:
        count = refresh_shop_models(UnitOfWork(engine))
        if count:
            log.info("re-read delivery history for %d shop models", count)
        return count

    @queue.periodic_task(every(60), name="refold_matured")
    def refold_job() -> int:
        # events held back as dated in the future count once they are within a day (core.fold)
        return refold_matured(UnitOfWork(engine))

    @queue.periodic_task(every(60), name="refresh_statistics")
    def statistics_job() -> None:
        # the planner's statistics follow the tables' growth, so lists keep their index (store.engine)
        refresh_statistics(engine)

    @queue.periodic_task(every(settings.flag_check_minutes), name="evaluate_flags")
    def flags_job() -> int:
        """Time passing is what makes a parcel stale or lost: look at the packages whose moment has come."""
        looked = 0
        while True:
            found = evaluate_due(UnitOfWork(engine), limit=500)
            looked += found.packages
            if found.packages < 500:
                return looked

    @queue.periodic_task(crontab(hour="3", minute="41"), name="prune_evidence")
    def prune_evidence_job() -> int:
        done = prune_evidence(UnitOfWork(engine), settings.evidence_retention_days)
        if done.records or done.bodies:
            log.info("pruned evidence older than %d days: %d records of %d packages, %d webhook bodies",
                     settings.evidence_retention_days, done.records, done.packages, done.bodies)
        return done.records + done.bodies

    return {
        "refresh_statistics": statistics_job,
        "refold_matured": refold_job,
        "expire_quiet_packages": expire_job,
        "evaluate_flags": flags_job,
        "refresh_shop_models": refresh_job,
        "prune_evidence": prune_evidence_job,
        **register_push_jobs(queue, engine, every(1)),
        **register_tiktok_jobs(queue, settings, engine, every),
        **register_notify_jobs(queue, engine, settings),
    }
