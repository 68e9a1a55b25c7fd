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

import re
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
    phrase(r"(has been|was) returned to (the )?(sender|shipper)|delivered back to (the )?sender|^returned to shipper|an den absender zurückgesandt|an den absender zugestellt", "returned", None,
           "The shipment has been returned to the sender", "Returned to shipper", action=True),
    phrase(r"being returned|return(ing)? to (the )?(sender|shipper)|return shipment|rücksendung|wird an den absender", "returning", None,
           "The shipment is being returned to the sender", "Die Sendung wird an den Absender zurückgeschickt.", action=True),
    phrase(r"refused|rejected by (the )?(recipient|consignee)|delivery not accepted|annahme .*verweigert", "exception", "refused",
           "Delivery refused by the recipient", "Delivery not accepted", "Die Annahme der Sendung wurde verweigert.", action=True),
    phrase(r"address (is )?(incorrect|incomplete|unknown|insufficient)|incorrect address|bad address|recipient has moved|further consignee information|adresse (ist )?(fehlerhaft|unvollständig|unbekannt)|empfänger (ist )?verzogen",
           "exception", "address_issue", "The address is incomplete", "Further consignee information needed", "Die Adresse ist fehlerhaft.", action=True),
    phrase(r"duties|import (charges|tax)|payment (is )?(required|pending)|awaiting (for )?payment|zoll(gebühren)? .*zu zahlen", "exception", "held_for_payment",
           "On hold awaiting for payment", "Awaiting payment of duties and taxes", action=True),
    phrase(r"clearance processing complete|customs clearance (is )?complete|released by customs|cleared customs|verzollung abgeschlossen", "in_transit", "customs_cleared",
           "Clearance processing complete at LEIPZIG - GERMANY", "Clearance processing complete at LOS ANGELES GATEWAY - USA"),
    phrase(r"clearance delay|customs delay|held (at|by|in) customs|customs hold|further documentation|awaiting (customs )?clearance|zollamt zurückgehalten", "exception", "customs_hold",
           "Clearance delay, the shipment is on hold", "Clearance delay - Import", "Shipment is on hold: Further documentation required for customs clearance"),
    phrase(r"customs|clearance|verzollung|zoll", "in_transit", "customs_started",
           "Customs clearance status updated. Note; The Customs clearance process may start while the shipment is in transit to the destination.", "Clearance event"),
    phrase(r"picked up by (the )?(recipient|consignee|customer)|collected by (the )?recipient|recipient has picked up|vom empfänger abgeholt", "delivered", "picked_up_by_customer",
           "The shipment has been picked up by the recipient from the retail outlet", "Die Sendung wurde vom Empfänger abgeholt."),
    phrase(r"on its way to the packstation|forwarded to a packstation|forwarded to a retail outlet|redirected|weitergeleitet", "in_transit", "forwarded",
           "The shipment is on its way to the PACKSTATION", "The shipment could not be delivered to the PACKSTATION and has been forwarded to a retail outlet"),
    phrase(r"delivered to (the )?packstation|in die packstation (eingelegt|zugestellt)|in der packstation", "available_for_pickup", "at_locker",
           "The shipment has been delivered to the PACKSTATION 157", "Die Sendung wurde in die PACKSTATION eingelegt."),
    phrase(r"(ready|available) for (pick ?up|collection)|awaiting collection|delivered to the retail outlet|in der filiale .*(abholbereit|zur abholung)|zur abholung bereit", "available_for_pickup", "at_pickup_point",
           "The shipment has been delivered to the retail outlet. It is ready for pick-up.", "Awaiting collection by recipient as requested", "Die Sendung liegt in der Filiale zur Abholung bereit."),
    phrase(r"posted by the sender|dropped off by the sender|handed over (to|by)|vom absender .*eingeliefert|in der filiale eingeliefert", "in_transit", "picked_up",
           "The shipment has been posted by the sender at the retail outlet", "Die Sendung wurde vom Absender in der Filiale eingeliefert."),
    phrase(r"no response at consignee|recipient (was )?not (present|home|available|at home)|nobody (was )?(home|present)|empfänger nicht angetroffen", "delivery_failed", "recipient_unavailable",
           "Delivery attempted but no response at Consignee address", "The recipient was not present. A notification card has been left."),
    phrase(r"closed on arrival|business closed", "delivery_failed", "business_closed", "Closed on arrival"),
    phrase(r"delivery attempt|attempted delivery|could not be delivered|notification card|konnte nicht zugestellt werden", "delivery_failed", "attempt_failed",
           "The shipment could not be delivered. The recipient has been notified.", "The shipment could not be delivered, and the recipient has been notified",
           "Die Sendung konnte nicht zugestellt werden."),
    phrase(r"delivered to (a |the )?neighbou?r|beim nachbarn", "delivered", "neighbour", "The shipment has been delivered to the neighbour.", "Die Sendung wurde beim Nachbarn zugestellt."),
    phrase(r"\bdelivered\b|\bzugestellt\b", "delivered", "delivered", "The shipment has been successfully delivered", "Delivered", "Die Sendung wurde zugestellt."),
    phrase(r"with (the )?(delivery )?courier|out for delivery|onto the delivery vehicle|on (the )?delivery vehicle|2nd attempt at delivery|in das zustellfahrzeug geladen|in zustellung", "out_for_delivery", None,
           "Shipment is out with courier for delivery", "With delivery courier", "The shipment has been loaded onto the delivery vehicle",
           "Die Sendung wurde in das Zustellfahrzeug geladen. Die Zustellung erfolgt voraussichtlich heute.", "A 2nd attempt at delivery is being made"),
    phrase(r"arrived (at|in) (the )?destination country|arrived in the (united states|us)\b|im zielland angekommen", "in_transit", "arrived_destination_country",
           "The shipment has arrived in the destination country"),
    phrase(r"zurückgestellt|delivery (has been )?postponed", "exception", "carrier_delay",
           "Die Sendung wurde zurückgestellt. Die Zustellung erfolgt vrs. am nächsten Werktag."),
    phrase(r"picked up|pick-?up (was )?successful|abgeholt", "in_transit", "picked_up", "Shipment picked up", "Pick-up was successful.", "The shipment has been picked up"),
    phrase(r"shipment information received|electronically|label (was )?created|data (has been )?transmitted|elektronisch angekündigt", "info_received", None,
           "Shipment information received", "The instruction data for this shipment have been provided by the sender to DHL electronically",
           "Die Sendung wurde elektronisch angekündigt. Sobald die Sendung von uns bearbeitet wurde, erhalten Sie weitere Informationen."),
    phrase(r"arrived|processed (at|in)|has been processed|sort(ing)? facility|parcel cent(er|re)|paketzentrum|bearbeitet|in der region des empfängers angekommen|weitertransport vorbereitet",
           "in_transit", "arrived_at_facility",
           "Arrived at DHL Sort Facility LOS ANGELES GATEWAY - USA", "Processed at TOKYO - JAPAN", "Arrived at DHL Delivery Facility LOS ANGELES - USA",
           "The shipment has been processed in the parcel center of origin", "The shipment has been processed in the destination parcel center",
           "Die Sendung ist in der Region des Empfängers angekommen und wird im nächsten Schritt zur Zustellbasis transportiert.",
           "Die Sendung wurde von DHL bearbeitet und wird für den Weitertransport in die Region des Empfängers vorbereitet.",
           "Die Sendung wurde für den Weitertransport vorbereitet."),
    phrase(r"departed|has left|left the", "in_transit", "departed_facility",
           "Shipment has departed from a DHL facility LOS ANGELES GATEWAY - USA", "Departed Facility in LEIPZIG - GERMANY"),
    phrase(r"delay|on hold", "exception", "carrier_delay", "Shipment is on hold"),
    phrase(r"transit|on its way|forwarded|scheduled for delivery", "in_transit", "in_transit", "Shipment is in transit to destination", "Shipment is scheduled for delivery"),
), source="DHL's published event texts: DHL Paket (parcel-de) English and German descriptions and DHL Express checkpoint texts as they appear in real Shipment Tracking - Unified answers (tests/fixtures/carriers/dhl/wild) and in DHL's tracking pages")
# fmt: on

# fmt: off
COARSE = CodeTable("DHL unified status codes (statusCode, coarse)", (
    row("pre-transit", "Pre-transit", "info_received"),
    row("transit", "Transit", "in_transit", "in_transit"),
    row("delivered", "Delivered", "delivered", "delivered"),
    row("failure", "Failure", "exception", "other"),
    row("unknown", "Unknown", "in_transit", "in_transit"),
), source="DHL Shipment Tracking - Unified OpenAPI (dpdhl_tracking-unified-api 1.3.1), the statusCode enum: pre-transit, transit, delivered, failure, unknown")
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
    if re.fullmatch(r"\s*(delivered|zugestellt|n/?a)?\s*", signed_by or "", re.IGNORECASE):
        signed_by = None  # DHL Express writes "Delivered" where no one signed
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
