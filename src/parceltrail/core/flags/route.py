"""Where the parcel is against where it is going: ``misroute`` and ``delivered_elsewhere``.

A route through hubs is rarely straight: the first leg may run away from the destination to the origin's
hub (up to ~1,000 km in the emptier states), and hub and spoke sends a parcel past its destination to the
regional hub and back. So a scan is off route only when going through it, from the point of best progress
so far, adds more than 1,200 km to the way (or half the remaining way, on long lanes): a parcel from
New York to Boston scanned in Chicago, from Ohio to Oregon in Orlando. On the first leg, before any
progress, a scan within 1,100 km of the origin is taken for the way to the origin's hub. And a parcel
that was out for delivery (or attempted, or at a pickup point) within 50 km of the destination and is
then scanned 300 km away was sent on to the wrong station. (Passing near the destination on the way to
the regional hub is not arriving: only the last mile's own scans say the parcel got there.) The national air hubs are on every express route: never off-route.
"""

from __future__ import annotations

from parceltrail.core.flags import words
from parceltrail.core.flags.model import Calendars, Flag, FlagType, Point, Severity
from parceltrail.core.flags.policy import Policy
from parceltrail.core.flags.timeline import Located, Timeline, km
from parceltrail.core.status import Status

AIR_HUBS: dict[str, Point] = {
    "Louisville, KY (UPS Worldport)": Point(38.17, -85.74),
    "Memphis, TN (FedEx World Hub)": Point(35.04, -89.98),
    "Indianapolis, IN (FedEx hub)": Point(39.72, -86.29),
    "Hebron, KY (DHL / Amazon Air hub, CVG)": Point(39.05, -84.66),
    "Fort Worth, TX (FedEx Alliance hub)": Point(32.99, -97.32),
    "Ontario, CA (UPS West Coast air hub)": Point(34.06, -117.60),
}
AIR_HUB_RADIUS_KM = 60.0
LAST_MILE = frozenset({Status.OUT_FOR_DELIVERY, Status.DELIVERY_FAILED, Status.AVAILABLE_FOR_PICKUP})


def _at_air_hub(point: Point) -> bool:
    return any(km(point, hub) <= AIR_HUB_RADIUS_KM for hub in AIR_HUBS.values())


def _route(timeline: Timeline) -> list[Located]:
    """Located scans on the way out: before any return, deliveries left to ``delivered_elsewhere``."""
    out = []
    for item in timeline.scans:
        if item.event.status in (Status.RETURNING, Status.RETURNED):
            break
        if item.point is not None and item.event.status is not Status.DELIVERED:
            out.append(item)
    return out


def misroute_flag(timeline: Timeline, calendars: Calendars, policy: Policy) -> Flag | None:
    destination = timeline.destination
    route = _route(timeline)
    if destination is None or not route or timeline.ended_at is not None:
        return None
    origin = timeline.origin or route[0].point
    assert origin is not None
    best, best_km = origin, km(origin, destination)
    start_km = best_km
    progress, arrived = False, False
    off: Located | None = None
    for item in route:
        point = item.point
        assert point is not None
        distance = km(point, destination)
        if not _at_air_hub(point):  # an air hub is on every express route: never off it
            added = km(best, point) + distance - best_km
            gross = added > max(policy.misroute_detour_km, policy.misroute_detour_share * best_km)
            if not progress:
                gross = gross and km(origin, point) > policy.first_leg_km
            if gross or (arrived and distance > policy.misroute_left_area_km):
                off = off or item
                continue
        off = None
        if distance < best_km:
            best, best_km = point, distance
            progress = progress or distance < start_km - policy.progress_km
        arrived = arrived or (distance <= policy.destination_area_km and item.event.status in LAST_MILE)
    if off is None:
        return None
    event = off.event
    assert off.point is not None
    reason = (f"scanned{words.at_place(event.location)} on {words.moment(event.occurred_at, calendars.zone)}, "
              f"{km(off.point, destination):,.0f} km from the destination and off any sensible route: ask the "
              "carrier to reroute it, and expect a later delivery")
    return Flag(FlagType.MISROUTE, Severity.WARNING, event.occurred_at, reason)


def delivered_elsewhere_flag(timeline: Timeline, calendars: Calendars, policy: Policy) -> Flag | None:
    destination = timeline.destination
    delivered = [i for i in timeline.scans if i.event.status is Status.DELIVERED]
    if destination is None or not delivered or delivered[-1].point is None:
        return None
    item = delivered[-1]
    assert item.point is not None
    distance = km(item.point, destination)
    if distance <= policy.delivered_elsewhere_km:
        return None
    event = item.event
    reason = (f"delivered{words.at_place(event.location)} on {words.moment(event.occurred_at, calendars.zone)}, "
              f"{distance:,.0f} km from the buyer's address: ask the carrier for proof of delivery and where it "
              "was left, before the buyer reports it missing")
    return Flag(FlagType.DELIVERED_ELSEWHERE, Severity.CRITICAL, event.occurred_at, reason)
