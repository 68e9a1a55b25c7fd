"""Delivery history rows: what the store keeps about each delivered package, and what the model learns from.

A row carries only facts known once the package was delivered; no dataset is baked in. Places carry
whatever is known (postal code, region, country, coordinates) because lanes borrow strength from the
wider area when the narrow one has little history.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Place:
    """A ship-from or ship-to point. ``region`` is the ISO 3166-2 subdivision code without country prefix."""

    country: str
    region: str | None = None
    postal_code: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def postal_prefix(self) -> str | None:
        """First three postal characters: a sorting area in the US (SCF) and in Brazil (CEP sector)."""
        if not self.postal_code:
            return None
        return self.postal_code.replace(" ", "")[:3]

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One delivered package. Times are timezone-aware; calendar dates are read in the zone they carry,
    so callers pass times in the destination's zone (the store keeps UTC, services convert)."""

    package_id: str
    purchased_at: datetime
    delivered_at: datetime
    origin: Place
    destination: Place
    handed_over_at: datetime | None = None
    seller_id: str | None = None
    carrier: str | None = None
    service: str | None = None
    weight_g: float | None = None
    volume_cm3: float | None = None
    items: int = 1
    shipping_cost: float | None = None

    def __post_init__(self) -> None:
        _require_aware(self, ("purchased_at", "delivered_at", "handed_over_at"))


@dataclass(frozen=True, slots=True)
class InFlight:
    """A package not delivered yet: it counts in the flow of its cohort (how much of it has arrived)."""

    purchased_at: datetime
    destination: Place
    handed_over_at: datetime | None = None
    delivered_at: None = None

    def __post_init__(self) -> None:
        _require_aware(self, ("purchased_at", "handed_over_at"))


def _require_aware(record: object, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(record, name)
        if value is not None and value.tzinfo is None:
            raise ValueError(f"{name} must be timezone-aware")


def in_flight_at(rows: Sequence[HistoryRow], as_of: datetime) -> list[InFlight]:
    """Rows bought before ``as_of`` but delivered at or after it, as they looked at ``as_of``."""
    return [
        InFlight(r.purchased_at, r.destination, r.handed_over_at if r.handed_over_at and r.handed_over_at < as_of else None)
        for r in rows if r.purchased_at < as_of <= r.delivered_at
    ]


def distance_km(origin: Place, destination: Place) -> float | None:
    """Great-circle distance; None when either end has no coordinates."""
    if not (origin.has_coordinates and destination.has_coordinates):
        return None
    lat1, lon1, lat2, lon2 = map(
        math.radians, (origin.lat, origin.lon, destination.lat, destination.lon)  # type: ignore[arg-type]
    )
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


LANE_KM = (300.0, 1500.0)  # lane-length classes the claims are reported in: local, regional, long-haul


def lane_length(km: float | None) -> str:
    """The lane-length class of a lane ``km`` long; ``distance_unknown`` without coordinates (None or NaN)."""
    if km is None or math.isnan(km):
        return "distance_unknown"
    if km < LANE_KM[0]:
        return f"under_{LANE_KM[0]:g}_km"
    if km >= LANE_KM[1]:
        return f"{LANE_KM[1]:g}_km_and_over"
    return f"{LANE_KM[0]:g}_to_{LANE_KM[1]:g}_km"


LANE_LENGTHS = [lane_length(0.0), lane_length(LANE_KM[0]), lane_length(LANE_KM[1]), lane_length(None)]  # shortest first
