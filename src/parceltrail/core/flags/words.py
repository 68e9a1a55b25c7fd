"""How the detector writes times and places in reasons: in the parcel's zone, the way a seller reads them."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from parceltrail.core.model import Location


def moment(value: datetime, zone: tzinfo) -> str:
    """``Tue Dec 9, 2:05 PM EST``."""
    local = value.astimezone(zone)
    hour = local.hour % 12 or 12
    return f"{local:%a %b} {local.day}, {hour}:{local:%M} {'AM' if local.hour < 12 else 'PM'} {local.tzname() or ''}".rstrip()


def day(value: date) -> str:
    """``Tue Dec 9``."""
    return f"{value:%a %b} {value.day}"


def place(location: Location) -> str:
    """``Louisville, KY`` (or the postal code, or nothing) for a scan's location."""
    parts = [p for p in (location.city and location.city.title(), location.region) if p]
    if parts:
        return ", ".join(parts)
    return location.postal_code or location.country or ""


def at_place(location: Location) -> str:
    text = place(location)
    return f" at {text}" if text else ""


def working_days(hours: float) -> str:
    days = hours / 24.0
    return f"{days:.1f} working day{'s' if round(days, 1) != 1.0 else ''}"
