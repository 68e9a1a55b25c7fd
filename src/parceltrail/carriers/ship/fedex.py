"""FedEx Ship API: ``POST {base}/ship/v1/shipments`` with the OAuth token tracking uses (``/oauth/token``,
client credentials in the form). The request follows FedEx's published ``FullSchema-Ship``: the payor's
account in ``accountNumber`` and ``shippingChargesPayment``, one ``requestedPackageLineItems`` entry, a
4x6 label (``STOCK_4X6``, PDF or ZPLII). The answer's ``transactionShipments[0]`` holds the master
tracking number, each piece's label (base64 in ``packageDocuments[].encodedLabel``), the rating and
``alerts`` (notes that did not stop the sale); refusals carry ``errors[].code``/``message``.

The FedEx developer project behind the shop's FedEx account needs the Ship API as well as Track.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from parceltrail.carriers.credentials import OAuthCredentials
from parceltrail.carriers.fedex import BASE_URL, CODE
from parceltrail.carriers.ship import (
    AccountField,
    LabelPurchase,
    PurchasedLabel,
    Seller,
    document_of,
    lines_of,
    price_of,
    reading,
    refused,
)
from parceltrail.core.address import PostalAddress

if TYPE_CHECKING:
    from parceltrail.carriers.transport import CarrierClient

SELLER = Seller(
    CODE, "Ship API (POST /ship/v1/shipments), OAuth client credentials", CODE,
    (AccountField("account_number", r"\d{9}", "the 9-digit FedEx account number, e.g. 740561073"),),
    {"ground": "FEDEX_GROUND", "home_delivery": "GROUND_HOME_DELIVERY", "2day": "FEDEX_2_DAY",
     "standard_overnight": "STANDARD_OVERNIGHT"},
)
IMAGE_TYPES = {"pdf": "PDF", "zpl": "ZPLII"}


def _party(address: PostalAddress) -> dict[str, Any]:
    contact = {"personName": (address.name or address.company or "")[:35]}
    if address.company:
        contact["companyName"] = address.company[:35]
    if address.phone:
        contact["phoneNumber"] = address.phone
    place: dict[str, Any] = {"streetLines": lines_of(address), "city": address.city or "",
                             "postalCode": address.postal_code or "", "countryCode": address.country}
    if address.region:
        place["stateOrProvinceCode"] = address.region
    return {"contact": contact, "address": place}


def ship_request(purchase: LabelPurchase) -> dict[str, Any]:
    """The ship request for one package, paid by the shipper's account, dropped off at FedEx."""
    package: dict[str, Any] = {"weight": {"units": "LB", "value": round(purchase.weight_lb, 1)}}
    if purchase.sides_in:
        length, width, height = purchase.sides_in
        package["dimensions"] = {"length": round(length), "width": round(width), "height": round(height),
                                 "units": "IN"}
    if purchase.reference:
        package["customerReferences"] = [{"customerReferenceType": "CUSTOMER_REFERENCE",
                                          "value": purchase.reference[:30]}]
    account = {"value": purchase.account_number}
    recipient = _party(purchase.ship_to)
    recipient["address"]["residential"] = not purchase.ship_to.company
    shipment: dict[str, Any] = {
        "shipper": _party(purchase.ship_from), "recipients": [recipient],
        "pickupType": "DROPOFF_AT_FEDEX_LOCATION", "serviceType": SELLER.services[purchase.service],
        "packagingType": "YOUR_PACKAGING", "totalPackageCount": 1,
        "shippingChargesPayment": {"paymentType": "SENDER", "payor": {"responsibleParty": {"accountNumber": account}}},
        "labelSpecification": {"imageType": IMAGE_TYPES[purchase.label_format], "labelStockType": "STOCK_4X6",
                               "labelFormatType": "COMMON2D"},
        "requestedPackageLineItems": [package],
    }
    if purchase.ship_date:
        shipment["shipDatestamp"] = purchase.ship_date.isoformat()
    return {"labelResponseOptions": "LABEL", "accountNumber": account, "requestedShipment": shipment}


def parse_ship_response(body: bytes | dict) -> PurchasedLabel:
    """The master tracking number, its label and the net charge from a ship answer."""
    with reading(CODE, "a ship response with a label"):
        data = json.loads(body) if isinstance(body, bytes | str) else body
        shipment = data["output"]["transactionShipments"][0]
        piece = shipment["pieceResponses"][0]
        label = next(d for d in piece["packageDocuments"] if d.get("contentType", "LABEL") == "LABEL")
        document, kind = document_of(label["encodedLabel"], CODE)
        number = str(shipment.get("masterTrackingNumber") or piece["trackingNumber"])
    rating = (shipment.get("completedShipmentDetail") or {}).get("shipmentRating") or {}
    details = rating.get("shipmentRateDetails") or []
    actual = next((d for d in details if d.get("rateType") == rating.get("actualRateType")), None) or \
        (details[0] if details else {})
    price = price_of(actual.get("totalNetCharge"))
    notes = tuple(f"{a.get('code')}: {a.get('message')}" for a in shipment.get("alerts") or [] if a.get("code"))
    return PurchasedLabel(number, document, kind, price if price is not None else price_of(piece.get("netChargeAmount")),
                          actual.get("currency") or piece.get("currency"), number, notes)


def buy(purchase: LabelPurchase, credentials: OAuthCredentials, client: CarrierClient) -> PurchasedLabel:
    base = (credentials.base_url or BASE_URL).rstrip("/")
    response = client.send_authorized(
        CODE, f"{base}/oauth/token", credentials, "POST", f"{base}/ship/v1/shipments", basic_auth=False,
        json=ship_request(purchase), headers={"x-locale": "en_US", "Accept": "application/json"},
    )
    if response.status_code != 200:
        raise refused(CODE, response)
    return parse_ship_response(response.content)
