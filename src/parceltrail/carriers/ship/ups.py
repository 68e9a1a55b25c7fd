"""UPS Shipping API: ``POST {base}/api/shipments/v2409/ship`` with an OAuth token (client credentials,
as tracking), ``transId`` and ``transactionSrc`` headers; the request and answer follow UPS's published
ShipmentRequest / ShipmentResponse JSON (``PackageResults`` is an object for one package, a list for
several; the label is base64 in ``ShippingLabel.GraphicImage``)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from parceltrail.carriers.credentials import OAuthCredentials
from parceltrail.carriers.ship import LabelPurchase, PurchasedLabel, PurchaseError
from parceltrail.carriers.ups import BASE_URL, CODE
from parceltrail.core.address import PostalAddress

if TYPE_CHECKING:
    from parceltrail.carriers.transport import CarrierClient

VERSION = "v2409"
SERVICE_CODES = {"ground": "03", "next_day_air": "01", "2nd_day_air": "02", "3_day_select": "12",
                 "next_day_air_saver": "13"}


def _party(address: PostalAddress) -> dict[str, Any]:
    lines = [line for line in (address.line1, address.line2) if line]
    out: dict[str, Any] = {
        "Name": (address.company or address.name or "")[:35],
        "Address": {"AddressLine": lines, "City": address.city or "", "StateProvinceCode": address.region or "",
                    "PostalCode": address.postal_code or "", "CountryCode": address.country},
    }
    if address.company and address.name:
        out["AttentionName"] = address.name[:35]
    if address.phone:
        out["Phone"] = {"Number": address.phone}
    return out


def ship_request(purchase: LabelPurchase) -> dict[str, Any]:
    """The ShipmentRequest body for one package, billed to the shipper's account."""
    if purchase.service not in SERVICE_CODES:
        raise PurchaseError(f"ups has no service {purchase.service!r}; expected one of: {', '.join(SERVICE_CODES)}")
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
        "LabelSpecification": {"LabelImageFormat": {"Code": purchase.label_format},
                               "LabelStockSize": {"Height": "6", "Width": "4"}},
    }}


def parse_ship_response(body: bytes | dict) -> PurchasedLabel:
    """Tracking number, label image and charges from a ShipmentResponse; PurchaseError with UPS's words."""
    try:
        data = json.loads(body) if isinstance(body, bytes | str) else body
        results = data["ShipmentResponse"]["ShipmentResults"]
        packages = results["PackageResults"]
        first = packages[0] if isinstance(packages, list) else packages
        label = first["ShippingLabel"]
        document = base64.b64decode(label["GraphicImage"], validate=True)
        kind = str(label.get("ImageFormat", {}).get("Code", "")).lower() or "gif"
        number = str(first["TrackingNumber"])
    except (ValueError, KeyError, IndexError, TypeError, binascii.Error) as error:
        raise PurchaseError(f"ups: the ship answer is not a ShipmentResponse with a label ({error!r})") from None
    charges = (results.get("ShipmentCharges") or {}).get("TotalCharges") or {}
    value = charges.get("MonetaryValue")
    return PurchasedLabel(number, document, kind, float(value) if value is not None else None,
                          charges.get("CurrencyCode"), results.get("ShipmentIdentificationNumber"))


def buy(purchase: LabelPurchase, credentials: OAuthCredentials, client: CarrierClient) -> PurchasedLabel:
    from parceltrail.carriers.transport import carrier_message

    base = (credentials.base_url or BASE_URL).rstrip("/")
    response = client.send_authorized(
        CODE, f"{base}/security/v1/oauth/token", credentials, "POST", f"{base}/api/shipments/{VERSION}/ship",
        basic_auth=True, json=ship_request(purchase),
        headers={"transId": uuid4().hex, "transactionSrc": "parceltrail", "Accept": "application/json"},
    )
    if response.status_code != 200:
        raise PurchaseError(f"ups refused the label ({response.status_code}): {carrier_message(response)}")
    return parse_ship_response(response.content)
