"""Placing a carrier's zone-less local time: the zone of the scan's place, of its neighbours, or of the route.

Carriers send local wall times without an offset more often than their documents admit: UPS's v1
Track API sent no GMT fields for a while in 2023, FedEx dates its pickup scans midnight without an
offset, USPS partner and pre-shipment events come without ``GMTOffset``, and DHL's parcel and express
services send no offset at all. Refusing a whole body for one such scan hides the parcel's status
(issue 17); a silently guessed zone makes a wrong time look exact. So a zone-less scan is placed with
the evidence closest to it, and says which evidence it used (``TimeBasis``):

1. **its own place**: a US ZIP (its zone from the ``zipcodes`` data), a US city and state, a US state,
   or any country whose zones all have the same offset at that wall time (Germany, Japan; not the US);
2. **its neighbours**: the nearest scan of the same answer (by local time) whose zone is known, on the
   same leg (before the last mile, or the last mile) and not in another country, because consecutive
   scans of one leg are rarely a time zone apart and a label is printed where it is picked up;
3. **the route**: the shipment's origin for scans before the last mile, its destination for last-mile
   scans (out for delivery, attempts, pickup points, delivery), where the body names them and the
   scan's own country (if known) is not another one;
4. a neighbour from the other leg, the weakest evidence (a label printed an hour before a same-day
   delivery, in a body that names no origin).

A scan none of these places is dropped and reported in the result's ``unmapped`` list: one dropped
scan costs less than one placed in an invented zone. Times the carrier gave with an offset are never
touched, so the fingerprints of events that were already exact stay what they were.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone, tzinfo
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from parceltrail.carriers.mapping import Verdict
from parceltrail.carriers.reading import event
from parceltrail.core import Location, Status, TimeBasis, TrackingEvent

log = logging.getLogger("parceltrail.carriers")

LAST_MILE = frozenset(
    {Status.OUT_FOR_DELIVERY, Status.DELIVERY_FAILED, Status.AVAILABLE_FOR_PICKUP, Status.DELIVERED}
)
"""Scans that happen near the destination: without a place of their own they take the destination's zone."""


@dataclass(frozen=True, slots=True)
class Draft:
    """A parsed scan whose time may still be a naive local wall time.

    ``hint`` is a place read only to find the zone (DHL's "LOS ANGELES, CA - USA" locality), so that the
    event's stored location, part of its fingerprint, stays exactly what the carrier sent.
    """

    event: TrackingEvent
    local: datetime | None = None
    hint: Location | None = None
    given: datetime | None = None
    """The carrier's own aware time, in its own offset (the event holds it in UTC)."""
    notice: bool = False
    """The scan reports rather than moves (see ``mapping.Row.notice``)."""

    @property
    def place(self) -> Location:
        return self.hint or self.event.location


def draft(
    event_at: datetime, verdict: Verdict, description: Any, code: Any, location: Location, hint: Location | None = None
) -> Draft:
    """A scan as ``reading.event`` builds it; a naive ``event_at`` is held as local time until ``settle``."""
    if event_at.tzinfo is not None and event_at.utcoffset() is not None:
        return Draft(event(event_at, verdict, description, code, location), hint=hint, given=event_at,
                     notice=verdict.notice)
    placeholder = event_at.replace(tzinfo=timezone.utc)
    return Draft(event(placeholder, verdict, description, code, location), local=event_at, hint=hint,
                 notice=verdict.notice)


class Settled(NamedTuple):
    events: list[TrackingEvent]
    dropped: list[str]
    """A report line for each scan that could not be placed."""
    notices: list[TrackingEvent]
    """Those of ``events`` that report rather than move, for ``timeline.tracking``."""


def settle(
    carrier: str, drafts: Sequence[Draft], origin: Location | None = None, destination: Location | None = None
) -> Settled:
    """Every draft as an event with an aware time (or reported as dropped)."""
    zones: list[tzinfo | None] = [None] * len(drafts)
    basis: list[TimeBasis | None] = [None] * len(drafts)
    for i, d in enumerate(drafts):
        if d.local is None:
            zones[i], basis[i] = (d.given or d.event.occurred_at).tzinfo, TimeBasis.EXACT
        else:
            zones[i] = zone_at(d.place, d.local)
            basis[i] = TimeBasis.PLACE if zones[i] is not None else None
    anchors = [(i, _wall(d), zones[i], d.place.country, _leg(d)) for i, d in enumerate(drafts) if zones[i] is not None]

    def nearest(i: int, d: Draft, same_leg: bool) -> tzinfo | None:
        country, leg = d.place.country, _leg(d)
        near = [a for a in anchors if (a[4] == leg or not same_leg) and (country is None or a[3] in (None, country))]
        return min(near, key=lambda a: (abs(a[1] - d.local), abs(a[0] - i)))[2] if near else None

    for i, d in enumerate(drafts):
        if zones[i] is None and d.local is not None:
            zones[i] = nearest(i, d, same_leg=True)
            basis[i] = TimeBasis.NEIGHBOURS if zones[i] is not None else None
    events: list[TrackingEvent] = []
    dropped: list[str] = []
    notices: list[TrackingEvent] = []
    for i, d in enumerate(drafts):
        if d.local is None:
            events.append(d.event)
            if d.notice:
                notices.append(d.event)
            continue
        zone = zones[i]
        if zone is None:
            ends = (destination, origin) if d.event.status in LAST_MILE else (origin, destination)
            country = d.place.country
            usable = [end for end in ends if end and (country is None or end.country in (None, country))]
            zone = next((z for z in (zone_at(end, d.local) for end in usable) if z is not None), None)
            basis[i] = TimeBasis.ROUTE
            if zone is None:
                zone, basis[i] = nearest(i, d, same_leg=False), TimeBasis.NEIGHBOURS
        if zone is None:
            report = f"time without zone: {d.local.isoformat()} ({d.event.description or d.event.carrier_code})"
            log.warning("carrier %s: dropped a scan no zone could be found for (%s)", carrier, report)
            dropped.append(report)
            continue
        events.append(replace(d.event, occurred_at=d.local.replace(tzinfo=zone), time_basis=basis[i]))
        if d.notice:
            notices.append(events[-1])
    return Settled(events, dropped, notices)


def _leg(d: Draft) -> bool:
    return d.event.status in LAST_MILE


def _wall(d: Draft) -> datetime:
    return d.local if d.local is not None else (d.given or d.event.occurred_at).replace(tzinfo=None)


def named_zone(place: Location) -> zoneinfo.ZoneInfo | None:
    """The one IANA zone a place is in, when the place settles it: a US ZIP (matching its state when one
    is given), a US city and state all of whose ZIPs share a zone, or a country with a single zone."""
    country = place.country
    region = (place.region or "").strip().upper()
    if country in (None, "US") and (region or country == "US"):
        if country == "US" and place.postal_code:
            from parceltrail.geo import us_zip

            found = us_zip(place.postal_code)
            if found is not None and (not region or found.state == region) and _zone(found.timezone):
                return _zone(found.timezone)
        if place.city and region:
            one = _us_city_zones().get((_squash(place.city), region), ())
            if len(one) == 1 and _zone(one[0]):
                return _zone(one[0])
    zones = zones_of_country(country) if country else ()
    return _zone(zones[0]) if len(zones) == 1 else None


def zone_at(place: Location, local: datetime) -> tzinfo | None:
    """The zone a wall time at ``place`` was in, when the place settles it; ``None`` when it does not.

    Beyond ``named_zone``: a US state, or a country, whose zones all give that wall time one offset."""
    named = named_zone(place)
    if named is not None:
        return named
    region = (place.region or "").strip().upper()
    if place.country in (None, "US") and region in _us_state_zones():
        return _agreed(_us_state_zones()[region], local)
    if place.country:
        return _agreed(zones_of_country(place.country), local)
    return None


def _agreed(zones: Sequence[str], local: datetime) -> tzinfo | None:
    """A fixed offset when every zone gives ``local`` the same one (Germany yes, the US no), else None."""
    offsets = {local.replace(tzinfo=z).utcoffset() for z in (_zone(name) for name in zones) if z is not None}
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    return timezone(offset) if isinstance(offset, timedelta) else None


@cache
def _zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _squash(text: str) -> str:
    return " ".join(text.split()).upper()


@cache
def _us_city_zones() -> dict[tuple[str, str], tuple[str, ...]]:
    """(CITY, STATE) -> the zones its ZIPs are in, from the zipcodes data (loaded only when a scan needs it)."""
    from parceltrail.geo import all_us_zips

    out: dict[tuple[str, str], set[str]] = {}
    for z in all_us_zips():
        if z.timezone:
            out.setdefault((_squash(z.city), z.state), set()).add(z.timezone)
    return {key: tuple(sorted(zones)) for key, zones in out.items()}


@cache
def _us_state_zones() -> dict[str, tuple[str, ...]]:
    out: dict[str, set[str]] = {}
    for (_, state), zones in _us_city_zones().items():
        out.setdefault(state, set()).update(zones)
    return {state: tuple(sorted(zones)) for state, zones in out.items()}


@cache
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    """Country -> IANA zones, from the system tz database's zone.tab (empty if it is not installed)."""
    out: dict[str, list[str]] = {}
    for root in zoneinfo.TZPATH:
        path = Path(root) / "zone.tab"
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    parts = line.split("\t")
                    if len(parts) >= 3:
                        out.setdefault(parts[0], []).append(parts[2])
            break
    return {country: tuple(zones) for country, zones in out.items()}


def zones_of_country(country: str) -> tuple[str, ...]:
    return _zones_by_country().get(country.strip().upper(), ())
