"""When to ask the carrier next: the interval follows the package's phase (pure; time and randomness passed in).

Karrio polls every tracker on one fixed pulse; scans don't come on a fixed pulse. A label with no scan
changes slowly (and carriers take 24-48 h to scan a new label: the pre-transit grace), a parcel on the
van changes within the hour, a delivered one needs one last look (carriers correct delivery scans) and
then nothing. Jitter spreads packages registered together so they don't all come due in one tick.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from parceltrail.core import Status

H = timedelta(hours=1)

INTERVALS: dict[Status, timedelta] = {
    Status.PENDING: 4 * H,
    Status.INFO_RECEIVED: 4 * H,
    Status.IN_TRANSIT: 6 * H,
    Status.OUT_FOR_DELIVERY: 1 * H,
    Status.AVAILABLE_FOR_PICKUP: 8 * H,
    Status.DELIVERY_FAILED: 2 * H,
    Status.EXCEPTION: 2 * H,
    Status.RETURNING: 12 * H,
}
PRE_TRANSIT_GRACE = 48 * H
"""Carriers usually scan a label within 24-48 h; until then "no scan yet" is normal, after it a concern."""
AFTER_GRACE = 12 * H
LAST_LOOK_AFTER_DELIVERY = 12 * H
STOP: frozenset[Status] = frozenset({Status.RETURNED, Status.EXPIRED, Status.CANCELLED})
JITTER = 0.1
FIRST_RETRY = timedelta(minutes=15)
MAX_RETRY = 24 * H


def _jittered(interval: timedelta, rng: random.Random) -> timedelta:
    return interval * (1 + rng.uniform(-JITTER, JITTER))


def next_check(
    status: Status,
    now: datetime,
    created_at: datetime,
    delivered_at: datetime | None,
    rng: random.Random,
    factor: float = 1.0,
) -> datetime | None:
    """The next time to poll after a successful check, or None to stop polling.

    ``factor`` scales every wait (``PARCELTRAIL_POLL_INTERVAL_FACTOR``: 0.5 looks twice as often, at twice
    the carrier requests); the pre-transit grace is the carrier's habit, not ours, and is not scaled.
    """
    if status in STOP:
        return None
    if status is Status.DELIVERED:
        last_look = (delivered_at or now) + LAST_LOOK_AFTER_DELIVERY * factor
        return last_look if last_look > now else None
    interval = INTERVALS[status]
    if status in (Status.PENDING, Status.INFO_RECEIVED) and now - created_at > PRE_TRANSIT_GRACE:
        interval = AFTER_GRACE
    return now + _jittered(interval * factor, rng)


def retry_after_failure(failures: int, now: datetime, rng: random.Random, carrier_says: float | None = None,
                        factor: float = 1.0) -> datetime:
    """Back off after ``failures`` failed checks in a row; a carrier's Retry-After wins when it is longer."""
    backoff = min(FIRST_RETRY * 2 ** max(0, failures - 1), MAX_RETRY) * factor
    if carrier_says is not None:
        backoff = max(backoff, timedelta(seconds=carrier_says))
    return now + _jittered(backoff, rng)
