"""Orders as a shop platform (TikTok Shop first) sees them: status, on-hold, buyer, line items, deadlines.

Pure: no I/O, no clock. ``platforms/tiktok`` turns TikTok's JSON and CSV into these objects; the store
keeps them; the exception engine and the metric guard read the deadlines.

Deadlines (``Deadlines``), all aware UTC datetimes or None when the platform gave none:

- ``ship_by``: the dispatch deadline, the earlier of TikTok's ``rts_sla_time`` (ready to ship) and
  ``shipping_due_time``. Late Dispatch Rate counts orders without a carrier scan by then.
- ``collect_by``: when the carrier must have the parcel: ``collection_due_time``, else ``tts_sla_time``.
- ``deliver_by``: the delivery promise: ``delivery_due_time``, else ``delivery_sla_time``.
  On-Time Delivery Rate counts deliveries after it.
- ``auto_cancel_at``: ``cancel_order_sla_time``: TikTok cancels the order if it has not shipped by then.

The platform's own fields are kept as they came (``Order.platform_times``) so nothing is lost in the
choice. An order is on hold (``on_hold``) when TikTok says ``ON_HOLD`` or ``is_on_hold_order``: about
an hour after payment, when the address is withheld and the order must not be fulfilled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from parceltrail.core.model import Address


class OrderStatus(StrEnum):
    """TikTok Shop's order statuses (202309), in the order an order normally moves through them."""

    UNPAID = "UNPAID"
    ON_HOLD = "ON_HOLD"
    AWAITING_SHIPMENT = "AWAITING_SHIPMENT"
    PARTIALLY_SHIPPING = "PARTIALLY_SHIPPING"
    AWAITING_COLLECTION = "AWAITING_COLLECTION"
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


STATUS_ALIASES = {"CANCEL": OrderStatus.CANCELLED, "CANCELED": OrderStatus.CANCELLED}
"""Other spellings the platform uses: webhooks may say ``CANCEL``."""

FULFILLABLE = frozenset({OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPING,
                         OrderStatus.AWAITING_COLLECTION})
"""Statuses in which a seller may upload tracking (or correct it, within TikTok's rules)."""

SHIPPED = frozenset({OrderStatus.IN_TRANSIT, OrderStatus.DELIVERED, OrderStatus.COMPLETED})
CLOSED = frozenset({OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.CANCELLED})


def order_status(value: str) -> OrderStatus:
    """An order status from any case and the platform's aliases; ``ValueError`` lists what is accepted."""
    text = (value or "").strip().upper().replace(" ", "_")
    if text in STATUS_ALIASES:
        return STATUS_ALIASES[text]
    try:
        return OrderStatus(text)
    except ValueError:
        raise ValueError(f"unknown order status {value!r}; expected one of: {', '.join(OrderStatus)}") from None


def from_unix(value: object, name: str) -> datetime | None:
    """TikTok's unix seconds as an aware UTC datetime; 0, '' and None mean "not set"."""
    if value in (None, "", 0, "0"):
        return None
    try:
        seconds = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} is {value!r}; expected unix seconds") from None
    if seconds < 0 or seconds > 10**11:
        raise ValueError(f"{name} is {seconds}; expected unix seconds")
    return datetime.fromtimestamp(seconds, UTC)


@dataclass(frozen=True, slots=True)
class Deadlines:
    ship_by: datetime | None = None
    collect_by: datetime | None = None
    deliver_by: datetime | None = None
    auto_cancel_at: datetime | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {k: (v.isoformat() if v else None) for k, v in
                (("ship_by", self.ship_by), ("collect_by", self.collect_by), ("deliver_by", self.deliver_by),
                 ("auto_cancel_at", self.auto_cancel_at))}


SLA_FIELDS = ("rts_sla_time", "tts_sla_time", "shipping_due_time", "collection_due_time", "delivery_due_time",
              "delivery_sla_time", "cancel_order_sla_time")
"""TikTok's deadline fields on an order (unix seconds)."""


def deadlines_from(times: dict[str, datetime | None]) -> Deadlines:
    """The four deadlines from TikTok's fields (see the module docstring for which field wins)."""
    dispatch = [t for t in (times.get("rts_sla_time"), times.get("shipping_due_time")) if t is not None]
    return Deadlines(
        ship_by=min(dispatch) if dispatch else None,
        collect_by=times.get("collection_due_time") or times.get("tts_sla_time"),
        deliver_by=times.get("delivery_due_time") or times.get("delivery_sla_time"),
        auto_cancel_at=times.get("cancel_order_sla_time"),
    )


@dataclass(frozen=True, slots=True)
class Buyer:
    """Who receives the order. Kept for the shop only; anything shown elsewhere goes through ``masked``."""

    name: str | None = None
    address: Address = field(default_factory=Address)

    def masked(self) -> dict[str, str | None]:
        """First name, city and ZIP: enough to recognise an order, not to find a person."""
        first = (self.name or "").split()[0] if (self.name or "").split() else None
        return {"first_name": first, "city": self.address.city, "postal_code": self.address.postal_code,
                "country": self.address.country}


@dataclass(frozen=True, slots=True)
class LineItem:
    id: str
    product_name: str = ""
    sku: str | None = None
    quantity: int = 1
    package_id: str | None = None


@dataclass(frozen=True, slots=True)
class OrderPackage:
    """One parcel of an order as the platform names it. ``external_id`` is TikTok's package id (None for a
    CSV row that has only a tracking number); several orders may name the same package (combined)."""

    external_id: str | None
    tracking_number: str | None = None
    carrier: str | None = None
    shipping_provider_id: str | None = None
    shipping_provider_name: str | None = None

    @property
    def key(self) -> str:
        """How the package is told apart within an order: its platform id, else its tracking number."""
        if self.external_id:
            return self.external_id
        return f"trk:{self.tracking_number or ''}"


@dataclass(frozen=True, slots=True)
class Order:
    """An order as the platform last described it. ``external_id`` is the platform's order id."""

    shop_id: str
    external_id: str
    status: OrderStatus
    created_at: datetime
    updated_at: datetime
    """When the platform last changed the order (TikTok's ``update_time``)."""
    platform: str = "tiktok"
    on_hold: bool = False
    paid_at: datetime | None = None
    buyer: Buyer = field(default_factory=Buyer)
    line_items: tuple[LineItem, ...] = ()
    packages: tuple[OrderPackage, ...] = ()
    deadlines: Deadlines = field(default_factory=Deadlines)
    platform_times: tuple[tuple[str, datetime], ...] = ()
    """The platform's own deadline fields as given, e.g. (("rts_sla_time", ...),)."""
    shipping_type: str | None = None
    """``TIKTOK`` when TikTok Shipping carries it (tracked through TikTok), ``SELLER`` when the seller ships."""

    def __post_init__(self) -> None:
        for name in ("created_at", "updated_at"):
            value = getattr(self, name)
            if value.tzinfo is None:
                raise ValueError(f"{name} has no UTC offset")
        if self.status is OrderStatus.ON_HOLD and not self.on_hold:
            object.__setattr__(self, "on_hold", True)

    def same_as(self, other: Order) -> bool:
        """True when storing ``other`` over this would change nothing a seller can see."""
        return _comparable(self) == _comparable(other)


def _comparable(order: Order) -> tuple:
    return (order.status, order.on_hold, order.paid_at, order.buyer, order.line_items,
            tuple(sorted(order.packages, key=lambda p: p.key)), order.deadlines, order.shipping_type,
            order.created_at)


def on_hold(status: OrderStatus, flag: bool) -> bool:
    return flag or status is OrderStatus.ON_HOLD


__all__ = [
    "CLOSED", "FULFILLABLE", "SHIPPED", "SLA_FIELDS", "STATUS_ALIASES", "Buyer", "Deadlines", "LineItem", "Order",
    "OrderPackage", "OrderStatus", "deadlines_from", "from_unix", "on_hold", "order_status",
]
