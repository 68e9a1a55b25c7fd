"""What the local TikTok Shop answers for Get Order Tracking: TikTok's own words for the parcel's scans.

A sandbox number's scans come from its journey (so the demo's TikTok-shipped parcels move like the
sandbox network's); any other number gets a short journey made from the order's status and times.
Newest first, ``{description, update_time_millis}`` only, as TikTok sends them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parceltrail.carriers.sandbox import NotASandboxNumber, journey


def _millis(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def tracking_of(order: dict, now: datetime) -> list[dict]:
    number = order.get("tracking_number") or ""
    if not number:
        return []
    try:
        scans = journey(number).visible(now)
    except (NotASandboxNumber, ValueError):
        scans = None
    if scans is not None:
        words = [{"description": f"{s.description}: {s.place.city}, {s.place.region}" if s.place.city else s.description,
                  "update_time_millis": _millis(s.occurred_at)} for s in scans]
        return list(reversed(words))
    created = datetime.fromtimestamp(order["create_time"], UTC)
    steps = [(created + timedelta(hours=20), "Shipping label created, awaiting carrier pickup")]
    if order["status"] in ("IN_TRANSIT", "DELIVERED", "COMPLETED"):
        steps += [(created + timedelta(days=1), "Package picked up by carrier"),
                  (created + timedelta(days=2), "In transit to the next facility")]
    if order["status"] in ("DELIVERED", "COMPLETED"):
        steps.append((created + timedelta(days=4), "Delivered, left at front door"))
    return [{"description": text, "update_time_millis": _millis(at)} for at, text in reversed(steps) if at <= now]
