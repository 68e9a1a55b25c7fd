"""The payment release signal of an order: is the seller's money safe from a delivery dispute yet?

``settled_safe``: every parcel of the order is delivered and the buyer's refund window (30 days after the
last delivery, ``windows.RULES``) has closed, with no open dispute and no parcel delivered far from the
address. ``at_risk``: a dispute is open, or a parcel was delivered far from the address (the carrier's GPS
point, else the place of its delivery scan). ``waiting``: neither yet; ``safe_from`` says when it becomes
safe if nothing happens (None while a parcel is still on its way).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from parceltrail.core.disputes.windows import RULES

REFUND_DAYS = next(r.days for r in RULES if r.key == "tiktok_refund")


@dataclass(frozen=True, slots=True)
class ParcelFacts:
    package_id: str
    tracking_number: str
    delivered_at: datetime | None
    open_disputes: int = 0
    far_km: float | None = None
    """How far from the address it was delivered, when that is beyond the far threshold; else None."""
    far_basis: str = ""
    """Which point said so: the carrier's GPS point, or the delivery scan's place."""


@dataclass(frozen=True, slots=True)
class Release:
    state: str
    """settled_safe | at_risk | waiting."""
    reasons: tuple[str, ...]
    safe_from: datetime | None

    def to_dict(self) -> dict:
        return {"state": self.state, "reasons": list(self.reasons),
                "safe_from": self.safe_from.isoformat() if self.safe_from else None}


def release_signal(parcels: list[ParcelFacts], now: datetime) -> Release:
    if not parcels:
        return Release("waiting", ("no tracked parcel yet",), None)
    risks = [f"{p.open_disputes} open dispute{'s' if p.open_disputes > 1 else ''} on {p.tracking_number}"
             for p in parcels if p.open_disputes]
    risks += [f"{p.tracking_number} delivered {p.far_km:.1f} km from the address ({p.far_basis})"
              for p in parcels if p.far_km is not None]
    delivered = [p.delivered_at for p in parcels if p.delivered_at is not None]
    safe_from = max(delivered) + timedelta(days=REFUND_DAYS) if len(delivered) == len(parcels) else None
    if risks:
        return Release("at_risk", tuple(risks), safe_from)
    if safe_from is None:
        moving = [p.tracking_number for p in parcels if p.delivered_at is None]
        return Release("waiting", (f"not delivered yet: {', '.join(moving)}",), None)
    if now >= safe_from:
        return Release("settled_safe", (f"every parcel delivered and the {REFUND_DAYS:g}-day refund window closed",),
                       safe_from)
    return Release("waiting", (f"the buyer can ask for a refund until {safe_from:%Y-%m-%d %H:%M} UTC",), safe_from)
