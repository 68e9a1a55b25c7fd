"""The time-driven rules: dispatch deadline, label without a scan, stale, lost, and when each comes due.

Each is reduced, once per set of known events, to the instants at which it opens (and escalates);
asking for the flags at any "now" is then a comparison, and a replay can step exactly to those instants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from parceltrail.core.flags import words
from parceltrail.core.flags.model import Calendars, Flag, FlagType, OrderContext, Severity, Shipment
from parceltrail.core.flags.norms import PHASE_WORDS, Phase, StaleNorms
from parceltrail.core.flags.policy import Policy
from parceltrail.core.flags.timeline import Timeline
from parceltrail.core.flags.worktime import add_working_hours
from parceltrail.core.status import Substatus

CARRIER_SAYS_LOST = frozenset({Substatus.LOST, Substatus.DISPOSED})


@dataclass(frozen=True, slots=True)
class Quiet:
    """The wait since the newest scan: when it turns stale and when TikTok deems the parcel lost."""

    phase: Phase
    last_scan_at: datetime
    where: str
    stale_at: datetime
    lost_at: datetime | None
    norm_hours: float
    norm_waits: int


def quiet(timeline: Timeline, shipment: Shipment, calendars: Calendars, norms: StaleNorms,
          policy: Policy) -> Quiet | None:
    """The current wait of a parcel the carrier has and still moves; None before acceptance or after the end."""
    newest = timeline.newest_scan
    if newest is None or timeline.accepted_at is None or timeline.ended_at is not None:
        return None
    phase = timeline.phase(newest)
    if phase is None:
        return None
    at = newest.event.occurred_at
    hours, waits = norms.threshold(phase, shipment.carrier, shipment.lane)
    stale_at = add_working_hours(at, hours, calendars.carrier, calendars.zone)
    lost_at = None
    if phase is not Phase.PICKUP_POINT:  # waiting for the buyer at a counter is not lost in the network
        business = add_working_hours(at, 24.0 * policy.lost_business_days, calendars.tiktok, calendars.zone)
        lost_at = min(at + timedelta(hours=policy.lost_calendar_hours), business)
    return Quiet(phase, at, words.at_place(newest.event.location), stale_at, lost_at, hours, waits)


def dispatch_flags(timeline: Timeline, order: OrderContext, calendars: Calendars, policy: Policy,
                   now: datetime) -> list[Flag]:
    """``at_risk`` before the dispatch deadline, ``no_first_scan`` after it, while the carrier has not scanned."""
    ship_by = order.ship_by
    if ship_by is None or timeline.accepted_at is not None or timeline.ended_at is not None:
        return []
    zone = calendars.zone
    label = "" if timeline.label_at else " (no label has been created yet)"
    if now >= ship_by:
        reason = (f"the carrier has not scanned the parcel and the dispatch deadline {words.moment(ship_by, zone)} "
                  f"has passed{label}: TikTok counts it as a late dispatch")
        due = order.auto_cancel_at
        if due is not None:
            reason += f" and cancels the order if it is not collected by {words.moment(due, zone)}"
        return [Flag(FlagType.NO_FIRST_SCAN, Severity.CRITICAL, ship_by, reason, due)]
    warn_at = _at_risk_from(timeline, ship_by, policy)
    if now >= warn_at:
        reason = (f"not scanned by the carrier yet{label}; the dispatch deadline is {words.moment(ship_by, zone)}: "
                  "hand the parcel over today so the carrier's first scan comes before it")
        return [Flag(FlagType.AT_RISK, Severity.WARNING, warn_at, reason, ship_by)]
    return []


def _at_risk_from(timeline: Timeline, ship_by: datetime, policy: Policy) -> datetime:
    """A parcel without even a label is at risk a day ahead; one with a label, in the last hours."""
    hours = policy.at_risk_hours if timeline.label_at is not None else policy.at_risk_no_label_hours
    return ship_by - timedelta(hours=hours)


def dispatch_instants(timeline: Timeline, order: OrderContext, policy: Policy) -> list[datetime]:
    if order.ship_by is None:
        return []
    return [_at_risk_from(timeline, order.ship_by, policy), order.ship_by]


def stuck_flag(timeline: Timeline, order: OrderContext, calendars: Calendars, policy: Policy,
               now: datetime) -> Flag | None:
    label_at = timeline.label_at
    if label_at is None or timeline.accepted_at is not None or timeline.ended_at is not None:
        return None
    since = label_at + timedelta(hours=policy.stuck_pre_transit_hours)
    if now < since:
        return None
    reason = (f"a label was created {words.moment(label_at, calendars.zone)} but the carrier has not scanned the "
              f"parcel in {policy.stuck_pre_transit_hours:g} hours: check it was handed over (or that the carrier "
              "scanned it at pickup)")
    return Flag(FlagType.STUCK_PRE_TRANSIT, Severity.WARNING, since, reason, order.ship_by or order.auto_cancel_at)


def stuck_instants(timeline: Timeline, policy: Policy) -> list[datetime]:
    label_at = timeline.label_at
    return [] if label_at is None else [label_at + timedelta(hours=policy.stuck_pre_transit_hours)]


def quiet_flags(timeline: Timeline, wait: Quiet | None, calendars: Calendars, now: datetime) -> list[Flag]:
    """``lost`` (TikTok's rule, or the carrier's word) or, before it, ``stale``."""
    newest = timeline.newest_scan
    zone = calendars.zone
    if newest is not None and newest.event.substatus in CARRIER_SAYS_LOST and timeline.ended_at is None:
        said = newest.event.substatus.value.replace("_", " ")
        reason = (f"the carrier reported the parcel {said} on {words.moment(newest.event.occurred_at, zone)}"
                  f"{words.at_place(newest.event.location)}: file a claim and reship or refund the buyer")
        return [Flag(FlagType.LOST, Severity.CRITICAL, newest.event.occurred_at, reason)]
    if wait is None:
        return []
    since_text = f"no carrier scan since {words.moment(wait.last_scan_at, zone)}{wait.where}"
    if wait.lost_at is not None and now >= wait.lost_at:
        reason = (f"{since_text}: TikTok deems a parcel lost after 10 calendar days or 7 business days without "
                  f"a scan, here from {words.moment(wait.lost_at, zone)}")
        return [Flag(FlagType.LOST, Severity.CRITICAL, wait.lost_at, reason)]
    if now >= wait.stale_at:
        basis = (f"parcels of this carrier and lane usually move within {words.working_days(wait.norm_hours)}"
                 if wait.norm_waits else f"a normal wait is under {words.working_days(wait.norm_hours)}")
        reason = f"{since_text} ({PHASE_WORDS[wait.phase]}); {basis}"
        if wait.lost_at is not None:
            reason += f"; TikTok deems it lost from {words.moment(wait.lost_at, zone)} unless it is scanned"
        return [Flag(FlagType.STALE, Severity.WARNING, wait.stale_at, reason, wait.lost_at)]
    return []


def quiet_instants(wait: Quiet | None) -> list[datetime]:
    if wait is None:
        return []
    return [wait.stale_at] + ([wait.lost_at] if wait.lost_at else [])
