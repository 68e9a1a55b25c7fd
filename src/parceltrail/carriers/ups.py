"""UPS Track API v1 (``GET /api/track/v1/details/{inquiryNumber}``, OAuth client credentials).

UPS lists activities newest first, each with a local date/time *and* ``gmtDate``/``gmtTime``/``gmtOffset``;
we take the local time with its offset, else the GMT pair (``gmtTime`` as ``15:15:17`` or, as UPS's own
OpenAPI example has it, ``74700``: HHMMSS with the leading zero dropped). The v1 API sent neither for a
while in 2023 (UPS's Postman sample still has none): such an activity is placed by ``carriers.zones``
in the zone of its city, its neighbours or the package's origin/destination, and marked as inferred.
An activity's three-digit ``statusCode`` and two-letter scan ``code`` are looked up (see ``_keys`` for
which goes first), its ``type`` (D/I/M/X ...) is the coarse fallback. Multi-piece: the package whose number was asked for
is the result; its sibling pieces (and other shipments in the body) come back in ``related``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from parceltrail.carriers.base import Carrier, CarrierShapeError, CarrierTracking
from parceltrail.carriers.credentials import OAuthCredentials
from parceltrail.carriers.mapping import Classifier, CodeTable, row
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

# fmt: off
CODES = CodeTable("UPS activity codes and status codes", (
    row("MP", "Order Processed: Ready for UPS", "info_received"),
    row("OR", "Origin Scan", "in_transit", "picked_up"),
    row("AR", "Arrival Scan", "in_transit", "arrived_at_facility"),
    row("DP", "Departure Scan", "in_transit", "departed_facility"),
    row("OT", "Out For Delivery Today", "out_for_delivery"),
    row("003", "Shipper created a label, UPS has not received the package yet", "info_received"),
    row("005", "In Transit", "in_transit", "in_transit"),
    row("007", "Shipment Information Voided", "cancelled"),
    row("011", "Delivered", "delivered", "delivered"),
    row("012", "Clearance in Progress", "in_transit", "customs_started"),
    row("013", "Exception", "exception", "other"),
    row("014", "Clearance Completed", "in_transit", "customs_cleared"),
    row("016", "Held in Warehouse", "exception", "other"),
    row("017", "Held for Customer Pickup", "available_for_pickup", "at_pickup_point"),
    row("019", "Held for Future Delivery", "delivery_failed", "rescheduled"),
    row("021", "Out for Delivery", "out_for_delivery"),
    row("022", "First Attempt Made", "delivery_failed", "attempt_failed"),
    row("023", "Second Attempt Made", "delivery_failed", "attempt_failed"),
    row("024", "Final Attempt Made", "delivery_failed", "attempt_failed"),
    row("025", "Transferred to Local Post Office for Delivery", "in_transit", "handed_to_partner"),
    row("026", "Delivered by Local Post Office", "delivered", "delivered"),
    row("027", "Delivery Address Change Requested", "in_transit", "forwarded"),
    row("028", "Delivery Address Changed", "in_transit", "forwarded"),
    row("029", "Exception: Action Required", "exception", "other"),
    row("030", "Local Post Office Exception", "exception", "other"),
    row("032", "Adverse Weather May Cause Delay", "exception", "weather_delay"),
    row("033", "Return to Sender Requested", "returning"),
    row("034", "Returned to Sender", "returned"),
    row("035", "Returning to Sender", "returning"),
    row("036", "Returning to Sender: In Transit", "returning"),
    row("037", "Returning to Sender: Local Post Office", "returning"),
    row("038", "Picked Up", "in_transit", "picked_up"),
    row("039", "In Transit by Post", "in_transit", "handed_to_partner"),
    row("040", "Delivered to UPS Access Point Awaiting Customer Pickup", "available_for_pickup", "at_pickup_point"),
    row("044", "Delayed", "exception", "carrier_delay"),
    row("045", "Delayed: Action Required", "exception", "other"),
))
# fmt: on

# fmt: off
COARSE = CodeTable("UPS activity types (coarse)", (
    row("M", "Manifest / billing information received", "info_received"),
    row("MV", "Billing information voided", "cancelled"),
    row("P", "Pickup", "in_transit", "picked_up"),
    row("I", "In transit", "in_transit", "in_transit"),
    row("O", "Out for delivery", "out_for_delivery"),
    row("D", "Delivered", "delivered", "delivered"),
    row("X", "Exception", "exception", "other"),
    row("RS", "Returned to shipper", "returned"),
    row("DO", "Delivered to origin CFS (freight)", "in_transit", "arrived_at_facility"),
    row("DD", "Delivered to destination CFS (freight)", "in_transit", "arrived_at_facility"),
    row("W", "Warehousing", "in_transit", "arrived_at_facility"),
))
# fmt: on

CLASSIFIER = Classifier(CODE, codes=CODES, coarse=COARSE)

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
        canonical, missed = CLASSIFIER.classify(_keys(status), status.get("description"), status.get("type"))
        unmapped.append(missed)
        drafts.append(
            draft(
                _when(activity, at),
                canonical,
                status.get("description"),
                status.get("code") or status.get("statusCode"),
                _address(address),
                unknown=missed is not None,
            )
        )
    ends = {a.get("type"): _address(a.get("address") or {}) for a in package.get("packageAddress") or []
            if isinstance(a, dict)}
    events, dropped = settle(CODE, drafts, ends.get("ORIGIN"), ends.get("DESTINATION"))
    unmapped.extend(dropped)
    info = package.get("deliveryInformation") or {}
    signed_by = str(info.get("receivedBy") or "").strip() or None
    return tracking(
        CODE,
        number,
        events,
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


def _keys(status: dict) -> tuple[str | None, str | None]:
    """Which code speaks first. "005" (plain In Transit) says less than the scan code (AR, DP ...);
    every other status code says more ("036" Returning to Sender beats a DP departure scan)."""
    code, status_code = status.get("code"), status.get("statusCode")
    return (code, status_code) if status_code in (None, "", "005") else (status_code, code)


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
