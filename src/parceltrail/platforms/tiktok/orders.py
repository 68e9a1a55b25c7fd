"""TikTok Shop order JSON (Get Order Detail / Search Orders, 202309) into ``core.orders.Order`` (pure).

Parcels: ``packages[].id`` names the order's packages; each line item carries its ``package_id`` with
that package's ``tracking_number``, ``shipping_provider_name`` and ``_id`` (the order-level
``tracking_number`` covers an order of one package). The carrier comes from the provider's name
(``PROVIDERS``), checked against what the number's format says: when they disagree the provider's word
is kept (it is what TikTok judges) and the disagreement is returned for the seller to see.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from parceltrail.core.model import Address
from parceltrail.core.orders import (
    SLA_FIELDS,
    Buyer,
    LineItem,
    Order,
    OrderPackage,
    deadlines_from,
    from_unix,
    order_status,
)
from parceltrail.numbers import detect

PROVIDERS: dict[str, str] = {
    "usps": "usps", "united states postal service": "usps", "ups": "ups", "ups ground": "ups",
    "fedex": "fedex", "fedex ground": "fedex", "dhl": "dhl", "dhl ecommerce": "dhl", "dhl express": "dhl",
    "ontrac": "ontrac", "lasership": "lasership", "amazon logistics": "amazon", "amazon shipping": "amazon",
    "j&t express": "jtexpress", "jt express": "jtexpress", "cainiao": "cainiao", "yunexpress": "yunexpress",
    "yanwen": "yanwen", "4px": "4px", "uniuni": "uniuni", "gofo": "gofo", "veho": "veho", "speedee": "speedee",
    "speedee delivery": "speedee", "canada post": "canada_post", "purolator": "purolator", "evri": "evri",
    "royal mail": "royal_mail", "dpd": "dpd", "yodel": "yodel", "sandbox": "sandbox",
    "parceltrail sandbox": "sandbox",
}
"""TikTok shipping provider names (lower case) -> parceltrail carrier codes."""

_NOISE = re.compile(r"^tt virtual#?\s*|\s+(inc|llc|ltd)\.?$")


def provider_carrier(name: str | None) -> str | None:
    """The carrier code for a provider name ("USPS", "TT Virtual# UPS", "FedEx Ground"), None if unknown."""
    if not name:
        return None
    key = _NOISE.sub("", " ".join(name.lower().split())).strip()
    return PROVIDERS.get(key)


@dataclass(frozen=True, slots=True)
class Mismatch:
    order_id: str
    package_id: str | None
    tracking_number: str
    reason: str


def carrier_for(number: str, provider_name: str | None) -> tuple[str | None, str | None]:
    """(carrier, why it is doubtful or None): the provider's carrier, else what the number's format says."""
    named = provider_carrier(provider_name)
    found = detect(number)
    detected = found.carrier if found.valid and not found.ambiguous else None
    if named is None:
        return detected, None
    if detected is not None and detected != named and named != "sandbox":
        return named, (f"{number} looks like a {detected} number, but TikTok says {provider_name} carries it; "
                       "check the label")
    return named, None


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _buyer(raw: Mapping[str, Any] | None) -> Buyer:
    raw = raw or {}
    country = _text(raw.get("region_code"))
    city = _text(raw.get("post_town"))
    region = None
    for level in raw.get("district_info") or []:
        name = str(level.get("address_level_name") or "").lower()
        if name in ("city", "post town") and not city:
            city = _text(level.get("address_name"))
        elif name in ("state", "province"):
            region = _text(level.get("address_name"))
    name = _text(raw.get("name")) or " ".join(filter(None, (_text(raw.get("first_name")),
                                                             _text(raw.get("last_name"))))) or None
    address = Address(postal_code=_text(raw.get("postal_code")),
                      country=country if country and len(country) == 2 else None,
                      line1=_text(raw.get("address_line1")) or _text(raw.get("address_detail")),
                      line2=_text(raw.get("address_line2")), city=city, region=region)
    return Buyer(name, address)


def parse_order(shop_id: str, raw: Mapping[str, Any]) -> tuple[Order, list[Mismatch]]:
    """One TikTok order object as a core ``Order``; ``ValueError`` names the field when it cannot be read."""
    order_id = _text(raw.get("id"))
    if order_id is None:
        raise ValueError("order has no id")
    try:
        status = order_status(str(raw.get("status") or ""))
    except ValueError as error:
        raise ValueError(f"order {order_id}: status: {error}") from None
    created = from_unix(raw.get("create_time"), f"order {order_id}: create_time")
    if created is None:
        raise ValueError(f"order {order_id}: create_time is missing")
    updated = from_unix(raw.get("update_time"), f"order {order_id}: update_time") or created
    times = {name: from_unix(raw.get(name), f"order {order_id}: {name}") for name in SLA_FIELDS}
    items, parcels = [], {}
    for item in raw.get("line_items") or []:
        package_id = _text(item.get("package_id"))
        items.append(LineItem(str(item.get("id") or ""), str(item.get("product_name") or ""),
                              _text(item.get("seller_sku")), int(item.get("quantity") or 1), package_id))
        if package_id and package_id not in parcels:
            parcels[package_id] = item
    package_ids = [str(p["id"]) for p in raw.get("packages") or [] if p.get("id")] or list(parcels)
    mismatches: list[Mismatch] = []
    packages = []
    for package_id in package_ids:
        item = parcels.get(package_id, {})
        number = _text(item.get("tracking_number"))
        provider = _text(item.get("shipping_provider_name"))
        provider_id = _text(item.get("shipping_provider_id"))
        if number is None and len(package_ids) == 1:
            number, provider = _text(raw.get("tracking_number")), provider or _text(raw.get("shipping_provider"))
            provider_id = provider_id or _text(raw.get("shipping_provider_id"))
        carrier = None
        if number:
            carrier, doubt = carrier_for(number, provider)
            if doubt:
                mismatches.append(Mismatch(order_id, package_id, number, doubt))
        packages.append(OrderPackage(package_id, number, carrier, provider_id, provider))
    order = Order(
        shop_id=shop_id, external_id=order_id, status=status, created_at=created, updated_at=updated,
        on_hold=bool(raw.get("is_on_hold_order")), paid_at=from_unix(raw.get("paid_time"), "paid_time"),
        buyer=_buyer(raw.get("recipient_address")), line_items=tuple(items), packages=tuple(packages),
        deadlines=deadlines_from(times), platform_times=tuple((k, v) for k, v in times.items() if v is not None),
        shipping_type=_text(raw.get("shipping_type")),
    )
    return order, mismatches
