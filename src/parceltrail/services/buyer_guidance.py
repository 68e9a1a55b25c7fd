"""The answer to the question a buyer has right now, from the parcel's state and the clock.

Pure: state and times in, an ``Advice`` out (a key into the page's words and the dates it quotes), so
each case is tested without a database. The cases are the questions buyers ask most: the label exists but
nothing moves (normal for 24–48 h), no scan for days, late, a failed attempt, waiting at a pickup point,
delivered but not received (look around, wait a day, then tell the shop by a date), late or overdue, an
address problem,
a damaged parcel, on its way back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from parceltrail.core import Status
from parceltrail.store.estimates import StoredEstimate

PRE_TRANSIT_NORMAL = timedelta(hours=48)
QUIET = timedelta(days=3)
"""No scan for this long in transit is worth explaining: hubs often go a day without scanning, not three."""
CLAIM_DAYS = 7
"""Tell the shop about a missing "delivered" parcel within a week: carriers' claim windows start then."""
DELAYS = frozenset({"weather_delay", "carrier_delay", "customs_delay", "late_flight", "customs_hold"})


@dataclass(frozen=True, slots=True)
class Advice:
    key: str
    values: dict[str, date | datetime | int | str] = field(default_factory=dict)


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def advise(status: Status, substatus: str, now: datetime, registered_at: datetime, last_scan_at: datetime | None,
           delivered_at: datetime | None, current: StoredEstimate | None, first: StoredEstimate | None,
           late: bool) -> Advice:
    if status is Status.DELIVERED:
        day = (delivered_at or now).date()
        return Advice("delivered", {"wait_until": next_working_day(day), "tell_by": day + timedelta(days=CLAIM_DAYS)})
    if status is Status.EXCEPTION:
        if substatus == "damaged":
            return Advice("damaged")
        if substatus in ("address_issue", "customer_moved"):
            return Advice("address")
        if substatus in DELAYS:
            return Advice("delayed")
        if substatus in ("lost", "disposed"):
            return Advice("lost")
        return Advice("exception")
    if status in (Status.RETURNING, Status.RETURNED):
        return Advice("returning")
    if status is Status.DELIVERY_FAILED:
        return Advice("attempt_failed", {"next_try": next_working_day(now.date())})
    if status is Status.AVAILABLE_FOR_PICKUP:
        return Advice("pickup")
    if status is Status.OUT_FOR_DELIVERY:
        return Advice("out_for_delivery")
    if status in (Status.PENDING, Status.INFO_RECEIVED):
        waited = now - (last_scan_at or registered_at)
        if waited < PRE_TRANSIT_NORMAL:
            return Advice("pre_transit")
        return Advice("pre_transit_long", {"days": waited.days})
    if late and first is not None:
        by = current.promise if current else first.promise
        if by < now.date():
            return Advice("overdue", {"first_latest": first.latest})
        return Advice("late", {"first_latest": first.latest, "tell_by": by})
    if status is Status.IN_TRANSIT and last_scan_at is not None and now - last_scan_at >= QUIET:
        by = max(current.latest if current else now.date(), (last_scan_at + timedelta(days=7)).date())
        return Advice("quiet", {"days": (now - last_scan_at).days, "tell_by": by})
    if status is Status.EXPIRED:
        return Advice("expired")
    if status is Status.CANCELLED:
        return Advice("cancelled")
    return Advice("moving")
