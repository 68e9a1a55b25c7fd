"""What a generated journey should be flagged for, and when each problem became evident.

Computed from what the generator made happen, with code of its own (TikTok's lost moment is counted
minute by minute here, not with the detector's working-time arithmetic), so the benchmark checks the
detector against an independent reading of the rules:

- ``no_first_scan`` / ``at_risk``: the carrier's first scan came after the dispatch deadline (or never):
  evident at the deadline.
- ``stuck_pre_transit``: no carrier scan within 48 hours of the label: evident 48 hours after it.
- ``lost``: a wait reached 10 calendar days or 7 business days (destination's zone, US federal holidays),
  or the carrier said lost: evident then.
- ``stale``: the parcel was held (or lost) in the network: evident when it moved again or was deemed lost.
- ``late``: not delivered by the deliver-by time (and not already on its way back): evident at it.
- the carrier's words (failed attempt, return, exception), ``misroute`` and ``delivered_elsewhere``:
  evident at the scan; ``suspicious_tracking``: when the order (or the second order) was placed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parceltrail.journeys.network import business_day
from parceltrail.journeys.trip import Trip

MINUTE = timedelta(minutes=1)
ENDS = ("delivered", "returned")


def tiktok_lost_moment(last_scan: datetime, zone) -> datetime:
    """The first minute by which 10 calendar days or 7 business days have passed without a scan."""
    limit = last_scan + timedelta(days=10)
    t = last_scan
    business_minutes = 0
    days: dict = {}
    while t < limit:
        day = t.astimezone(zone).date()
        if day not in days:
            days[day] = business_day(day)
        if days[day]:
            business_minutes += 1
            if business_minutes >= 7 * 24 * 60:
                return t + MINUTE
        t += MINUTE
    return limit


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def truth_of(trip: Trip, order_at: datetime, label_at: datetime, ship_by: datetime, deliver_by: datetime,
             as_of: datetime, scenario: str, duplicate_of: datetime | None = None) -> dict[str, str]:
    scans = [s for s in trip.scans if s.occurred_at <= as_of]
    carrier = [s for s in scans if s.status != "info_received"]
    accepted = carrier[0].occurred_at if carrier else None
    out: dict[str, datetime] = {}
    if (accepted is None and as_of >= ship_by) or (accepted is not None and accepted > ship_by):
        out["no_first_scan"] = out["at_risk"] = ship_by
    stuck = label_at + timedelta(hours=48)
    if as_of >= stuck and (accepted is None or accepted > stuck):
        out["stuck_pre_transit"] = stuck
    end = scans[-1].occurred_at if scans and scans[-1].status in ENDS else None
    zone = trip.destination.zone
    for i, scan in enumerate(carrier):
        if scan.substatus == "lost":
            out.setdefault("lost", scan.occurred_at)
            break
        following = carrier[i + 1].occurred_at if i + 1 < len(carrier) else (end or as_of)
        if scan.status in ENDS:
            break
        if following - scan.occurred_at < timedelta(days=7):  # 7 business days take at least 7 days
            continue
        moment = tiktok_lost_moment(scan.occurred_at, zone)
        if moment <= following:
            out.setdefault("lost", moment)
            break
    for start, resume in trip.holds:
        if start <= as_of:
            quick = resume - start < timedelta(days=7)
            out.setdefault("stale", resume if quick else min(resume, tiktok_lost_moment(start, zone)))
    if trip.stopped and "lost" in out:
        out.setdefault("stale", out["lost"])
    if trip.misroute_at and trip.misroute_at <= as_of:
        out["misroute"] = trip.misroute_at
    returning = next((s.occurred_at for s in scans if s.status == "returning"), None)
    if deliver_by <= as_of and (end is None or end > deliver_by) and not (returning and returning <= deliver_by):
        out["late"] = deliver_by  # a parcel on its way back by then is a return, not a late delivery
    for status, kind in (("delivery_failed", "failed_attempt"), ("returning", "return_to_sender")):
        found = next((s.occurred_at for s in scans if s.status == status), None)
        if found:
            out[kind] = found
    found = next((s.occurred_at for s in scans if s.status == "exception" and s.substatus != "lost"), None)
    if found:
        out["carrier_exception"] = found
    if trip.elsewhere_at and trip.elsewhere_at <= as_of:
        out["delivered_elsewhere"] = trip.elsewhere_at
    if scenario == "recycled_label":
        out["suspicious_tracking"] = order_at
    if duplicate_of is not None:
        out["suspicious_tracking"] = max(order_at, duplicate_of)
    return {kind: _z(moment) for kind, moment in sorted(out.items())}
