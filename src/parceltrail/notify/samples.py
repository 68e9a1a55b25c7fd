"""Example facts for previewing a message kind when no real parcel is named: one parcel, at the point of
its journey the kind reports, with a delivery window and a last scan, dated around ``now``.

The tracking number is UPS's own documented test number and the places are ordinary US ones, so a
preview looks like the real thing and cannot be mistaken for a real buyer's parcel.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from parceltrail.notify.payloads import utc_text

NUMBER = "1Z999AA10123456784"
ZONE = "America/Chicago"
BUYER_NAME = "Ana"

# kind -> (status, substatus, the carrier's words on the scan that caused it, where)
_MOMENTS: dict[str, tuple[str, str, str, tuple[str, str]]] = {
    "shipped": ("in_transit", "picked_up", "Pickup Scan", ("Memphis", "TN")),
    "out_for_delivery": ("out_for_delivery", "out_for_delivery", "Out For Delivery Today", ("Chicago", "IL")),
    "ready_for_pickup": ("available_for_pickup", "at_pickup_point", "Delivered to UPS Access Point",
                         ("Chicago", "IL")),
    "delivered": ("delivered", "left_at_door", "Delivered: front door", ("Chicago", "IL")),
    "delayed": ("exception", "weather_delay", "Severe weather conditions have delayed delivery",
                ("Louisville", "KY")),
    "exception": ("delivery_failed", "recipient_unavailable", "The receiver was not available for delivery",
                  ("Chicago", "IL")),
    "estimate_changed": ("in_transit", "departed_facility", "Departed from Facility", ("Louisville", "KY")),
}


def _window(now: datetime, days: int) -> dict[str, Any]:
    likely = (now + timedelta(days=days)).date()
    return {"earliest": (likely - timedelta(days=1)).isoformat(), "likely": likely.isoformat(),
            "latest": (likely + timedelta(days=1)).isoformat(), "promise": (likely + timedelta(days=1)).isoformat(),
            "confidence": 0.8, "source": "model", "revised_at": utc_text(now), "reason": "example"}


def parcel_event(kind: str, now: datetime) -> dict[str, Any]:
    """The event data (``package``, ``previous``, ``scan``; ``previous_estimate`` for a new estimate)."""
    status, substatus, words, (city, region) = _MOMENTS[kind]
    scanned = now - timedelta(minutes=40)
    package = {
        "id": "pkg_example", "tracking_number": NUMBER, "carrier": "ups", "order_ref": "576461413038",
        "destination": {"postal_code": "60614", "country": "US"}, "status": status, "substatus": substatus,
        "event_count": 6, "created_at": utc_text(now - timedelta(days=2)), "last_event_at": utc_text(scanned),
        "delivered_at": utc_text(scanned) if status == "delivered" else None,
        "estimated_delivery": _window(now, 3 if kind == "estimate_changed" else 1),
    }
    data: dict[str, Any] = {
        "package": package,
        "previous": {"status": "in_transit", "substatus": "in_transit"},
        "scan": {"occurred_at": utc_text(scanned), "status": status, "substatus": substatus, "description": words,
                 "carrier_code": None,
                 "location": {"city": city, "region": region, "postal_code": None, "country": "US"}},
    }
    if kind == "estimate_changed":
        data["previous_estimate"] = _window(now, 1)
    return data


def digest_items(now: datetime) -> list[dict[str, Any]]:
    """Three parcels needing attention, as a digest lists them (the caller adds each one's ``track`` link)."""
    rows = [("1Z999AA10123456784", "ups", "exception", "address_issue", 30),
            ("9400111899223197428490", "usps", "delivery_failed", "recipient_unavailable", 20),
            ("794613245150", "fedex", "exception", "carrier_delay", 52)]
    return [{"package_id": f"pkg_example{i}", "tracking_number": number, "carrier": carrier, "status": status,
             "substatus": substatus, "since": (now - timedelta(hours=hours)).isoformat()}
            for i, (number, carrier, status, substatus, hours) in enumerate(rows)]


ENDPOINT_DISABLED = {
    "endpoint": {"id": "whe_example", "url": "https://hooks.example.com/parceltrail",
                 "reason": "delivery msg_example (package.delivered) failed on every attempt of the retry schedule; "
                           "re-enable the endpoint (PATCH enabled: true) once the receiver works"},
    "delivery_id": "msg_example",
}

TIKTOK_CONNECTION = {
    "connection": {"shop_id": "shop_example", "state": "deauthorized", "cause": "removed", "expires_at": None},
}
