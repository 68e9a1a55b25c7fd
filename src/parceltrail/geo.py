"""US ZIP code centroids, city, state and time zone, from the maintained ``zipcodes`` package.

Loaded once per process on first use (about a second, 42k ZIPs) and kept as a dict, because
``zipcodes.matching`` scans its whole list on every call.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class ZipPlace:
    zip_code: str
    city: str
    state: str
    lat: float
    lon: float
    timezone: str | None


@cache
def _zips() -> dict[str, ZipPlace]:
    import zipcodes

    out: dict[str, ZipPlace] = {}
    for z in zipcodes.list_all():
        if not z.get("lat") or not z.get("long") or not z.get("active", True):
            continue
        if float(z["lat"]) == 0.0 and float(z["long"]) == 0.0:  # a few PO box ZIPs carry no place at all
            continue
        out[z["zip_code"]] = ZipPlace(z["zip_code"], z["city"], z["state"], float(z["lat"]), float(z["long"]),
                                      z.get("timezone") or None)
    return out


def us_zip(code: str | None) -> ZipPlace | None:
    """The place of a US ZIP (``12345`` or ``12345-6789``), or None when unknown."""
    if not code:
        return None
    return _zips().get(code.strip()[:5])


def all_us_zips() -> list[ZipPlace]:
    return list(_zips().values())


@cache
def _cities() -> dict[tuple[str, str], ZipPlace]:
    """(CITY, STATE) -> the median point of its ZIPs: where a scan that names only a city happened.
    The median, because a city's PO box and business ZIPs can sit at a processing plant far away."""
    places: dict[tuple[str, str], list[ZipPlace]] = {}
    for place in _zips().values():
        places.setdefault((place.city.upper(), place.state), []).append(place)
    out = {}
    for key, group in places.items():
        lats, lons = sorted(p.lat for p in group), sorted(p.lon for p in group)
        first = group[0]
        out[key] = ZipPlace(first.zip_code, first.city, first.state, lats[len(lats) // 2], lons[len(lons) // 2],
                            first.timezone)
    return out


@cache
def _states() -> dict[str, ZipPlace]:
    """STATE -> the centroid of its ZIPs (a scan that names only a state)."""
    sums: dict[str, list] = {}
    for place in _zips().values():
        acc = sums.setdefault(place.state, [0.0, 0.0, 0, place])
        acc[0] += place.lat
        acc[1] += place.lon
        acc[2] += 1
    return {state: ZipPlace(p.zip_code, state, state, lat / n, lon / n, p.timezone)
            for state, (lat, lon, n, p) in sums.items()}


def us_place(postal_code: str | None = None, city: str | None = None, region: str | None = None) -> ZipPlace | None:
    """The most precise US place these name: the ZIP, else the city in its state, else the state."""
    found = us_zip(postal_code)
    if found is not None:
        return found
    state = (region or "").strip().upper()
    if city and state:
        found = _cities().get((" ".join(city.split()).upper(), state))
        if found is not None:
            return found
    return _states().get(state) if state else None
