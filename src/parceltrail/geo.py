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
