"""FedEx Track API (``POST /track/v1/trackingnumbers``, OAuth client credentials at ``/oauth/token``).

Scan events carry an ``eventType`` (PU, AR, DP, OD, DL, DE ...) and FedEx's coarser ``derivedStatusCode``;
delivery exceptions add an ``exceptionCode`` that says *why* (refused, nobody in, bad address), so
``DE/08`` is looked up before ``DE``. Scan times carry their offset, except now and then (a ``PU`` scan
at ``2024-08-15T00:00:00``): ``carriers.zones`` places those by the scan's ZIP, its neighbours or the
shipper/recipient addresses, and marks them as inferred. Multiple results: FedEx reuses
numbers, and returns one ``trackResult`` per shipment that used it; the one with the newest scan is
the result and the rest come back in ``related``, as do further numbers in a multi-number request.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from parceltrail.carriers.base import Carrier, CarrierShapeError, CarrierTracking
from parceltrail.carriers.credentials import OAuthCredentials
from parceltrail.carriers.mapping import Classifier, CodeTable, row
from parceltrail.carriers.reading import load_body, moment, need, place, shape_guard, wall_time, window
from parceltrail.carriers.timeline import tracking, with_related
from parceltrail.carriers.zones import draft, settle
from parceltrail.core import Location

if TYPE_CHECKING:
    from parceltrail.carriers.transport import CarrierClient

CODE = "fedex"
BASE_URL = "https://apis.fedex.com"
SANDBOX_URL = "https://apis-sandbox.fedex.com"

# fmt: off
CODES = CodeTable("FedEx scan event types (eventType, eventType/exceptionCode)", (
    row("OC", "Shipment information sent to FedEx", "info_received"),
    row("CA", "Shipment cancelled by sender", "cancelled"),
    row("PU", "Picked up", "in_transit", "picked_up"),
    row("PX", "Picked up (see details)", "in_transit", "picked_up"),
    row("OF", "At FedEx origin facility", "in_transit", "arrived_at_facility"),
    row("AR", "Arrived at FedEx location", "in_transit", "arrived_at_facility"),
    row("AF", "At local FedEx facility", "in_transit", "arrived_at_facility"),
    row("SF", "At sort facility", "in_transit", "arrived_at_facility"),
    row("FD", "At FedEx destination facility", "in_transit", "arrived_at_facility"),
    row("DP", "Departed FedEx location", "in_transit", "departed_facility"),
    row("LO", "Left FedEx origin facility", "in_transit", "departed_facility"),
    row("IT", "In transit", "in_transit", "in_transit"),
    row("IX", "In transit (see details)", "in_transit", "in_transit"),
    row("AA", "At airport", "in_transit", "in_transit"),
    row("PL", "Plane landed", "in_transit", "in_transit"),
    row("PF", "Plane in flight", "in_transit", "in_transit"),
    row("CP", "Clearance in progress", "in_transit", "customs_started"),
    row("CC", "Cleared customs", "in_transit", "customs_cleared"),
    row("CD", "Clearance delay", "exception", "customs_delay"),
    row("AX", "At USPS facility", "in_transit", "handed_to_partner"),
    row("OX", "Shipment information sent to USPS", "in_transit", "handed_to_partner"),
    row("CH", "Location changed", "in_transit", "forwarded"),
    row("OD", "On FedEx vehicle for delivery", "out_for_delivery"),
    row("ED", "Enroute to delivery", "out_for_delivery"),
    row("DL", "Delivered", "delivered", "delivered"),
    row("HL", "Ready for pickup at FedEx location (hold at location)", "available_for_pickup", "at_pickup_point"),
    row("HP", "Ready for recipient pickup", "available_for_pickup", "at_pickup_point"),
    row("DE", "Delivery exception", "delivery_failed", "attempt_failed"),
    row("DE/03", "Delivery exception: incorrect address", "exception", "address_issue"),
    row("DE/07", "Delivery exception: refused by recipient", "exception", "refused"),
    row("DE/08", "Delivery exception: recipient not in or business closed", "delivery_failed", "recipient_unavailable"),
    row("DE/17", "Delivery exception: customer requested future delivery", "delivery_failed", "rescheduled"),
    row("SE", "Shipment exception", "exception", "other"),
    row("DY", "Delay", "exception", "carrier_delay"),
    row("DD", "Delivery delay", "exception", "carrier_delay"),
    row("PD", "Pickup delay", "exception", "carrier_delay"),
    row("RS", "Return to shipper", "returning"),
), source="FedEx Track API scan event types and derived status codes as read for this project from FedEx's published Track Service status codes (karrio vendors/Tracking-Status-Codes.html, LGPL-3.0 repository)")
# fmt: on

# fmt: off
COARSE = CodeTable("FedEx derived status codes (coarse)", (
    row("IN", "Initiated (label created)", "info_received"),
    row("PU", "Picked up", "in_transit", "picked_up"),
    row("IT", "In transit", "in_transit", "in_transit"),
    row("OD", "Out for delivery", "out_for_delivery"),
    row("DL", "Delivered", "delivered", "delivered"),
    row("DE", "Delivery exception", "delivery_failed", "attempt_failed"),
    row("SE", "Shipment exception", "exception", "other"),
    row("DY", "Delay", "exception", "carrier_delay"),
    row("HP", "Ready for pickup", "available_for_pickup", "at_pickup_point"),
    row("CA", "Cancelled", "cancelled"),
    row("RS", "Return to shipper", "returning"),
), source="FedEx Track API scan event types and derived status codes as read for this project from FedEx's published Track Service status codes (karrio vendors/Tracking-Status-Codes.html, LGPL-3.0 repository)")
# fmt: on

CLASSIFIER = Classifier(CODE, codes=CODES, coarse=COARSE)

NOT_FOUND = {"TRACKING.TRACKINGNUMBER.NOTFOUND"}


@shape_guard(CODE)
def parse(body: bytes | dict | list) -> CarrierTracking:
    data = need(CODE, load_body(CODE, body), dict, "body")
    output = data.get("output")
    if not isinstance(output, dict):
        errors = data.get("errors")
        if isinstance(errors, list) and errors:
            raise CarrierShapeError(CODE, f"FedEx answered an error, not tracking: {errors[0]}")
        raise CarrierShapeError(CODE, "no output: this is not a FedEx Track API body")
    complete = need(CODE, output.get("completeTrackResults"), list, "output.completeTrackResults")
    results: list[CarrierTracking] = []
    for c, entry in enumerate(complete):
        where = f"completeTrackResults[{c}]"
        need(CODE, entry, dict, where)
        number = entry.get("trackingNumber")
        found = [
            _result(r, f"{where}.trackResults[{i}]", number)
            for i, r in enumerate(need(CODE, entry.get("trackResults"), list, f"{where}.trackResults"))
        ]
        found.sort(
            key=lambda t: t.events[-1].occurred_at.timestamp() if t.events else float("-inf"), reverse=True
        )
        results.extend(found)
    return with_related(results, CODE)


def _result(result: Any, where: str, asked: str | None) -> CarrierTracking:
    need(CODE, result, dict, where)
    number = str((result.get("trackingNumberInfo") or {}).get("trackingNumber") or asked or "") or None
    error = result.get("error")
    if isinstance(error, dict):
        if error.get("code") in NOT_FOUND:
            return tracking(CODE, number, [])
        raise CarrierShapeError(CODE, f"{where}.error {error.get('code')}: {error.get('message')}")
    drafts, unmapped = [], []
    for i, scan in enumerate(need(CODE, result.get("scanEvents") or [], list, f"{where}.scanEvents")):
        at = f"{where}.scanEvents[{i}]"
        need(CODE, scan, dict, at)
        kind = scan.get("eventType")
        exception = str(scan.get("exceptionCode") or "").strip()
        verdict = CLASSIFIER.classify(
            (f"{kind}/{exception}" if exception else None, kind),
            scan.get("eventDescription"),
            scan.get("derivedStatusCode"),
        )
        unmapped.append(verdict.reported)
        text = scan.get("eventDescription") or ""
        if scan.get("exceptionDescription"):
            text = f"{text}: {scan['exceptionDescription']}"
        if not scan.get("date"):
            raise CarrierShapeError(CODE, f"{at}.date is missing")
        drafts.append(
            draft(
                wall_time(CODE, str(scan["date"]), f"{at}.date"),
                verdict,
                text,
                kind,
                _address(scan.get("scanLocation")),
            )
        )
    events, dropped = settle(CODE, drafts, _end(result, "shipperInformation", "originLocation"),
                             _end(result, "recipientInformation", "destinationLocation"))
    unmapped.extend(dropped)
    details = result.get("deliveryDetails") or {}
    signed_by = details.get("receivedByName") or details.get("signedByName")
    times = {
        d.get("type"): d.get("dateTime") for d in result.get("dateAndTimes") or [] if isinstance(d, dict)
    }
    delivered = moment(CODE, times["ACTUAL_DELIVERY"], f"{where}.ACTUAL_DELIVERY") if times.get("ACTUAL_DELIVERY") else None
    delivered = delivered if isinstance(delivered, datetime) else None
    count = (result.get("packageDetails") or {}).get("count")
    return tracking(
        CODE,
        number,
        events,
        estimated_delivery=_estimate(result, times, where),
        delivered_at=delivered,
        signed_by=signed_by,
        delivery_location=details.get("locationDescription"),
        piece_count=int(count) if str(count or "").isdigit() else None,
        unmapped=unmapped,
    )


def _address(loc: Any) -> Location:
    loc = loc if isinstance(loc, dict) else {}
    return place(loc.get("city"), loc.get("stateOrProvinceCode"), loc.get("postalCode"), loc.get("countryCode"))


def _end(result: dict, party: str, location: str) -> Location | None:
    """The shipper's or recipient's address, else FedEx's origin/destination location: a route end for zones."""
    found = (result.get(party) or {}).get("address") or (
        ((result.get(location) or {}).get("locationContactAndAddress") or {}).get("address")
    )
    return _address(found) if found else None


def _estimate(result: dict, times: dict, where: str):
    """The delivery window if FedEx gives one, else its estimated delivery time or the transit window."""
    for key in ("estimatedDeliveryTimeWindow", "standardTransitTimeWindow"):
        span = (result.get(key) or {}).get("window") or {}
        begins, ends = span.get("begins"), span.get("ends")
        if begins or ends:
            return window(
                moment(CODE, begins, f"{where}.{key}.begins") if begins else None,
                moment(CODE, ends, f"{where}.{key}.ends") if ends else None,
            )
    if times.get("ESTIMATED_DELIVERY"):
        value = moment(CODE, times["ESTIMATED_DELIVERY"], f"{where}.ESTIMATED_DELIVERY")
        return window(value, value)
    return None


def fetch(number: str, credentials: OAuthCredentials, client: CarrierClient) -> bytes:
    from parceltrail.carriers.transport import ensure_ok

    base = (credentials.base_url or BASE_URL).rstrip("/")
    response = client.send_authorized(
        CODE,
        f"{base}/oauth/token",
        credentials,
        "POST",
        f"{base}/track/v1/trackingnumbers",
        basic_auth=False,
        headers={"X-locale": "en_US", "Accept": "application/json"},
        json={
            "includeDetailedScans": True,
            "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": number}}],
        },
    )
    return ensure_ok(CODE, response)


CARRIER = Carrier(
    code=CODE,
    name="FedEx",
    parse=parse,
    fetch=fetch,
    base_url=BASE_URL,
    credentials_type=OAuthCredentials,
    classifier=CLASSIFIER,
    api="Track API v1, OAuth client credentials",
    supports=frozenset({"locations", "estimated_delivery", "proof_of_delivery", "multi_piece"}),
)
