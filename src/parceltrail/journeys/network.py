"""How a generated parcel moves: real ZIP centroids, real hub cities, carriers' working days.

Routing reuses the sandbox network's geography (origin -> nearest hub -> line-haul relay -> hub nearest
the destination -> delivery station); each carrier kind moves at its own speed and sort times, and only
on its own working days (UPS and FedEx Ground stand still at weekends and on the six carrier holidays;
USPS and FedEx Home Delivery move on Saturdays and close on every federal holiday). Air services fly
through the carrier's national air hub; economy is handed to the postal service for the last mile.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import holidays

from parceltrail.carriers.sandbox.geography import Place, distance_km, line_haul, nearest_hub, place, zip_pool

GROUND, AIR, POSTAL, ECONOMY = "ground", "air", "postal", "economy"


@dataclass(frozen=True)
class Carrier:
    code: str
    service: str
    kind: str
    saturday: bool  # moves and delivers on Saturdays
    postal_holidays: bool  # closed on every federal holiday (else on the six carrier holidays)
    air_hub: str | None = None
    weight: float = 1.0


CARRIERS = (
    Carrier("ups", "ground", GROUND, False, False, weight=3),
    Carrier("fedex", "home_delivery", GROUND, True, False, weight=2),
    Carrier("fedex", "ground", GROUND, False, False, weight=1),
    Carrier("usps", "ground_advantage", POSTAL, True, True, weight=3),
    Carrier("usps", "priority", AIR, True, True, weight=1),
    Carrier("ups", "2nd_day_air", AIR, False, False, air_hub="40209", weight=1),
    Carrier("fedex", "2day", AIR, False, False, air_hub="38118", weight=0.5),
    Carrier("dhl", "ecommerce", ECONOMY, True, True, weight=1),
)
CARRIER_HOLIDAYS = ("New Year's Day", "Memorial Day", "Independence Day", "Labor Day", "Thanksgiving", "Christmas Day")
SPEED_KMH = {GROUND: 42.0, AIR: 45.0, POSTAL: 36.0, ECONOMY: 28.0}
"""Door to door, not pedal to metal: one driver's hours a day, relays and yard time (ground ~800 km a day)."""
SORT_H = {GROUND: (2.0, 6.0), AIR: (0.5, 2.0), POSTAL: (3.0, 9.0), ECONOMY: (6.0, 14.0)}
WAVES = {GROUND: (20.0, 27.0), AIR: (19.0, 23.0), POSTAL: (18.0, 28.0), ECONOMY: (20.0, 30.0)}
"""Outbound trailers leave a hub in the evening-to-night wave (local hours; past 24 is the next morning)."""
RELAY_EVERY_H = 16.0  # a leg longer than this is broken by a relay facility's scans, as carriers do


@cache
def _closed(year: int, postal: bool) -> frozenset[date]:
    table = holidays.country_holidays("US", years=year)
    if postal:
        return frozenset(table)
    return frozenset(d for d, name in table.items() if name.removesuffix(" (observed)") in CARRIER_HOLIDAYS)


def moves_on(carrier: Carrier, day: date) -> bool:
    return day.weekday() < (6 if carrier.saturday else 5) and day not in _closed(day.year, carrier.postal_holidays)


def business_day(day: date) -> bool:
    """TikTok's business days: Monday to Friday, no US federal holiday."""
    return day.weekday() < 5 and day not in _closed(day.year, True)


def local(moment: datetime, where: Place) -> datetime:
    return moment.astimezone(where.zone)


def at(day: date, hours: float, where: Place) -> datetime:
    start = datetime.combine(day, time(), tzinfo=where.zone)
    return (start + timedelta(minutes=round(hours * 60))).astimezone(UTC)


def next_open(moment: datetime, where: Place, open_on, rng: random.Random, hours=(3.0, 6.0)) -> datetime:
    """``moment`` when its local day is open, else the next open day at an early-morning hour."""
    day = local(moment, where).date()
    if open_on(day):
        return moment
    while not open_on(day):
        day += timedelta(days=1)
    return at(day, rng.uniform(*hours), where)


def add_business_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        count -= business_day(day)
    return day


def route(origin: Place, destination: Place, carrier: Carrier) -> list[Place]:
    """Hubs between origin and the destination's delivery station."""
    first, last = nearest_hub(origin), nearest_hub(destination)
    if carrier.kind == AIR and carrier.air_hub and distance_km(origin, destination) > 600:
        hops = [first, place(carrier.air_hub), last]
    else:
        hops = [first, *line_haul(first, last, False), last]
    out: list[Place] = []
    for hub in hops:
        if not out or out[-1] != hub:
            out.append(hub)
    return out


def leg_hours(a: Place, b: Place, carrier: Carrier, rng: random.Random) -> float:
    km = distance_km(a, b)
    if carrier.kind == AIR and km > 900:
        return km / 750.0 + rng.uniform(1.0, 2.5)
    return km / SPEED_KMH[carrier.kind] + rng.uniform(0.5, 1.5)


def next_wave(ready: datetime, where: Place, kind: str, rng: random.Random) -> datetime:
    """The first outbound departure from a hub after ``ready``."""
    low, high = WAVES[kind]
    day = local(ready, where).date() - timedelta(days=1)
    while True:
        leave = at(day, rng.uniform(low, high), where)
        if leave >= ready:
            return leave
        day += timedelta(days=1)


@cache
def _grid() -> dict[tuple[int, int], list[Place]]:
    cells: dict[tuple[int, int], list[Place]] = {}
    for p in zip_pool():
        cells.setdefault((int(p.lat), int(p.lon)), []).append(p)
    return cells


def near(lat: float, lon: float) -> Place:
    """The ZIP nearest to a point (a relay facility along a leg)."""
    grid = _grid()
    for reach in range(0, 6):
        found = [p for dx in range(-reach, reach + 1) for dy in range(-reach, reach + 1)
                 for p in grid.get((int(lat) + dx, int(lon) + dy), [])]
        if found:
            return min(found, key=lambda p: (p.lat - lat) ** 2 + (p.lon - lon) ** 2)
    raise ValueError("no ZIP near that point")


def pick_places(rng: random.Random) -> tuple[Place, Place]:
    pool = zip_pool()
    while True:
        a, b = pool[rng.randrange(len(pool))], pool[rng.randrange(len(pool))]
        served = distance_km(a, nearest_hub(a)) < 1100 and distance_km(b, nearest_hub(b)) < 1100  # not mis-placed ZIPs
        if distance_km(a, b) > 20 and served:
            return a, b


def far_place(rng: random.Random, near: Place, low_km: float, high_km: float) -> Place:
    """A random ZIP between ``low_km`` and ``high_km`` from ``near``."""
    pool = zip_pool()
    for _ in range(10_000):
        candidate = pool[rng.randrange(len(pool))]
        if low_km <= distance_km(near, candidate) <= high_km:
            return candidate
    raise ValueError("no ZIP in that ring")


def pick_carrier(rng: random.Random) -> Carrier:
    return rng.choices(CARRIERS, weights=[c.weight for c in CARRIERS])[0]
