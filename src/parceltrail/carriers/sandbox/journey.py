"""A sandbox parcel's whole journey, computed from its tracking number alone.

``journey(number)`` is pure and cached: origin and destination come from the seed, every scan time
from the number's digits through ``Dice``, so the same number gives the same scans in any process.
The route is origin -> nearest hub -> (line-haul hub) -> hub nearest the destination -> the
destination's delivery station. Times follow the service: pickups in the afternoon of a business
day, trucks at highway speed with sorts at each hub, express on the evening air wave, economy slower
and handed to a postal partner for the last mile; out for delivery in the morning and delivered in
the afternoon of a delivery day (never a Sunday or a carrier holiday).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from parceltrail.carriers.sandbox.codes import DESCRIPTIONS, canonical
from parceltrail.carriers.sandbox.geography import Place, distance_km, line_haul, nearest_hub, place_of, zip_pool
from parceltrail.carriers.sandbox.lines import LINES, Line
from parceltrail.carriers.sandbox.numbering import NotASandboxNumber, SandboxNumber, Scenario, Service, decode
from parceltrail.carriers.sandbox.timing import (
    Dice,
    at_local,
    is_business_day,
    is_delivery_day,
    local_day,
    minute,
    next_day,
    on_or_after,
)
from parceltrail.core import Location, Status, Substatus, TrackingEvent

SIGNERS = ("GARCIA", "SMITH", "NGUYEN", "JOHNSON", "PATEL", "BROWN", "LEE", "MARTINEZ", "WILLIAMS", "DAVIS")


@dataclass(frozen=True, slots=True)
class Scan:
    """One scan as the sandbox carrier records it: UTC time, its code and words, and the place."""

    occurred_at: datetime
    code: str
    description: str
    place: Place
    status: Status
    substatus: Substatus

    def location(self) -> Location:
        p = self.place
        return Location(p.city, p.region, p.postal_code, p.country)

    def event(self) -> TrackingEvent:
        return TrackingEvent(
            self.occurred_at, self.status, self.substatus, self.description, self.code, self.location()
        )


@dataclass(frozen=True, slots=True)
class Journey:
    """Everything that will ever happen to one sandbox parcel; ``visible(now)`` is what has happened."""

    number: str
    shipped_at: datetime
    service: Service
    scenario: Scenario
    seed: int
    origin: Place
    destination: Place
    hubs: tuple[Place, ...]
    scans: tuple[Scan, ...]
    promised: date
    """The delivery day the service standard promises at label time (the carrier's first estimate)."""
    signed_by: str | None = None
    _times: tuple[datetime, ...] = field(default=(), repr=False, compare=False)

    def visible(self, now: datetime) -> tuple[Scan, ...]:
        """The scans that have happened by ``now`` (occurred_at <= now)."""
        return self.scans[: bisect.bisect_right(self._times, now)]

    @property
    def outcome(self) -> tuple[Status, Substatus]:
        """Where the parcel ends up once every scan has happened."""
        last = self.scans[-1]
        return last.status, last.substatus

    @property
    def delivered_at(self) -> datetime | None:
        return next((s.occurred_at for s in self.scans if s.status is Status.DELIVERED), None)

    @property
    def last_scan_at(self) -> datetime:
        return self.scans[-1].occurred_at


class _Timeline:
    """Collects scans in order; a scan can never be stamped before the one before it."""

    def __init__(self) -> None:
        self.scans: list[Scan] = []
        self.returning = False

    def add(self, when: datetime, code: str, place: Place, description: str | None = None) -> datetime:
        when = minute(when)
        if self.scans and when <= self.scans[-1].occurred_at:
            when = self.scans[-1].occurred_at + timedelta(minutes=1)
        status, substatus = canonical(code, self.returning)
        self.returning = self.returning or status is Status.RETURNING
        self.scans.append(Scan(when, code, description or DESCRIPTIONS[code], place, status, substatus))
        return when

    @property
    def last(self) -> datetime:
        return self.scans[-1].occurred_at


# Line-haul and local legs: hours = km / speed + fixed handling; hub sort windows in hours.
TRUCK_KMH = {Service.GROUND: 60.0, Service.EXPRESS: 75.0, Service.ECONOMY: 45.0}
LEG_HANDLING_H = {Service.GROUND: 1.0, Service.EXPRESS: 0.5, Service.ECONOMY: 6.0}
SORT_H = {Service.GROUND: (2.0, 6.0), Service.EXPRESS: (0.5, 1.5), Service.ECONOMY: (6.0, 14.0)}
# Out-for-delivery and delivery hours (local): express rounds go first and finish by early afternoon.
ROUND_H = {Service.GROUND: (7.5, 9.5), Service.EXPRESS: (7.0, 8.5), Service.ECONOMY: (7.5, 9.5)}
DROP_H = {Service.GROUND: (11.5, 18.5), Service.EXPRESS: (9.5, 14.0), Service.ECONOMY: (11.5, 18.5)}
LOCAL_KMH = 65.0
FLIGHT_KMH = 750.0


def _local_leg(a: Place, b: Place) -> timedelta:
    return timedelta(hours=distance_km(a, b) / LOCAL_KMH + 0.75)


def _trunk_leg(a: Place, b: Place, service: Service, haul: float = 1.0) -> timedelta:
    km = distance_km(a, b)
    if service is Service.EXPRESS and km >= 900:
        return timedelta(hours=km / FLIGHT_KMH + 1.0)
    return timedelta(hours=(km / TRUCK_KMH[service] + LEG_HANDLING_H[service]) * haul)


class _Build:
    """One run of the journey rules; ``typical`` dice give the promised (service-standard) timeline."""

    def __init__(self, number: SandboxNumber, scenario: Scenario, ends: tuple[Place, Place],
                 route: tuple[Place, ...], dice: Dice) -> None:  # fmt: skip
        self.service, self.scenario, self.dice = number.service, scenario, dice
        self.shipped_at, (self.origin, self.destination), self.route = number.shipped_at, ends, route
        self.t = _Timeline()
        self.stopped = False
        line: Line = LINES[number.line]
        home = line.home(self.origin.region, self.destination.region)
        self.haul, self.miss = (line.haul, line.miss) if home else (line.haul_away, line.miss_away)
        # Express is a next-business-day product (Saturday delivery is an add-on the sandbox does not sell).
        self.delivers_on = is_business_day if self.service is Service.EXPRESS else is_delivery_day

    def run(self) -> list[Scan]:
        t, dice, route = self.t, self.dice, self.route
        t.add(self.shipped_at, "MP", self.origin)
        earliest = self.shipped_at + timedelta(hours=1)
        if dice.chance("dropped off a day late", 0.05 if self.service is Service.EXPRESS else 0.15):
            earliest += timedelta(days=1)
        pickup = on_or_after(earliest, dice.uniform("pickup hour", 15.0, 19.0), self.origin, is_business_day)
        departed = t.add(pickup, "PU", self.origin)
        previous = self.origin
        special = self.dice.index("hub of the event", len(route))
        for i, hub in enumerate(route):
            leg = _local_leg(previous, hub) if i == 0 else _trunk_leg(previous, hub, self.service, self.haul)
            arrived = t.add(departed + leg, "AR", hub)
            departed = self._leave_hub(i, hub, arrived, special)
            if self.stopped:
                return t.scans
            previous = hub
        station_at = t.add(departed + _local_leg(previous, self.destination), "AR", self.destination)
        self._last_mile(station_at)
        return t.scans

    def _leave_hub(self, i: int, hub: Place, arrived: datetime, special: int) -> datetime:
        t, dice, scenario = self.t, self.dice, self.scenario
        if i == special and scenario is Scenario.STALE:
            self.stopped = True
            return arrived
        ready = arrived
        if i == special and scenario is Scenario.WEATHER_DELAY:
            held = t.add(arrived + timedelta(hours=dice.uniform("weather notice", 1.0, 3.0)), "EX-WX", hub)
            ready = held + timedelta(hours=dice.uniform("weather hold", 24.0, 60.0))
        if i == special and scenario is Scenario.DAMAGED:
            damaged = t.add(arrived + timedelta(hours=dice.uniform("damage found", 0.5, 2.0)), "EX-DMG", hub)
            ready = damaged + timedelta(hours=dice.uniform("repack", 18.0, 30.0))
        low, high = SORT_H[self.service]
        leave = ready + timedelta(hours=dice.uniform(f"sort {i}", low, high))
        if dice.chance(f"missed trailer {i}", self.miss):
            leave += timedelta(days=1)
        if self.service is Service.EXPRESS and i == 0:
            leave = self._night_wave(hub, leave)
        departed = t.add(leave, "DP", hub)
        if i == special and scenario is Scenario.LOST:
            self.stopped = True
            search = departed + timedelta(days=dice.uniform("search days", 7.0, 10.0))
            t.add(
                on_or_after(search, dice.uniform("claim hour", 9.0, 17.0), hub, is_business_day),
                "EX-LOST",
                hub,
            )
        return departed

    def _night_wave(self, hub: Place, sorted_at: datetime) -> datetime:
        """Express leaves the first hub on the evening air wave: tonight if sorted by 23:30, else next day."""
        wave = self.dice.uniform("air wave", 20.0, 22.5)
        day = local_day(sorted_at, hub)
        if sorted_at > at_local(day, 23.5, hub):
            return at_local(next_day(day), wave, hub)
        return max(sorted_at, at_local(day, wave, hub))

    def _last_mile(self, station_at: datetime) -> None:
        t, dice, home = self.t, self.dice, self.destination
        ready = station_at + timedelta(hours=0.25 if self.service is Service.EXPRESS else 1.5)
        if self.service is Service.ECONOMY:
            handed = t.add(station_at + timedelta(hours=dice.uniform("handoff", 1.0, 3.0)), "HP", home)
            ready = handed + timedelta(hours=12)
        out = on_or_after(
            ready, dice.uniform("out for delivery", *ROUND_H[self.service]), home, self.delivers_on
        )
        day = local_day(out, home)
        if self.scenario is Scenario.ADDRESS_ISSUE:
            t.add(at_local(day, dice.uniform("address check", 6.0, 7.4), home), "EX-ADDR", home)
            fixed_day = next_day(day, is_business_day)
            t.add(at_local(fixed_day, dice.uniform("address fixed", 10.0, 16.0), home), "AC", home)
            day = next_day(fixed_day, self.delivers_on)
        elif self.scenario is Scenario.FAILED_ATTEMPT_THEN_SUCCESS:
            self._out(day, "first attempt")
            t.add(at_local(day, dice.uniform("attempt", 12.0, 18.0), home), "DF", home)
            day = next_day(day, self.delivers_on)
        elif self.scenario is Scenario.RETURN_TO_SENDER:
            self._return(day)
            return
        self._out(day, "delivery")
        t.add(
            at_local(day, dice.uniform("delivered hour", *DROP_H[self.service]), home),
            self._delivery_code(),
            home,
        )

    def _out(self, day: date, label: str) -> None:
        hours = self.dice.uniform(f"out {label}", *ROUND_H[self.service])
        self.t.add(at_local(day, hours, self.destination), "OD", self.destination)

    def _delivery_code(self) -> str:
        if self.service is Service.EXPRESS:
            return "DS" if self.dice.chance("signature", 0.6) else "DL"
        return "DM" if self.dice.chance("mailbox", 0.5 if self.service is Service.ECONOMY else 0.25) else "DL"

    def _return(self, day: date) -> None:
        t, dice, home = self.t, self.dice, self.destination
        self._out(day, "delivery")
        when = at_local(day, dice.uniform("refusal", 12.0, 18.0), home)
        if dice.chance("refused or unknown", 0.5):
            t.add(when, "EX-RFSD", home)
        else:
            t.add(when, "EX-ADDR", home, "Receiver not known at this address; returning to sender")
        back = t.add(
            on_or_after(when, dice.uniform("return starts", 8.0, 12.0), home, is_business_day), "RS", home
        )
        previous = home
        for i, hub in enumerate(reversed(self.route)):
            leg = _local_leg(previous, hub) if i == 0 else _trunk_leg(previous, hub, Service.GROUND)
            arrived = t.add(back + leg, "AR", hub)
            back = t.add(arrived + timedelta(hours=dice.uniform(f"return sort {i}", 2.0, 6.0)), "DP", hub)
            previous = hub
        arrived = back + _local_leg(previous, self.origin)
        t.add(on_or_after(arrived, dice.uniform("returned hour", 10.0, 16.0), self.origin), "RD", self.origin)


def _endpoints(number: SandboxNumber) -> tuple[Place, Place]:
    """A label's own ZIPs, or for a plain number origin and destination drawn from the seed alone."""
    if number.labelled:
        try:
            return place_of(number.origin_zip), place_of(number.destination_zip)  # type: ignore[arg-type]
        except KeyError as error:
            raise NotASandboxNumber(f"{number.text()} names {error.args[0]}") from None
    return _seed_endpoints(number.seed)


def _seed_endpoints(seed: int) -> tuple[Place, Place]:
    """Origin and destination ZIPs drawn from the seed alone (different ZIPs, always)."""
    pool = zip_pool()
    dice = Dice(f"seed:{seed}")
    i = dice.index("origin", len(pool))
    j = dice.index("destination", len(pool) - 1)
    return pool[i], pool[j + 1 if j >= i else j]


def _route(origin: Place, destination: Place, service: Service) -> tuple[Place, ...]:
    first, last = nearest_hub(origin), nearest_hub(destination)
    if first == last:
        return (first,)
    return (first, *line_haul(first, last, service is Service.EXPRESS), last)


@lru_cache(maxsize=8192)
def journey(number: str) -> Journey:
    """The journey a sandbox number encodes. ``NotASandboxNumber`` for anything that is not one."""
    fields_ = decode(number)
    ends = _endpoints(fields_)
    origin, destination = ends
    route = _route(origin, destination, fields_.service)
    dice = Dice(fields_.serial())
    scans = _Build(fields_, fields_.scenario, ends, route, dice).run()
    standard = _Build(fields_, Scenario.NORMAL, ends, route, Dice(fields_.serial(), typical=True)).run()
    promised = local_day(standard[-1].occurred_at, destination)
    signer = None
    if scans[-1].code == "DS":
        signer = f"{'ABCDEJKLMRST'[dice.index('initial', 12)]}. {SIGNERS[dice.index('signer', len(SIGNERS))]}"
    return Journey(
        number=fields_.text(),
        shipped_at=fields_.shipped_at,
        service=fields_.service,
        scenario=fields_.scenario,
        seed=fields_.seed,
        origin=origin,
        destination=destination,
        hubs=route,
        scans=tuple(scans),
        promised=promised,
        signed_by=signer,
        _times=tuple(s.occurred_at for s in scans),
    )
