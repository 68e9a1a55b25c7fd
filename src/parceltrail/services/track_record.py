"""How a shop's delivery estimates have held up on its own parcels.

The window's 80% and the promise's 95% were checked on a public benchmark; a shop's network may
differ (the spread scales ship as defaults, docs/delivery-dates.md). So ``eta show`` reports, for
the packages delivered in the last 30 days, how often the first estimate made at order time and at
carrier handoff held: delivered inside the window, by the promise, and how far the likely day was.
The first estimate of a moment is the one a buyer saw then; later revisions know more.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from parceltrail.core import Address
from parceltrail.services.clock import utcnow
from parceltrail.services.estimates import zone_of
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

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "short_of_claim": list(self.short_of_claim)}


def track_record(uow: UnitOfWork, shop_id: str, days: int = TRACK_DAYS) -> dict[str, MomentRecord]:
    with uow.read():
        rows = uow.estimates.first_of_delivered(shop_id, utcnow() - timedelta(days=days), MOMENTS)
    zones: dict[tuple[str | None, str | None], Any] = {}
    held: dict[str, list[tuple[bool, bool, int, bool]]] = {m: [] for m in MOMENTS}
    for r in rows:
        place = (r.dest_postal_code, r.dest_country)
        zone = zones.get(place)
        if zone is None:
            zone = zones[place] = zone_of(Address(postal_code=r.dest_postal_code, country=r.dest_country))
        day = r.delivered_at.astimezone(zone).date()
        held[r.moment].append((r.earliest <= day <= r.latest, day <= r.promise, (r.promise - day).days,
                               abs((r.likely - day).days) <= 1))
    return {moment: _record(outcomes) for moment, outcomes in held.items()}


def _record(outcomes: list[tuple[bool, bool, int, bool]]) -> MomentRecord:
    n = len(outcomes)
    if n == 0:
        return MomentRecord(0, None, None, None, None)
    inside, met, slack, close = zip(*outcomes, strict=True)
    held = {"window": sum(inside) / n, "promise": sum(met) / n}
    short = tuple(claim for claim, share in held.items() if n >= MIN_JUDGED
                  and share < CLAIMS[claim] - 2 * (CLAIMS[claim] * (1 - CLAIMS[claim]) / n) ** 0.5)
    return MomentRecord(n, round(held["window"], 4), round(held["promise"], 4), round(sum(slack) / n, 2),
                        round(sum(close) / n, 4), short)
