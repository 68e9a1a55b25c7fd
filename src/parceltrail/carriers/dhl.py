"""DHL Shipment Tracking - Unified (``GET /track/shipments?trackingNumber=``, ``DHL-API-Key`` header).

The unified API gives each event only a coarse ``statusCode`` (pre-transit, transit, delivered,
failure, unknown) plus free text, so events are classified by ordered phrase rules over the text and
fall back on the coarse code (reported). DHL's parcel (``parcel-de``) and express services send times
without an offset and often without a per-event ``countryCode``: ``carriers.zones`` places such a time
by the event's place (its ``countryCode``, or the country and US state read from the locality text:
"LOS ANGELES, CA - USA", "TOKYO - JAPAN", "Deutschland"), else its neighbours, else the shipment's
origin/destination countries, and marks it as inferred; an event none of them places is dropped and
reported. The locality text is read only to find the zone: the stored location stays as DHL sent it. Several shipments in one answer (the number matched more than one DHL
service) give the first as the result and the rest in ``related``; express pieces are counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from parceltrail.carriers.base import Carrier, CarrierShapeError, CarrierTracking
from parceltrail.carriers.credentials import ApiKeyCredentials
from parceltrail.carriers.mapping import Classifier, CodeTable, PhraseRules, phrase, row
from parceltrail.carriers.reading import load_body, moment, need, place, shape_guard, wall_time, window
from parceltrail.carriers.timeline import tracking, with_related
from parceltrail.carriers.zones import draft, settle
from parceltrail.core import Location
from parceltrail.core.countries import country_named

if TYPE_CHECKING:
    from parceltrail.carriers.transport import CarrierClient

CODE = "dhl"
BASE_URL = "https://api-eu.dhl.com"
SANDBOX_URL = "https://api-test.dhl.com"

# fmt: off
PHRASES = PhraseRules("DHL event text (description, else status), first match wins", (
    phrase(r"(has been|was) returned to (the )?(sender|shipper)|delivered back to (the )?sender", "returned"),
    phrase(r"being returned|return(ing)? to (the )?(sender|shipper)|return shipment", "returning"),
    phrase(r"refused|rejected by (the )?(recipient|consignee)", "exception", "refused"),
    phrase(r"address (is )?(incorrect|incomplete|unknown|insufficient)|incorrect address|recipient has moved", "exception", "address_issue"),
    phrase(r"duties|import (charges|tax)|payment (is )?(required|pending)", "exception", "held_for_payment"),
    phrase(r"clearance processing complete|customs clearance (is )?complete|released by customs|cleared customs", "in_transit", "customs_cleared"),
    phrase(r"held (at|by|in) customs|customs (hold|delay)|further documentation|awaiting (customs )?clearance", "exception", "customs_hold"),
    phrase(r"customs|clearance", "in_transit", "customs_started"),
    phrase(r"picked up by (the )?(recipient|consignee|customer)|collected by (the )?recipient", "delivered", "picked_up_by_customer"),
    phrase(r"posted by the sender|dropped off by the sender|handed over (to|by)", "in_transit", "picked_up"),
    phrase(r"packstation|parcel locker", "available_for_pickup", "at_locker"),
    phrase(r"(ready|available) for (pick ?up|collection)|retail outlet|parcel ?shop|service ?point|post office", "available_for_pickup", "at_pickup_point"),
    phrase(r"recipient (was )?not (present|home|available|at home)|nobody (was )?(home|present)", "delivery_failed", "recipient_unavailable"),
    phrase(r"delivery attempt|attempted delivery|could not be delivered|notification card", "delivery_failed", "attempt_failed"),
    phrase(r"delivered to (a |the )?neighbou?r", "delivered", "neighbour"),
    phrase(r"\bdelivered\b", "delivered", "delivered"),
    phrase(r"with delivery courier|out for delivery|onto the delivery vehicle|on (the )?delivery vehicle", "out_for_delivery"),
    phrase(r"arrived (at|in) (the )?destination country|arrived in the (united states|us)\b", "in_transit", "arrived_destination_country"),
    phrase(r"picked up|pickup (was )?successful", "in_transit", "picked_up"),
    phrase(r"arrived|processed (at|in)|sort(ing)? facility|parcel cent(er|re)", "in_transit", "arrived_at_facility"),
    phrase(r"departed|has left|left the", "in_transit", "departed_facility"),
    phrase(r"shipment information received|electronically|label (was )?created|data (has been )?transmitted", "info_received"),
    phrase(r"delay|on hold", "exception", "carrier_delay"),
    phrase(r"transit|on its way|forwarded", "in_transit", "in_transit"),
), source="DHL Shipment Tracking - Unified statusCode values (DHL's OpenAPI) and event wordings as read for this project")
# fmt: on

# fmt: off
COARSE = CodeTable("DHL unified status codes (statusCode, coarse)", (
    row("pre-transit", "Pre-transit", "info_received"),
    row("transit", "Transit", "in_transit", "in_transit"),
    row("delivered", "Delivered", "delivered", "delivered"),
    row("failure", "Failure", "exception", "other"),
), source="DHL Shipment Tracking - Unified statusCode values (DHL's OpenAPI) and event wordings as read for this project")
# fmt: on

CLASSIFIER = Classifier(CODE, phrases=PHRASES, coarse=COARSE)


@shape_guard(CODE)
def parse(body: bytes | dict | list) -> CarrierTracking:
    data = need(CODE, load_body(CODE, body), dict, "body")
    if "shipments" not in data:
        if data.get("status") == 404 or "no result" in str(data.get("title", "")).lower():
            return tracking(CODE, None, [])
        raise CarrierShapeError(CODE, "no shipments: this is not a DHL unified tracking body")
    shipments = need(CODE, data["shipments"], list, "shipments")
    if not shipments:
        return tracking(CODE, None, [])
    return with_related([_shipment(s, f"shipments[{i}]") for i, s in enumerate(shipments)], CODE)


def _shipment(shipment: Any, where: str) -> CarrierTracking:
    need(CODE, shipment, dict, where)
    number = str(need(CODE, shipment.get("id"), (str, int), f"{where}.id"))
    drafts, unmapped = [], []
    for i, raw in enumerate(need(CODE, shipment.get("events") or [], list, f"{where}.events")):
        at = f"{where}.events[{i}]"
        need(CODE, raw, dict, at)
        address = (raw.get("location") or {}).get("address") or {}
        text = raw.get("description") or raw.get("status") or ""
        verdict = CLASSIFIER.classify((), text, raw.get("statusCode"))
        unmapped.append(verdict.reported)
        drafts.append(
            draft(
                _when(raw.get("timestamp"), at),
                verdict,
                text,
                raw.get("statusCode"),
                place(address.get("addressLocality"), None, address.get("postalCode"), address.get("countryCode")),
                hint=_where(address),
            )
        )
    settled = settle(CODE, drafts, _where(_address(shipment, "origin")),
                             _where(_address(shipment, "destination")))
    unmapped.extend(settled.dropped)
    details = shipment.get("details") or {}
    proof = details.get("proofOfDelivery") or {}
    signer = proof.get("signed") or {}
    signed_by = signer.get("name") or " ".join(
        filter(None, (signer.get("givenName"), signer.get("familyName")))
    )
    delivered_at = None
    if proof.get("timestamp"):
        stamp = moment(CODE, str(proof["timestamp"]), f"{where}.details.proofOfDelivery.timestamp")
        delivered_at = stamp if isinstance(stamp, datetime) else None
    frame = shipment.get("estimatedDeliveryTimeFrame") or {}
    early = frame.get("estimatedFrom") or shipment.get("estimatedTimeOfDelivery")
    late = frame.get("estimatedThrough") or shipment.get("estimatedTimeOfDelivery")
    estimate = window(
        moment(CODE, str(early), f"{where}.estimatedFrom") if early else None,
        moment(CODE, str(late), f"{where}.estimatedThrough") if late else None,
    )
    pieces = details.get("totalNumberOfPieces")
    return tracking(
        CODE,
        number,
        settled.events,
        notices=settled.notices,
        estimated_delivery=estimate,
        delivered_at=delivered_at,
        signed_by=signed_by,
        piece_count=int(pieces) if isinstance(pieces, int) else None,
        unmapped=unmapped,
    )


def _when(stamp: Any, where: str) -> datetime:
    if not isinstance(stamp, str) or not stamp:
        raise CarrierShapeError(CODE, f"{where}.timestamp is missing")
    return wall_time(CODE, stamp, f"{where}.timestamp")


def _address(shipment: dict, end: str) -> dict:
    found = (shipment.get(end) or {}).get("address")
    return found if isinstance(found, dict) else {}


def _where(address: dict) -> Location:
    """The place DHL's address names, for finding a zone: ``countryCode``, else what the locality says.

    Express writes "CITY - COUNTRY" or "CITY, ST - COUNTRY" ("LOS ANGELES, CA - USA"); parcel-de writes
    just "Deutschland". A US state is kept (its zone may be known); other regions are not read.
    """
    locality = " ".join(str(address.get("addressLocality") or "").split())
    country = str(address.get("countryCode") or "").strip().upper() or None
    city, _, named = locality.rpartition(" - ") if " - " in locality else ("", "", locality)
    region = None
    if "," in city:
        city, _, region = (part.strip() for part in city.rpartition(","))
    if country is None and named:
        country = country_named(named)
        city = city if country else locality
    us_state = region if country == "US" and region and len(region) == 2 else None
    return place(city or None, us_state, address.get("postalCode"), country)


def fetch(number: str, credentials: ApiKeyCredentials, client: CarrierClient) -> bytes:
    """DHL answers an unknown number with a 404 problem+json body, which ``parse`` reads as pending."""
    from parceltrail.carriers.transport import ensure_ok

    base = (credentials.base_url or BASE_URL).rstrip("/")
    response = client.send(
        CODE,
        "GET",
        f"{base}/track/shipments",
        params={"trackingNumber": number},
        headers={"DHL-API-Key": credentials.api_key, "Accept": "application/json"},
    )
    return ensure_ok(CODE, response, also=(404,))


CARRIER = Carrier(
    code=CODE,
    name="DHL",
    parse=parse,
    fetch=fetch,
    base_url=BASE_URL,
    credentials_type=ApiKeyCredentials,
    classifier=CLASSIFIER,
    api="Shipment Tracking - Unified, API key",
    supports=frozenset({"locations", "estimated_delivery", "proof_of_delivery", "multi_piece"}),
)
