"""What the exception detector needs about a package, gathered one way for the live service and replay.

Coordinates come from US ZIP centroids (``parceltrail.geo``: the ZIP, else the city, else the state a
scan names); business days from ``eta.calendar`` (TikTok's: Monday to Friday less US federal holidays;
the carrier's: with Saturday for services that move then); the lane class from ``eta.history``.
"""

from __future__ import annotations

from parceltrail import eta
from parceltrail.core import Address, Location, Package, TrackingEvent
from parceltrail.core.flags import (
    Calendars,
    Detector,
    EstimatedDelivery,
    OrderContext,
    Point,
    Shipment,
    StaleNorms,
)
from parceltrail.core.flags.timeline import NOT_SCANS
from parceltrail.eta.history import distance_km, lane_length
from parceltrail.eta.prior import delivers_saturday
from parceltrail.geo import us_place
from parceltrail.services.estimates import place_of, zone_of


def locate(location: Location) -> Point | None:
    """A scan's place as coordinates (US only; elsewhere None, and the place-based rules stay silent)."""
    if location.country not in (None, "US"):
        return None
    found = us_place(location.postal_code, location.city, location.region)
    return Point(found.lat, found.lon) if found else None


def calendars_for(carrier: str | None, service: str | None, destination: Address | None) -> Calendars:
    country = (destination.country if destination else None) or "US"
    return Calendars(
        tiktok=eta.calendar_for(country, None),
        carrier=eta.calendar_for(country, None, saturday=delivers_saturday(carrier, service)),
        zone=zone_of(destination),
    )


def _location(address: Address | None) -> Location:
    return Location(postal_code=address.postal_code, country=address.country) if address else Location()


def shipment_of(package: Package) -> Shipment:
    destination = place_of(package.destination)
    origin = place_of(package.origin, destination.country)
    return Shipment(package.carrier, package.service, package.tracking_number, _location(package.origin),
                    _location(package.destination), lane_length(distance_km(origin, destination)))


def handoff_events(events: list[TrackingEvent]) -> list[TrackingEvent]:
    """The events up to the carrier's first scan: what the estimate the late rule reads is made from.

    Later estimates re-start the carrier's published days from every hub scan, which drifts later the
    more scans a parcel gets; the detector projects delays itself (stale waits, the last mile), so the
    estimate made at handoff, before any of that, is the steadier basis."""
    ordered = sorted(events, key=lambda e: e.occurred_at)
    first = next((i for i, e in enumerate(ordered) if e.status not in NOT_SCANS), None)
    return ordered if first is None else ordered[: first + 1]


def detector_for(package: Package, events: list[TrackingEvent], order: OrderContext, norms: StaleNorms,
                 estimate: EstimatedDelivery | None) -> Detector:
    return Detector(shipment_of(package), events, calendars_for(package.carrier, package.service, package.destination),
                    order, norms, estimate, locate)
