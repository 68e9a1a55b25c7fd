"""What the exception detector reads and says: flag types, severities, the order and shipment context.

Everything here is a frozen value. The detector never asks the time, a database or a map: "now", the
calendars (business days of TikTok's clock and of the carrier), coordinates of places and the current
delivery estimate are handed in, so the same inputs always give the same flags and a replay of old
journeys gives exactly what the live service would have said then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import NamedTuple, Protocol

from parceltrail.core.model import Location, ensure_aware


class FlagType(StrEnum):
    """The problems a seller hears about, each with its own rule (docs/exceptions.md)."""

    AT_RISK = "at_risk"
    """The dispatch deadline is near and the carrier has not scanned the parcel yet."""
    NO_FIRST_SCAN = "no_first_scan"
    """No carrier acceptance scan by the dispatch deadline (a late dispatch for TikTok's LDR)."""
    STUCK_PRE_TRANSIT = "stuck_pre_transit"
    """A label exists but the carrier has not scanned the parcel for 48 hours."""
    STALE = "stale"
    """No new scan for longer than is normal for this phase, carrier and lane."""
    LOST = "lost"
    """No scan for 10 calendar days or 7 business days (TikTok's rule), or the carrier says it is lost."""
    MISROUTE = "misroute"
    """Scanned somewhere that makes no sense for the way from origin to destination."""
    LATE = "late"
    """The estimate, or reality, is past the deliver-by date (or the promise without an order)."""
    FAILED_ATTEMPT = "failed_attempt"
    RETURN_TO_SENDER = "return_to_sender"
    CARRIER_EXCEPTION = "carrier_exception"
    """Damage, customs, address problems, weather: the carrier's own exception statuses."""
    DELIVERED_ELSEWHERE = "delivered_elsewhere"
    """Delivered far from the destination."""
    SUSPICIOUS_TRACKING = "suspicious_tracking"
    """Signs the number belongs to another shipment (TikTok's Valid Tracking Rate)."""


class Severity(StrEnum):
    INFO = "info"
    """Worth knowing; nothing to do yet (a weather delay the carrier is handling)."""
    WARNING = "warning"
    """Act soon to avoid a penalty or an unhappy buyer."""
    CRITICAL = "critical"
    """A deadline is missed or the parcel will not arrive as things stand."""


SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


@dataclass(frozen=True, slots=True)
class Flag:
    """One open problem. ``since`` is when it became true, from the events' own times (never from when we
    heard of them), so the same events give the same ``since`` whatever order they arrived in."""

    type: FlagType
    severity: Severity
    since: datetime
    reason: str
    due: datetime | None = None
    """When the next consequence lands (the dispatch deadline, TikTok's lost moment, deliver-by)."""


class Point(NamedTuple):
    lat: float
    lon: float


Locate = Callable[[Location], Point | None]
"""Coordinates of a scan's place (or of an address given as a Location); None when unknown."""


def nowhere(_: Location) -> Point | None:
    return None


class WorkingDays(Protocol):
    """A business-day calendar; ``parceltrail.eta.DeliveryCalendar`` is one."""

    def is_business_day(self, day: date) -> bool: ...


@dataclass(frozen=True, slots=True)
class Calendars:
    """``tiktok``: the platform's business days (Monday to Friday less US federal holidays for US shops);
    ``carrier``: the days this carrier's service moves parcels; both read in ``zone`` (the destination's)."""

    tiktok: WorkingDays
    carrier: WorkingDays
    zone: tzinfo


@dataclass(frozen=True, slots=True)
class OrderContext:
    """What the shop platform says about the order behind the parcel (all optional: a parcel may have none).

    ``other_orders`` are the creation times of other orders that carry the same tracking number.
    ``buyer_postal_code`` is the order's ZIP, against the ZIP the label or carrier names.
    """

    created_at: datetime | None = None
    ship_by: datetime | None = None
    deliver_by: datetime | None = None
    promised_by: date | None = None
    """The delivery date promised to the buyer when there is no order deadline (our first 95% promise)."""
    other_orders: tuple[datetime, ...] = ()
    buyer_postal_code: str | None = None
    auto_cancel_at: datetime | None = None
    """When the platform cancels the order if the carrier has not collected it (TikTok: 3 working days)."""

    def __post_init__(self) -> None:
        for name in ("created_at", "ship_by", "deliver_by", "auto_cancel_at"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, ensure_aware(value, name))
        object.__setattr__(self, "other_orders", tuple(ensure_aware(t, "other_orders") for t in self.other_orders))


@dataclass(frozen=True, slots=True)
class Shipment:
    """The parcel's own facts: who carries it, how, from where to where."""

    carrier: str | None = None
    service: str | None = None
    tracking_number: str = ""
    origin: Location = field(default_factory=Location)
    destination: Location = field(default_factory=Location)
    lane: str | None = None
    """The lane class the stale norms are kept by (``eta.history.lane_length`` of origin to destination)."""


@dataclass(frozen=True, slots=True)
class EstimatedDelivery:
    """The delivery-date engine's current word: the window's first day (P10), the likely day (P50) and the
    95% promise. ``late`` warns when even the first day of the window is past the deadline."""

    earliest: date
    likely: date
    promise: date
