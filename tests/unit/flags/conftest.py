from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from parceltrail.core import Location, TrackingEvent
from parceltrail.core.flags import Calendars, Shipment
from parceltrail.eta import calendar_for

ET = ZoneInfo("America/New_York")
WEEKDAYS = Calendars(calendar_for("US", None), calendar_for("US", None), ET)
"""TikTok's business days and a carrier that stands still at weekends and on federal holidays."""
NEWARK = Location("Newark", "NJ", "07102", "US")
LOUISVILLE = Location("Louisville", "KY", "40213", "US")
BOSTON = Location("Boston", "MA", "02108", "US")
SHIPMENT = Shipment("ups", "ground", "1Z999AA10123456784", Location(postal_code="07102", country="US"),
                    Location(postal_code="02108", country="US"))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ET)


def scan(when: datetime, status: str = "in_transit", substatus: str | None = "arrived_at_facility",
         where: Location = LOUISVILLE, description: str = "") -> TrackingEvent:
    return TrackingEvent.create(when, status, substatus, description, None, where)


def picked_up(when: datetime) -> list[TrackingEvent]:
    return [scan(when - timedelta(hours=20), "info_received", None, NEWARK), scan(when, "in_transit", "picked_up", NEWARK)]
