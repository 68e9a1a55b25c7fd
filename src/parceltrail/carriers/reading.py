"""Reading helpers shared by the carrier parsers: JSON bodies, times with offsets, places, estimates.

Times are the layer aggregators most often get wrong, so every parser goes through these few
functions: a time is taken with the offset the carrier gave, or from its separate GMT fields; a time
with neither stays a naive local time that ``carriers.zones.settle`` places (or drops and reports).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, TypeVar

from parceltrail.carriers.base import CarrierShapeError, EstimatedDelivery
from parceltrail.carriers.mapping import Verdict
from parceltrail.core import Location, Status, TrackingEvent
from parceltrail.core.countries import check_country

T = TypeVar("T")


def load_body(carrier: str, body: bytes | str | dict | list) -> Any:
    """The decoded JSON of a response body; a dict or list passes through untouched."""
    if isinstance(body, (dict, list)):
        return body
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise CarrierShapeError(carrier, f"body is not JSON ({error.__class__.__name__}: {error})") from None


def need(carrier: str, value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    """``value`` if it is of ``kind``, else a shape error that names the field."""
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        got = "nothing" if value is None else type(value).__name__
        raise CarrierShapeError(carrier, f"{where} should be {names}, got {got}")
    return value


_OFFSET = re.compile(r"([+-]?)(\d{1,2})(?::?(\d{2}))?")


def parse_offset(carrier: str, text: str, where: str) -> timezone:
    """'-05:00', '+0530', '-7:00' (USPS's documented form), '-7', 'Z' -> a fixed offset."""
    raw = text.strip()
    if raw in ("Z", "z", "+00:00", "-00:00", "UTC", "GMT"):
        return UTC
    match = _OFFSET.fullmatch(raw)
    hours, minutes = (int(match[2]), int(match[3] or 0)) if match else (99, 0)
    if hours > 14 or minutes > 59:
        raise CarrierShapeError(carrier, f"{where} {text!r} is not a UTC offset like -05:00")
    sign = -1 if match and match[1] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def aware(carrier: str, text: str | None, where: str) -> datetime:
    """An ISO 8601 time that carries its offset ('Z' included); anything else is a shape error."""
    if not text:
        raise CarrierShapeError(carrier, f"{where} is missing")
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CarrierShapeError(carrier, f"{where} {text!r} is not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise CarrierShapeError(carrier, f"{where} {text!r} has no UTC offset")
    return value


def moment(carrier: str, text: str, where: str) -> date | datetime:
    """A time with offset when the carrier gave one, else just its day (a zone-less time is not a moment)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return parse_day(carrier, text, where)
    return value if value.tzinfo is not None else value.date()


def wall_time(carrier: str, text: str, where: str) -> datetime:
    """An ISO 8601 time as the carrier wrote it: aware when it carries an offset, else naive local time."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise CarrierShapeError(carrier, f"{where} {text!r} is not an ISO 8601 time") from None


def local_with_offset(carrier: str, local: str, offset: str, where: str) -> datetime:
    """A carrier's local wall time plus the offset it reported separately."""
    try:
        value = datetime.fromisoformat(local.strip().removesuffix("Z"))
    except ValueError:
        raise CarrierShapeError(carrier, f"{where} {local!r} is not an ISO 8601 time") from None
    return value.replace(tzinfo=parse_offset(carrier, offset, where + " offset"))


def from_millis(carrier: str, value: Any, where: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise CarrierShapeError(carrier, f"{where} should be milliseconds since 1970, got {value!r}")
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def parse_day(carrier: str, text: str, where: str) -> date:
    """'20261120' or '2026-11-20' (a trailing time part is ignored)."""
    raw = text.strip()[:10]
    try:
        return date.fromisoformat(raw) if "-" in raw else datetime.strptime(raw[:8], "%Y%m%d").date()
    except ValueError:
        raise CarrierShapeError(carrier, f"{where} {text!r} is not a date") from None


def place(city: Any = None, region: Any = None, postal_code: Any = None, country: Any = None) -> Location:
    """A ``Location`` from loose carrier fields: blanks become None, a country that is not ISO alpha-2 is dropped.

    Carriers send 'US', but also '' or a country *name*; a wrong code must not sink a whole timeline.
    """

    def clean(value: Any) -> str | None:
        text = " ".join(str(value).split()) if value is not None else ""
        return text or None

    code = clean(country)
    if code is not None:
        try:
            code = check_country(code)
        except ValueError:
            code = None
    return Location(clean(city), clean(region), clean(postal_code), code)


def event(occurred_at: datetime, verdict: Verdict, description: Any, code: Any, location: Location) -> TrackingEvent:
    """An event keeping the carrier's words (whitespace squashed) and code, with what the tables made of it."""
    text = " ".join(str(description or "").split())
    return TrackingEvent(
        occurred_at, verdict.status, verdict.substatus, text, str(code).strip() if code else None, location,
        unknown_code=verdict.unknown, seller_action=verdict.action,
    )


def window(earliest: date | datetime | None, latest: date | datetime | None) -> EstimatedDelivery | None:
    """An estimate from whatever ends the carrier gave; a single end is a one-point window."""
    if earliest is None and latest is None:
        return None
    first = earliest if earliest is not None else latest
    last = latest if latest is not None else earliest
    assert first is not None and last is not None
    return EstimatedDelivery(first, last)


def shape_guard(carrier: str) -> Callable[[Callable[[Any], T]], Callable[[Any], T]]:
    """Turn a parser's stumble on an unexpected structure (a list where an object was, a number where
    text was) into ``CarrierShapeError``, so no malformed body ever surfaces as a traceback."""

    def wrap(parse: Callable[[Any], T]) -> Callable[[Any], T]:
        @functools.wraps(parse)
        def guarded(body: Any) -> T:
            try:
                return parse(body)
            except CarrierShapeError:
                raise
            except (AttributeError, TypeError, KeyError, IndexError, ValueError) as error:
                raise CarrierShapeError(
                    carrier, f"unexpected structure ({error.__class__.__name__}: {error})"
                ) from None

        return guarded

    return wrap
