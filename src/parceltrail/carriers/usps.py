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
from parceltrail.carriers.mapping import Classifier, CodeTable, PhraseRules, phrase, row
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

# fmt: off
CODES = CodeTable("USPS event codes (eventCode)", (
    row("GX", "Shipping Label Created, USPS Awaiting Item", "info_received"),
    row("MA", "Pre-Shipment Info Sent to USPS, USPS Awaiting Item", "info_received"),
    row("03", "Accepted at USPS Origin Facility / USPS in possession of item", "in_transit", "picked_up"),
    row("OA", "Accepted at USPS Origin Facility", "in_transit", "picked_up"),
    row("10", "Processed through USPS Facility", "in_transit", "arrived_at_facility"),
    row("A1", "Arrived at USPS Facility", "in_transit", "arrived_at_facility"),
    row("07", "Arrived at Post Office", "in_transit", "arrived_at_facility"),
    row("L1", "Departed USPS Facility", "in_transit", "departed_facility"),
    row("SF", "Departed Post Office", "in_transit", "departed_facility"),
    row("NT", "In Transit to Next Facility", "in_transit", "in_transit"),
    row("08", "Missent", "exception", "carrier_delay"),
    row("OF", "Out for Delivery", "out_for_delivery"),
    row("01", "Delivered", "delivered", "delivered"),
    row("17", "Picked Up at Post Office", "delivered", "picked_up_by_customer"),
    row("14", "Arrival at Pickup Point", "available_for_pickup", "held_at_post_office"),
    row("16", "Available for Pickup", "available_for_pickup", "held_at_post_office"),
    row("02", "Notice Left (No Authorized Recipient Available)", "delivery_failed", "recipient_unavailable"),
    row("51", "Notice Left (Business Closed)", "delivery_failed", "business_closed"),
    row("52", "Notice Left (Receptacle Full/Item Oversized)", "delivery_failed", "no_secure_location"),
    row("53", "Receptacle Blocked", "delivery_failed", "access_issue"),
    row("54", "No Secure Location Available", "delivery_failed", "no_secure_location"),
    row("55", "No Authorized Recipient Available", "delivery_failed", "recipient_unavailable"),
    row("56", "No Access to Delivery Location", "delivery_failed", "access_issue"),
    row("04", "Refused", "exception", "refused"),
    row("05", "Undeliverable as Addressed", "exception", "address_issue"),
    row("21", "No Such Number", "exception", "address_issue"),
    row("22", "Insufficient Address", "exception", "address_issue"),
    row("23", "Moved, Left No Address", "exception", "customer_moved"),
    row("09", "Return to Sender", "returning"),
    row("29", "Return to Sender - Not Picked Up", "returning"),
    row("31", "Return to Sender Processed", "returning"),
), source="USPS Pub 199 / Web Tools tracking event codes as read for this project")
# fmt: on

# fmt: off
PHRASES = PhraseRules("USPS event wording (eventType), for codes outside the table", (
    phrase(r"customs clearance.*(complete|processing complete)|released from customs", "in_transit", "customs_cleared"),
    phrase(r"held in customs|customs (hold|delay)", "exception", "customs_hold"),
    phrase(r"inbound into customs|customs clearance|presented to customs", "in_transit", "customs_started"),
    phrase(r"arrived at .*(destination country|international service center|ISC)", "in_transit", "arrived_destination_country"),
    phrase(r"delivered to original sender|returned to sender", "returned"),
    phrase(r"return to sender|returning to sender", "returning"),
    phrase(r"out for delivery", "out_for_delivery"),
    phrase(r"available for pickup|held at post office", "available_for_pickup", "held_at_post_office"),
    phrase(r"^delivered|delivered,", "delivered", "delivered"),
    phrase(r"notice left|delivery attempt", "delivery_failed", "attempt_failed"),
    phrase(r"sorting complete|arrived at|processed through", "in_transit", "arrived_at_facility"),
    phrase(r"departed", "in_transit", "departed_facility"),
    phrase(r"in transit|on its way", "in_transit", "in_transit"),
), source="USPS Pub 199 / Web Tools tracking event codes as read for this project")
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
        verdict = CLASSIFIER.classify(
            (scan.get("eventCode"),),
            scan.get("eventType"),
            item.get("statusCategory") if i == newest else None,
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
