"""USPS Labels API v3 ("Domestic Labels 3.0"): ``POST {base}/labels/v3/label``.

Two tokens: the OAuth access token tracking uses (``/oauth2/v3/token``; the USPS app needs the
``labels`` and ``payments`` products), and a payment authorization token from Payments 3.0
(``POST /payments/v3/payment-authorization``) naming the shop's Enterprise Payment account as payer and
label owner (its CRID, MIDs and EPS account number), sent as ``X-Payment-Authorization-Token``.

The answer is ``multipart/form-data`` by default (``labelMetadata`` JSON, then the base64 label image,
then the receipt); asked with ``Accept: application/vnd.usps.labels+json`` USPS answers one JSON object
with the image inside. Both are read. Postage is ``postage`` plus the priced extra services and fees.

``processingCategory`` is ``MACHINABLE`` up to 22 x 18 x 15 in and 25 lb (USPS DMM 201.7.5, machinable
parcels), else ``NONSTANDARD``; ``rateIndicator`` ``SP`` (single piece) is the ordinary parcel price.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from parceltrail.carriers.credentials import OAuthCredentials
from parceltrail.carriers.ship import (
    AccountField,
    LabelPurchase,
    PurchasedLabel,
    PurchaseError,
    Seller,
    document_of,
    price_of,
    reading,
    refused,
    split_name,
)
from parceltrail.carriers.usps import BASE_URL, CODE
from parceltrail.core.address import PostalAddress

if TYPE_CHECKING:
    from parceltrail.carriers.transport import CarrierClient

SELLER = Seller(
    CODE, "Labels API v3 (POST /labels/v3/label) with a Payments 3.0 authorization, OAuth client credentials",
    CODE,
    (AccountField("account_number", r"\d{10}", "the 10-digit Enterprise Payment (EPS) account number"),
     AccountField("crid", r"\d{4,15}", "the Customer Registration ID (CRID), digits"),
     AccountField("mid", r"\d{6}|\d{9}", "the 6- or 9-digit Mailer ID (MID)"),
     AccountField("manifest_mid", r"\d{6}|\d{9}", "the 6- or 9-digit manifest Mailer ID", required=False)),
    {"ground_advantage": "USPS_GROUND_ADVANTAGE", "priority": "PRIORITY_MAIL"},
    needs_size=True,
)
IMAGE_TYPES = {"pdf": "PDF", "zpl": "ZPL203DPI"}
VENDOR_JSON = "application/vnd.usps.labels+json"
MACHINABLE_SIDES, MACHINABLE_LB = (22.0, 18.0, 15.0), 25.0


def _address(address: PostalAddress) -> dict[str, Any]:
    first, last = split_name(address.name)
    zip5, _, plus4 = (address.postal_code or "").partition("-")
    out: dict[str, Any] = {"firstName": first, "lastName": last, "streetAddress": address.line1 or "",
                           "city": address.city or "", "state": address.region or "", "ZIPCode": zip5}
    for key, value in (("firm", address.company), ("secondaryAddress", address.line2), ("ZIPPlus4", plus4),
                       ("phone", re.sub(r"\D", "", address.phone or "")[-10:] or None)):
        if value:
            out[key] = value
    return out


def payment_request(purchase: LabelPurchase) -> dict[str, Any]:
    """The Payments 3.0 roles: the shop's EPS account pays and owns the labels."""
    account = purchase.account
    ids = {"CRID": account["crid"], "MID": account["mid"], "accountType": "EPS",
           "accountNumber": account["account_number"]}
    return {"roles": [{"roleName": "PAYER", **ids},
                      {"roleName": "LABEL_OWNER", **ids, "manifestMID": account.get("manifest_mid") or account["mid"]}]}


def ship_request(purchase: LabelPurchase) -> dict[str, Any]:
    if purchase.sides_in is None:
        raise PurchaseError("usps prices a parcel by its size: give the size (or a packaging preset)")
    length, width, height = purchase.sides_in
    machinable = all(s <= m for s, m in zip(purchase.sides_in, MACHINABLE_SIDES, strict=True)) and \
        purchase.weight_lb <= MACHINABLE_LB
    package: dict[str, Any] = {
        "mailClass": SELLER.services[purchase.service], "rateIndicator": "SP",
        "weightUOM": "lb", "weight": round(purchase.weight_lb, 2), "dimensionsUOM": "in",
        "length": round(length, 2), "width": round(width, 2), "height": round(height, 2),
        "processingCategory": "MACHINABLE" if machinable else "NONSTANDARD",
        "destinationEntryFacilityType": "NONE", "mailingDate": (purchase.ship_date or date.today()).isoformat(),
    }
    if purchase.reference:
        package["customerReference"] = [{"referenceNumber": purchase.reference[:30], "printReferenceNumber": True}]
    return {"imageInfo": {"imageType": IMAGE_TYPES[purchase.label_format], "labelType": "4X6LABEL",
                          "receiptOption": "NONE"},
            "toAddress": _address(purchase.ship_to), "fromAddress": _address(purchase.ship_from),
            "packageDescription": package}


def _parts(body: bytes, content_type: str) -> list[tuple[bytes, bytes]]:
    """(headers, payload) of each part of a multipart answer, in order (CRLF or LF line breaks)."""
    found = re.search(r'boundary="?([^";]+)"?', content_type) or re.match(rb"--([^\r\n]+)", body)
    if found is None:
        raise PurchaseError("usps: a multipart answer without a boundary")
    boundary = found.group(1)
    boundary = boundary if isinstance(boundary, bytes) else boundary.encode()
    parts = []
    for chunk in body.split(b"--" + boundary):
        pieces = re.split(rb"\r?\n\r?\n", chunk.lstrip(b"\r\n"), maxsplit=1)
        if len(pieces) == 2:
            parts.append((pieces[0], pieces[1].strip()))
    return parts


def _metadata_and_image(parts: list[tuple[bytes, bytes]]) -> tuple[dict, bytes]:
    """The ``labelMetadata`` and ``labelImage`` parts by name; USPS's own published example names no part,
    so there the JSON part is the metadata and the one after it the label image."""
    named = {m.group(1).decode(): payload for head, payload in parts
             if (m := re.search(rb'\bname="([^"]+)"', head))}
    if "labelMetadata" in named:
        return json.loads(named["labelMetadata"]), named["labelImage"]
    first = next(i for i, (_, payload) in enumerate(parts) if payload.startswith(b"{"))
    return json.loads(parts[first][1]), parts[first + 1][1]


def parse_ship_response(body: bytes | dict, content_type: str = "application/json") -> PurchasedLabel:
    """Tracking number, label and postage from the vendor JSON or the default multipart answer."""
    with reading(CODE, "a label answer (labelMetadata and labelImage)"):
        if isinstance(body, dict):
            metadata, image = body, body["labelImage"]
        elif "multipart" in content_type.lower() or body.lstrip().startswith(b"--"):
            metadata, image = _metadata_and_image(_parts(body, content_type))
        else:
            metadata = json.loads(body)
            image = metadata["labelImage"]
        document, kind = document_of(image, CODE)
        number = str(metadata["trackingNumber"])
    extras = [price_of(x.get("price")) for x in (metadata.get("extraServices") or []) + (metadata.get("fees") or [])]
    postage = price_of(metadata.get("postage"))
    total = None if postage is None else round(postage + sum(x for x in extras if x), 2)
    return PurchasedLabel(number, document, kind, total, "USD" if total is not None else None,
                          metadata.get("routingInformation"))


def buy(purchase: LabelPurchase, credentials: OAuthCredentials, client: CarrierClient) -> PurchasedLabel:
    base = (credentials.base_url or BASE_URL).rstrip("/")
    token_url = f"{base}/oauth2/v3/token"
    paid = client.send_authorized(CODE, token_url, credentials, "POST", f"{base}/payments/v3/payment-authorization",
                                  basic_auth=False, json=payment_request(purchase),
                                  headers={"Accept": "application/json"})
    if paid.status_code != 200:
        raise refused(CODE, paid)
    with reading(CODE, "a payment authorization"):
        payment_token = str(paid.json()["paymentAuthorizationToken"])
    response = client.send_authorized(
        CODE, token_url, credentials, "POST", f"{base}/labels/v3/label", basic_auth=False,
        json=ship_request(purchase), headers={"X-Payment-Authorization-Token": payment_token, "Accept": VENDOR_JSON},
    )
    if response.status_code != 200:
        raise refused(CODE, response)
    return parse_ship_response(response.content, response.headers.get("Content-Type", ""))
