"""The detector: a parcel's known events, its order and shipment, calendars, norms, estimate and "now"
in; its open flags out. Pure: the same inputs always give the same flags.

``Detector`` reads the events once; ``flags(now)`` is then cheap for any number of "now"s, and
``instants()`` lists the moments at which the answer can change without new events (a deadline, the
stale threshold, TikTok's lost moment), which is what a replay steps to and a live schedule waits for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from parceltrail.core.flags.carrier_words import (
    carrier_exception_flag,
    failed_attempt_flag,
    return_flag,
    suspicious_flag,
)
from parceltrail.core.flags.clocks import (
    dispatch_flags,
    dispatch_instants,
    quiet,
    quiet_flags,
    quiet_instants,
    stuck_flag,
    stuck_instants,
)
from parceltrail.core.flags.late import late_flag, late_instants, late_plan
from parceltrail.core.flags.model import (
    Calendars,
    EstimatedDelivery,
    Flag,
    FlagType,
    Locate,
    OrderContext,
    Shipment,
    nowhere,
)
from parceltrail.core.flags.norms import PRIOR_NORMS, StaleNorms
from parceltrail.core.flags.policy import DEFAULT_POLICY, Policy
from parceltrail.core.flags.route import delivered_elsewhere_flag, misroute_flag
from parceltrail.core.flags.timeline import Timeline
from parceltrail.core.model import TrackingEvent

ORDER = {t: i for i, t in enumerate(FlagType)}


class Detector:
    def __init__(
        self,
        shipment: Shipment,
        events: Iterable[TrackingEvent],
        calendars: Calendars,
        order: OrderContext | None = None,
        norms: StaleNorms = PRIOR_NORMS,
        estimate: EstimatedDelivery | None = None,
        locate: Locate = nowhere,
        policy: Policy = DEFAULT_POLICY,
    ) -> None:
        self.shipment, self.calendars, self.policy = shipment, calendars, policy
        self.order = order or OrderContext()
        self.timeline = Timeline.of(shipment, events, locate)
        self.wait = quiet(self.timeline, shipment, calendars, norms, policy)
        self.late = late_plan(self.timeline, self.order, estimate, self.wait, calendars, policy)
        fixed = (
            misroute_flag(self.timeline, calendars, policy),
            delivered_elsewhere_flag(self.timeline, calendars, policy),
            failed_attempt_flag(self.timeline, calendars),
            return_flag(self.timeline, calendars),
            carrier_exception_flag(self.timeline, calendars),
        )
        self._fixed = [f for f in fixed if f is not None]
        ended = self.timeline.ended_at
        self.settled_at = ended + timedelta(days=policy.settle_days) if ended is not None else None

    def flags(self, now: datetime) -> list[Flag]:
        """The open flags at ``now`` (time-zone aware), most pressing types first."""
        if self.settled_at is not None and now >= self.settled_at:
            return []
        t, o, c, p = self.timeline, self.order, self.calendars, self.policy
        found = [*dispatch_flags(t, o, c, p, now), *quiet_flags(t, self.wait, c, now), *self._fixed]
        for flag in (stuck_flag(t, o, c, p, now), late_flag(self.late, t, c, p, now),
                     suspicious_flag(t, self.shipment, o, c, now)):
            if flag is not None:
                found.append(flag)
        return sorted((f for f in found if f.since <= now), key=lambda f: ORDER[f.type])

    def instants(self) -> list[datetime]:
        """Moments at which ``flags`` can change while no new event arrives, oldest first."""
        moments = [*dispatch_instants(self.timeline, self.order, self.policy), *stuck_instants(self.timeline, self.policy),
                   *quiet_instants(self.wait), *late_instants(self.late), *self.order.other_orders]
        if self.settled_at is not None:
            moments.append(self.settled_at)
        moments += [f.since for f in self._fixed]
        return sorted(set(moments))


def detect(
    shipment: Shipment,
    events: Iterable[TrackingEvent],
    now: datetime,
    calendars: Calendars,
    order: OrderContext | None = None,
    norms: StaleNorms = PRIOR_NORMS,
    estimate: EstimatedDelivery | None = None,
    locate: Locate = nowhere,
    policy: Policy = DEFAULT_POLICY,
) -> list[Flag]:
    """The open flags of one parcel at ``now``."""
    return Detector(shipment, events, calendars, order, norms, estimate, locate, policy).flags(now)
