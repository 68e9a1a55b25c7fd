"""US ZIP code centroids, city, state and time zone, from the maintained ``zipcodes`` package.

Kept compact, and loaded when a process starts (``load``), never on a request. ``zipcodes`` 3 answers
``matching`` by scanning its table (ms per call) and lists it only as 42k dicts of 14 fields: listing
cost 1-11 s and about 110 MB of RSS that stayed with the process, and the first estimate paid it while
holding the write lock. So the table is listed once per ``zipcodes`` version, in a child process, and
written as a small tab-separated file (about 2 MB) in the cache folder (``PARCELTRAIL_CACHE_DIR``,
default ``~/.cache/parceltrail``); every process reads that file (a tenth of a second, about 15 MB).
Where no cache folder is writable the table is listed in-process, as before.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

CACHE_DIR_VARIABLE = "PARCELTRAIL_CACHE_DIR"
_FIELDS = 6  # zip, city, state, lat, lon, timezone
TABLE_VERSION = 2
"""Part of the cache file's name: raise it when what the table keeps changes (2: no ZIPs placed at 0, 0)."""


@dataclass(frozen=True, slots=True)
class ZipPlace:
    zip_code: str
    city: str
    state: str
    lat: float
    lon: float
    timezone: str | None


def cache_path() -> Path:
    base = os.environ.get(CACHE_DIR_VARIABLE) or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "parceltrail"
    return Path(base) / f"us-zips-{version('zipcodes')}-{TABLE_VERSION}.tsv"


def write_table(path: Path) -> None:
    """List ``zipcodes``' table and write the active ZIPs with a centroid to ``path`` (atomically)."""
    import zipcodes

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=".us-zips-", suffix=".tmp", delete=False,
                                     encoding="utf-8") as out:
        for z in zipcodes.list_all():
            if not z.get("lat") or not z.get("long") or not z.get("active", True):
                continue
            if float(z["lat"]) == 0.0 and float(z["long"]) == 0.0:  # a few PO box ZIPs carry no place at all
                continue
            fields = (z["zip_code"], z["city"], z["state"], str(float(z["lat"])), str(float(z["long"])),
                      z.get("timezone") or "")
            out.write("\t".join(f.replace("\t", " ") for f in fields) + "\n")
    os.chmod(out.name, 0o644)  # public data: any user running parceltrail may share the cache
    os.replace(out.name, path)


def _read(path: Path) -> dict[str, ZipPlace]:
    out: dict[str, ZipPlace] = {}
    with path.open(encoding="utf-8") as rows:
        for line in rows:
            code, city, state, lat, lon, tz = line.rstrip("\n").split("\t", _FIELDS - 1)
            out[code] = ZipPlace(code, sys.intern(city), sys.intern(state), float(lat), float(lon),
                                 sys.intern(tz) if tz else None)
    return out


def _listed_in_a_child(path: Path) -> bool:
    try:
        done = subprocess.run([sys.executable, "-m", "parceltrail.geo", str(path)], capture_output=True,
                              timeout=300, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and path.exists()


@cache
def _zips() -> dict[str, ZipPlace]:
    path = cache_path()
    if path.exists() or _listed_in_a_child(path):
        try:
            return _read(path)
        except (OSError, ValueError):
            pass  # unreadable or cut short: list it here instead
    with tempfile.TemporaryDirectory() as tmp:
        write_table(Path(tmp) / "zips.tsv")
        return _read(Path(tmp) / "zips.tsv")


def load() -> int:
    """Load the table now (API, worker and CLI start-up), so no request or transaction ever waits for it."""
    _cities()
    _states()
    return len(_zips())


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


if __name__ == "__main__":  # python -m parceltrail.geo PATH: what ``_zips`` runs in a child process
    write_table(Path(sys.argv[1]))
