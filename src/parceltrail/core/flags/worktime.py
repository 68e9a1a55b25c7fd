"""Time that counts only on working days: "no scan for 7 business days", "stuck for 2 working days".

A working day counts whole, midnight to midnight in the calendar's zone; other days do not count at
all. So 7 business days after a Monday 10:00 scan is the Wednesday a week later at 10:00, and after a
Saturday scan the count starts at Monday 00:00. Arithmetic is done on UTC instants between local
midnights, so daylight-saving days are as long as they really are.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo

from parceltrail.core.flags.model import WorkingDays

_MAX_DAYS = 800  # a calendar with no working day would loop forever; no real wait is this long


def _midnight_after(moment: datetime, zone: tzinfo) -> datetime:
    local = moment.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)


def working_hours(start: datetime, end: datetime, days: WorkingDays, zone: tzinfo) -> float:
    """Hours between two instants that fall on working days of ``days`` (read in ``zone``)."""
    total = 0.0
    t = start.astimezone(UTC)
    end = end.astimezone(UTC)
    for _ in range(_MAX_DAYS * 2):
        if t >= end:
            break
        stop = min(_midnight_after(t, zone), end)
        if days.is_business_day(t.astimezone(zone).date()):
            total += (stop - t).total_seconds()
        t = stop
    return total / 3600.0


def add_working_hours(start: datetime, hours: float, days: WorkingDays, zone: tzinfo) -> datetime:
    """The instant at which ``hours`` of working-day time have passed since ``start``."""
    remaining = timedelta(hours=hours)
    t = start.astimezone(UTC)
    for _ in range(_MAX_DAYS):
        stop = _midnight_after(t, zone)
        if days.is_business_day(t.astimezone(zone).date()):
            span = stop - t
            if remaining <= span:
                return t + remaining
            remaining -= span
        t = stop
    raise ValueError("the calendar has no working day in the next 800 days")


def local_end_of_day(day_value, zone: tzinfo) -> datetime:
    """The first instant after the local date ``day_value`` ends (a date-only deadline is met all that day)."""
    return datetime.combine(day_value + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
