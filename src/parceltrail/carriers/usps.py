"""USPS Tracking API v3 (``GET /tracking/v3/tracking/{trackingNumber}?expand=DETAIL``, OAuth ``/oauth2/v3/token``).

Events carry a two-character ``eventCode`` and USPS's standard wording (``eventType``); the codes table
is tried first, then phrase rules over the wording (international and customs events often carry codes
outside the domestic list). ``eventTimestamp`` is local wall time: we pair it with ``GMTOffset`` (which
USPS documents as ``-7:00`` as well as ``-05:00``), or use ``GMTTimestamp``. A trailing ``Z`` on
``eventTimestamp`` is not trusted: USPS's own example writes ``2023-08-02T07:31:00Z`` for a scan its
summary calls "7:31 am ... in RICHMOND, VA". Partner, label and pre-shipment events (80, GX, MA ...)
come with neither field: ``carriers.zones`` places them by their ZIP, their neighbours or the
origin/destination the body names, and marks them as inferred. A JSON list (several numbers answered at once) gives the first as the result and the
rest in ``related``; USPS has no multi-piece shipments.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from parceltrail.carriers.base import Carrier, CarrierShapeError, CarrierTracking
from parceltrail.carriers.credentials import OAuthCredentials
from parceltrail.carriers.mapping import Classifier, CodeTable, PhraseRules, load_table, phrase, row
from parceltrail.carriers.reading import (
    aware,
    load_body,
    local_with_offset,
    moment,
    need,
    parse_day,
    place,
    shape_guard,
    wall_time,
    window,
)
from parceltrail.carriers.timeline import tracking, with_related
from parceltrail.carriers.zones import draft, settle
from parceltrail.core import Location

if TYPE_CHECKING:
    from parceltrail.carriers.transport import CarrierClient

CODE = "usps"
BASE_URL = "https://apis.usps.com"
SANDBOX_URL = "https://apis-tem.usps.com"

CODES = load_table("usps_event_codes", "USPS event codes (eventCode)")

WORDS_FIRST = frozenset({"02", "52", "53", "54", "55", "56"})
"""Notice-left codes: USPS's words name the reason ("No Authorized Recipient Available", "No Secure Location
Available") more reliably than the code, which captures and USPS's own lists number differently."""

# fmt: off
PHRASES = PhraseRules("USPS event wording (eventType)", (
    phrase(r"delivered,? to (the )?original sender|delivered to sender", "returned", None, "Delivered, To Original Sender", "Delivered to Original Sender", action=True),
    phrase(r"unclaimed|being returned|return(ed|ing)? to sender", "returning", None, "Unclaimed/Being Returned to Sender", "Return to Sender", "Return to Sender Processed", action=True),
    phrase(r"no authorized recipient", "delivery_failed", "recipient_unavailable", "Notice Left (No Authorized Recipient Available)"),
    phrase(r"no secure (delivery )?location|receptacle full|item oversized", "delivery_failed", "no_secure_location",
           "Notice Left (No Secure Location Available)", "Notice Left (Receptacle Full/Item Oversized)"),
    phrase(r"receptacle blocked|no access|animal interference", "delivery_failed", "access_issue",
           "Notice Left (Receptacle Blocked)", "Delivery Attempted - No Access to Delivery Location", "Delivery Exception, Animal Interference"),
    phrase(r"business closed", "delivery_failed", "business_closed", "Notice Left (Business Closed)", "Business Closed"),
    phrase(r"redelivery scheduled|rescheduled to next delivery day", "delivery_failed", "rescheduled", "Redelivery Scheduled", "Rescheduled to Next Delivery Day"),
    phrase(r"notice left|delivery attempt", "delivery_failed", "attempt_failed", "Notice Left", "Delivery Attempted"),
    phrase(r"refused", "exception", "refused", "Refused", action=True),
    phrase(r"insufficient address|no such number|addressee unknown|vacant|undeliverable as addressed", "exception", "address_issue",
           "Insufficient Address", "No Such Number", "Addressee Unknown", "Vacant", "Undeliverable as Addressed", action=True),
    phrase(r"moved,? left no address|forward expired", "exception", "customer_moved", "Moved, Left no Address", "Forward Expired", action=True),
    phrase(r"disposed|dead mail|dead letter", "exception", "disposed", "Disposed by Post Office", "Dead Mail/Disposed by Post Office", action=True),
    phrase(r"customs clearance.*(complete|processing complete)|released from customs", "in_transit", "customs_cleared", "Customs Clearance Processing Complete"),
    phrase(r"held in customs|customs (hold|delay)", "exception", "customs_hold", "Held in Customs"),
    phrase(r"inbound into customs|customs clearance|presented to customs", "in_transit", "customs_started", "Inbound Into Customs", "Customs Clearance"),
    phrase(r"arrived at .*(destination country|international service center|\bisc\b)", "in_transit", "arrived_destination_country", "Arrived at International Service Center (ISC)"),
    phrase(r"missent|mis-shipped|processing exception", "exception", "carrier_delay", "Missent", "Processing Exception, Other Delay"),
    phrase(r"out for delivery", "out_for_delivery", None, "Out for Delivery", "Out for Delivery, Expected Delivery by 9:00pm"),
    phrase(r"available for (redelivery or )?pick ?up|held at post office|arrival at pickup point", "available_for_pickup", "held_at_post_office",
           "Available for Pickup", "Held at Post Office, At Customer Request", "Available for Redelivery or Pickup"),
    phrase(r"picked up at post office|individual picked up", "delivered", "picked_up_by_customer", "Delivered, Individual Picked Up at Post Office"),
    phrase(r"delivered,? parcel locker", "delivered", "locker", "Delivered, Parcel Locker"),
    phrase(r"delivered,? in/at mailbox|delivered,? po box", "delivered", "mailbox", "Delivered, In/At Mailbox", "Delivered, PO Box"),
    phrase(r"delivered,? (front door|porch|front desk|reception|mail room|garage|back door|side door)", "delivered", "left_at_door",
           "Delivered, Front Door/Porch", "Delivered, Front Desk/Reception/Mail Room"),
    phrase(r"^delivered\b", "delivered", "delivered", "Delivered", "Delivered, Left with Individual", "Delivered, To Agent"),
    phrase(r"shipping partner", "in_transit", "picked_up", "Picked Up by Shipping Partner, USPS Awaiting Item"),
    phrase(r"label created|pre-shipment|awaiting item", "info_received", None, "Shipping Label Created, USPS Awaiting Item", "Pre-Shipment Info Sent to USPS, USPS Awaiting Item"),
    phrase(r"in possession|accepted at|acceptance", "in_transit", "picked_up", "USPS in possession of item", "Accepted at USPS Origin Facility"),
    phrase(r"departed", "in_transit", "departed_facility", "Departed USPS Regional Facility", "Departed Post Office"),
    phrase(r"sorting complete|arrived at|processed through", "in_transit", "arrived_at_facility", "Arrived at USPS Regional Facility", "Arrived at Post Office", "Sorting Complete"),
    phrase(r"in transit|on its way", "in_transit", "in_transit", "In Transit to Next Facility", "In Transit, Arriving On Time"),
), source="USPS's standard eventType wordings (USPS Product Tracking & Reporting external status texts, USPS's examples in USPS/api-examples and karrio's captured body)")
# fmt: on

# fmt: off
COARSE = CodeTable("USPS status categories (statusCategory, coarse; newest event only)", (
    row("Pre-Shipment", "Label created", "info_received"),
    row("Accepted", "Accepted", "in_transit", "picked_up"),
    row("In Transit", "In transit", "in_transit", "in_transit"),
    row("Out for Delivery", "Out for delivery", "out_for_delivery"),
    row("Delivered", "Delivered", "delivered", "delivered"),
    row("Available for Pickup", "Available for pickup", "available_for_pickup", "held_at_post_office"),
    row("Delivery Attempt", "Delivery attempted", "delivery_failed", "attempt_failed"),
    row("Alert", "Alert", "exception", "other"),
    row("Return to Sender", "Return to sender", "returning"),
), source="USPS Pub 199 / Web Tools tracking event codes as read for this project")
# fmt: on

CLASSIFIER = Classifier(CODE, codes=CODES, phrases=PHRASES, coarse=COARSE)


@shape_guard(CODE)
def parse(body: bytes | dict | list) -> CarrierTracking:
    data = load_body(CODE, body)
    items = data if isinstance(data, list) else [data]
    if not items:
        raise CarrierShapeError(CODE, "body is an empty list")
    return with_related(
        [_item(item, f"[{i}]" if isinstance(data, list) else "body") for i, item in enumerate(items)], CODE
    )


def _item(item: Any, where: str) -> CarrierTracking:
    need(CODE, item, dict, where)
    if isinstance(item.get("error"), dict):
        error = item["error"]
        words = " ".join(str(v) for v in (error.get("code"), error.get("message"))).lower()
        if "404" in words or "not found" in words or "not yet available" in words:
            return tracking(CODE, item.get("trackingNumber"), [])
        raise CarrierShapeError(CODE, f"USPS answered an error, not tracking: {error.get('message')}")
    if "trackingNumber" not in item:
        raise CarrierShapeError(CODE, f"{where} has no trackingNumber: this is not a USPS Tracking v3 body")
    raw_events = need(CODE, item.get("trackingEvents") or [], list, f"{where}.trackingEvents")
    newest = max(
        range(len(raw_events)), key=lambda i: str(raw_events[i].get("GMTTimestamp") or ""), default=None
    )
    drafts, unmapped = [], []
    for i, scan in enumerate(raw_events):
        at = f"{where}.trackingEvents[{i}]"
        need(CODE, scan, dict, at)
        code = str(scan.get("eventCode") or "").strip().upper()
        verdict = CLASSIFIER.classify(
            [] if code in WORDS_FIRST else [code],
            scan.get("eventType"),
            item.get("statusCategory") if i == newest else None,
            vague=[code] if code in WORDS_FIRST else [],
        )
        unmapped.append(verdict.reported)
        country = scan.get("eventCountry") or ("US" if scan.get("eventState") else None)
        drafts.append(
            draft(
                _when(scan, at),
                verdict,
                scan.get("eventType"),
                scan.get("eventCode"),
                place(scan.get("eventCity"), scan.get("eventState"), scan.get("eventZIP"), country),
            )
        )
    settled = settle(CODE, drafts, _end(item, "origin"), _end(item, "destination"))
    unmapped.extend(settled.dropped)
    delivered_text = next(
        (
            e.description
            for e in sorted(settled.events, key=lambda e: e.occurred_at, reverse=True)
            if e.status.value == "delivered"
        ),
        None,
    )
    return tracking(
        CODE,
        str(item["trackingNumber"]),
        settled.events,
        notices=settled.notices,
        estimated_delivery=_estimate(item, where),
        delivery_location=delivered_text.partition(",")[2] if delivered_text else None,
        unmapped=unmapped,
    )


def _when(scan: dict, where: str) -> datetime:
    """Local time + ``GMTOffset``; else ``GMTTimestamp`` (UTC); else the local time, naive, to be placed."""
    local, offset, gmt = scan.get("eventTimestamp"), scan.get("GMTOffset"), scan.get("GMTTimestamp")
    wall = wall_time(CODE, str(local).strip().removesuffix("Z"), f"{where}.eventTimestamp") if local else None
    if wall is not None and wall.tzinfo is not None:
        return wall
    if wall is not None and offset:
        return local_with_offset(CODE, wall.isoformat(), str(offset), f"{where}.eventTimestamp")
    if gmt:
        text = str(gmt).strip()
        return aware(CODE, text if text.endswith("Z") or "+" in text[10:] else f"{text}Z", f"{where}.GMTTimestamp")
    if wall is not None:
        return wall
    raise CarrierShapeError(CODE, f"{where} has no eventTimestamp or GMTTimestamp")


def _end(item: dict, end: str) -> Location | None:
    """The origin or destination the body names (``originCity``/``originState``/``originZIP`` ...)."""
    city, state, zip_code = (item.get(f"{end}{part}") for part in ("City", "State", "ZIP"))
    if not (city or state or zip_code):
        return None
    return place(city, state, zip_code, item.get(f"{end}CountryCode") or ("US" if state else None))


def _estimate(item: dict, where: str):
    """USPS's expected/guaranteed time when it has an offset, else the predicted day (its window has no zone)."""
    for key in ("expectedDeliveryTimeStamp", "guaranteedDeliveryTimeStamp"):
        if item.get(key):
            value = moment(CODE, str(item[key]), f"{where}.{key}")
            return window(value, value)
    if item.get("predictedDeliveryDate"):
        day = parse_day(CODE, str(item["predictedDeliveryDate"]), f"{where}.predictedDeliveryDate")
        return window(day, day)
    return None


def fetch(number: str, credentials: OAuthCredentials, client: CarrierClient) -> bytes:
    """A 404 with USPS's JSON error is "no record yet": returned for ``parse`` to read as pending."""
    from parceltrail.carriers.transport import ensure_ok

    base = (credentials.base_url or BASE_URL).rstrip("/")
    response = client.send_authorized(
        CODE,
        f"{base}/oauth2/v3/token",
        credentials,
        "GET",
        f"{base}/tracking/v3/tracking/{number}",
        basic_auth=False,
        params={"expand": "DETAIL"},
        headers={"Accept": "application/json"},
    )
    return ensure_ok(CODE, response, also=(404,))


CARRIER = Carrier(
    code=CODE,
    name="USPS",
    parse=parse,
    fetch=fetch,
    base_url=BASE_URL,
    credentials_type=OAuthCredentials,
    classifier=CLASSIFIER,
    api="Tracking API v3, OAuth client credentials",
    supports=frozenset({"locations", "estimated_delivery", "proof_of_delivery"}),
)
