"""Sellers' exception digests: one message per staff member per hour or day, listing the parcels that
need attention, instead of a message per parcel. Each period's digest is planned once (its idempotency
key names the period in the staff member's zone); an empty one is not sent. A newer digest replaces one
still waiting (quiet hours). Parcels come from ``store.digests`` (see there for what counts).
"""

from __future__ import annotations

from datetime import datetime

from parceltrail.notify import plan
from parceltrail.services.people import track_url
from parceltrail.services.planner import person, read_audience, store_planned
from parceltrail.store import UnitOfWork

ATTENTION = tuple(s.value for s in plan.EXCEPTION_STATUSES)
LISTED = 25
"""Parcels named in one digest; the rest are counted ("and 12 more") and the dashboard has them all."""


def queue_digests(uow: UnitOfWork, now: datetime, public_url: str, email: bool = False) -> int:
    """Plan every digest due at ``now``; returns how many staff members got one planned."""
    base = public_url.rstrip("/")
    planned = 0
    with uow:
        due = [(r, period) for r in uow.recipients.with_digest()
               if (period := plan.digest_period(r.digest, r.digest_hour, r.time_zone or "UTC", now))]
        if not due:
            return 0
        shop_ids = sorted({r.shop_id for r, _ in due})
        listed, totals = uow.digests.needing_attention(shop_ids, ATTENTION, LISTED)
        audience = read_audience(uow, shop_ids, [], email)
        for recipient, period in due:
            items = listed.get(recipient.shop_id, [])
            if not items:
                continue
            zone = recipient.time_zone or "UTC"
            context = {**audience.context(recipient, zone), "total": totals[recipient.shop_id], "items": [
                {"package_id": a.package_id, "tracking_number": a.tracking_number, "carrier": a.carrier,
                 "status": a.status, "substatus": a.substatus, "since": a.since.isoformat(),
                 "track": track_url(base, a.shop_id, a.tracking_number)} for a in items]}
            messages = plan.plan_digest(person(recipient, zone, audience.suppressed), period, now, context,
                                        audience.available[recipient.shop_id])
            store_planned(uow, messages, recipient.shop_id, None, None, now)
            planned += 1
        uow.commit()
    return planned
