"""The ``confirm`` step of one package, pure: did the carrier deliver it, did the buyer say so, and how far
from the address did the carrier put it?

Distance is measured to the destination ZIP's centroid, because parceltrail geocodes ZIPs, not street
addresses. A ZIP is an area, so "far" is judged against the size of that area: the distance from the
destination's centroid to its nearest neighbouring ZIP centroid approximates the ZIP's diameter, and a
delivery is far when it lies beyond ``FAR_FACTOR`` times that (never less than ``FAR_MIN_KM``). With no
GPS point from the carrier the delivery scan's place (its ZIP or city centroid) is used instead, which is
coarser, so its threshold is doubled. Either way the basis is stated, never implied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from parceltrail.core.flags.model import Point
from parceltrail.core.flags.timeline import km

FAR_MIN_KM = 2.0
FAR_FACTOR = 1.5
SCAN_PLACE_FACTOR = 2.0


@dataclass(frozen=True, slots=True)
class Distance:
    km: float
    basis: str
    """gps | delivery_scan"""
    threshold_km: float
    far: bool

    def describe(self) -> str:
        what = "the carrier's GPS point" if self.basis == "gps" else "the delivery scan's place"
        return f"{self.km:.1f} km from the destination ZIP's centre ({what})"

    def to_dict(self) -> dict[str, Any]:
        return {"km": round(self.km, 2), "basis": self.basis, "threshold_km": round(self.threshold_km, 2),
                "far": self.far}


def far_threshold(zip_spacing_km: float | None, basis: str) -> float:
    base = max(FAR_MIN_KM, FAR_FACTOR * zip_spacing_km) if zip_spacing_km else FAR_MIN_KM * 5
    return base * (SCAN_PLACE_FACTOR if basis == "delivery_scan" else 1.0)


def distance(destination: Point | None, gps: Point | None, scan_place: Point | None,
             zip_spacing_km: float | None) -> Distance | None:
    """How far from the destination the delivery happened, by the best point there is; None without one."""
    if destination is None:
        return None
    point, basis = (gps, "gps") if gps is not None else (scan_place, "delivery_scan")
    if point is None:
        return None
    found = km(destination, point)
    limit = far_threshold(zip_spacing_km, basis)
    return Distance(found, basis, limit, found > limit)


@dataclass(frozen=True, slots=True)
class DeliveryCheck:
    """The confirmation of one package."""

    carrier_delivered: bool
    delivered_at: datetime | None
    buyer_confirmed_at: datetime | None
    distance: Distance | None

    @property
    def verdict(self) -> str:
        """confirmed (carrier and buyer) | delivered_far (carrier, far from the address, buyer silent) |
        carrier_delivered | buyer_confirmed (the carrier has not said so yet) | not_delivered."""
        if self.carrier_delivered and self.buyer_confirmed_at is not None:
            return "confirmed"
        if self.carrier_delivered:
            return "delivered_far" if self.distance is not None and self.distance.far else "carrier_delivered"
        return "buyer_confirmed" if self.buyer_confirmed_at is not None else "not_delivered"

    @property
    def far(self) -> bool:
        """Delivered far away and the buyer has not confirmed: a payment at risk."""
        return self.verdict == "delivered_far"
