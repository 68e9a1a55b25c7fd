"""DHL eCommerce Americas Label API v4: ``POST {base}/shipping/v4/label?format=PNG|ZPL`` after an OAuth
token from ``POST {base}/auth/v4/accesstoken`` (client id and secret in a Basic header, as DHL eCommerce
Solutions' own PHP SDK does). Its credentials are not the DHL tracking API key: they are the shop's
``dhl_ecommerce`` carrier account (or ``PARCELTRAIL_DHL_ECOMMERCE_*``), with the pickup account number and
the distribution center in the shipping settings.

Why DHL eCommerce and not DHL Express (MyDHL API): DHL Express moves parcels across borders and does not
deliver within the US, while DHL eCommerce's ground product (``GND``, delivered by USPS for the last mile)
is what a US seller ships to US buyers with. The label comes back base64 in ``labels[0].labelData`` with
DHL's package id (``dhlPackageId``, ``GM...``, what DHL's tracking API follows) and the last-mile
``trackingId``; refusals are problem details (``title`` and ``invalidParams[].reason``). No price is
returned: the shop's rate table prices DHL labels.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from parceltrail.carriers.credentials import OAuthCredentials
from parceltrail.carriers.dhl import CODE
from parceltrail.carriers.ship import (
    AccountField,
    LabelPurchase,
    PurchasedLabel,
    Seller,
    document_of,
    reading,
    refused,
)
from parceltrail.core.address import PostalAddress

if TYPE_CHECKING:
    import httpx

    from parceltrail.carriers.transport import CarrierClient

BASE_URL = "https://api.dhlecs.com"
SANDBOX_URL = "https://api-sandbox.dhlecs.com"
ACCOUNT = "dhl_ecommerce"
SELLER = Seller(
    CODE, "DHL eCommerce Americas Label API v4 (POST /shipping/v4/label), OAuth client credentials", ACCOUNT,
    (AccountField("pickup", r"\d{5,10}", "the DHL eCommerce pickup account number, e.g. 5320037"),
     AccountField("distribution_center", r"[A-Z]{5}\d", "the distribution center code, e.g. USMCO1"),
     AccountField("merchant_id", r"\d{1,10}", "the merchant id (for marketplaces)", required=False)),
    {"ecommerce": "GND"},
)
FORMATS = {"pdf": "PNG", "zpl": "ZPL"}


def _address(address: PostalAddress) -> dict[str, Any]:
    out: dict[str, Any] = {"name": (address.name or address.company or "")[:60], "address1": address.line1 or "",
                           "city": address.city or "", "country": address.country,
                           "postalCode": address.postal_code or ""}
    for key, value in (("companyName", address.company), ("address2", address.line2), ("state", address.region),
                       ("phone", address.phone)):
        if value:
            out[key] = value
    return out


def ship_request(purchase: LabelPurchase, package_id: str | None = None) -> dict[str, Any]:
    """The label request: DHL's product, the shop's pickup account and distribution center, one package
    whose ``packageId`` (unique per pickup account) is ours."""
    package: dict[str, Any] = {
        "packageId": package_id or f"PT{uuid4().hex[:20].upper()}",
        "weight": {"value": round(purchase.weight_lb, 2), "unitOfMeasure": "LB"},
    }
    if purchase.sides_in:
        length, width, height = purchase.sides_in
        package["dimension"] = {"length": round(length, 1), "width": round(width, 1), "height": round(height, 1),
                                "unitOfMeasure": "IN"}
    if purchase.reference:
        package["billingReference1"] = purchase.reference[:20]
    body: dict[str, Any] = {
        "pickup": purchase.account["pickup"], "distributionCenter": purchase.account["distribution_center"],
        "orderedProductId": SELLER.services[purchase.service], "consigneeAddress": _address(purchase.ship_to),
        "returnAddress": _address(purchase.ship_from), "packageDetail": package,
    }
    if purchase.account.get("merchant_id"):
        body["merchantId"] = purchase.account["merchant_id"]
    return body


def parse_ship_response(body: bytes | dict) -> PurchasedLabel:
    with reading(CODE, "a label response with labels[0].labelData"):
        data = json.loads(body) if isinstance(body, bytes | str) else body
        label = data["labels"][0]
        document, kind = document_of(label["labelData"], CODE)
        number = str(label.get("dhlPackageId") or label["trackingId"])
    return PurchasedLabel(number, document, kind, None, None, label.get("trackingId"))


def _words(response: httpx.Response) -> str | None:
    """DHL's problem details: the title and each invalid parameter's reason."""
    try:
        problem = response.json()
        reasons = [f"{p['name']}: {p['reason']}" if p.get("name") else str(p.get("reason"))
                   for p in problem.get("invalidParams") or [] if p.get("reason")]
        return "; ".join([str(problem["title"]), *reasons])[:300]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def buy(purchase: LabelPurchase, credentials: OAuthCredentials, client: CarrierClient) -> PurchasedLabel:
    base = (credentials.base_url or BASE_URL).rstrip("/")
    response = client.send_authorized(
        CODE, f"{base}/auth/v4/accesstoken", credentials, "POST", f"{base}/shipping/v4/label", basic_auth=True,
        params={"format": FORMATS[purchase.label_format]}, json=ship_request(purchase),
        headers={"Accept": "application/json"},
    )
    if response.status_code != 200:
        raise refused(CODE, response, _words(response))
    return parse_ship_response(response.content)
