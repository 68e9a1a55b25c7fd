"""Reading replay journeys: one JSON object a line, checked field by field.

A bad line is reported with its number and the field at fault ("line 7: events[2].occurred_at: expected
an ISO 8601 time with a UTC offset ..."), and the other lines still run. Unknown keys are ignored, so a
file that carries more than the replay needs (labels, notes) reads as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from parceltrail.core import Address, Location, Status, Substatus, TrackingEvent, check_country, check_pair
from parceltrail.services.estimates import zone_of

_AWARE = "expected an ISO 8601 time with a UTC offset, e.g. 2025-12-01T10:05:00-05:00"
_MESSAGES = {
    "missing": "required",
    "timezone_aware": _AWARE,
    "datetime_parsing": _AWARE,
    "datetime_from_date_parsing": _AWARE,
    "datetime_type": _AWARE,
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "list_type": "expected a list",
    "string_type": "expected a string",
}


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Place(_Lenient):
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return None if value is None else check_country(value)

    @field_validator("postal_code", mode="before")
    @classmethod
    def _postal(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class _Destination(_Place):
    country: str

    @field_validator("country")
    @classmethod
    def _required_country(cls, value: str) -> str:
        return check_country(value)


class _Event(_Lenient):
    occurred_at: AwareDatetime
    recorded_at: AwareDatetime | None = None
    status: Status
    substatus: Substatus | None = None
    description: str | None = None
    carrier_code: str | None = None
    location: _Place | None = None

    @model_validator(mode="after")
    def _pair(self) -> _Event:
        check_pair(self.status, self.substatus)
        return self


class _Order(_Lenient):
    id: str | int | None = None
    created_at: AwareDatetime
    ship_by: AwareDatetime | date | None = None
    deliver_by: AwareDatetime | date | None = None
    auto_cancel_at: AwareDatetime | None = None
    postal_code: str | None = Field(None, description="the buyer's ZIP, when it may differ from the label's")


class _Journey(_Lenient):
    id: str | int
    carrier: str | None = None
    tracking_number: str | None = None
    service: str | None = None
    origin: _Place | None = None
    destination: _Destination
    order: _Order | None = None
    events: list[_Event] = Field(default_factory=list)
    as_of: AwareDatetime


@dataclass(frozen=True)
class Arrival:
    event: TrackingEvent
    recorded_at: datetime


@dataclass(frozen=True)
class Journey:
    """One replay line, checked: its events with the time each became known."""

    id: str | int
    carrier: str | None
    tracking_number: str
    service: str | None
    origin: Address | None
    destination: Address
    order_created_at: datetime | None
    ship_by: datetime | None
    deliver_by: datetime | None
    auto_cancel_at: datetime | None
    buyer_postal_code: str | None
    arrivals: tuple[Arrival, ...]
    as_of: datetime


class LineError(ValueError):
    """A replay line that cannot be read; the message names the line and the field."""


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-after[_pair()]",) or str(part).startswith(("function-", "date", "datetime")):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out or "(line)"


def _explain(error: ValidationError) -> str:
    parts = []
    seen = set()
    for item in error.errors():
        where = _path(item["loc"])
        if where in seen:
            continue
        seen.add(where)
        message = _MESSAGES.get(item["type"]) or str(item.get("msg", "")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def _end_of_day(value: datetime | date | None, destination: Address) -> datetime | None:
    """A date-only deadline is met all that day, in the destination's time zone."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value + timedelta(days=1), time(), tzinfo=zone_of(destination))


def _address(place: _Place | None) -> Address | None:
    if place is None:
        return None
    return Address(postal_code=place.postal_code, country=place.country, city=place.city, region=place.region)


def read_line(number: int, text: str) -> Journey:
    """The journey on line ``number`` (1-based), or ``LineError`` saying which field is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LineError(f"line {number}: not JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(data, dict):
        raise LineError(f"line {number}: expected a JSON object (one journey), got {type(data).__name__}")
    try:
        raw = _Journey.model_validate(data)
    except ValidationError as error:
        raise LineError(f"line {number}: {_explain(error)}") from None
    destination = _address(raw.destination)
    assert destination is not None
    arrivals = []
    for e in raw.events:
        loc = e.location or _Place()
        event = TrackingEvent.create(e.occurred_at, e.status, e.substatus, e.description or "", e.carrier_code,
                                     Location(loc.city, loc.region, loc.postal_code, loc.country))
        arrivals.append(Arrival(event, (e.recorded_at or e.occurred_at)))
    order = raw.order
    return Journey(
        id=raw.id, carrier=(raw.carrier or "").strip().lower() or None,
        tracking_number=(raw.tracking_number or "").strip().upper(), service=raw.service,
        origin=_address(raw.origin), destination=destination,
        order_created_at=order.created_at if order else None,
        ship_by=_end_of_day(order.ship_by, destination) if order else None,
        deliver_by=_end_of_day(order.deliver_by, destination) if order else None,
        auto_cancel_at=order.auto_cancel_at if order else None,
        buyer_postal_code=order.postal_code if order else None,
        arrivals=tuple(arrivals), as_of=raw.as_of,
    )
