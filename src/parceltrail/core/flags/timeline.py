"""The facts of a parcel's known events that the rules read: computed once per set of events.

Events are de-duplicated by fingerprint and put in the fold's total order, so the facts (and every flag
built on them) are the same whatever order the events arrived in. The expiry job's "expired" word is
ours, not the carrier's, so it is no scan and is ignored here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from parceltrail.core.flags.model import Locate, Point, Shipment
from parceltrail.core.flags.norms import Phase, phase_of
from parceltrail.core.fold import fingerprint, sort_key
from parceltrail.core.model import TrackingEvent
from parceltrail.core.status import Status, Substatus

NOT_SCANS = frozenset({Status.PENDING, Status.INFO_RECEIVED, Status.CANCELLED, Status.EXPIRED})
NOT_ACCEPTANCE = frozenset({Substatus.PICKUP_MISSED, Substatus.REJECTED_BY_CARRIER})
"""Exceptions a carrier can report about a parcel it never took."""
ENDS = frozenset({Status.DELIVERED, Status.RETURNED, Status.CANCELLED})
NEAR_DESTINATION_KM = 150.0


def km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine, Earth radius 6371 km)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class Located:
    event: TrackingEvent
    point: Point | None


@dataclass(frozen=True)
class Timeline:
    events: tuple[Located, ...]
    """Every known event but our own expiry word, in the fold's order (oldest first)."""
    scans: tuple[Located, ...]
    """The carrier's scans: events from acceptance on (labels, registrations and cancellations are not scans)."""
    destination: Point | None
    origin: Point | None

    @classmethod
    def of(cls, shipment: Shipment, events: Iterable[TrackingEvent], locate: Locate) -> Timeline:
        unique: dict[str, TrackingEvent] = {}
        for event in events:
            if event.status is not Status.EXPIRED:
                unique.setdefault(fingerprint(shipment.carrier, shipment.tracking_number, event), event)
        ordered = sorted(unique.items(), key=lambda item: sort_key(item[1], item[0]))
        cache: dict[str, Point | None] = {}

        def where(event: TrackingEvent) -> Point | None:
            key = event.location.key()
            if key not in cache:
                cache[key] = None if event.location.is_empty() else locate(event.location)
            return cache[key]

        located = tuple(Located(e, where(e)) for _, e in ordered)
        scans = tuple(item for item in located if item.event.status not in NOT_SCANS)
        destination = None if shipment.destination.is_empty() else locate(shipment.destination)
        origin = None if shipment.origin.is_empty() else locate(shipment.origin)
        return cls(located, scans, destination, origin)

    @property
    def newest(self) -> TrackingEvent | None:
        return self.events[-1].event if self.events else None

    @property
    def newest_scan(self) -> Located | None:
        return self.scans[-1] if self.scans else None

    @property
    def label_at(self) -> datetime | None:
        return next((i.event.occurred_at for i in self.events if i.event.status is Status.INFO_RECEIVED), None)

    @property
    def accepted_at(self) -> datetime | None:
        """The carrier's first scan that shows it has the parcel (TikTok's dispatch moment)."""
        return next((i.event.occurred_at for i in self.scans if i.event.substatus not in NOT_ACCEPTANCE), None)

    @property
    def first_carrier_event_at(self) -> datetime | None:
        return next((i.event.occurred_at for i in self.events if i.event.status is not Status.PENDING), None)

    @property
    def ended_at(self) -> datetime | None:
        """When the journey ended (delivered, back with the sender, label cancelled), if the newest event says so."""
        newest = self.newest
        return newest.occurred_at if newest is not None and newest.status in ENDS else None

    def km_to_destination(self, item: Located) -> float | None:
        if item.point is None or self.destination is None:
            return None
        return km(item.point, self.destination)

    def phase(self, item: Located) -> Phase | None:
        distance = self.km_to_destination(item)
        near = distance is not None and distance <= NEAR_DESTINATION_KM
        return phase_of(item.event.status, item.event.substatus, near)
