"""Reading helpers shared by the carrier parsers: JSON bodies, times with offsets, places, the result.

Times are the layer aggregators most often get wrong, so every parser goes through these few
functions: a time is taken with the offset the carrier gave, or from its separate GMT fields, and a
time with neither is refused (``CarrierShapeError``), never guessed.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

from parceltrail.carriers.base import CarrierShapeError, CarrierTracking, EstimatedDelivery
from parceltrail.core import Location, PackageState, Status, Substatus, TrackingEvent, fingerprint, fold_into
from parceltrail.core.countries import check_country
from parceltrail.core.status import PROGRESS_RANK


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


def parse_offset(carrier: str, text: str, where: str) -> timezone:
    """'-05:00', '+0530', 'Z' -> a fixed offset."""
    raw = text.strip()
    if raw in ("Z", "z", "+00:00", "-00:00", "UTC", "GMT"):
        return UTC
    sign = -1 if raw.startswith("-") else 1
    digits = raw.lstrip("+-").replace(":", "")
    if len(digits) not in (2, 4) or not digits.isdigit():
        raise CarrierShapeError(carrier, f"{where} {text!r} is not a UTC offset like -05:00")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
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


def event(
    occurred_at: datetime, canonical: tuple[Status, Any], description: Any, code: Any, location: Location
) -> TrackingEvent:
    status, substatus = canonical
    text = " ".join(str(description or "").split())
    return TrackingEvent(occurred_at, status, substatus, text, str(code) if code else None, location)


def window(earliest: date | datetime | None, latest: date | datetime | None) -> EstimatedDelivery | None:
    """An estimate from whatever ends the carrier gave; a single end is a one-point window."""
    if earliest is None and latest is None:
        return None
    first = earliest if earliest is not None else latest
    last = latest if latest is not None else earliest
    assert first is not None and last is not None
    return EstimatedDelivery(first, last)


RETURN_LEG = {
    Status.IN_TRANSIT: (Status.RETURNING, Substatus.RETURN_TO_SENDER),
    Status.OUT_FOR_DELIVERY: (Status.RETURNING, Substatus.RETURN_TO_SENDER),
    Status.DELIVERED: (Status.RETURNED, Substatus.RETURNED_TO_SENDER),
}
"""What a movement scan means once the parcel is on its way back to the sender."""


def on_return_leg(ordered: list[TrackingEvent]) -> tuple[TrackingEvent, ...]:
    """After the first 'returning' event, plain movement scans are the return leg, not a new delivery.

    Carriers keep scanning a returned parcel with their ordinary codes ("Arrived at facility",
    "Delivered" at the sender's dock); read literally those would flip the package back to in transit
    or delivered. Exceptions and failed attempts are left as they are. The carrier's code and text stay.
    """
    out: list[TrackingEvent] = []
    returning = False
    for e in ordered:
        if returning and e.status in RETURN_LEG:
            status, substatus = RETURN_LEG[e.status]
            e = TrackingEvent(e.occurred_at, status, substatus, e.description, e.carrier_code, e.location)
        returning = returning or e.status is Status.RETURNING
        out.append(e)
    return tuple(out)


def tracking(
    carrier: str,
    number: str | None,
    events: Iterable[TrackingEvent],
    *,
    estimated_delivery: EstimatedDelivery | None = None,
    delivered_at: datetime | None = None,
    signed_by: str | None = None,
    delivery_location: str | None = None,
    piece_count: int | None = None,
    related: Iterable[CarrierTracking] = (),
    unmapped: Iterable[str | None] = (),
) -> CarrierTracking:
    """Assemble the result: events de-duplicated and oldest first, status from the core fold.

    Two readings apply to the whole timeline: scans after a return started are the return leg
    (``on_return_leg``), and the newest delivery takes its detail from the proof-of-delivery fields
    (``refine_delivered``: ``signed_by``, ``delivery_location``).
    """
    key = number or ""
    unique: dict[str, TrackingEvent] = {}
    for e in events:
        unique.setdefault(fingerprint(carrier, key, e), e)
    by_time = sorted(
        unique.items(), key=lambda item: (item[1].occurred_at, PROGRESS_RANK[item[1].status], item[0])
    )
    journey = refine_delivered(list(on_return_leg([e for _, e in by_time])), signed_by, delivery_location)
    # Fingerprints are hashed once; only events the two readings above replaced need a new one.
    known = {id(e): fp for fp, e in unique.items()}
    pairs = [(known.get(id(e)) or fingerprint(carrier, key, e), e) for e in journey]
    pairs.sort(key=lambda pair: (pair[1].occurred_at, PROGRESS_RANK[pair[1].status], pair[0]))
    ordered = tuple(e for _, e in pairs)
    state = fold_into(PackageState(), pairs)
    if delivered_at is None and state.status is Status.DELIVERED:
        delivered_at = state.delivered_at
    seen: list[str] = []
    for u in unmapped:
        if u and u not in seen:
            seen.append(u)
    return CarrierTracking(
        carrier=carrier,
        tracking_number=number,
        status=state.status,
        substatus=state.substatus,
        events=ordered,
        estimated_delivery=estimated_delivery,
        delivered_at=delivered_at.astimezone(UTC) if delivered_at else None,
        signed_by=(signed_by or "").strip() or None,
        delivery_location=(delivery_location or "").strip() or None,
        piece_count=piece_count,
        related=tuple(related),
        unmapped=tuple(seen),
    )


DELIVERY_DETAIL = (
    (r"\bsign|signature", "signed"),
    (r"mail ?box|letter ?box|\bpo box|in/at mailbox", "mailbox"),
    (r"locker|parcel ?station|packstation", "locker"),
    (r"neighbou?r", "neighbour"),
    (
        r"door|porch|garage|side ?door|back ?door|front|left at|safe ?place|reception|mail ?room",
        "left_at_door",
    ),
)
"""Ordered phrase rules for a carrier's 'where it was left' text; the first match names the substatus."""


def refine_delivered(
    events: list[TrackingEvent], signed_by: str | None, where: str | None
) -> list[TrackingEvent]:
    """Give the newest plain 'delivered' event the detail the proof-of-delivery fields carry.

    A named signer means ``signed``; otherwise the carrier's place text ('Front Door', 'In/At Mailbox')
    picks ``left_at_door``, ``mailbox``, ``locker`` or ``neighbour``. Earlier deliveries are left alone.
    """
    detail: str | None = "signed" if (signed_by or "").strip() else None
    if detail is None and where:
        detail = next((sub for pattern, sub in DELIVERY_DETAIL if re.search(pattern, where, re.I)), None)
    if detail is None:
        return events
    delivered = [i for i, e in enumerate(events) if e.status is Status.DELIVERED]
    if not delivered:
        return events
    newest = max(delivered, key=lambda i: events[i].occurred_at)
    if events[newest].substatus is not Substatus.DELIVERED:
        return events
    out = list(events)
    target = out[newest]
    out[newest] = TrackingEvent(
        target.occurred_at,
        target.status,
        Substatus(detail),
        target.description,
        target.carrier_code,
        target.location,
    )
    return out


@cache
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    """Country -> IANA zones, from the system tz database's zone.tab (empty if it is not installed)."""
    out: dict[str, list[str]] = {}
    for root in zoneinfo.TZPATH:
        path = Path(root) / "zone.tab"
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    parts = line.split("\t")
                    if len(parts) >= 3:
                        out.setdefault(parts[0], []).append(parts[2])
            break
    return {country: tuple(zones) for country, zones in out.items()}


def local_in_country(local: datetime, country: str | None) -> datetime | None:
    """Attach the offset a zone-less local time must have had in ``country``, when that is not in doubt.

    Only when every zone of the country gives the same offset at that wall time (Germany: yes; the US:
    no). Otherwise ``None``: the caller drops the event and reports it rather than guess.
    """
    if local.tzinfo is not None:
        return local
    zones = _zones_by_country().get((country or "").upper())
    if not zones:
        return None
    candidates = {local.replace(tzinfo=zoneinfo.ZoneInfo(z)).utcoffset() for z in zones}
    if len(candidates) != 1:
        return None
    return local.replace(tzinfo=timezone(candidates.pop()))


def with_related(results: list[CarrierTracking], carrier: str) -> CarrierTracking:
    """The first result, carrying the others in ``related`` (how every multi-result body is answered)."""
    if not results:
        raise CarrierShapeError(carrier, "the body describes no package")
    first, *rest = results
    return replace(first, related=tuple(rest))
