"""Feature vectors for the two learned moments: order placed, and handed to the carrier.

What matters on real orders: the seller's own handling time, the lane's transit time and the
network's recent trend, all read as of prediction time, plus distance and the calendar ahead.
Training rows and live inputs share attribute names, so one builder serves both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

import numpy as np

from parceltrail.eta.calendar import DeliveryCalendar, calendar_for
from parceltrail.eta.history import HistoryRow, InFlight, Place, distance_km
from parceltrail.eta.prior import delivers_saturday
from parceltrail.eta.stats import ALL_GROUPS, EMPTY, NAN, HistoryIndex, StatsSnapshot

PLACED = "placed"
HANDOFF = "handoff"
MOMENTS = (PLACED, HANDOFF)
SHRINK = 20.0  # a lane with n deliveries is weighted n / (n + SHRINK) against its wider area
CATEGORICAL = ("origin_region", "dest_region", "carrier_service")


class Shipment(Protocol):
    """What is known about a package before delivery; HistoryRow and PredictionInput both provide it."""

    purchased_at: datetime
    origin: Place
    destination: Place
    seller_id: str | None
    carrier: str | None
    service: str | None
    weight_g: float | None
    volume_cm3: float | None
    items: int
    shipping_cost: float | None


def epoch_days(moment: datetime) -> float:
    return moment.timestamp() / 86400.0


def region_key(place: Place) -> str:
    return f"{place.country}:{place.region or ''}"


def carrier_key(item: Shipment) -> str:
    return f"{item.carrier or ''}/{item.service or ''}"


def lane_key(item: Shipment, origin: Place) -> str:
    return f"{region_key(origin)}>{region_key(item.destination)}|{carrier_key(item)}"


def group_keys(item: Shipment, origin: Place) -> dict[str, str | None]:
    dest = item.destination
    return {
        "seller_handling": item.seller_id,
        "seller_total": item.seller_id,
        "lane_transit": lane_key(item, origin),
        "lane_total": lane_key(item, origin),
        "dest_prefix_transit": f"{dest.country}:{dest.postal_prefix}" if dest.postal_prefix else None,
        "dest_region_transit": region_key(dest),
        "origin_prefix_handling": (
            f"{origin.country}:{origin.postal_prefix}" if origin.postal_prefix else region_key(origin)
        ),
        "country_transit": dest.country,
        "country_handling": origin.country,
        "country_total": dest.country,
        "placed_flow": dest.country,
        "handoff_flow": dest.country,
    }


def destination_calendar(item: Shipment, cutoff_hour: int) -> DeliveryCalendar:
    """Where and by whom it is delivered: the destination's holidays, Saturdays if the service delivers then."""
    return calendar_for(item.destination.country, item.destination.region, cutoff_hour,
                        delivers_saturday(item.carrier, item.service))


def index_history(rows: list[HistoryRow], cutoff_hour: int, in_flight: Sequence[InFlight] = ()) -> HistoryIndex:
    """Every delivered row becomes observations known at handoff (handling) or delivery (the rest);
    with the packages still ``in_flight`` it also feeds the flow groups (how much of each recent
    cohort has arrived)."""
    index = HistoryIndex()
    for order in (*rows, *in_flight):
        country = order.destination.country
        delivered = epoch_days(order.delivered_at) if order.delivered_at is not None else None
        index.add_flow("placed_flow", country, epoch_days(order.purchased_at), delivered)
        if order.handed_over_at is not None:
            index.add_flow("handoff_flow", country, epoch_days(order.handed_over_at), delivered)
    for row in rows:
        cal = destination_calendar(row, cutoff_hour)
        origin_cal = calendar_for(row.origin.country, row.origin.region, cutoff_hour)
        keys = group_keys(row, row.origin)
        delivered, known = row.delivered_at.date(), epoch_days(row.delivered_at)
        total = cal.business_days_between(cal.clock_start(row.purchased_at), delivered)
        for group in ("seller_total", "lane_total", "country_total"):
            index.add(group, keys[group], known, total)
        if row.handed_over_at is None:
            continue
        handling = origin_cal.business_days_between(
            origin_cal.clock_start(row.purchased_at), row.handed_over_at.date()
        )
        handed = epoch_days(row.handed_over_at)
        for group in ("seller_handling", "origin_prefix_handling", "country_handling"):
            index.add(group, keys[group], handed, handling)
        transit = cal.business_days_between(cal.clock_start(row.handed_over_at), delivered)
        for group in ("lane_transit", "dest_prefix_transit", "dest_region_transit", "country_transit"):
            index.add(group, keys[group], known, transit)
    return index.freeze()


def _shrunk(n: np.ndarray, mean: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Lane mean pulled toward its wider area; the area alone when the lane has no history."""
    with np.errstate(invalid="ignore"):
        blended = (n * mean + SHRINK * parent) / (n + SHRINK)
    blended = np.where(np.isnan(parent), mean, blended)  # no wider area: the lane's own mean
    return np.where((n > 0) & ~np.isnan(mean), blended, parent)


def _num(x: float | None) -> float:
    return NAN if x is None else float(x)


def snapshot_summaries(
    items: Sequence[Shipment], origins: Sequence[Place], stats: StatsSnapshot
) -> dict[str, np.ndarray]:
    """Summaries (n x 6 per group) for live prediction, from the snapshot a model carries."""
    keys = [group_keys(item, origin) for item, origin in zip(items, origins, strict=True)]
    return {
        g: np.asarray([stats.summary(g, k[g]) if k[g] is not None else EMPTY for k in keys], dtype=np.float64)
        for g in ALL_GROUPS
    }


def index_summaries(
    items: Sequence[Shipment], index: HistoryIndex, as_of: np.ndarray, origins: Sequence[Place] | None = None
) -> dict[str, np.ndarray]:
    """As-of summaries for many rows at once (vectorised per group and key)."""
    places = origins if origins is not None else [item.origin for item in items]
    keys = [group_keys(item, place) for item, place in zip(items, places, strict=True)]
    return {g: index.summaries(g, [k[g] for k in keys], as_of) for g in ALL_GROUPS}


def _stats_columns(s: Mapping[str, np.ndarray]) -> np.ndarray:
    country_t, region_t, prefix_t, lane_t = (
        s["country_transit"], s["dest_region_transit"], s["dest_prefix_transit"], s["lane_transit"]
    )
    region_shrunk = _shrunk(region_t[:, 0], region_t[:, 1], country_t[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        trend = country_t[:, 3] / country_t[:, 1]
    seller_h, seller_t, country_h = s["seller_handling"], s["seller_total"], s["country_handling"]
    columns = [
        seller_h[:, 0], _shrunk(seller_h[:, 0], seller_h[:, 1], country_h[:, 1]), seller_h[:, 3], seller_h[:, 5],
        seller_t[:, 0], seller_t[:, 1], seller_t[:, 3],
        lane_t[:, 0], _shrunk(lane_t[:, 0], lane_t[:, 1], region_shrunk), lane_t[:, 3],
        s["lane_total"][:, 1], s["lane_total"][:, 3],
        prefix_t[:, 0], _shrunk(prefix_t[:, 0], prefix_t[:, 1], region_shrunk), prefix_t[:, 3],
        region_shrunk, region_t[:, 3], region_t[:, 5],
        s["origin_prefix_handling"][:, 1],
        country_t[:, 1], country_t[:, 3], country_t[:, 5], trend,
        country_h[:, 1], country_h[:, 3], country_h[:, 5],
        s["country_total"][:, 1], s["country_total"][:, 3], s["country_total"][:, 5],
        s["placed_flow"][:, 1], s["placed_flow"][:, 2], s["placed_flow"][:, 3], s["placed_flow"][:, 5],
        s["handoff_flow"][:, 1], s["handoff_flow"][:, 2], s["handoff_flow"][:, 3],
    ]
    return np.column_stack(columns)


STATS_NAMES = [
    "seller_handling_n", "seller_handling", "seller_handling_recent", "seller_handling_short",
    "seller_total_n", "seller_total", "seller_total_recent",
    "lane_transit_n", "lane_transit", "lane_transit_recent", "lane_total", "lane_total_recent",
    "dest_prefix_n", "dest_prefix_transit", "dest_prefix_recent",
    "dest_region_transit", "dest_region_recent", "dest_region_short",
    "origin_prefix_handling",
    "country_transit", "country_transit_recent", "country_transit_short", "country_transit_trend",
    "country_handling", "country_handling_recent", "country_handling_short",
    "country_total", "country_total_recent", "country_total_short",
    "placed_pace_now", "placed_early_delivered", "placed_late_delivered", "order_surge",
    "handed_pace_now", "handed_early_delivered", "handed_late_delivered",
]
BASE_NAMES = [
    "origin_region", "dest_region", "carrier_service", "same_region", "distance_km",
    "origin_lat", "origin_lon", "dest_lat", "dest_lon",
    "weight_g", "volume_cm3", "items", "shipping_cost", "staleness_days",
]
CLOCK_NAMES = ["start_weekday", "start_hour", "holidays_ahead"]
HANDOFF_NAMES = ["handling_days", "handling_vs_seller"]
FEATURE_NAMES = {
    PLACED: BASE_NAMES + CLOCK_NAMES + STATS_NAMES,
    HANDOFF: BASE_NAMES + CLOCK_NAMES + HANDOFF_NAMES + STATS_NAMES,
}
_BASE_COLUMN = {PLACED: ("placed_pace_now", "country_total_recent", "country_total"),
                HANDOFF: ("handed_pace_now", "country_transit_recent", "country_transit")}
_BASE_INDEX = {m: tuple(FEATURE_NAMES[m].index(n) for n in names) for m, names in _BASE_COLUMN.items()}


def _own_columns(
    moment: str, item: Shipment, origin: Place, clock_at: datetime, staleness_days: float,
    vocab: Mapping[str, Mapping[str, int]], cutoff_hour: int,
) -> list[float]:
    """The package's own facts and its calendar; history comes from :func:`_stats_columns`."""
    dest = item.destination
    cal = destination_calendar(item, cutoff_hour)
    start = cal.clock_start(clock_at)
    row = [
        _num(vocab["origin_region"].get(region_key(origin))),
        _num(vocab["dest_region"].get(region_key(dest))),
        _num(vocab["carrier_service"].get(carrier_key(item))),
        float(region_key(origin) == region_key(dest)),
        _num(distance_km(origin, dest)),
        _num(origin.lat), _num(origin.lon), _num(dest.lat), _num(dest.lon),
        _num(item.weight_g), _num(item.volume_cm3), float(item.items), _num(item.shipping_cost),
        staleness_days,
        float(start.weekday()), float(clock_at.hour), float(cal.holidays_within(start, 21)),
    ]
    if moment == HANDOFF:
        origin_cal = calendar_for(item.origin.country, item.origin.region, cutoff_hour)
        row.append(float(origin_cal.business_days_between(origin_cal.clock_start(item.purchased_at), clock_at.date())))
    return row


DAYS = "business_days"
RELATIVE = "log_ratio_to_recent"
TARGETS = (DAYS, RELATIVE)
NO_PACE_DAYS = 5.0  # a country with no delivery known yet: any constant serves, training and prediction agree


MIN_PACE_DAYS = 0.5  # a same-day median still leaves room for a ratio


def base_days(moment: str, matrix: np.ndarray) -> np.ndarray:
    """The network's pace for each row: the median working days of the country's orders of the last
    three weeks (handoffs of the last two at handoff), parcels still in flight included. Without
    enough of them, the mean of the deliveries of the last 30 days, then of all time."""
    now, recent, overall = (matrix[:, column] for column in _BASE_INDEX[moment])
    base = np.where(np.isnan(now), np.where(np.isnan(recent), overall, recent), np.maximum(now, MIN_PACE_DAYS))
    return np.where(np.isnan(base), NO_PACE_DAYS, base)


def to_target(target: str, moment: str, matrix: np.ndarray, days: np.ndarray) -> np.ndarray:
    """What the boosters learn. ``log_ratio_to_recent`` is log(1 + days) less log(1 + the recent pace):
    a network that speeds up or slows down moves every quantile with it, and spread scales with
    level. Quantiles survive any monotone transform, so :func:`from_target` maps them back exactly."""
    if target == DAYS:
        return days
    return np.log1p(days) - np.log1p(base_days(moment, matrix))


def from_target(target: str, moment: str, matrix: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Days back from what the boosters predicted; ``values`` is one column or one per booster."""
    if target == DAYS:
        return values
    base = np.log1p(base_days(moment, matrix))
    return np.expm1(values + (base[:, None] if values.ndim == 2 else base))


def feature_matrix(
    moment: str,
    items: Sequence[Shipment],
    *,
    clock_at: Sequence[datetime],
    summaries: Mapping[str, np.ndarray],
    staleness_days: Sequence[float],
    vocab: Mapping[str, Mapping[str, int]],
    cutoff_hour: int,
    origins: Sequence[Place] | None = None,
) -> np.ndarray:
    """Model inputs, one row per item, columns in FEATURE_NAMES[moment] order. ``clock_at`` is the
    purchase (placed) or handoff / scan time; ``origins`` override ship-from points (a scan's location)."""
    places = origins if origins is not None else [item.origin for item in items]
    own = np.asarray([
        _own_columns(moment, item, place, at, lag, vocab, cutoff_hour)
        for item, place, at, lag in zip(items, places, clock_at, staleness_days, strict=True)
    ], dtype=np.float64).reshape(len(items), -1)
    stats = _stats_columns(summaries)
    if moment == HANDOFF:
        handling = own[:, -1:]
        own = np.hstack([own, handling - stats[:, 1:2]])  # handling_vs_seller
    return np.hstack([own, stats])
