"""Flags the carrier's own words raise: failed attempts, returns, exceptions; and suspicious numbers.

These open on the scan that says so (``since`` is the scan's time) and close when a later scan shows
the problem is behind the parcel: a delivery or a pickup point after a failed attempt, any non-exception
scan after a delay. Damage and returns stay open to the end of the journey: the seller still has work.
"""

from __future__ import annotations

from datetime import datetime

from parceltrail.core.flags import words
from parceltrail.core.flags.model import (
    SEVERITY_RANK,
    Calendars,
    Flag,
    FlagType,
    OrderContext,
    Severity,
    Shipment,
)
from parceltrail.core.flags.timeline import Timeline
from parceltrail.core.status import Status, Substatus
from parceltrail.numbers.trust import destination_zip_mismatch, scan_before_order

X = Substatus
EXCEPTION_SEVERITY: dict[Substatus, Severity] = {
    X.WEATHER_DELAY: Severity.INFO, X.CARRIER_DELAY: Severity.INFO, X.LATE_FLIGHT: Severity.INFO,
    X.CUSTOMS_DELAY: Severity.INFO, X.DAMAGED: Severity.CRITICAL, X.REJECTED_BY_CARRIER: Severity.CRITICAL,
}
"""Everything else the carrier calls an exception (address, customs hold, refused ...) is a warning."""
LOST_WORDS = frozenset({X.LOST, X.DISPOSED})
STAYS_OPEN = frozenset({X.DAMAGED})
ATTEMPT_ENDS = frozenset({Status.DELIVERED, Status.AVAILABLE_FOR_PICKUP, Status.RETURNING, Status.RETURNED})


def failed_attempt_flag(timeline: Timeline, calendars: Calendars) -> Flag | None:
    if timeline.ended_at is not None:
        return None
    open_attempts = []
    for item in timeline.scans:
        if item.event.status in ATTEMPT_ENDS:
            open_attempts = []
        elif item.event.status is Status.DELIVERY_FAILED:
            open_attempts.append(item.event)
    if not open_attempts:
        return None
    first, last = open_attempts[0], open_attempts[-1]
    count = len(open_attempts)
    why = last.description or last.substatus.value.replace("_", " ")
    reason = (f"delivery attempted {words.moment(last.occurred_at, calendars.zone)} and failed ({why})"
              + (f", {count} attempts so far: carriers return parcels after two or three" if count > 1 else
                 ": contact the buyer to confirm the address and that someone can receive it"))
    return Flag(FlagType.FAILED_ATTEMPT, Severity.CRITICAL if count > 1 else Severity.WARNING,
                first.occurred_at, reason)


def return_flag(timeline: Timeline, calendars: Calendars) -> Flag | None:
    newest = timeline.newest_scan
    first = next((i.event for i in timeline.scans if i.event.status in (Status.RETURNING, Status.RETURNED)), None)
    if first is None or newest is None or newest.event.status is Status.DELIVERED:
        return None
    why = next((i.event.description for i in timeline.scans
                if i.event.status is Status.EXCEPTION and i.event.occurred_at <= first.occurred_at
                and i.event.description), "") or first.description
    reason = (f"the carrier is returning the parcel to you since {words.moment(first.occurred_at, calendars.zone)}"
              + (f" ({why})" if why else "") + ": refund or reship the buyer, and check the address")
    return Flag(FlagType.RETURN_TO_SENDER, Severity.CRITICAL, first.occurred_at, reason)


def carrier_exception_flag(timeline: Timeline, calendars: Calendars) -> Flag | None:
    run = []
    for item in timeline.scans:
        if item.event.status is Status.EXCEPTION and item.event.substatus not in LOST_WORDS:
            run.append(item.event)
        else:
            run = []
    sticky = [i.event for i in timeline.scans if i.event.substatus in STAYS_OPEN]
    if sticky and not run:
        run = sticky
    if not run or (timeline.ended_at is not None and not sticky):
        return None
    severity = max((EXCEPTION_SEVERITY.get(e.substatus, Severity.WARNING) for e in run), key=SEVERITY_RANK.get)
    last = run[-1]
    what = last.description or last.substatus.value.replace("_", " ")
    reason = f"the carrier reported: {what} ({words.moment(last.occurred_at, calendars.zone)}{words.at_place(last.location)})"
    return Flag(FlagType.CARRIER_EXCEPTION, severity, run[0].occurred_at, reason)


def suspicious_flag(timeline: Timeline, shipment: Shipment, order: OrderContext, calendars: Calendars,
                    now: datetime) -> Flag | None:
    """Signs the number belongs to another shipment; each is known from a time the events and order fix."""
    signs: list[tuple[datetime, str]] = []
    created = order.created_at
    first = timeline.first_carrier_event_at
    if created is not None:
        delivered = next((i.event.occurred_at for i in timeline.scans if i.event.status is Status.DELIVERED), None)
        if delivered is not None and delivered < created:
            signs.append((created, f"the carrier delivered it {words.moment(delivered, calendars.zone)}, before "
                                   "the order existed: the number belongs to an earlier shipment"))
        elif first is not None and (finding := scan_before_order(created, first)) is not None:
            signs.append((created, finding.reason))
    others = sorted(t for t in order.other_orders if t <= now)
    if others:
        since = max(others[0], created) if created else others[0]
        signs.append((since, f"the same tracking number is on {len(others)} other order{'s' if len(others) > 1 else ''}: "
                             "every order needs its own label"))
    known_at = created or first
    if order.buyer_postal_code and known_at is not None:
        finding = destination_zip_mismatch(shipment.tracking_number, order.buyer_postal_code)
        carrier_zip = (shipment.destination.postal_code or "")[:5]
        if finding is None and carrier_zip and carrier_zip != order.buyer_postal_code.strip()[:5]:
            signs.append((known_at, f"the carrier's destination ZIP {carrier_zip} is not the buyer's "
                                    f"{order.buyer_postal_code.strip()[:5]}"))
        elif finding is not None:
            signs.append((known_at, finding.reason))
    if not signs:
        return None
    signs.sort(key=lambda s: s[0])
    reason = "; ".join(text for _, text in signs)
    return Flag(FlagType.SUSPICIOUS_TRACKING, Severity.CRITICAL, signs[0][0], reason)
