"""``late``: will the parcel arrive after its deliver-by date (or the promise, without an order)?

Reality first: past the deadline and not delivered is late. Before it, the delivery estimate speaks
(when even the first day of its 80% window is after the deadline's day, a warning is rarely wrong;
the likely day alone would cry wolf on every parcel that has a coin's chance), moved on by what time shows: each working day a parcel sits
past its stale threshold pushes delivery a day, and a parcel not out for delivery by late morning is
not delivered that day. The projection only grows as time passes without news, so the flag opens once,
at an instant computed from the events, and never flaps while nothing new is heard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from parceltrail.core.flags import words
from parceltrail.core.flags.clocks import Quiet
from parceltrail.core.flags.model import (
    Calendars,
    EstimatedDelivery,
    Flag,
    FlagType,
    OrderContext,
    Severity,
    WorkingDays,
)
from parceltrail.core.flags.policy import Policy
from parceltrail.core.flags.timeline import Timeline
from parceltrail.core.flags.worktime import local_end_of_day
from parceltrail.core.status import Status

LAST_MILE = frozenset({Status.OUT_FOR_DELIVERY, Status.AVAILABLE_FOR_PICKUP})
_LATEST_DROP = time(20, 0)  # a deadline before this local time leaves no delivery round that day


def next_working_day(day: date, days: WorkingDays) -> date:
    day += timedelta(days=1)
    for _ in range(400):
        if days.is_business_day(day):
            return day
        day += timedelta(days=1)
    raise ValueError("the calendar has no working day in the next 400 days")


def add_working_days(day: date, count: int, days: WorkingDays) -> date:
    for _ in range(count):
        day = next_working_day(day, days)
    return day


@dataclass(frozen=True)
class LatePlan:
    deadline: datetime
    deadline_day: date
    what: str  # "deliver-by date" | "date promised to the buyer"
    warn_at: datetime | None
    estimate: EstimatedDelivery | None
    wait: Quiet | None
    last_mile: bool
    returning: bool = False


def late_plan(timeline: Timeline, order: OrderContext, estimate: EstimatedDelivery | None, wait: Quiet | None,
              calendars: Calendars, policy: Policy) -> LatePlan | None:
    zone = calendars.zone
    if order.deliver_by is not None:
        deadline, what = order.deliver_by, "deliver-by date"
    elif order.promised_by is not None:
        deadline, what = local_end_of_day(order.promised_by, zone), "date promised to the buyer"
    else:
        return None
    local = deadline.astimezone(zone)
    deadline_day = local.date() if local.time() >= _LATEST_DROP else local.date() - timedelta(days=1)
    newest = timeline.newest_scan
    last_mile = newest is not None and newest.event.status in LAST_MILE
    returning = newest is not None and newest.event.status is Status.RETURNING
    plan = LatePlan(deadline, deadline_day, what, None, estimate, wait, last_mile, returning)
    newest_event = timeline.newest
    basis = newest_event.occurred_at if newest_event is not None else order.created_at
    if basis is None or timeline.ended_at is not None or basis >= deadline:
        return plan
    candidates = {basis}
    if wait is not None and wait.stale_at < deadline:
        candidates.add(max(basis, wait.stale_at))
    day = basis.astimezone(zone).date()
    while day <= deadline_day:
        for hour in (0, policy.late_cutoff_hour):
            moment = datetime.combine(day, time(hour), tzinfo=zone)
            if basis <= moment < deadline:
                candidates.add(moment)
        day += timedelta(days=1)
    for moment in sorted(candidates):
        if projected(plan, moment, calendars, policy) > deadline_day:
            return LatePlan(deadline, deadline_day, what, moment, estimate, wait, last_mile, returning)
    return plan


def projected(plan: LatePlan, now: datetime, calendars: Calendars, policy: Policy) -> date:
    """The earliest day delivery can now be expected."""
    local = now.astimezone(calendars.zone)
    today = local.date()
    if (plan.last_mile or local.hour < policy.late_cutoff_hour) and calendars.carrier.is_business_day(today):
        earliest = today
    else:
        earliest = next_working_day(today, calendars.carrier)
    if plan.estimate is None:
        return earliest
    delay = 0
    wait = plan.wait
    if wait is not None and now >= wait.stale_at:
        stale_day = wait.stale_at.astimezone(calendars.zone).date()
        delay = 1 + sum(1 for k in range(1, (today - stale_day).days + 1)
                        if calendars.carrier.is_business_day(stale_day + timedelta(days=k)))
    return max(add_working_days(plan.estimate.earliest, delay, calendars.carrier), earliest)


def late_flag(plan: LatePlan | None, timeline: Timeline, calendars: Calendars, policy: Policy,
              now: datetime) -> Flag | None:
    """None after the journey ended, and for a parcel on its way back (``return_to_sender`` says it)."""
    if plan is None or timeline.ended_at is not None or plan.returning:
        return None
    zone = calendars.zone
    if now >= plan.deadline:
        since = min(plan.warn_at, plan.deadline) if plan.warn_at else plan.deadline
        reason = (f"not delivered by the {plan.what} {words.moment(plan.deadline, zone)}: it counts against the "
                  "shop's On-Time Delivery Rate" if plan.what == "deliver-by date" else
                  f"not delivered by the {plan.what}, {words.day(plan.deadline_day)}")
        return Flag(FlagType.LATE, Severity.CRITICAL, since, reason)
    if plan.warn_at is None or now < plan.warn_at:
        return None
    expected = projected(plan, now, calendars, policy)
    if plan.estimate is not None and plan.estimate.earliest > plan.deadline_day:
        why = (f"the delivery estimate is {words.day(plan.estimate.earliest)} at the earliest "
               f"({words.day(plan.estimate.likely)} likely)")
    elif plan.wait is not None and now >= plan.wait.stale_at:
        why = f"with no scan since {words.moment(plan.wait.last_scan_at, zone)}, delivery slips to {words.day(expected)}"
    else:
        why = f"it is not out for delivery, so the earliest delivery is {words.day(expected)}"
    reason = f"{why}, after the {plan.what} {words.day(plan.deadline_day)}"
    return Flag(FlagType.LATE, Severity.WARNING, plan.warn_at, reason, plan.deadline)


def late_instants(plan: LatePlan | None) -> list[datetime]:
    if plan is None:
        return []
    return [plan.deadline] + ([plan.warn_at] if plan.warn_at else [])
