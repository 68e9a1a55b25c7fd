"""Carrier scorecards: how each carrier, service and lane (origin 3-digit ZIP -> destination state) did
for the parcels a shop shipped in a period. They feed carrier assignment (``services.assignment``).

Definitions (docs/labels.md, "Scorecards"):

- parcels: packages registered in the period (cancelled ones never shipped: left out);
- on time against promise: delivered on or before the promised day, where the promise is the label's
  service standard at purchase, else the published standard counted from the handoff; a parcel not
  delivered whose promised day has passed counts as late; one still inside its promise is not judged;
- on time against deliver-by: the same against the platform's deadline (TikTok's deliver-by), for the
  parcels that have one;
- days: calendar days from the carrier's first scan (the handoff; else registration) to delivery;
  median and P90 by the nearest-rank rule;
- exceptions per 100: parcels with at least one exception scan; lost and damaged per 1,000: parcels
  with a ``lost`` / ``damaged`` scan;
- first-attempt delivery share: delivered parcels with no failed attempt before delivery.

A day is the destination's local day (its ZIP's time zone). Shares carry their denominators, so a
lane of three parcels is never read as a verdict.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from parceltrail.core.address import PostalAddress
from parceltrail.geo import us_zip
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.estimates import zone_of
from parceltrail.services.shipping import Lane, promised_by
from parceltrail.store import UnitOfWork

GROUPINGS = ("lane", "service", "carrier")
DEFAULT_DAYS = 90


@dataclass(frozen=True, slots=True)
class Shipped:
    """One parcel's facts as a scorecard counts them."""

    carrier: str
    service: str
    lane: str
    delivered: bool
    transit_days: float | None
    on_time_promise: bool | None  # None: not judged yet (or no promise)
    on_time_deliver_by: bool | None
    exception: bool
    lost: bool
    damaged: bool
    first_attempt: bool | None  # None unless delivered
    zone: int | None = None
    """Distance zone 1..8 (``eta.prior.zone``): where a thin lane borrows the record of lanes as long."""


@dataclass(frozen=True, slots=True)
class Scorecard:
    carrier: str
    service: str | None
    lane: str | None
    parcels: int
    delivered: int
    promise_judged: int
    on_time_promise: float | None
    deliver_by_judged: int
    on_time_deliver_by: float | None
    median_days: float | None
    p90_days: float | None
    exceptions_per_100: float
    lost_per_1000: float
    damaged_per_1000: float
    first_attempt_share: float | None
    transit_days: tuple[float, ...] = field(default=(), repr=False, compare=False)
    """Every delivered parcel's days, sorted: what assignment reads its on-time chance from."""

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__slots__ if k != "transit_days"}  # type: ignore[attr-defined]
        return out


def lane_of(origin_postal: str | None, origin_country: str | None, dest_postal: str | None,
            dest_country: str | None) -> str:
    """``606 -> NY``: origin 3-digit ZIP to destination state; abroad the country stands in for either."""
    origin = (origin_postal or "")[:3] if (origin_country or "US") == "US" and origin_postal else (origin_country or "?")
    if (dest_country or "US") == "US":
        place = us_zip(dest_postal)
        destination = place.state if place else "?"
    else:
        destination = dest_country or "?"
    return f"{origin} -> {destination}"


def nearest_rank(sorted_values: list[float], share: float) -> float:
    """The value at rank ceil(share x n) (1-based): a percentile that is always an observed value."""
    return sorted_values[max(0, math.ceil(share * len(sorted_values)) - 1)]


def _shipped(row: Any, today: date) -> Shipped:
    destination = PostalAddress(postal_code=row.dest_postal_code, country=row.dest_country or "US",
                                region=(us_zip(row.dest_postal_code).state if us_zip(row.dest_postal_code) else None))
    origin = PostalAddress(postal_code=row.origin_postal_code, country=row.origin_country or "US")
    start = row.handed_over_at or row.created_at
    promise = row.promised_on
    if promise is None and row.carrier and row.service and row.origin_postal_code and row.dest_postal_code:
        promise = promised_by(row.carrier, row.service, Lane(origin, destination), start)
    zone = zone_of(destination_address(row))
    arrived = row.delivered_at.astimezone(zone).date() if row.delivered_at else None

    def judged(deadline: date | None) -> bool | None:
        if deadline is None:
            return None
        if arrived is not None:
            return arrived <= deadline
        return False if today > deadline else None

    failed = row.first_failed_at
    return Shipped(
        carrier=row.carrier or "unknown", service=row.service or "unknown",
        lane=lane_of(row.origin_postal_code, row.origin_country, row.dest_postal_code, row.dest_country),
        delivered=row.delivered_at is not None,
        transit_days=round((row.delivered_at - start) / timedelta(days=1), 2) if row.delivered_at else None,
        on_time_promise=judged(promise), on_time_deliver_by=judged(row.deliver_by),
        exception=bool(row.had_exception), lost=bool(row.lost), damaged=bool(row.damaged),
        first_attempt=(failed is None or failed > row.delivered_at) if row.delivered_at else None,
        zone=Lane(origin, destination).zone if row.origin_postal_code and row.dest_postal_code else None,
    )


def destination_address(row: Any):
    from parceltrail.core import Address

    return Address(postal_code=row.dest_postal_code, country=row.dest_country)


def _share(flags: list[bool | None]) -> tuple[int, float | None]:
    judged = [f for f in flags if f is not None]
    return len(judged), (round(sum(judged) / len(judged), 4) if judged else None)


def summarise(carrier: str, service: str | None, lane: str | None, parcels: Iterable[Shipped]) -> Scorecard:
    items = list(parcels)
    n = len(items)
    days = sorted(p.transit_days for p in items if p.transit_days is not None)
    promise_n, promise = _share([p.on_time_promise for p in items])
    by_n, by = _share([p.on_time_deliver_by for p in items])
    _, first = _share([p.first_attempt for p in items])
    return Scorecard(
        carrier, service, lane, n, sum(p.delivered for p in items), promise_n, promise, by_n, by,
        round(nearest_rank(days, 0.5), 2) if days else None, round(nearest_rank(days, 0.9), 2) if days else None,
        round(100 * sum(p.exception for p in items) / n, 2), round(1000 * sum(p.lost for p in items) / n, 1),
        round(1000 * sum(p.damaged for p in items) / n, 1), first, tuple(days),
    )


def group(items: Iterable[Shipped], by: str = "lane") -> list[Scorecard]:
    if by not in GROUPINGS:
        raise InvalidInput("unknown grouping", [FieldError("by", f"expected one of: {', '.join(GROUPINGS)}")])
    buckets: dict[tuple[str, str | None, str | None], list[Shipped]] = defaultdict(list)
    for p in items:
        key = (p.carrier, p.service if by != "carrier" else None, p.lane if by == "lane" else None)
        buckets[key].append(p)
    return [summarise(*key, parcels) for key, parcels in sorted(buckets.items(), key=lambda kv: tuple(map(str, kv[0])))]


def shipped_parcels(uow: UnitOfWork, shop_id: str, since: datetime, until: datetime,
                    carrier: str | None = None) -> list[Shipped]:
    with uow.read():
        if uow.shops.get(shop_id) is None:
            raise NotFound("shop", shop_id)
        rows = uow.scorecards.shipped(shop_id, since, until, carrier)
    today = utcnow().date()
    return [_shipped(r, today) for r in rows]


def period(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    until = until or utcnow()
    since = since or until - timedelta(days=DEFAULT_DAYS)
    if since >= until:
        raise InvalidInput("the period is empty", [FieldError("since", "must be before until")])
    return since, until


def scorecards(uow: UnitOfWork, shop_id: str, since: datetime | None = None, until: datetime | None = None,
               by: str = "lane", carrier: str | None = None, min_parcels: int = 1) -> list[Scorecard]:
    """The shop's scorecards for parcels registered in [since, until) (default: the last 90 days)."""
    start, end = period(since, until)
    cards = group(shipped_parcels(uow, shop_id, start, end, carrier), by)
    return [c for c in cards if c.parcels >= min_parcels]
