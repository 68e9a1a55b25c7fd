"""When each scan is heard of: what tracking APIs do to a clean timeline.

Most scans arrive minutes to an hour and a half after they happen; a fifth of parcels are polled every
few hours, so their scans come in batches; now and then a scan is backfilled most of a day late (after
newer ones), an event is sent twice, or a carrier names only the city or only the ZIP. Times are
written with the offset of the place they happened, as carriers write them.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from parceltrail.journeys.trip import Scan


def _poll(moment: datetime, hours: int) -> datetime:
    base = moment.replace(minute=0, second=0, microsecond=0)
    while base < moment or base.hour % hours:
        base += timedelta(hours=1)
    return base


def _location(scan: Scan, style: int) -> dict | None:
    p = scan.place
    if p is None:
        return None
    if style == 0:
        return {"city": p.city.upper(), "region": p.region, "postal_code": p.postal_code, "country": "US"}
    if style == 1:
        return {"city": p.city.upper(), "region": p.region, "country": "US"}
    return {"postal_code": p.postal_code, "country": "US"}


def arrivals(rng: random.Random, scans: list[Scan], as_of: datetime) -> list[dict]:
    batch_hours = rng.choice((2, 4, 6)) if rng.random() < 0.2 else 0
    style = rng.choices((0, 1, 2), weights=(6, 3, 1))[0]
    heard: list[tuple[Scan, datetime]] = []
    for scan in scans:
        at = scan.occurred_at + timedelta(minutes=rng.uniform(2.0, 90.0))
        heard.append((scan, _poll(at, batch_hours) if batch_hours else at))
    if len(heard) > 3 and rng.random() < 0.06:
        i = rng.randrange(1, len(heard) - 1)
        heard[i] = (heard[i][0], heard[i][0].occurred_at + timedelta(hours=rng.uniform(8.0, 20.0)))
    if heard and rng.random() < 0.05:
        scan, at = heard[rng.randrange(len(heard))]
        heard.append((scan, at + timedelta(hours=rng.uniform(1.0, 48.0))))
    out = []
    for scan, at in heard:
        if at > as_of:
            continue
        zone = scan.place.zone if scan.place else UTC
        event = {"occurred_at": scan.occurred_at.astimezone(zone).isoformat(),
                 "recorded_at": at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                 "status": scan.status, "substatus": scan.substatus, "description": scan.description}
        location = _location(scan, style)
        if location:
            event["location"] = location
        out.append(event)
    if rng.random() < 0.3:
        rng.shuffle(out)
    return out
