"""The sandbox tracking API's answer for one number at one moment (the JSON the network serves and pushes).

It is a pure function of (number, now): only scans with ``occurred_at <= now`` appear, newest first,
with local times and offsets as carriers show them. The carrier's estimate is the promised day until
something goes wrong; after an exception or a failed attempt it moves to the day the parcel will
really arrive, or disappears when it will not arrive at all (lost, returning). The body carries no
"generated at" time, so the same visible scans always give the same bytes: a re-push is a duplicate.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date, datetime
from typing import Any

from parceltrail.carriers.sandbox.geography import Place
from parceltrail.carriers.sandbox.journey import Journey, journey
from parceltrail.carriers.sandbox.numbering import NotASandboxNumber, Service
from parceltrail.carriers.sandbox.timing import is_delivery_day, local_day, next_day
from parceltrail.core import Status
from parceltrail.numbers import normalize

NO_RECORD = "No record of this tracking number. A label made moments ago can take a few minutes to show."
DISRUPTED = frozenset({Status.EXCEPTION, Status.DELIVERY_FAILED, Status.RETURNING, Status.RETURNED})
DELIVERY_PLACES = {"DL": "Front door", "DM": "Mailbox", "DS": "Front desk"}


def location(p: Place) -> dict[str, str]:
    return {"city": p.city, "region": p.region, "postal_code": p.postal_code, "country": p.country}


def no_record(number: str) -> dict[str, Any]:
    return {"tracking_number": number, "found": False, "message": NO_RECORD, "events": []}


def visible_journey(number: str, now: datetime) -> Journey | None:
    """The journey when ``number`` is a sandbox number whose label exists by ``now``, else None."""
    try:
        found = journey(normalize(number))
    except NotASandboxNumber:
        return None
    return found if found.shipped_at <= now else None


def tracking_body(number: str, now: datetime) -> dict[str, Any]:
    """The tracking API's JSON for ``number`` as of ``now`` (the "no record" shape when there is none)."""
    found = visible_journey(number, now)
    if found is None:
        return no_record(number)
    scans = found.visible(now)
    last = scans[-1]
    delivered = last.status is Status.DELIVERED
    body = {
        "tracking_number": found.number,
        "found": True,
        "service": found.service.name.lower(),
        "origin": location(found.origin),
        "destination": location(found.destination),
        "estimated_delivery": None if delivered else _estimate(found, scans),
        "delivered_at": last.occurred_at.astimezone(last.place.zone).isoformat() if delivered else None,
        "signed_by": found.signed_by if delivered else None,
        "delivery_location": DELIVERY_PLACES.get(last.code) if delivered else None,
        "events": [
            {
                "occurred_at": s.occurred_at.astimezone(s.place.zone).isoformat(),
                "code": s.code,
                "description": s.description,
                "location": location(s.place),
            }
            for s in reversed(scans)
        ],
    }
    if delivered:
        body["proof_of_delivery"] = _proof(found, scans)
    return body


def _proof(found: Journey, scans) -> dict[str, Any]:
    """What a courier's handheld records at the door: signer, place, a GPS fix near the destination's
    centroid (within about 600 m, the same for the same number), and the station the round left from."""
    last = scans[-1]
    digest = hashlib.sha256(found.number.encode()).digest()
    bearing = digest[0] / 256 * 2 * math.pi
    metres = 60 + digest[1] / 255 * 540
    dest = found.destination
    lat = dest.lat + metres * math.cos(bearing) / 111_320
    lon = dest.lon + metres * math.sin(bearing) / (111_320 * math.cos(math.radians(dest.lat)))
    station = next((s.place for s in reversed(scans) if s.status is Status.OUT_FOR_DELIVERY), last.place)
    return {"signed_by": found.signed_by, "location": DELIVERY_PLACES.get(last.code),
            "gps": {"lat": round(lat, 6), "lon": round(lon, 6)},
            "facility": f"Sandbox delivery station {station.city}, {station.region} {station.postal_code}"}


def _estimate(found: Journey, scans) -> dict[str, str] | None:
    if any(s.status in DISRUPTED for s in scans):
        arrives = found.delivered_at
        if arrives is None:
            return None
        first = last = local_day(arrives, found.destination)
    else:
        first = found.promised
        last = next_day(first, is_delivery_day) if found.service is Service.ECONOMY else first
    return _window(first, last)


def _window(first: date, last: date) -> dict[str, str]:
    return {"earliest": first.isoformat(), "latest": last.isoformat()}


def encode_body(body: dict[str, Any]) -> bytes:
    """The bytes served and signed: compact JSON, so a signature covers exactly what was sent."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
