"""The detector's fixed rules and thresholds, in one place (docs/exceptions.md explains each).

TikTok's own numbers (the lost rule) are not meant to be tuned; the others are our judgement and can
be changed per deployment by passing another ``Policy``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Policy:
    at_risk_hours: float = 4.0
    """Warn this long before the dispatch deadline when the carrier has not scanned the parcel ..."""
    at_risk_no_label_hours: float = 24.0
    """... and this long before it when there is not even a label yet."""
    stuck_pre_transit_hours: float = 48.0
    lost_calendar_hours: float = 240.0
    """TikTok: 10 calendar days without a scan ..."""
    lost_business_days: float = 7.0
    """... or 7 business days, whichever comes first."""
    delivered_elsewhere_km: float = 100.0
    """A delivery scan this far from the destination is not at the buyer's (stations sit up to ~60 km away)."""
    misroute_detour_km: float = 1200.0
    misroute_detour_share: float = 0.5
    """A scan is off route when going through it (from the best progress so far) adds more than
    max(km, share x the remaining distance) ..."""
    first_leg_km: float = 1100.0
    """... except, before any progress, within this of the origin (the way to the origin's hub) ..."""
    progress_km: float = 50.0
    destination_area_km: float = 50.0
    misroute_left_area_km: float = 300.0
    """... or when, once in the last mile within ``destination_area_km`` of the destination, it is scanned this far away."""
    settle_days: float = 14.0
    """Days after the journey ends (delivered, returned, cancelled) that remaining flags stay open."""
    late_cutoff_hour: int = 11
    """A parcel not out for delivery by this local hour is not delivered that day."""


DEFAULT_POLICY = Policy()
