"""Assembling a carrier's result: one de-duplicated timeline, read as a whole, folded by the core.

Two readings need the whole timeline rather than one event: scans after a return started belong to
the return leg, and the newest delivery takes its detail from the proof-of-delivery fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from parceltrail.carriers.base import CarrierShapeError, CarrierTracking, EstimatedDelivery
from parceltrail.core import PackageState, Status, Substatus, TrackingEvent, fingerprint, fold_into
from parceltrail.core.status import PROGRESS_RANK

RETURN_LEG = {
    Status.IN_TRANSIT: (Status.RETURNING, Substatus.RETURN_TO_SENDER),
    Status.OUT_FOR_DELIVERY: (Status.RETURNING, Substatus.RETURN_TO_SENDER),
    Status.DELIVERED: (Status.RETURNED, Substatus.RETURNED_TO_SENDER),
}
"""What a movement scan means once the parcel is on its way back to the sender."""


def as_notices(ordered: list[TrackingEvent], notices: set[int]) -> list[TrackingEvent]:
    """A notice (an estimate, an updated date: ``id`` in ``notices``) takes the state of the scan before it.

    FedEx posts "Shipment arriving early" (derived status IT) after "On FedEx vehicle for delivery";
    read as a move it would take the parcel back to in transit. The notice keeps its words and code.
    A notice with no scan before it keeps its own mapping.
    """
    out: list[TrackingEvent] = []
    last: TrackingEvent | None = None
    for e in ordered:
        if id(e) in notices:
            if last is not None:
                e = replace(e, status=last.status, substatus=last.substatus)
        else:
            last = e
        out.append(e)
    return out


def on_return_leg(ordered: list[TrackingEvent]) -> tuple[TrackingEvent, ...]:
    """After the first 'returning' event, plain movement scans are the return leg, not a new delivery.

    Carriers keep scanning a returned parcel with their ordinary codes ("Arrived at facility",
    "Delivered" at the sender's dock); read literally those would flip the package back to in transit
    or delivered. Exceptions and failed attempts are left as they are. The carrier's code and text stay.
    """
    out: list[TrackingEvent] = []
    returning = False
    for e in ordered:
        if returning and e.status in RETURN_LEG:
            status, substatus = RETURN_LEG[e.status]
            e = replace(e, status=status, substatus=substatus)
        returning = returning or e.status is Status.RETURNING
        out.append(e)
    return tuple(out)


DELIVERY_DETAIL = (
    (r"\bsign|signature", "signed"),
    (r"mail ?box|letter ?box|\bpo box|in/at mailbox", "mailbox"),
    (r"locker|parcel ?station|packstation", "locker"),
    (r"neighbou?r", "neighbour"),
    (
        r"door|porch|garage|side ?door|back ?door|front|left at|safe ?place|reception|mail ?room",
        "left_at_door",
    ),
)
"""Ordered phrase rules for a carrier's 'where it was left' text; the first match names the substatus."""


def refine_delivered(
    events: list[TrackingEvent], signed_by: str | None, where: str | None
) -> list[TrackingEvent]:
    """Give the newest plain 'delivered' event the detail the proof-of-delivery fields carry.

    A named signer means ``signed``; otherwise the carrier's place text ('Front Door', 'In/At Mailbox')
    picks ``left_at_door``, ``mailbox``, ``locker`` or ``neighbour``. Earlier deliveries are left alone.
    """
    detail: str | None = "signed" if (signed_by or "").strip() else None
    if detail is None and where:
        detail = next((sub for pattern, sub in DELIVERY_DETAIL if re.search(pattern, where, re.IGNORECASE)), None)
    if detail is None:
        return events
    delivered = [i for i, e in enumerate(events) if e.status is Status.DELIVERED]
    if not delivered:
        return events
    newest = max(delivered, key=lambda i: events[i].occurred_at)
    if events[newest].substatus is not Substatus.DELIVERED:
        return events
    out = list(events)
    out[newest] = replace(out[newest], substatus=Substatus(detail))
    return out


def tracking(
    carrier: str,
    number: str | None,
    events: Iterable[TrackingEvent],
    *,
    estimated_delivery: EstimatedDelivery | None = None,
    delivered_at: datetime | None = None,
    signed_by: str | None = None,
    delivery_location: str | None = None,
    piece_count: int | None = None,
    related: Iterable[CarrierTracking] = (),
    unmapped: Iterable[str | None] = (),
    notices: Iterable[TrackingEvent] = (),
) -> CarrierTracking:
    """Assemble the result: events de-duplicated and oldest first, status from the core fold.

    Three readings apply to the whole timeline: notices take the state of the scan before them
    (``as_notices``), scans after a return started are the return leg (``on_return_leg``), and the
    newest delivery takes its detail from the proof-of-delivery fields (``refine_delivered``:
    ``signed_by``, ``delivery_location``).
    """
    key = number or ""
    unique: dict[str, TrackingEvent] = {}
    for e in events:
        unique.setdefault(fingerprint(carrier, key, e), e)
    by_time = sorted(
        unique.items(), key=lambda item: (item[1].occurred_at, PROGRESS_RANK[item[1].status], item[0])
    )
    noticed = as_notices([e for _, e in by_time], {id(e) for e in notices})
    journey = refine_delivered(list(on_return_leg(noticed)), signed_by, delivery_location)
    # Fingerprints are hashed once; only events the two readings above replaced need a new one.
    known = {id(e): fp for fp, e in unique.items()}
    pairs = [(known.get(id(e)) or fingerprint(carrier, key, e), e) for e in journey]
    pairs.sort(key=lambda pair: (pair[1].occurred_at, PROGRESS_RANK[pair[1].status], pair[0]))
    ordered = tuple(e for _, e in pairs)
    state = fold_into(PackageState(), pairs)
    if delivered_at is None and state.status is Status.DELIVERED:
        delivered_at = state.delivered_at
    seen: list[str] = []
    for u in unmapped:
        if u and u not in seen:
            seen.append(u)
    return CarrierTracking(
        carrier=carrier,
        tracking_number=number,
        status=state.status,
        substatus=state.substatus,
        events=ordered,
        estimated_delivery=estimated_delivery,
        delivered_at=delivered_at.astimezone(UTC) if delivered_at else None,
        signed_by=(signed_by or "").strip() or None,
        delivery_location=(delivery_location or "").strip() or None,
        piece_count=piece_count,
        related=tuple(related),
        unmapped=tuple(seen),
    )


def with_related(results: list[CarrierTracking], carrier: str) -> CarrierTracking:
    """The first result, carrying the others in ``related`` (how every multi-result body is answered)."""
    if not results:
        raise CarrierShapeError(carrier, "the body describes no package")
    first, *rest = results
    return replace(first, related=tuple(rest))
