"""FedEx Track API (``POST /track/v1/trackingnumbers``, OAuth client credentials at ``/oauth/token``).

Scan events carry an ``eventType`` (PU, AR, DP, OD, DL, DE ...) and FedEx's coarser ``derivedStatusCode``;
exceptions add an ``exceptionCode`` that says *why* (007 customer not available, A13 redirected to FedEx
Office), so ``DE/007`` is looked up first; an unknown exception code is read by its words before the
plain ``DE`` (which says less). ``AE``/``AO`` arrival estimates are notices, not moves. Scan times carry their offset, except now and then (a ``PU`` scan
at ``2024-08-15T00:00:00``): ``carriers.zones`` places those by the scan's ZIP, its neighbours or the
shipper/recipient addresses, and marks them as inferred. Multiple results: FedEx reuses
numbers, and returns one ``trackResult`` per shipment that used it; the one with the newest scan is
the result and the rest come back in ``related``, as do further numbers in a multi-number request.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from parceltrail.carriers.base import Carrier, CarrierShapeError, CarrierTracking
from parceltrail.carriers.credentials import OAuthCredentials
from parceltrail.carriers.mapping import Classifier, CodeTable, PhraseRules, phrase, row
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
EVENT_TYPES = CodeTable("FedEx scan event types (eventType)", (
    row("OC", "Order Created / Shipment information sent to FedEx", "info_received"),
    row("EP", "Enroute to Pickup", "info_received"),
    row("AP", "At Pickup", "info_received"),
    row("CA", "Shipment Cancelled", "cancelled"),
    row("PU", "Picked Up", "in_transit", "picked_up"),
    row("PX", "Picked up (see Details)", "in_transit", "picked_up"),
    row("OF", "At FedEx origin facility", "in_transit", "arrived_at_facility"),
    row("AR", "Arrived at FedEx location", "in_transit", "arrived_at_facility"),
    row("AF", "At local FedEx Facility", "in_transit", "arrived_at_facility"),
    row("SF", "At Sort Facility", "in_transit", "arrived_at_facility"),
    row("FD", "At FedEx Destination", "in_transit", "arrived_at_facility"),
    row("DP", "Departed", "in_transit", "departed_facility"),
    row("LO", "Left Origin", "in_transit", "departed_facility"),
    row("IT", "In Transit", "in_transit", "in_transit"),
    row("IX", "In transit (see Details)", "in_transit", "in_transit"),
    row("OW", "On the way", "in_transit", "in_transit"),
    row("PM", "In Progress", "in_transit", "in_transit"),
    row("TR", "Transfer", "in_transit", "in_transit"),
    row("AA", "At Airport", "in_transit", "in_transit"),
    row("EA", "Enroute to Airport / Export Approved", "in_transit", "in_transit"),
    row("EO", "Enroute to Origin Airport", "in_transit", "in_transit"),
    row("PL", "Plane Landed", "in_transit", "in_transit"),
    row("PF", "Plane in Flight", "in_transit", "in_transit"),
    row("DS", "Vehicle Dispatched", "in_transit", "in_transit"),
    row("DR", "Vehicle furnished but not used", "in_transit", "in_transit"),
    row("CP", "Clearance in Progress", "in_transit", "customs_started"),
    row("CC", "Cleared Customs", "in_transit", "customs_cleared"),
    row("CD", "Clearance Delay", "exception", "customs_delay"),
    row("AC", "At Canada Post facility", "in_transit", "handed_to_partner"),
    row("AX", "At USPS facility", "in_transit", "handed_to_partner"),
    row("OX", "Shipment information sent to USPS", "in_transit", "handed_to_partner"),
    row("CH", "Location Changed", "in_transit", "forwarded"),
    row("HA", "Hold at location request accepted", "in_transit", "forwarded"),
    row("RR", "CDO requested (a delivery option the recipient asked for)", "in_transit", "forwarded"),
    row("RM", "CDO Modified", "in_transit", "forwarded"),
    row("RC", "CDO Cancelled", "in_transit", "in_transit", notice=True),
    row("OD", "Out for Delivery / On FedEx vehicle for delivery", "out_for_delivery"),
    row("ED", "Enroute to Delivery", "out_for_delivery"),
    row("AD", "At Delivery", "out_for_delivery"),
    row("DL", "Delivered", "delivered", "delivered"),
    row("HL", "Hold at Location", "available_for_pickup", "at_pickup_point"),
    row("HP", "Ready for Recipient Pickup", "available_for_pickup", "at_pickup_point"),
    row("DE", "Delivery Exception", "delivery_failed", "attempt_failed"),
    row("SE", "Shipment Exception", "exception", "other"),
    row("DY", "Delay", "exception", "carrier_delay"),
    row("DD", "Delivery Delay", "exception", "carrier_delay"),
    row("PD", "Pickup Delay", "exception", "carrier_delay"),
    row("RS", "Return to Shipper", "returning", None, action=True),
    row("AE", "Shipment arriving early (an estimate, derived IT)", "in_transit", "in_transit", notice=True),
    row("AO", "Shipment arriving On-time (an estimate, derived IT)", "in_transit", "in_transit", notice=True),
    row("SP", "Split Status", "in_transit", "in_transit", notice=True),
    row("RP", "Return label link emailed to return sender", "in_transit", "in_transit", notice=True),
    row("LP", "Return label link cancelled by shipment originator", "in_transit", "in_transit", notice=True),
    row("RG", "Return label link expiring soon", "in_transit", "in_transit", notice=True),
    row("RD", "Return label link expired", "in_transit", "in_transit", notice=True),
), source="FedEx Track Service status codes (Movement, Regulatory), FedEx Web Services developer guide, as vendored in karrioapi/karrio modules/connectors/fedex/vendor/Tracking-Status-Codes.html @ deea10f8 (karrio: LGPL-3.0); AE and HA as seen in real Track API bodies (tests/fixtures/carriers/fedex/wild)")
# fmt: on

# fmt: off
EXCEPTIONS = CodeTable("FedEx exception codes (eventType/exceptionCode)", (
    row("DE/007", "Customer not available or business closed", "delivery_failed", "recipient_unavailable"),
    row("DE/A13", "Redirecting to FedEx Office", "in_transit", "forwarded"),
    row("HA/A13", "Shipment is being redirected as requested to FedEx Office", "in_transit", "forwarded"),
    row("DE/A47", "Redirected to a FedEx location for pickup", "in_transit", "forwarded"),
    row("RR/A12", "Hold at FedEx location requested", "in_transit", "forwarded"),
    row("DL/014", "Left at front door. Signature Service not requested.", "delivered", "left_at_door"),
    row("RS/060G", "Shipper requested shipment to be returned - Unable to deliver shipment - Returning to shipper", "returning", None, action=True),
    row("PU/A25", "Package available for clearance", "in_transit", "customs_started"),
), source="exceptionCode values seen in real Track API bodies: 007, A13 (FedEx sandbox captures), 014 (a live body), 060G (sandbox), A25 (FedEx Track API OpenAPI example, karrio vendor/track.json); A12 and A47 as reported in issue 17 from real bodies")
# fmt: on

# fmt: off
PHRASES = PhraseRules("FedEx wording (eventDescription: exceptionDescription), for codes outside the tables", (
    phrase(r"arriving (early|on[- ]time)|delivery date (updated|changed)", "in_transit", "in_transit", "Shipment arriving early", "Shipment arriving On-time", notice=True),
    phrase(r"returning (package )?to shipper|returned to (the )?shipper|return(ed)? to sender", "returning", None, "Returning package to shipper", action=True),
    phrase(r"refused", "exception", "refused", "Delivery exception: Refused by recipient", action=True),
    phrase(r"incorrect address|address (is )?(incorrect|incomplete|unknown|insufficient)|unable to locate (the )?address", "exception", "address_issue",
           "Delivery exception: Incorrect address", "Delivery exception: Unable to locate address", action=True),
    phrase(r"customer (has )?moved|recipient (has )?moved", "exception", "customer_moved", "Delivery exception: Customer moved", action=True),
    phrase(r"damaged", "exception", "damaged", "Shipment exception: Package damaged", action=True),
    phrase(r"redirect|hold at (fedex )?location|held at (fedex )?location request", "in_transit", "forwarded",
           "Delivery exception: Redirecting to FedEx Office", "Hold at location request accepted: Shipment is being redirected as requested to FedEx Office"),
    phrase(r"future delivery|requested (a )?(later|different) delivery", "delivery_failed", "rescheduled", "Delivery exception: Customer requested future delivery"),
    phrase(r"(customer|recipient) not (available|in)|no one (was )?(available|home)", "delivery_failed", "recipient_unavailable",
           "Delivery exception: Customer not available or business closed"),
    phrase(r"business (was )?closed", "delivery_failed", "business_closed", "Delivery exception: Business closed"),
    phrase(r"weather", "exception", "weather_delay", "Delay: Weather delay", "Severe weather"),
    phrase(r"clearance delay|customs delay", "exception", "customs_delay", "Clearance delay"),
    phrase(r"available for clearance|clearance in progress|international shipment release", "in_transit", "customs_started",
           "Picked up: Package available for clearance", "International shipment release - Import"),
    phrase(r"ready for (recipient )?pickup|at fedex location for pickup", "available_for_pickup", "at_pickup_point", "Ready for recipient pickup"),
    phrase(r"left at (the )?(front|back|side) door|front porch|^delivered", "delivered", "delivered", "Delivered"),
    phrase(r"on fedex vehicle for delivery|out for delivery", "out_for_delivery", None, "On FedEx vehicle for delivery"),
    phrase(r"shipment information sent|label created", "info_received", None, "Shipment information sent to FedEx"),
    phrase(r"picked up", "in_transit", "picked_up", "Picked up"),
    phrase(r"left fedex origin|departed", "in_transit", "departed_facility", "Left FedEx origin facility", "Departed FedEx location"),
    phrase(r"arrived at fedex|at local fedex facility|at fedex (origin|destination) facility", "in_transit", "arrived_at_facility",
           "Arrived at FedEx location", "At local FedEx facility"),
    phrase(r"delay", "exception", "carrier_delay", "Delay"),
    phrase(r"in transit|on the way", "in_transit", "in_transit", "In transit", "On the way"),
), source="FedEx's eventDescription and exceptionDescription texts in real Track API bodies (tests/fixtures/carriers/fedex/wild) and FedEx's published status names")
# fmt: on

# fmt: off
COARSE = CodeTable("FedEx derived status codes (derivedStatusCode, coarse)", (
    row("IN", "Initiated / Label created", "info_received"),
    row("PU", "Picked up", "in_transit", "picked_up"),
    row("IT", "In transit", "in_transit", "in_transit"),
    row("OD", "Out for delivery", "out_for_delivery"),
    row("DL", "Delivered", "delivered", "delivered"),
    row("DE", "Delivery exception", "delivery_failed", "attempt_failed"),
    row("SE", "Shipment exception", "exception", "other"),
    row("DY", "Delay", "exception", "carrier_delay"),
    row("HP", "Ready for pickup", "available_for_pickup", "at_pickup_point"),
    row("CA", "Cancelled", "cancelled"),
    row("RS", "Return to shipper", "returning", None, action=True),
), source="FedEx Track API derivedStatusCode values (FedEx Track API OpenAPI, karrio vendor/track.json, and real bodies)")
# fmt: on

CLASSIFIER = Classifier(CODE, codes=(EXCEPTIONS, EVENT_TYPES), phrases=PHRASES, coarse=COARSE)

DETAIL_ONLY = frozenset({"DL"})
"""Event types whose exceptionCode is detail (where a delivery was left), not a different event."""

NOT_A_SIGNER = re.compile(r"signature (not )?(required|release)|not required|^(n/?a|none|unknown)$", re.IGNORECASE)
"""``receivedByName`` values that name no one: "Signature not required" is not a signer."""

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
        kind = str(kind or "").strip().upper()
        exception = str(scan.get("exceptionCode") or "").strip().upper()
        text = scan.get("eventDescription") or ""
        if scan.get("exceptionDescription"):
            text = f"{text}: {scan['exceptionDescription']}"
        specific = [f"{kind}/{exception}"] if exception else []
        if not exception or kind in DETAIL_ONLY:
            verdict = CLASSIFIER.classify([*specific, kind], text, scan.get("derivedStatusCode"))
        else:  # "DE" says less than an unknown exception code's words would
            verdict = CLASSIFIER.classify(specific, text, scan.get("derivedStatusCode"), vague=[kind])
        unmapped.append(verdict.reported)
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
    settled = settle(CODE, drafts, _end(result, "shipperInformation", "originLocation"),
                             _end(result, "recipientInformation", "destinationLocation"))
    unmapped.extend(settled.dropped)
    details = result.get("deliveryDetails") or {}
    signed_by = str(details.get("receivedByName") or details.get("signedByName") or "").strip()
    signed_by = None if NOT_A_SIGNER.search(signed_by) else signed_by
    times = {
        d.get("type"): d.get("dateTime") for d in result.get("dateAndTimes") or [] if isinstance(d, dict)
    }
    delivered = moment(CODE, times["ACTUAL_DELIVERY"], f"{where}.ACTUAL_DELIVERY") if times.get("ACTUAL_DELIVERY") else None
    delivered = delivered if isinstance(delivered, datetime) else None
    count = (result.get("packageDetails") or {}).get("count")
    return tracking(
        CODE,
        number,
        settled.events,
        notices=settled.notices,
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
    """FedEx's delivery window, else its ESTIMATED_DELIVERY time, else the service's standard transit window:
    the standard window is what the service promises in general, the estimate is for this parcel."""
    found = _span(result, "estimatedDeliveryTimeWindow", where)
    if found is None and times.get("ESTIMATED_DELIVERY"):
        value = moment(CODE, times["ESTIMATED_DELIVERY"], f"{where}.ESTIMATED_DELIVERY")
        found = window(value, value)
    return found or _span(result, "standardTransitTimeWindow", where)


def _span(result: dict, key: str, where: str):
    span = (result.get(key) or {}).get("window") or {}
    begins, ends = span.get("begins"), span.get("ends")
    if not (begins or ends):
        return None
    return window(
        moment(CODE, begins, f"{where}.{key}.begins") if begins else None,
        moment(CODE, ends, f"{where}.{key}.ends") if ends else None,
    )


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
