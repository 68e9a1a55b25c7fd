"""Counting attempts per bucket (a login e-mail, a client address, a tracking number) in a sliding window.

Kept in the database, not in a process: with N API processes a guesser gets the same limit as with one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from parceltrail.services.clock import utcnow
from parceltrail.store import UnitOfWork


@dataclass(frozen=True, slots=True)
class Limit:
    attempts: int
    window: timedelta


def over_limit(uow: UnitOfWork, buckets: list[str], limit: Limit) -> bool:
    """True when any bucket has used up its attempts in the window (then the caller refuses to try)."""
    since = utcnow() - limit.window
    with uow.read():
        return any(uow.site.hits_since(b, since) >= limit.attempts for b in buckets)


def count_attempt(uow: UnitOfWork, buckets: list[str], keep: timedelta = timedelta(days=1)) -> None:
    """Record one failed attempt in each bucket; rows older than ``keep`` go at the same time."""
    now = utcnow()
    with uow:
        for bucket in buckets:
            uow.site.hit(bucket, now)
        uow.site.prune_hits(now - keep)
        uow.commit()


def forget_attempts(uow: UnitOfWork, bucket: str) -> None:
    """A success clears its own bucket (a person who finally typed it right starts afresh)."""
    with uow:
        uow.site.clear_hits(bucket)
        uow.commit()
