"""How a shop's delivery estimates have held up on its own parcels.

The window's 80% and the promise's 95% were checked on a public benchmark; a shop's network may
differ (the spread scales ship as defaults, docs/delivery-dates.md). So ``eta show`` reports, for
the packages delivered in the last 30 days, how often the first estimate made at order time and at
carrier handoff held: delivered inside the window, by the promise, and how far the likely day was.
The first estimate of a moment is the one a buyer saw then; later revisions know more.
The same figures per lane length (under 300 km, 300-1500 km, longer; ``eta.history.lane_length``):
on the public benchmark the claims held on average over lanes but not on every kind of lane.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from typing import Any

from parceltrail.core import Address
from parceltrail.eta.history import LANE_LENGTHS, distance_km, lane_length
from parceltrail.services.clock import utcnow
from parceltrail.services.estimates import place_of, zone_of
from parceltrail.store import UnitOfWork

TRACK_DAYS = 30
MOMENTS = ("placed", "handoff")
CLAIMS = {"window": 0.80, "promise": 0.95}
MIN_JUDGED = 50  # fewer deliveries than this say nothing either way


@dataclass(frozen=True, slots=True)
class MomentRecord:
    """Of ``delivered`` packages, shares whose first estimate at the moment held (None: no package)."""

    delivered: int
    inside_window: float | None
    promise_met: float | None
    mean_promise_slack_days: float | None
    likely_within_1d: float | None
    short_of_claim: tuple[str, ...] = ()
    """Claims ("window", "promise") held by fewer packages than chance allows: more than two standard
    errors under 80% or 95%, judged from MIN_JUDGED deliveries on."""
    beyond_claim: tuple[str, ...] = ()
    """Claims held by more packages than chance allows (more than two standard errors over): dates wider
    than they need be, which a spread chosen on the shop's own months narrows."""
    by_lane_length: dict[str, MomentRecord] = field(default_factory=dict)
    """The same record per lane-length class that had a delivery (distance_unknown: no coordinates)."""

    def to_dict(self) -> dict[str, Any]:
        return {**{f.name: getattr(self, f.name) for f in fields(self)}, "short_of_claim": list(self.short_of_claim),
                "beyond_claim": list(self.beyond_claim),
                "by_lane_length": {lane: r.to_dict() for lane, r in self.by_lane_length.items()}}


def track_record(uow: UnitOfWork, shop_id: str, days: int = TRACK_DAYS) -> dict[str, MomentRecord]:
    with uow.read():
        rows = uow.estimates.first_of_delivered(shop_id, utcnow(shop_id) - timedelta(days=days), MOMENTS)
    lanes: dict[tuple[str | None, ...], tuple[Any, str]] = {}  # (origin, destination) -> (zone, lane length)
    held: dict[str, list[tuple[bool, bool, int, bool]]] = {m: [] for m in MOMENTS}
    lane_of: dict[str, list[str]] = {m: [] for m in MOMENTS}
    for r in rows:
        key = (r.origin_postal_code, r.origin_country, r.dest_postal_code, r.dest_country)
        if key not in lanes:
            to = Address(postal_code=r.dest_postal_code, country=r.dest_country)
            destination = place_of(to)
            origin = place_of(Address(postal_code=r.origin_postal_code, country=r.origin_country), destination.country)
            lanes[key] = zone_of(to), lane_length(distance_km(origin, destination))
        zone, lane = lanes[key]
        day = r.delivered_at.astimezone(zone).date()
        held[r.moment].append((r.earliest <= day <= r.latest, day <= r.promise, (r.promise - day).days,
                               abs((r.likely - day).days) <= 1))
        lane_of[r.moment].append(lane)
    return {moment: _by_lane(outcomes, lane_of[moment]) for moment, outcomes in held.items()}


def _by_lane(outcomes: list[tuple[bool, bool, int, bool]], lanes: list[str]) -> MomentRecord:
    split = {lane: [o for o, k in zip(outcomes, lanes, strict=True) if k == lane] for lane in LANE_LENGTHS}
    return replace(_record(outcomes), by_lane_length={lane: _record(o) for lane, o in split.items() if o})


def _record(outcomes: list[tuple[bool, bool, int, bool]]) -> MomentRecord:
    n = len(outcomes)
    if n == 0:
        return MomentRecord(0, None, None, None, None)
    inside, met, slack, close = zip(*outcomes, strict=True)
    held = {"window": sum(inside) / n, "promise": sum(met) / n}
    chance = {claim: 2 * (share * (1 - share) / n) ** 0.5 for claim, share in CLAIMS.items()}
    judged = n >= MIN_JUDGED
    short = tuple(c for c, share in held.items() if judged and share < CLAIMS[c] - chance[c])
    beyond = tuple(c for c, share in held.items() if judged and share > CLAIMS[c] + chance[c])
    return MomentRecord(n, round(held["window"], 4), round(held["promise"], 4), round(sum(slack) / n, 2),
                        round(sum(close) / n, 4), short, beyond)
