"""Pruning evidence records past the retention (``PARCELTRAIL_EVIDENCE_RETENTION_DAYS``, default 180 days
after delivery); the worker runs it daily. What goes and what stays: ``store/retention.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from parceltrail.services.clock import utcnow
from parceltrail.store import UnitOfWork


@dataclass
class Pruned:
    packages: int = 0
    records: int = 0
    bodies: int = 0


def prune_evidence(uow: UnitOfWork, retention_days: int, now: datetime | None = None, batch: int = 500) -> Pruned:
    """Delete evidence records older than the retention, a batch of packages per transaction."""
    if retention_days < 1:
        raise ValueError("the evidence retention must be at least one day")
    before = (now or utcnow()) - timedelta(days=retention_days)
    done = Pruned()
    while True:
        with uow:
            due = uow.retention.due(before, batch)
            done.records += uow.retention.prune(due)
            done.packages += len(due)
            uow.commit()
        if len(due) < batch:
            break
    with uow:
        done.bodies = uow.retention.prune_bodies(before)
        uow.commit()
    return done
