"""Buying labels from carriers' shipping APIs: one module per carrier, one purchase flow for all of them.

Each module (``ups``, ``fedex``, ``usps``, ``dhl``) declares a ``SELLER`` (which API, whose credentials
pay, which shipper account numbers the shop sets, which of our services map to which of the carrier's
codes) and offers ``buy(purchase, credentials, client) -> PurchasedLabel`` over the same
``transport.CarrierClient`` tracking uses (OAuth tokens, retries, 429s), with a pure ``ship_request`` and
``parse_ship_response`` so the carrier's own captured bodies can be tested alone. ``services.labels``
runs the one flow: account number, credentials, purchase, refusal in the carrier's words, storage.

Why these APIs: each is the carrier's current REST API for US-origin labels (UPS Shipping API, FedEx
Ship API, USPS Labels 3.0, and DHL eCommerce Americas, not DHL Express, because DHL Express does not
carry parcels within the US while DHL eCommerce's ground products are what a US seller ships to US
buyers with; parceltrail's delivery standards already model them as ``dhl/ecommerce``).
"""

from __future__ import annotations

import base64
import binascii
import importlib
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from parceltrail.carriers.credentials import OAuthCredentials
from parceltrail.core.address import PostalAddress

if TYPE_CHECKING:
    import httpx

MODULES = ("ups", "fedex", "usps", "dhl")
PURCHASE_ACCOUNTS = {"dhl_ecommerce": OAuthCredentials}
"""Carrier accounts that exist only to buy labels (not to track): code -> their credentials' type."""
LABEL_FORMATS = ("pdf", "zpl")
"""What the label is bought for: ``pdf`` (office printers; the carrier's PDF, PNG or GIF image) or ``zpl``
(thermal printers; the carrier's own ZPL)."""


@dataclass(frozen=True, slots=True)
class AccountField:
    """One shipper account number the shop sets in its shipping settings (not a secret)."""

    name: str
    pattern: str
    expected: str
    required: bool = True


@dataclass(frozen=True, slots=True)
class Seller:
    """What parceltrail knows about buying one carrier's labels."""

    carrier: str
    """The carrier code the sold parcels are tracked under."""
    api: str
    credentials: str
    """Whose carrier account (``/v1/carrier-accounts/{code}``, ``PARCELTRAIL_{CODE}_*``) pays: the tracking
    account for UPS, FedEx and USPS; DHL eCommerce has its own (``dhl_ecommerce``), apart from DHL tracking."""
    account: tuple[AccountField, ...]
    services: Mapping[str, str]
    """Our service name -> the carrier's service (or product) code."""
    needs_size: bool = False
    """The carrier prices by size and will not sell a label without one (USPS)."""

    def account_of(self, value: object) -> tuple[dict[str, str], list[tuple[str, str]]]:
        """The shop's account numbers as a dict, and (field, what was expected) for each problem. A plain
        string is the one required number (``{"ups": "A1B2C3"}``)."""
        required = [f for f in self.account if f.required]
        if isinstance(value, str) and len(required) == 1:
            value = {required[0].name: value}
        if not isinstance(value, dict):
            names = ", ".join(f.name for f in self.account)
            return {}, [("", f"an object with {names}" if len(required) > 1 else f"a string or an object with {names}")]
        known = {f.name: f for f in self.account}
        problems = [(k, f"not a {self.carrier} account field; expected one of: {', '.join(known)}")
                    for k in value if k not in known]
        out: dict[str, str] = {}
        for f in self.account:
            given = value.get(f.name)
            if given is None:
                if f.required:
                    problems.append((f.name, f"required: {f.expected}"))
                continue
            if not isinstance(given, str) or not re.fullmatch(f.pattern, given):
                problems.append((f.name, f"expected {f.expected}"))
                continue
            out[f.name] = given
        return out, problems


@dataclass(frozen=True, slots=True)
class LabelPurchase:
    """What a carrier needs to sell a label: who ships, to whom, what, with which service and account."""

    account: Mapping[str, str]
    service: str
    ship_from: PostalAddress
    ship_to: PostalAddress
    weight_lb: float
    sides_in: tuple[float, float, float] | None
    reference: str | None = None
    label_format: str = "pdf"
    ship_date: date | None = None

    @property
    def account_number(self) -> str:
        return self.account["account_number"]


@dataclass(frozen=True, slots=True)
class PurchasedLabel:
    tracking_number: str
    document: bytes
    document_type: str  # pdf | png | gif | zpl
    price: float | None
    currency: str | None
    shipment_id: str | None = None
    notes: tuple[str, ...] = field(default=())
    """The carrier's warnings that did not stop the sale (FedEx alerts, e.g. a postal-city mismatch)."""


class PurchaseError(ValueError):
    """The carrier refused to sell the label; the message carries its own words."""


@cache
def _modules() -> dict[str, ModuleType]:
    return {name: importlib.import_module(f"parceltrail.carriers.ship.{name}") for name in MODULES}


def sellers() -> dict[str, Seller]:
    """The carriers parceltrail buys labels from, by carrier code (each module is named after it)."""
    return {code: module.SELLER for code, module in _modules().items()}


def buy(carrier: str, purchase: LabelPurchase, credentials, client) -> PurchasedLabel:
    """Buy from ``carrier``'s module (the one entry point ``services.labels`` calls)."""
    module = _modules().get(carrier)
    if module is None:
        raise PurchaseError(f"parceltrail does not buy {carrier} labels; it buys: {', '.join(MODULES)}")
    if purchase.service not in module.SELLER.services:
        raise PurchaseError(f"{carrier} sells no service {purchase.service!r} through parceltrail; "
                            f"expected one of: {', '.join(module.SELLER.services)}")
    if purchase.label_format not in LABEL_FORMATS:
        raise PurchaseError(f"label format {purchase.label_format!r}; expected one of: {', '.join(LABEL_FORMATS)}")
    return module.buy(purchase, credentials, client)


def document_of(encoded: str | bytes, carrier: str) -> tuple[bytes, str]:
    """A label image from the carrier's base64 text (line breaks and stray spaces, as MIME bodies and USPS's
    own example carry them, are dropped), and what it is by its first bytes, not the carrier's word for it:
    ``pdf``, ``png``, ``gif`` or ``zpl``."""
    text = encoded if isinstance(encoded, bytes) else str(encoded).encode("ascii", "replace")
    try:
        data = base64.b64decode(re.sub(rb"\s+", b"", text), validate=True)
    except (binascii.Error, ValueError):
        raise PurchaseError(f"{carrier}: the label image is not base64") from None
    return data, sniff(data, carrier)


def sniff(data: bytes, carrier: str) -> str:
    head = data[:16]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\x89PNG"):
        return "png"
    if head.startswith(b"GIF8"):
        return "gif"
    if data.lstrip()[:3] in (b"^XA", b"~DG", b"~DY") or b"^XA" in data[:2048]:
        return "zpl"
    raise PurchaseError(f"{carrier}: the label is neither PDF, PNG, GIF nor ZPL")


@contextmanager
def reading(carrier: str, what: str) -> Iterator[None]:
    """Read a carrier's answer: a missing or odd field becomes a PurchaseError naming what was expected."""
    try:
        yield
    except PurchaseError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        raise PurchaseError(f"{carrier}: the ship answer is not {what} ({error!r})") from None


def refused(carrier: str, response: httpx.Response, words: str | None = None) -> PurchaseError:
    """The carrier's refusal, in its own words (``words``, else the error body's messages)."""
    from parceltrail.carriers.transport import carrier_message

    return PurchaseError(f"{carrier} refused the label ({response.status_code}): {words or carrier_message(response)}")


def lines_of(address: PostalAddress) -> list[str]:
    return [line for line in (address.line1, address.line2) if line]


def split_name(name: str | None) -> tuple[str, str]:
    """(first, last) for carriers that ask for them apart; a one-word name is all first name."""
    parts = (name or "").split()
    if len(parts) < 2:
        return (parts[0] if parts else ""), ""
    return " ".join(parts[:-1]), parts[-1]


def price_of(value: object) -> float | None:
    try:
        return round(float(value), 2) if value is not None and value != "" else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
