"""UPS Shipping API: ``POST {base}/api/shipments/v2409/ship`` with an OAuth token (client credentials,
as tracking), ``transId`` and ``transactionSrc`` headers; the request and answer follow UPS's published
ShipmentRequest / ShipmentResponse JSON (``PackageResults`` is an object for one package, a list for
several; the label is base64 in ``ShippingLabel.GraphicImage``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from parceltrail.carriers.credentials import OAuthCredentials
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
from parceltrail.carriers.ups import BASE_URL, CODE
from parceltrail.core.address import PostalAddress

if TYPE_CHECKING:
    from parceltrail.carriers.transport import CarrierClient

VERSION = "v2409"
SELLER = Seller(
    CODE, f"Shipping API (POST /api/shipments/{VERSION}/ship), OAuth client credentials", CODE,
    (AccountField("account_number", r"[A-Z0-9]{6}", "the 6-letter-and-digit UPS shipper number, e.g. A1B2C3"),),
    {"ground": "03", "next_day_air": "01", "2nd_day_air": "02", "3_day_select": "12", "next_day_air_saver": "13"},
)
SERVICE_CODES = SELLER.services
IMAGE_FORMATS = {"pdf": "GIF", "zpl": "ZPL"}


def _party(address: PostalAddress) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Name": (address.company or address.name or "")[:35],
        "Address": {"AddressLine": lines_of(address), "City": address.city or "", "StateProvinceCode": address.region or "",
                    "PostalCode": address.postal_code or "", "CountryCode": address.country},
    }
    if address.company and address.name:
        out["AttentionName"] = address.name[:35]
    if address.phone:
        out["Phone"] = {"Number": address.phone}
    return out


def ship_request(purchase: LabelPurchase) -> dict[str, Any]:
    """The ShipmentRequest body for one package, billed to the shipper's account."""
    package: dict[str, Any] = {
        "Packaging": {"Code": "02", "Description": "Customer Supplied Package"},
        "PackageWeight": {"UnitOfMeasurement": {"Code": "LBS"}, "Weight": f"{purchase.weight_lb:.1f}"},
    }
    if purchase.sides_in:
        length, width, height = purchase.sides_in
        package["Dimensions"] = {"UnitOfMeasurement": {"Code": "IN"}, "Length": f"{length:.0f}",
                                 "Width": f"{width:.0f}", "Height": f"{height:.0f}"}
    shipper = {**_party(purchase.ship_from), "ShipperNumber": purchase.account_number}
    shipment: dict[str, Any] = {
        "Shipper": shipper, "ShipFrom": _party(purchase.ship_from), "ShipTo": _party(purchase.ship_to),
        "PaymentInformation": {"ShipmentCharge": {"Type": "01", "BillShipper": {"AccountNumber": purchase.account_number}}},
        "Service": {"Code": SERVICE_CODES[purchase.service]},
        "Package": package,
    }
    if purchase.reference:
        shipment["ReferenceNumber"] = {"Value": purchase.reference[:35]}
    return {"ShipmentRequest": {
        "Request": {"RequestOption": "nonvalidate", "TransactionReference": {"CustomerContext": purchase.reference or ""}},
        "Shipment": shipment,
        "LabelSpecification": {"LabelImageFormat": {"Code": IMAGE_FORMATS[purchase.label_format]},
                               "LabelStockSize": {"Height": "6", "Width": "4"}},
    }}


def parse_ship_response(body: bytes | dict) -> PurchasedLabel:
    """Tracking number, label image and charges from a ShipmentResponse; PurchaseError with UPS's words."""
    with reading(CODE, "a ShipmentResponse with a label"):
        data = json.loads(body) if isinstance(body, bytes | str) else body
        results = data["ShipmentResponse"]["ShipmentResults"]
        packages = results["PackageResults"]
        first = packages[0] if isinstance(packages, list) else packages
        document, kind = document_of(first["ShippingLabel"]["GraphicImage"], CODE)
        number = str(first["TrackingNumber"])
    charges = (results.get("ShipmentCharges") or {}).get("TotalCharges") or {}
    return PurchasedLabel(number, document, kind, price_of(charges.get("MonetaryValue")),
                          charges.get("CurrencyCode"), results.get("ShipmentIdentificationNumber"))


def buy(purchase: LabelPurchase, credentials: OAuthCredentials, client: CarrierClient) -> PurchasedLabel:
    base = (credentials.base_url or BASE_URL).rstrip("/")
    response = client.send_authorized(
        CODE, f"{base}/security/v1/oauth/token", credentials, "POST", f"{base}/api/shipments/{VERSION}/ship",
        basic_auth=True, json=ship_request(purchase),
        headers={"transId": uuid4().hex, "transactionSrc": "parceltrail", "Accept": "application/json"},
    )
    if response.status_code != 200:
        raise refused(CODE, response)
    return parse_ship_response(response.content)
