"""One generated parcel's scans, built leg by leg with the anomalies a scenario asks for."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from parceltrail.carriers.sandbox.geography import Place, distance_km, hubs
from parceltrail.journeys.network import (
    ECONOMY,
    RELAY_EVERY_H,
    SORT_H,
    Carrier,
    at,
    far_place,
    leg_hours,
    local,
    moves_on,
    near,
    next_open,
    next_wave,
    route,
)


@dataclass
class Scan:
    occurred_at: datetime
    status: str
    substatus: str
    description: str
    place: Place | None


@dataclass
class Trip:
    """Scans in time order (a scan is never stamped before the one before it) and what happened."""

    rng: random.Random
    carrier: Carrier
    origin: Place
    destination: Place
    scans: list[Scan] = field(default_factory=list)
    holds: list[tuple[datetime, datetime]] = field(default_factory=list)
    misroute_at: datetime | None = None
    misrouted_to: Place | None = None
    elsewhere_at: datetime | None = None
    stopped: bool = False

    def add(self, when: datetime, status: str, substatus: str, description: str, where: Place | None) -> datetime:
        when = when.replace(second=0, microsecond=0)
        if self.scans and when <= self.scans[-1].occurred_at:
            when = self.scans[-1].occurred_at + timedelta(minutes=1)
        self.scans.append(Scan(when, status, substatus, description, where))
        return when

    def moving(self, moment: datetime, where: Place) -> datetime:
        return next_open(moment, where, lambda d: moves_on(self.carrier, d), self.rng)

    def after_working_days(self, moment: datetime, days: float, where: Place) -> datetime:
        """``days`` of the carrier's working time after ``moment`` (counted hour by hour, local)."""
        hours = days * 24.0
        t = moment
        while hours > 0:
            if moves_on(self.carrier, local(t, where).date()):
                hours -= 1.0
            t += timedelta(hours=1)
        return t

    # -- the way out ----------------------------------------------------------------------------------

    def travel(self, pickup: datetime, events: dict) -> None:
        """Picked up at ``pickup``, through the hubs, to the delivery station and the door."""
        rng = self.rng
        t = self.add(pickup, "in_transit", "picked_up", "Picked up", self.origin)
        previous = self.origin
        path = route(self.origin, self.destination, self.carrier)
        special = rng.randrange(len(path))
        for i, hub in enumerate(path):
            t = self.moving(t + timedelta(hours=rng.uniform(0.5, 2.0)), previous)
            t = self._leg(t, previous, hub)
            arrived = self.add(t, "in_transit", "arrived_at_facility", "Arrived at facility", hub)
            t = arrived
            if i == special and (hook := events.get("hub")) is not None:
                t = hook(self, hub, arrived)
                if self.stopped:
                    return
            low, high = SORT_H[self.carrier.kind]
            t = self.moving(next_wave(t + timedelta(hours=rng.uniform(low, high)), hub, self.carrier.kind, rng), hub)
            if rng.random() < 0.9:
                t = self.add(t, "in_transit", "departed_facility", "Departed facility", hub)
            previous = hub
            if i == special and events.get("misroute") and i + 1 < len(path):
                t = self._detour(t, hub)
                previous = self.misrouted_to or hub
        t = self.moving(self._leg(t, previous, self.destination), self.destination)
        if self.carrier.kind == ECONOMY:
            t = self.add(t, "in_transit", "handed_to_partner", "Handed to the postal service for delivery",
                         self.destination)
            t += timedelta(hours=rng.uniform(6, 14))
        station = self.add(t, "in_transit", "arrived_at_facility", "Arrived at delivery station", self.destination)
        (events.get("last_mile") or Trip.deliver)(self, station)

    def _leg(self, t: datetime, a: Place, b: Place) -> datetime:
        """Drive from ``a`` to ``b``; a long leg stops at relay facilities (real ZIPs on the way) and scans."""
        hours = leg_hours(a, b, self.carrier, self.rng)
        relays = int(hours // RELAY_EVERY_H)
        for k in range(1, relays + 1):
            share = k / (relays + 1)
            relay = near(a.lat + (b.lat - a.lat) * share, a.lon + (b.lon - a.lon) * share)
            stop = self.moving(t + timedelta(hours=hours / (relays + 1)), relay)
            t = self.add(stop, "in_transit", "arrived_at_facility", "Arrived at relay facility", relay)
            t = self.moving(t + timedelta(hours=self.rng.uniform(1.0, 3.0)), relay)
            t = self.add(t, "in_transit", "departed_facility", "Departed relay facility", relay)
        return self.moving(t + timedelta(hours=hours / (relays + 1)), b)

    def _detour(self, t: datetime, hub: Place) -> datetime:
        """Sent to a hub far off the route; the parcel goes on from there to the next hub on its way."""
        rng = self.rng
        here = distance_km(hub, self.destination)
        wrong = [h for h in hubs() if distance_km(hub, h) + distance_km(h, self.destination) - here > max(1500, here)
                 and distance_km(h, self.destination) > 900 and distance_km(self.origin, h) > 1200]
        if not wrong:  # nowhere to send it that is plainly wrong: it goes on as it should
            return t
        w = wrong[rng.randrange(len(wrong))]
        t = self._leg(t, hub, w)
        self.misroute_at = self.add(t, "in_transit", "arrived_at_facility", "Arrived at facility", w)
        t = self.moving(self.misroute_at + timedelta(hours=rng.uniform(4, 20)), w)
        self.misrouted_to = w
        return self.add(t, "in_transit", "departed_facility", "Departed facility; rerouted to correct destination", w)

    # -- the last mile --------------------------------------------------------------------------------

    def delivery_day(self, after: datetime, same_day_before: float = 5.0):
        here = local(after, self.destination)
        day = here.date()
        if not (moves_on(self.carrier, day) and here.hour + here.minute / 60 < same_day_before):
            day += timedelta(days=1)
            while not moves_on(self.carrier, day):
                day += timedelta(days=1)
        return day

    def next_delivery_day(self, day):
        day += timedelta(days=1)
        while not moves_on(self.carrier, day):
            day += timedelta(days=1)
        return day

    def out(self, day) -> datetime:
        return self.add(at(day, self.rng.uniform(7.0, 9.5), self.destination), "out_for_delivery", "out_for_delivery",
                        "Out for delivery", self.destination)

    def drop(self, day, where: Place | None = None) -> datetime:
        sub, text = self.rng.choice([("left_at_door", "Delivered, left at front door"), ("mailbox", "Delivered to mailbox"),
                                     ("signed", "Delivered, signed for"), ("delivered", "Delivered")])
        return self.add(at(day, self.rng.uniform(10.5, 19.0), self.destination), "delivered", sub, text,
                        where or self.destination)

    def deliver(self, station: datetime) -> None:
        day = self.delivery_day(station)
        self.out(day)
        self.drop(day)

    def deliver_elsewhere(self, station: datetime) -> None:
        day = self.delivery_day(station)
        self.out(day)
        self.elsewhere_at = self.drop(day, far_place(self.rng, self.destination, 250, 900))

    def failed_then_delivered(self, station: datetime) -> None:
        day = self.delivery_day(station)
        self.out(day)
        reason = self.rng.choice([("recipient_unavailable", "Delivery attempted, no one available"),
                                  ("access_issue", "Delivery attempted, no access to delivery location")])
        self.add(at(day, self.rng.uniform(11, 18), self.destination), "delivery_failed", *reason, self.destination)
        day = self.next_delivery_day(day)
        self.out(day)
        self.drop(day)

    def address_issue(self, station: datetime) -> None:
        day = self.delivery_day(station)
        self.add(at(day, self.rng.uniform(6.0, 7.2), self.destination), "exception", "address_issue",
                 "Address information incomplete; contacting the shipper", self.destination)
        fixed = self.next_delivery_day(day)
        self.add(at(fixed, self.rng.uniform(9.5, 10.5), self.destination), "in_transit", "problem_resolved",
                 "Address corrected", self.destination)
        self.out(fixed)
        self.drop(fixed)

    def returned(self, station: datetime) -> None:
        rng = self.rng
        day = self.delivery_day(station)
        self.out(day)
        when = at(day, rng.uniform(12, 18), self.destination)
        if rng.random() < 0.5:
            self.add(when, "exception", "refused", "Refused by recipient", self.destination)
        else:
            self.add(when, "delivery_failed", "attempt_failed", "Delivery attempted; final notice left",
                     self.destination)
        back = self.moving(when + timedelta(hours=rng.uniform(14, 30)), self.destination)
        t = self.add(back, "returning", "return_to_sender", "Returning to sender", self.destination)
        previous = self.destination
        for hub in reversed(route(self.origin, self.destination, self.carrier)):
            t = self.moving(t + timedelta(hours=leg_hours(previous, hub, self.carrier, rng)), hub)
            t = self.add(t, "returning", "return_to_sender", "Return in transit: arrived at facility", hub)
            previous = hub
        t = self.moving(t + timedelta(hours=leg_hours(previous, self.origin, self.carrier, rng) + 12), self.origin)
        self.add(t, "returned", "returned_to_sender", "Returned to sender", self.origin)
