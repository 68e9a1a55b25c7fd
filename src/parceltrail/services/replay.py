"""Replaying journeys through time, as the live service would have seen them, to measure the detector.

Each journey is walked from its first moment (the order, or the first event heard of) to ``as_of``: an
event counts from its ``recorded_at``; the clock ticks every hour, and also exactly at each moment a
rule can change (a deadline, the stale threshold, TikTok's lost moment), so a flag's ``first_flagged_at``
is exact, not rounded to the hour. The delivery estimate is the live one for a shop without history
(carrier standards), re-asked whenever new events are heard. A flag that a late-arriving scan shows
was never true is closed as ``retracted``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from parceltrail import eta
from parceltrail.core import Package, TrackingEvent
from parceltrail.core.flags import (
    SEVERITY_RANK,
    Detector,
    EstimatedDelivery,
    Flag,
    FlagType,
    OrderContext,
    StaleNorms,
    learn_norms,
    waits_of,
)
from parceltrail.core.fold import fold_events
from parceltrail.services.estimates import prediction_input, withheld_reason
from parceltrail.services.flag_inputs import calendars_for, detector_for, handoff_events, locate, shipment_of
from parceltrail.services.replay_input import Journey, LineError, read_line

_PRIOR = eta.CarrierStandards()
HOUR = timedelta(hours=1)


def _z(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class FlagRecord:
    type: FlagType
    first_flagged_at: datetime
    since: datetime
    severity: str
    reason: str
    closed_at: datetime | None = None
    retracted: bool = False
    first_reason: str = ""

    def to_json(self) -> dict:
        return {"type": self.type.value, "first_flagged_at": _z(self.first_flagged_at), "closed_at": _z(self.closed_at),
                "severity": self.severity, "reason": self.reason, "since": _z(self.since), "retracted": self.retracted,
                "first_reason": self.first_reason}


@dataclass
class FlagLog:
    """Turns the open flags seen at successive moments into flags with a first and a closing time."""

    open: dict[FlagType, FlagRecord] = field(default_factory=dict)
    done: list[FlagRecord] = field(default_factory=list)

    def observe(self, flags: list[Flag], at: datetime,
                hindsight: Callable[[datetime], Detector] | None = None) -> None:
        """Record the flags open ``at``. With ``hindsight`` (what we now know had happened by a moment), a flag
        that closes is ``retracted`` when it was not true at the moment it was raised: a scan from before
        then arrived late."""
        seen = set()
        for flag in flags:
            seen.add(flag.type)
            record = self.open.get(flag.type)
            if record is None:
                self.open[flag.type] = FlagRecord(flag.type, at, flag.since, flag.severity.value, flag.reason,
                                                  first_reason=flag.reason)
                continue
            record.since = min(record.since, flag.since)
            record.reason = flag.reason
            if SEVERITY_RANK[flag.severity] > SEVERITY_RANK[record.severity]:  # type: ignore[index]
                record.severity = flag.severity.value
        for kind in [k for k in self.open if k not in seen]:
            record = self.open.pop(kind)
            record.closed_at = at
            if hindsight is not None:
                then = record.first_flagged_at
                record.retracted = all(f.type is not kind for f in hindsight(then).flags(then))
            self.done.append(record)

    def rejudge(self, heard: list[TrackingEvent], hindsight: Callable[[datetime], Detector]) -> None:
        """Scans just heard that happened before a closed flag was raised can show it was never true: a
        parcel's out-for-delivery scan heard only after its delivery retracts the "not out for
        delivery, so late" warning that closed on the delivery. Without this, what a flag turns out to be
        would depend on which of two late scans was heard first."""
        if not heard:
            return
        oldest = min(e.occurred_at for e in heard)
        for record in self.done:
            then = record.first_flagged_at
            if not record.retracted and oldest <= then:
                record.retracted = all(f.type is not record.type for f in hindsight(then).flags(then))

    def records(self) -> list[FlagRecord]:
        return sorted([*self.done, *self.open.values()], key=lambda r: (r.first_flagged_at, r.type.value))


def _package(journey: Journey, created_at: datetime) -> Package:
    return Package(id=str(journey.id), shop_id="replay", tracking_number=journey.tracking_number or str(journey.id),
                   carrier=journey.carrier, created_at=created_at, updated_at=created_at, destination=journey.destination,
                   origin=journey.origin, service=journey.service)


def _estimate(package: Package, events: list[TrackingEvent]) -> EstimatedDelivery | None:
    """The estimate the late rule reads: made when the carrier took the parcel (``handoff_events``)."""
    state = fold_events(events, package.carrier, package.tracking_number)
    if withheld_reason(state.status, state.substatus) is not None:
        return None
    found = eta.predict(_PRIOR, prediction_input(package, handoff_events(events), None))
    return EstimatedDelivery(found.earliest, found.likely, found.promise)


def replay_journey(journey: Journey, other_orders: tuple[datetime, ...] = (),
                   norms: StaleNorms | None = None) -> list[FlagRecord]:
    arrivals = sorted((a for a in journey.arrivals if a.recorded_at <= journey.as_of), key=lambda a: a.recorded_at)
    starts = [a.recorded_at for a in arrivals] + ([journey.order_created_at] if journey.order_created_at else [])
    start = min(starts, default=journey.as_of)
    created = journey.order_created_at or min((a.event.occurred_at for a in arrivals), default=start)
    package = _package(journey, created)
    promise = None
    if journey.deliver_by is None:
        first = _estimate(package, [])
        promise = first.promise if first else None
    order = OrderContext(created_at=journey.order_created_at, ship_by=journey.ship_by, deliver_by=journey.deliver_by,
                         promised_by=promise, other_orders=other_orders, buyer_postal_code=journey.buyer_postal_code,
                         auto_cancel_at=journey.auto_cancel_at)
    changes = sorted({start, *(a.recorded_at for a in arrivals)})
    log = FlagLog()
    for i, segment_start in enumerate(changes):
        last = i + 1 == len(changes)
        segment_end = journey.as_of if last else changes[i + 1]
        known = [a.event for a in arrivals if a.recorded_at <= segment_start]

        def hindsight(moment: datetime, known: list[TrackingEvent] = known) -> Detector:
            happened = [e for e in known if e.occurred_at <= moment]
            return detector_for(package, happened, order, norms or StaleNorms(), _estimate(package, happened))

        log.rejudge([a.event for a in arrivals if a.recorded_at == segment_start], hindsight)
        detector = detector_for(package, known, order, norms or StaleNorms(), _estimate(package, known))
        moments = {segment_start, *(t for t in detector.instants() if segment_start < t < segment_end)}
        tick = segment_start.replace(minute=0, second=0, microsecond=0) + HOUR
        while tick < segment_end:
            moments.add(tick)
            tick += HOUR
        if last:
            moments.add(journey.as_of)
        for j, moment in enumerate(sorted(moments)):
            log.observe(detector.flags(moment), moment, hindsight if j == 0 else None)
    return log.records()


def norms_from(journeys: Iterable[Journey]) -> StaleNorms:
    """Stale norms learned from the delivered journeys of a history file."""
    waits = []
    for journey in journeys:
        events = [a.event for a in journey.arrivals]
        if fold_events(events).delivered_at is None:
            continue
        package = _package(journey, min(e.occurred_at for e in events))
        waits += waits_of(shipment_of(package), events,
                          calendars_for(journey.carrier, journey.service, journey.destination), locate)
    return learn_norms(waits)


@dataclass(frozen=True)
class Replayed:
    journey: Journey
    flags: list[FlagRecord]

    def to_json(self) -> dict:
        return {"id": self.journey.id, "flags": [f.to_json() for f in self.flags]}


def read_journeys(lines: Iterable[str]) -> Iterator[Journey | LineError]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            yield read_line(number, text)
        except LineError as error:
            yield error


def replay(lines: Iterable[str], norms: StaleNorms | None = None) -> Iterator[Replayed | LineError]:
    """Every line's flags in file order; a bad line yields its ``LineError`` and the rest still run.

    Journeys in the file that carry the same tracking number (and carrier) are one number on several
    orders: each sees the others' order times (from when those orders exist)."""
    read = list(read_journeys(lines))
    orders: dict[tuple[str | None, str], list[tuple[str, datetime]]] = defaultdict(list)
    for item in read:
        if isinstance(item, Journey) and item.tracking_number and item.order_created_at:
            orders[(item.carrier, item.tracking_number)].append((str(item.id), item.order_created_at))
    for item in read:
        if isinstance(item, LineError):
            yield item
            continue
        others = tuple(t for oid, t in orders.get((item.carrier, item.tracking_number), []) if oid != str(item.id))
        yield Replayed(item, replay_journey(item, others, norms))


__all__ = ["FlagLog", "FlagRecord", "Replayed", "norms_from", "read_journeys", "replay",
           "replay_journey"]
