"""What an outbox event says, as JSON: built once, in the transaction of the change, from the store's values.

The package object has the keys of the API's package (``GET /v1/packages/{id}``), so a developer parses
one shape whether it arrives by webhook or by request. Times are UTC with a ``Z``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from parceltrail.core import Package, PackageState, TrackingEvent


def utc_text(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def package_object(package: Package, state: PackageState | None = None,
                   estimate: dict[str, Any] | None = None) -> dict[str, Any]:
    state = state or package.state
    dest = package.destination
    return {
        "id": package.id,
        "tracking_number": package.tracking_number,
        "carrier": package.carrier,
        "order_ref": package.order_ref,
        "destination": {"postal_code": dest.postal_code, "country": dest.country} if dest else None,
        "status": state.status.value,
        "substatus": state.substatus.value,
        "event_count": state.event_count,
        "created_at": utc_text(package.created_at),
        "last_event_at": utc_text(state.last_event_at),
        "delivered_at": utc_text(state.delivered_at),
        "estimated_delivery": estimate,
    }


def scan_object(event: TrackingEvent) -> dict[str, Any]:
    loc = event.location
    return {
        "occurred_at": utc_text(event.occurred_at),
        "status": event.status.value,
        "substatus": event.substatus.value,
        "description": event.description,
        "carrier_code": event.carrier_code,
        "location": {"city": loc.city, "region": loc.region, "postal_code": loc.postal_code, "country": loc.country},
    }


def status_changed(package: Package, state: PackageState, scan: TrackingEvent | None) -> dict[str, Any]:
    """``package.status_changed``: the package after the change, the status before it and the scan that moved it."""
    return {
        "package": package_object(package, state),
        "previous": {"status": package.state.status.value, "substatus": package.state.substatus.value},
        "scan": scan_object(scan) if scan is not None else None,
    }


def estimate_changed(package: Package, previous: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    return {"package": package_object(package, estimate=current), "previous_estimate": previous}
