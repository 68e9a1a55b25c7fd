"""UPS Track API v1 (``GET /api/track/v1/details/{inquiryNumber}``, OAuth client credentials).

UPS lists activities newest first, each with a local date/time *and* ``gmtDate``/``gmtTime``/``gmtOffset``;
we take the local time with its offset, else the GMT pair (``gmtTime`` as ``15:15:17`` or, as UPS's own
OpenAPI example has it, ``74700``: HHMMSS with the leading zero dropped). The v1 API sent neither for a
while in 2023 (UPS's Postman sample still has none): such an activity is placed by ``carriers.zones``
in the zone of its city, its neighbours or the package's origin/destination, and marked as inferred.
An activity's three-digit ``statusCode`` and two-letter scan ``code`` are looked up in UPS's published
lists (``vocabulary/ups_*.csv``: status codes, exception, delivery, movement, manifest and update codes;
see ``_keys`` for which goes first), then its words, then its ``type`` (D/I/M/X ...) as the coarse,
reported fallback. Multi-piece: the package whose number was asked for
is the result; its sibling pieces (and other shipments in the body) come back in ``related``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from parceltrail.carriers.base import Carrier, CarrierShapeError, CarrierTracking
from parceltrail.carriers.credentials import OAuthCredentials
from parceltrail.carriers.mapping import Classifier, CodeTable, PhraseRules, load_table, phrase, row
from parceltrail.carriers.reading import (
    load_body,
    local_with_offset,
    need,
    parse_day,
    place,
    shape_guard,
    window,
)
from parceltrail.carriers.timeline import tracking, with_related
from parceltrail.carriers.zones import draft, settle

if TYPE_CHECKING:
    from parceltrail.carriers.transport import CarrierClient

CODE = "ups"
BASE_URL = "https://onlinetools.ups.com"
SANDBOX_URL = "https://wwwcie.ups.com"

TABLES = (
    load_table("ups_status_codes", "UPS status codes (status.statusCode)"),
    load_table("ups_exception_codes", "UPS exception codes (type X + status.code)"),
    load_table("ups_delivery_codes", "UPS delivery codes (type D + status.code)"),
    load_table("ups_movement_scans", "UPS movement scans (type I + status.code)"),
    load_table("ups_manifest_codes", "UPS manifest codes (type M + status.code)"),
    load_table("ups_update_codes", "UPS update codes (type U + status.code)"),
)

# fmt: off
PHRASES = PhraseRules("UPS activity wording (status.description), for codes outside the tables", (
    phrase(r"^returned to (the )?(sender|shipper)|(has|was) (been )?returned (\w+ ){0,2}to the (sender|shipper)", "returned", None, "Returned to Sender", "UPS has returned your package to the sender."),
    phrase(r"return(ing|ed)? to (the )?sender|being returned", "returning", None, "Returning to Sender: In Transit", "The package will be returned to the sender.", action=True),
    phrase(r"street (number|name)|apartment number|suite number|address is incomplete|incorrect address|address information (is )?(required|incomplete)", "exception", "address_issue",
           "The street number is incorrect. This may delay delivery. We're attempting to update the address.", "Address Information Required", action=True),
    phrase(r"receiver has moved", "exception", "customer_moved", "The receiver has moved. We're attempting to obtain a new delivery address for this receiver.", action=True),
    phrase(r"refused", "exception", "refused", "The receiver refused the delivery.", "Delivery Refused", action=True),
    phrase(r"import charges|held for (c\.?o\.?d\.?|payment)", "exception", "held_for_payment", "Import charges are due for this package. Select Pay Now (where available) or pay at delivery.", action=True),
    phrase(r"clearance information (required|needed)|initiated contact .* clearance information", "exception", "missing_documents",
           "Clearance Information Required", "UPS initiated contact with receiver or importer for clearance information. Once received, UPS will submit for clearance.", action=True),
    phrase(r"pending release from a government agency", "exception", "customs_hold", "Your package is pending release from a Government Agency. Once they release it, your package will be on its way."),
    phrase(r"clearance (completed|complete)|cleared (import )?customs|released by (the )?customs", "in_transit", "customs_cleared", "Clearance Completed", "Your package was released by the customs agency."),
    phrase(r"clearance in progress|clearing agency|preparing your package for clearance|import scan", "in_transit", "customs_started",
           "Customs Clearance in Progress", "The package is at the clearing agency awaiting final release.", "Import Scan"),
    phrase(r"damage", "exception", "damaged", "Your package was damaged in transit. We will notify the sender with details.", "Damage Reported", action=True),
    phrase(r"weather", "exception", "weather_delay", "Severe weather conditions have delayed delivery.", "Adverse Weather May Cause Delay"),
    phrase(r"receiver was not available|no one was available", "delivery_failed", "recipient_unavailable", "The receiver was not available for delivery. We'll make a second attempt the next business day."),
    phrase(r"business was closed", "delivery_failed", "business_closed", "The receiving business was closed. We'll attempt to deliver the package the next business day."),
    phrase(r"delivery attempted|attempt made", "delivery_failed", "attempt_failed", "Delivery Attempted", "First Attempt Made"),
    phrase(r"access point.*(awaiting|ready for) (customer )?(pick ?up|collection)|ready for (customer )?pick ?up|held for (customer )?pick ?up", "available_for_pickup", "at_pickup_point",
           "Delivered to UPS Access Point™ location and awaiting customer pickup.", "Ready for Customer Pickup", "Held for Customer Pickup"),
    phrase(r"^delivered\b", "delivered", "delivered", "DELIVERED ", "Delivered"),
    phrase(r"loaded on (the )?delivery vehicle|out for delivery", "out_for_delivery", None, "Loaded on Delivery Vehicle ", "Out For Delivery Today"),
    phrase(r"delay", "exception", "carrier_delay", "Your package is delayed. Check back later for delivery updates.", "Delay"),
    phrase(r"pickup scan|origin scan|we have your package|picked up", "in_transit", "picked_up", "Pickup Scan ", "Origin Scan", "We have your package"),
    phrase(r"departure scan|departed", "in_transit", "departed_facility", "Departure Scan", "Departed from Facility"),
    phrase(r"arrival scan|arrived at|destination scan|processing at ups facility|preparing for delivery", "in_transit", "arrived_at_facility",
           "Arrival Scan", "Arrived at Facility", "Destination Scan", "Processing at UPS Facility", "Preparing for Delivery"),
    phrase(r"shipper created a label|ready for ups|order processed", "info_received", None, "Shipper created a label, UPS has not received the package yet. ", "Shipment Ready for UPS"),
    phrase(r"in transit|on the way", "in_transit", "in_transit", "On the Way", "In Transit"),
))
# fmt: on

# fmt: off
COARSE = CodeTable("UPS activity types (status.type, coarse)", (
    row("D", "Delivered", "delivered", "delivered"),
    row("I", "In Transit, Out for Delivery", "in_transit", "in_transit"),
    row("M", "Billing Information Received", "info_received"),
    row("MV", "Billing Information Voided", "cancelled"),
    row("X", "Exception", "exception", "other"),
    row("DO", "Delivered Origin CFS (Freight Only)", "in_transit", "arrived_at_facility"),
    row("DD", "Delivered Destination CFS (Freight Only)", "in_transit", "arrived_at_facility"),
    row("W", "Warehousing (Freight Only)", "in_transit", "arrived_at_facility"),
    row("NA", "Not Available", "in_transit", "in_transit"),
    row("U", "Updates (Track Alert API Only)", "in_transit", "in_transit"),
    row("P", "Pickup", "in_transit", "picked_up"),
    row("O", "Out for delivery", "out_for_delivery"),
    row("RS", "Returned to shipper", "returned", None, action=True),
), source="UPS Tracking API reference, \"Package Activity Types\" table (as vendored in karrio, LGPL-3.0); P, O and RS seen in older bodies.")
# fmt: on

CLASSIFIER = Classifier(CODE, codes=TABLES, phrases=PHRASES, coarse=COARSE)

VAGUE = frozenset({"000", "005", "010", "013", "025", "039", "047", "087", "158", "159", "164", "165", "058"})
"""Status codes that say less than a scan code or the words: "On the Way" (nine of them), "Exception",
"Status Not Available", and 058 "Clearance Information Required", whose words say whether documents
are missing or the clearance is simply under way. With a known scan code or wording, those decide."""

SCAN_TABLES = {"X": ("X", "D"), "D": ("D", "X"), "M": ("M",), "MV": ("M",), "U": ("U", "I")}
"""Which published scan-code lists an activity type's ``status.code`` is read from (default: movement scans)."""

NOT_FOUND = {"TW0001", "151044"}
"""UPS warning/error codes meaning "no tracking information yet": the package is pending, not broken."""


@shape_guard(CODE)
def parse(body: bytes | dict | list) -> CarrierTracking:
    data = need(CODE, load_body(CODE, body), dict, "body")
    if "trackResponse" not in data:
        errors = (
            ((data.get("response") or {}).get("errors")) if isinstance(data.get("response"), dict) else None
        )
        if isinstance(errors, list) and errors:
            if any(str(e.get("code")) in NOT_FOUND for e in errors if isinstance(e, dict)):
                return tracking(CODE, None, [])
            raise CarrierShapeError(CODE, f"UPS answered an error, not tracking: {errors[0]}")
        raise CarrierShapeError(CODE, "no trackResponse: this is not a UPS Track API v1 body")
    shipments = need(
        CODE,
        need(CODE, data["trackResponse"], dict, "trackResponse").get("shipment"),
        list,
        "trackResponse.shipment",
    )
    results: list[CarrierTracking] = []
    for s, shipment in enumerate(shipments):
        where = f"shipment[{s}]"
        need(CODE, shipment, dict, where)
        asked = str(shipment.get("inquiryNumber") or "")
        packages = need(CODE, shipment.get("package") or [], list, f"{where}.package")
        if not packages:
            warnings = [str(w.get("code")) for w in shipment.get("warnings") or [] if isinstance(w, dict)]
            if warnings and not set(warnings) & NOT_FOUND:
                raise CarrierShapeError(CODE, f"{where} has no package and warnings {warnings}")
            results.append(tracking(CODE, asked or None, []))
            continue
        count = shipment.get("packageCount") or packages[0].get("packageCount") or len(packages)
        parsed = [_package(p, f"{where}.package[{i}]", int(count)) for i, p in enumerate(packages)]
        parsed.sort(key=lambda t: t.tracking_number != asked)
        results.extend(parsed)
    return with_related(results, CODE)


def _package(package: Any, where: str, count: int) -> CarrierTracking:
    need(CODE, package, dict, where)
    number = str(need(CODE, package.get("trackingNumber"), str, f"{where}.trackingNumber"))
    drafts, unmapped = [], []
    for i, activity in enumerate(need(CODE, package.get("activity") or [], list, f"{where}.activity")):
        at = f"{where}.activity[{i}]"
        need(CODE, activity, dict, at)
        status = need(CODE, activity.get("status"), dict, f"{at}.status")
        address = (activity.get("location") or {}).get("address") or {}
        keys, vague = _keys(status)
        verdict = CLASSIFIER.classify(keys, status.get("description"), status.get("type"), vague)
        unmapped.append(verdict.reported)
        drafts.append(
            draft(
                _when(activity, at),
                verdict,
                status.get("description"),
                status.get("code") or status.get("statusCode"),
                _address(address),
            )
        )
    ends = {a.get("type"): _address(a.get("address") or {}) for a in package.get("packageAddress") or []
            if isinstance(a, dict)}
    settled = settle(CODE, drafts, ends.get("ORIGIN"), ends.get("DESTINATION"))
    unmapped.extend(settled.dropped)
    info = package.get("deliveryInformation") or {}
    signed_by = str(info.get("receivedBy") or "").strip() or None
    return tracking(
        CODE,
        number,
        settled.events,
        notices=settled.notices,
        estimated_delivery=_estimate(package, where),
        signed_by=signed_by,
        delivery_location=info.get("location"),
        piece_count=count,
        unmapped=unmapped,
    )


def _address(address: dict):
    return place(
        address.get("city"),
        address.get("stateProvince"),
        address.get("postalCode"),
        address.get("countryCode") or address.get("country"),
    )


def _keys(status: dict) -> tuple[list[str], list[str]]:
    """(specific keys, vague keys). A scan code is read in its type's published list ("X/48", "D/ML",
    "I/AR"). An exception or delivery scan code says more than the status code (X/48 "receiver not
    available" beats 022 "First Attempt Made"); for moves the status code says more (072 "Loaded on
    Delivery Vehicle" beats I/OF, 036 "Returning to Sender" beats I/DP), unless it is a vague one."""
    kind = str(status.get("type") or "").strip().upper()
    code = str(status.get("code") or "").strip().upper()
    raw = str(status.get("statusCode") or "").strip()
    status_code = raw.zfill(3) if raw.isdigit() else raw.upper()
    scans = [f"{table}/{code}" for table in SCAN_TABLES.get(kind, ("I",))] if code else []
    if not status_code:
        return scans, []
    if status_code in VAGUE:
        return scans, [status_code]
    return (scans + [status_code], []) if kind in ("X", "D") else ([status_code, *scans], [])


def _when(activity: dict, where: str) -> datetime:
    """Local date+time with ``gmtOffset``; else the GMT pair as UTC; else the local time, naive, for
    ``carriers.zones`` to place. Times are HHMMSS, with or without colons, with or without a leading zero."""
    local = _stamp(activity.get("date"), activity.get("time"))
    if local and activity.get("gmtOffset"):
        return local_with_offset(CODE, local, str(activity["gmtOffset"]), f"{where}.date/time")
    gmt = _stamp(activity.get("gmtDate"), activity.get("gmtTime"))
    if gmt:
        return local_with_offset(CODE, gmt, "Z", f"{where}.gmtDate/gmtTime")
    if local:
        return datetime.fromisoformat(local)
    raise CarrierShapeError(CODE, f"{where} has no date and time (date/time or gmtDate/gmtTime), e.g. 20240202/071517")


def _stamp(day: Any, clock: Any) -> str | None:
    """'20240202' or '2024-02-02' with '071517', '07:15:17' or '74700' -> '2024-02-02T07:15:17'; else None."""
    digits_day = str(day or "").replace("-", "").strip()
    digits_time = str(clock or "").replace(":", "").strip()
    if len(digits_day) != 8 or not digits_day.isdigit() or not digits_time.isdigit() or len(digits_time) > 6:
        return None
    t = digits_time.rjust(6, "0")
    return f"{digits_day[:4]}-{digits_day[4:6]}-{digits_day[6:]}T{t[:2]}:{t[2:4]}:{t[4:]}"


def _estimate(package: dict, where: str):
    """Scheduled (SDD) or rescheduled (RDD) day; UPS's time window has no zone, so the day is kept."""
    days = {d.get("type"): d.get("date") for d in package.get("deliveryDate") or [] if isinstance(d, dict)}
    day = days.get("RDD") or days.get("SDD")
    if not day:
        return None
    parsed = parse_day(CODE, str(day), f"{where}.deliveryDate")
    return window(parsed, parsed)


def fetch(number: str, credentials: OAuthCredentials, client: CarrierClient) -> bytes:
    """One Track API call. A 404 carries UPS's "no tracking information" body, which ``parse`` reads."""
    from parceltrail.carriers.transport import ensure_ok

    base = (credentials.base_url or BASE_URL).rstrip("/")
    response = client.send_authorized(
        CODE,
        f"{base}/security/v1/oauth/token",
        credentials,
        "GET",
        f"{base}/api/track/v1/details/{number}",
        basic_auth=True,
        params={"locale": "en_US", "returnSignature": "false"},
        headers={"transId": uuid4().hex, "transactionSrc": "parceltrail", "Accept": "application/json"},
    )
    return ensure_ok(CODE, response, also=(404,))


CARRIER = Carrier(
    code=CODE,
    name="UPS",
    parse=parse,
    fetch=fetch,
    base_url=BASE_URL,
    credentials_type=OAuthCredentials,
    classifier=CLASSIFIER,
    api="Track API v1, OAuth client credentials",
    supports=frozenset({"locations", "estimated_delivery", "proof_of_delivery", "multi_piece"}),
)
