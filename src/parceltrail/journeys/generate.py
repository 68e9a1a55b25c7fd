"""Labelled journeys for measuring the exception detector: realistic, varied, reproducible from a seed.

Each journey is a replay line (``parceltrail exceptions replay``'s input) plus ``"truth"``: the flag
types it should raise and the moment each became evident, computed from what the generator made happen
(``journeys.truth``), never from the detector. Orders follow TikTok Shop US's published SLAs (dispatch
within 2 business days, cut-off 11:59 PM Pacific; deliver within 6 business days). Arrival noise is
what tracking APIs do: scans heard minutes to hours late, in batches out of order, now and then a scan
backfilled a day late, repeats.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from parceltrail.carriers.sandbox.geography import Place
from parceltrail.journeys.arrivals import arrivals
from parceltrail.journeys.network import (
    Carrier,
    add_business_days,
    at,
    business_day,
    local,
    pick_carrier,
    pick_places,
)
from parceltrail.journeys.trip import Trip
from parceltrail.journeys.truth import truth_of

PACIFIC = ZoneInfo("America/Los_Angeles")
SCENARIOS: dict[str, float] = {
    "clean": 0.42, "late_dispatch": 0.05, "stuck_pre_transit": 0.04, "never_shipped": 0.02, "stale_hold": 0.06,
    "lost": 0.05, "lost_declared": 0.01, "misroute": 0.04, "weather": 0.04, "damaged": 0.02, "address_issue": 0.03,
    "failed_attempt": 0.05, "return_to_sender": 0.04, "delivered_elsewhere": 0.04, "recycled_label": 0.03,
    "duplicate_number": 0.03, "slow_economy": 0.03,
}


def _order_time(rng: random.Random, origin: Place) -> datetime:
    start = date(2025, 1, 2)
    day = start + timedelta(days=rng.randrange(730))
    if rng.random() < 0.3:  # the holiday season is when it matters most: Thanksgiving to New Year
        day = date(rng.choice((2025, 2026)), 11, 20) + timedelta(days=rng.randrange(45))
    return at(day, rng.uniform(6.0, 23.5), origin)


def _deadline(day: date, business_days: int) -> datetime:
    return datetime.combine(add_business_days(day, business_days), time(23, 59, 59), tzinfo=PACIFIC).astimezone(UTC)


def _pickup(rng: random.Random, trip: Trip, ready: datetime, latest: datetime) -> datetime:
    """The carrier's afternoon pickup on the first business day the parcel is ready, before ``latest``."""
    here = local(ready, trip.origin)
    day = here.date() if here.hour < 14 else here.date() + timedelta(days=1)
    while not business_day(day):
        day += timedelta(days=1)
    when = at(day, rng.uniform(15.0, 19.0), trip.origin)
    return min(when, latest - timedelta(hours=rng.uniform(5.0, 9.0)))


def _late(rng: random.Random, trip: Trip, after: datetime, days: tuple[int, int]) -> datetime:
    day = local(after, trip.origin).date()
    for _ in range(rng.randint(*days)):
        day = add_business_days(day, 1)
    return at(day, rng.uniform(15.0, 19.0), trip.origin)


def _hold(kind: str) -> Callable:
    def hook(trip: Trip, hub: Place, arrived: datetime) -> datetime:
        rng = trip.rng
        if kind == "stale_hold":
            resume = trip.after_working_days(arrived, rng.uniform(3.0, 5.5), hub)
            trip.holds.append((arrived, resume))
            return resume
        if kind in ("lost", "lost_declared"):
            trip.stopped = True
            if kind == "lost_declared":
                trip.add(arrived + timedelta(days=rng.uniform(4.0, 9.0)), "exception", "lost",
                         "Package lost; a claim may be filed", hub)
            return arrived
        if kind == "weather":
            notice = trip.add(arrived + timedelta(hours=rng.uniform(0.5, 3.0)), "exception", "weather_delay",
                              "Weather delay: severe weather in the area", hub)
            return notice + timedelta(hours=rng.uniform(10.0, 30.0))
        trip.add(arrived + timedelta(hours=rng.uniform(0.5, 3.0)), "exception", "damaged",
                 "Package damaged; repackaged and forwarded", hub)
        return arrived + timedelta(hours=rng.uniform(4.0, 10.0))
    return hook


def _events_for(scenario: str) -> dict:
    if scenario in ("stale_hold", "lost", "lost_declared", "weather", "damaged"):
        return {"hub": _hold(scenario)}
    last_mile = {"failed_attempt": Trip.failed_then_delivered, "address_issue": Trip.address_issue,
                 "return_to_sender": Trip.returned, "delivered_elsewhere": Trip.deliver_elsewhere}
    if scenario in last_mile:
        return {"last_mile": last_mile[scenario]}
    return {"misroute": True} if scenario == "misroute" else {}


def _carrier(rng: random.Random, scenario: str) -> Carrier:
    carrier = pick_carrier(rng)
    if scenario == "slow_economy":
        from parceltrail.journeys.network import CARRIERS
        carrier = next(c for c in CARRIERS if c.code == "dhl")
    return carrier


def journey(rng: random.Random, number: int, scenario: str) -> list[dict]:
    """One journey line (two for ``duplicate_number``: one number on two orders)."""
    carrier = _carrier(rng, scenario)
    origin, destination = pick_places(rng)
    order_at = _order_time(rng, origin)
    shipped_for = order_at - timedelta(days=rng.uniform(4.0, 20.0)) if scenario == "recycled_label" else order_at
    if scenario == "recycled_label" and rng.random() < 0.4:
        shipped_for = order_at - timedelta(days=rng.uniform(1.6, 3.5))
    order_day = order_at.astimezone(PACIFIC).date()
    ship_by, deliver_by = _deadline(order_day, 2), _deadline(order_day, 6)
    trip = Trip(rng, carrier, origin, destination)
    label_at = shipped_for + timedelta(hours=rng.uniform(0.3, 20.0))
    if scenario == "late_dispatch" and rng.random() < 0.4:
        label_at = ship_by - timedelta(hours=rng.uniform(2.0, 20.0))  # the seller made no label until the last day
    trip.add(label_at, "info_received", "label_created", "Shipping label created", origin)
    pickup = _pickup(rng, trip, label_at, _deadline(shipped_for.astimezone(PACIFIC).date(), 2))
    if scenario == "late_dispatch":
        pickup = _late(rng, trip, ship_by, (1, 3))
    elif scenario == "stuck_pre_transit":
        pickup = _late(rng, trip, label_at + timedelta(hours=50), (0, 2))
    if scenario != "never_shipped":
        trip.travel(pickup, _events_for(scenario))
    end = trip.scans[-1].occurred_at
    ongoing = scenario in ("never_shipped", "lost", "lost_declared")
    as_of = end + timedelta(days=rng.uniform(12.0, 16.0) if ongoing else rng.uniform(1.0, 3.0))
    as_of = max(as_of, order_at + timedelta(days=rng.uniform(4.0, 7.0)))
    line = {
        "id": f"j{number:05d}", "carrier": carrier.code, "service": carrier.service,
        "tracking_number": f"{carrier.code.upper()}{number:09d}{rng.randrange(10**6):06d}",
        "origin": {"country": "US", "postal_code": origin.postal_code},
        "destination": {"country": "US", "postal_code": destination.postal_code},
        "order": {"created_at": _iso(order_at), "ship_by": _iso(ship_by), "deliver_by": _iso(deliver_by)},
        "events": arrivals(rng, trip.scans, as_of),
        "as_of": _iso(as_of), "scenario": scenario,
    }
    line["truth"] = truth_of(trip, order_at, label_at, ship_by, deliver_by, as_of, scenario)
    if scenario != "duplicate_number":
        return [line]
    twin_at = order_at + timedelta(hours=rng.uniform(20.0, 70.0))
    twin = dict(line, id=f"j{number:05d}b", order=dict(line["order"], created_at=_iso(twin_at)),
                events=arrivals(rng, trip.scans, as_of))
    twin["truth"] = truth_of(trip, twin_at, label_at, ship_by, deliver_by, as_of, scenario, duplicate_of=order_at)
    line["truth"] = truth_of(trip, order_at, label_at, ship_by, deliver_by, as_of, scenario, duplicate_of=twin_at)
    return [line, twin]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def generate(count: int, seed: int = 1, mix: dict[str, float] | None = None) -> Iterator[dict]:
    """``count`` journeys (a few more: a duplicated number makes two), reproducible from ``seed``."""
    rng = random.Random(seed)
    weights = mix or SCENARIOS
    names = list(weights)
    for number in range(count):
        scenario = rng.choices(names, weights=[weights[n] for n in names])[0]
        yield from journey(rng, number, scenario)
