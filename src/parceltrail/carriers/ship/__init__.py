"""Buying labels from carriers' shipping APIs: one module per carrier, each ``buy(purchase, credentials,
client) -> PurchasedLabel`` over the same ``transport.CarrierClient`` tracking uses (OAuth tokens,
retries, 429s), and a pure ``parse_*`` of the carrier's answer so captured bodies can be tested alone.

Only UPS is built so far (Shipping API ``POST /api/shipments/v2409/ship``); the others refuse with the
reason in ``services.labels``.
"""

from __future__ import annotations

from dataclasses import dataclass

from parceltrail.core.address import PostalAddress


@dataclass(frozen=True, slots=True)
class LabelPurchase:
    """What a carrier needs to sell a label: who ships, to whom, what, with which service and account."""

    account_number: str
    service: str
    ship_from: PostalAddress
    ship_to: PostalAddress
    weight_lb: float
    sides_in: tuple[float, float, float] | None
    reference: str | None = None
    label_format: str = "ZPL"  # ZPL (thermal printers) or GIF/PNG images


@dataclass(frozen=True, slots=True)
class PurchasedLabel:
    tracking_number: str
    document: bytes
    document_type: str  # zpl | gif | png
    price: float | None
    currency: str | None
    shipment_id: str | None = None


class PurchaseError(ValueError):
    """The carrier refused to sell the label; the message carries its own words."""
