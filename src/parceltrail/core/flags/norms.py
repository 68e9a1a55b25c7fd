"""How long a parcel normally waits between scans: per phase, carrier and lane, learned with a prior.

A wait is measured in working hours of the carrier's calendar, so a Friday-evening scan followed by a
Monday-morning one is a short wait for a carrier that does not move parcels at weekends. The prior is
what a shop with no history gets: generous enough that a normal network (an overnight linehaul, a
weekend at the delivery station) never trips it, tight enough to warn days before TikTok's lost rule.
A shop's delivered parcels teach its own norms: per phase, each parcel's longest wait; the 90th
percentile of those, with half on top, pulled toward the wider group (carrier, then phase, then prior)
while it has few parcels. The longest wait per parcel, not every wait: a parcel waits many times, and a
threshold crossed by 2% of waits would be crossed by a quarter of parcels. The 90th percentile, not the
99th: every history holds a few parcels that were stuck and then delivered, and the 99th percentile
would learn their holds as normal (on generated histories with 8% such parcels it did, and missed a
quarter of the stuck parcels it should have flagged).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from parceltrail.core.status import Status, Substatus


class Phase(StrEnum):
    FIRST_MILE = "first_mile"
    IN_NETWORK = "in_network"
    CUSTOMS = "customs"
    AT_DELIVERY_STATION = "at_delivery_station"
    OUT_FOR_DELIVERY = "out_for_delivery"
    ATTEMPTED = "attempted"
    PICKUP_POINT = "pickup_point"
    EXCEPTION = "exception"
    RETURNING = "returning"


PHASE_WORDS = {
    Phase.FIRST_MILE: "after pickup", Phase.IN_NETWORK: "in transit", Phase.CUSTOMS: "in customs",
    Phase.AT_DELIVERY_STATION: "at the delivery station", Phase.OUT_FOR_DELIVERY: "out for delivery",
    Phase.ATTEMPTED: "after a delivery attempt", Phase.PICKUP_POINT: "at the pickup point",
    Phase.EXCEPTION: "after a carrier exception", Phase.RETURNING: "on its way back",
}

PRIOR_HOURS: dict[Phase, float] = {
    Phase.FIRST_MILE: 36.0,
    Phase.IN_NETWORK: 48.0,
    Phase.CUSTOMS: 96.0,
    Phase.AT_DELIVERY_STATION: 48.0,
    Phase.OUT_FOR_DELIVERY: 24.0,
    Phase.ATTEMPTED: 36.0,
    Phase.PICKUP_POINT: 120.0,
    Phase.EXCEPTION: 60.0,
    Phase.RETURNING: 72.0,
}
"""Working hours without a scan after which a wait is abnormal, before any history is known."""

QUANTILE = 0.90
MARGIN = 1.5
PSEUDO_COUNT = 30.0  # parcels a group needs before its own figure counts as much as its wider group's
FLOOR_SHARE = 0.5  # a learned threshold never drops below half the prior (a few fast parcels prove little)
CEILING_HOURS = 120.0  # nor rises past five working days: stale must come well before TikTok's lost rule

_CUSTOMS = frozenset({Substatus.CUSTOMS_STARTED, Substatus.ARRIVED_DESTINATION_COUNTRY})


def phase_of(status: Status, substatus: Substatus, near_destination: bool) -> Phase | None:
    """The phase a parcel is in after a scan of this status; None where waiting is not a carrier's doing
    (before acceptance, or after the end of the journey)."""
    if status is Status.IN_TRANSIT:
        if substatus is Substatus.PICKED_UP:
            return Phase.FIRST_MILE
        if substatus in _CUSTOMS:
            return Phase.CUSTOMS
        return Phase.AT_DELIVERY_STATION if near_destination else Phase.IN_NETWORK
    return {
        Status.OUT_FOR_DELIVERY: Phase.OUT_FOR_DELIVERY,
        Status.DELIVERY_FAILED: Phase.ATTEMPTED,
        Status.AVAILABLE_FOR_PICKUP: Phase.PICKUP_POINT,
        Status.EXCEPTION: Phase.EXCEPTION,
        Status.RETURNING: Phase.RETURNING,
    }.get(status)


Key = tuple[Phase, str | None, str | None]  # phase, carrier, lane


@dataclass(frozen=True)
class StaleNorms:
    """Thresholds in working hours by (phase, carrier, lane), with the number of waits each rests on."""

    hours: Mapping[Key, float] = field(default_factory=dict)
    waits: Mapping[Key, int] = field(default_factory=dict)

    def threshold(self, phase: Phase, carrier: str | None, lane: str | None) -> tuple[float, int]:
        """(working hours, waits it was learned from; 0 for the prior) for the narrowest group known."""
        for key in ((phase, carrier, lane), (phase, carrier, None), (phase, None, None)):
            if key in self.hours:
                return self.hours[key], self.waits.get(key, 0)
        return PRIOR_HOURS[phase], 0


PRIOR_NORMS = StaleNorms()


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _shrunk(values: list[float], parent: float, phase: Phase) -> float:
    n = len(values)
    own = _quantile(values, QUANTILE) * MARGIN
    weight = n / (n + PSEUDO_COUNT)
    value = weight * own + (1 - weight) * parent
    ceiling = max(CEILING_HOURS, PRIOR_HOURS[phase])
    return min(max(value, FLOOR_SHARE * PRIOR_HOURS[phase]), ceiling)


def learn_norms(waits: Iterable[tuple[Phase, str | None, str | None, float]]) -> StaleNorms:
    """Norms from delivered parcels' longest waits: (phase, carrier, lane, working hours), one per parcel
    and phase (``waits_of`` gives them)."""
    groups: dict[Key, list[float]] = defaultdict(list)
    for phase, carrier, lane, hours in waits:
        for key in {(phase, None, None), (phase, carrier, None), (phase, carrier, lane)}:
            groups[key].append(hours)
    hours_by_key: dict[Key, float] = {}
    for key in sorted(groups, key=lambda k: (k[1] is not None, k[2] is not None)):  # wider groups first
        phase, carrier, lane = key
        if carrier is None and lane is None:
            parent = PRIOR_HOURS[phase]
        elif lane is None:
            parent = hours_by_key[(phase, None, None)]
        else:
            parent = hours_by_key[(phase, carrier, None)]
        hours_by_key[key] = _shrunk(groups[key], parent, phase)
    return StaleNorms(hours_by_key, {k: len(v) for k, v in groups.items()})
