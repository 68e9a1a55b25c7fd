"""Where the sandbox network is: real US ZIP centroids (from ``zipcodes``) and a fixed set of hubs.

The ZIP list is the maintained ``zipcodes`` package (USPS data with centroids and time zones), not a
table of our own: standard, active delivery ZIPs of the 48 contiguous states and DC, where trucks can
reach every hub. It is read once per process (0.5 s idle, a few seconds on a busy machine: the package
builds a dict per ZIP) and kept as compact tuples, so routing a journey afterwards costs microseconds.
Hubs are named by ZIP and take their city and place from the same data, so nothing here can drift.
"""

from __future__ import annotations

import math
import threading
import zoneinfo
from dataclasses import dataclass
from functools import cache, lru_cache

# Not served by truck from the contiguous network, so left out of the sandbox's ZIP pool.
OFFSHORE = frozenset({"AK", "HI", "PR", "VI", "GU", "AS", "MP", "FM", "MH", "PW", "AA", "AE", "AP"})

# (ZIP, what the hub is) — sort centres in the metros where US parcel carriers run theirs.
HUB_ZIPS: tuple[tuple[str, str], ...] = (
    ("40209", "national air hub"),
    ("38118", "Memphis hub"),
    ("60525", "Chicago area hub"),
    ("30336", "Atlanta hub"),
    ("75241", "Dallas hub"),
    ("77032", "Houston hub"),
    ("91761", "Inland Empire hub"),
    ("94621", "Bay Area hub"),
    ("98032", "Seattle area hub"),
    ("97218", "Portland hub"),
    ("84104", "Salt Lake City hub"),
    ("80239", "Denver hub"),
    ("85043", "Phoenix hub"),
    ("66215", "Kansas City area hub"),
    ("55121", "Twin Cities hub"),
    ("43217", "Columbus hub"),
    ("07094", "New York area hub"),
    ("19153", "Philadelphia hub"),
    ("28214", "Charlotte hub"),
    ("32824", "Orlando hub"),
)
AIR_HUB_ZIP = "40209"


@dataclass(frozen=True, slots=True)
class Place:
    """A ZIP centroid: what a scan's location shows, plus what timing needs (coordinates, time zone)."""

    postal_code: str
    city: str
    region: str
    lat: float
    lon: float
    timezone: str
    country: str = "US"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return _zone(self.timezone)


@cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


_lock = threading.Lock()


@cache
def _zip_pool() -> tuple[Place, ...]:
    import zipcodes

    with _lock:
        # list_all() is cached inside zipcodes (parceltrail.geo reads it too); filter_by would load and
        # scan the whole table a second time.
        rows = [r for r in zipcodes.list_all()
                if r.get("zip_code_type") == "STANDARD" and r.get("active") is True]
    usable_zones: dict[str, bool] = {}
    pool: list[Place] = []
    for r in rows:
        if r["state"] in OFFSHORE or not r.get("lat") or not r.get("long") or not r.get("timezone"):
            continue
        tz = r["timezone"]
        if tz not in usable_zones:
            try:
                _zone(tz)
                usable_zones[tz] = True
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                usable_zones[tz] = False
        if usable_zones[tz]:
            pool.append(Place(r["zip_code"], r["city"], r["state"], float(r["lat"]), float(r["long"]), tz))
    pool.sort(key=lambda p: p.postal_code)
    return tuple(pool)


def zip_pool() -> tuple[Place, ...]:
    """Every ZIP a sandbox parcel can start or end at, sorted by ZIP (so a seed picks the same one)."""
    return _zip_pool()


@cache
def _by_zip() -> dict[str, Place]:
    return {p.postal_code: p for p in _zip_pool()}


def place(postal_code: str) -> Place:
    """The pool's place for a ZIP; ``KeyError`` for a ZIP outside it."""
    return _by_zip()[postal_code]


@cache
def hubs() -> tuple[Place, ...]:
    return tuple(place(z) for z, _ in HUB_ZIPS)


def air_hub() -> Place:
    return place(AIR_HUB_ZIP)


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two centroids (haversine, Earth radius 6371 km)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@lru_cache(maxsize=65536)
def nearest_hub(p: Place) -> Place:
    return min(hubs(), key=lambda h: distance_km(p, h))


@lru_cache(maxsize=1024)
def line_haul(origin_hub: Place, destination_hub: Place, express: bool) -> tuple[Place, ...]:
    """Hubs between the two end hubs, exclusive.

    Express flies through the national air hub unless the hubs are close enough to truck overnight;
    ground and economy cross the country through one intermediate hub when one lies on the way
    (at most 15% longer than driving straight), the way long-haul trailers are relayed.
    """
    if origin_hub == destination_hub:
        return ()
    direct = distance_km(origin_hub, destination_hub)
    if express:
        hub = air_hub()
        if direct < 900 or hub in (origin_hub, destination_hub):
            return ()
        return (hub,)
    if direct < 1500:
        return ()
    middle = min(
        (h for h in hubs() if h not in (origin_hub, destination_hub)),
        key=lambda h: distance_km(origin_hub, h) + distance_km(h, destination_hub),
    )
    via = distance_km(origin_hub, middle) + distance_km(middle, destination_hub)
    return (middle,) if via <= 1.15 * direct else ()


@lru_cache(maxsize=65536)
def place_of(postal_code: str) -> Place:
    """Any routable US ZIP as a place: the pool's, or (a PO box or a single-firm ZIP) its own centroid.

    ``KeyError`` names ZIPs the network cannot reach by truck (Alaska, Hawaii, territories, unknown)."""
    found = _by_zip().get(postal_code)
    if found is not None:
        return found
    import zipcodes

    rows = [r for r in zipcodes.matching(postal_code) if r.get("lat") and r.get("timezone")] if postal_code.isdigit() else []
    if not rows or rows[0]["state"] in OFFSHORE:
        raise KeyError(f"ZIP {postal_code}, which the sandbox network does not serve (48 states and DC by truck)")
    r = rows[0]
    return Place(r["zip_code"], r["city"], r["state"], float(r["lat"]), float(r["long"]), r["timezone"])
