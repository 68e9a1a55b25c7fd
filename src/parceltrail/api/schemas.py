"""Request and response shapes of the HTTP API (Pydantic v2). Validation messages name what was expected."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Path
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    model_validator,
)

from parceltrail.api.recipient_schemas import RecipientBody
from parceltrail.core import (
    Address,
    Location,
    Package,
    PackageState,
    PackageWarning,
    Status,
    Substatus,
    TimeBasis,
    TrackingEvent,
    check_country,
    check_pair,
)
from parceltrail.services.packages import derived_warnings
from parceltrail.services.tracking import package_source
from parceltrail.store.estimates import StoredEstimate
from parceltrail.store.flags import StoredFlag

NO_CONTROL = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
"""Text without control characters (tab and line breaks are fine); the gate in api/limits.py enforces it first,
with a message that names the character."""


def Text(max_length: int, default=..., **kwargs):
    """A text field of at most ``max_length`` characters and no control characters."""
    return Field(default, max_length=max_length, pattern=NO_CONTROL, **kwargs)


_ISO_TIME = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d")


def _iso_text(value: object) -> object:
    """Times are ISO 8601 text; Pydantic would also read 0 or "0.5" as Unix seconds, which nobody means."""
    if isinstance(value, datetime) or isinstance(value, str) and _ISO_TIME.match(value):
        return value
    raise ValueError("expected an ISO 8601 time with a UTC offset, e.g. 2026-11-20T14:05:00-05:00")


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("this time falls outside the years 1 to 9999 in UTC; expected a real date") from None


UtcTime = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_in_utc)]
"""A time with a UTC offset that still exists in UTC (0001-01-01T00:00+01:00 does not)."""

SCAN_YEARS = (1970, 2999)


def _plausible_scan(value: datetime) -> datetime:
    if not SCAN_YEARS[0] <= value.year <= SCAN_YEARS[1]:
        raise ValueError(f"a scan dated in the year {value.year} is not a real scan time; expected a time between "
                         f"{SCAN_YEARS[0]} and {SCAN_YEARS[1]} (check the year and the time zone)")
    return value


ScanTime = Annotated[UtcTime, AfterValidator(_plausible_scan)]
"""When a scan happened: any time a carrier could have stamped, 1970 to 2999 (times ahead of now are kept and
flagged by the fold, not refused here)."""

CARRIER_CODE = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
PathId = Annotated[str, Path(max_length=64, pattern=NO_CONTROL, description="The id as returned when it was created")]
CarrierPath = Annotated[str, Path(pattern=CARRIER_CODE, description="A carrier code: ups, fedex, usps, dhl, ...",
                                  examples=["ups"])]

Country = Annotated[str, Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$", examples=["US"]),
                    AfterValidator(check_country)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LocationBody(Strict):
    city: str | None = Text(128, None)
    region: str | None = Text(64, None)
    postal_code: str | None = Text(16, None)
    country: Country | None = None


class EventBody(Strict):
    """A normalised tracking event (DESIGN.md, "Shapes that cross package boundaries")."""

    occurred_at: ScanTime = Field(examples=["2026-11-20T14:05:00-05:00"],
                                  description="When the scan happened, with its UTC offset; years 1970 to 2999")
    status: Status
    substatus: Substatus | None = None
    description: str = Text(1000, "")
    carrier_code: str | None = Text(64, None)
    location: LocationBody | None = None

    @model_validator(mode="after")
    def _substatus_belongs_to_status(self) -> EventBody:
        check_pair(self.status, self.substatus)
        return self

    def to_event(self) -> TrackingEvent:
        loc = self.location or LocationBody()
        return TrackingEvent.create(
            self.occurred_at, self.status, self.substatus, self.description, self.carrier_code,
            Location(city=loc.city, region=loc.region, postal_code=loc.postal_code, country=loc.country),
        )


class EventsBody(Strict):
    events: list[EventBody] = Field(min_length=1)


class DestinationBody(Strict):
    postal_code: str | None = Text(16, None)
    country: Country | None = None


class PackageBody(Strict):
    tracking_number: str = Text(100, min_length=1, examples=["1Z999AA10123456784"])
    carrier: str | None = Text(32, None, examples=["ups"],
                               description="A carrier code parceltrail knows; leave it out to detect it from the number")
    order_ref: str | None = Text(128, None, examples=["TT-1001"])
    destination: DestinationBody | None = None
    force: StrictBool = Field(False, description="Register a number that fails its check digit or does not fit the "
                                           "carrier anyway; the package then carries a warning saying so")
    recipient: RecipientBody | None = Field(None, description="The buyer to notify (see PUT .../recipient)")

    def destination_address(self) -> Address | None:
        if self.destination is None:
            return None
        return Address(postal_code=self.destination.postal_code, country=self.destination.country)


class PackagePatch(Strict):
    """The fields to correct; a field left out stays as it is, ``null`` clears it (for ``carrier``: detects it
    again from the number)."""

    carrier: str | None = Text(32, None, examples=["fedex"])
    order_ref: str | None = Text(128, None, examples=["TT-1002"])
    destination: DestinationBody | None = None
    recipient: RecipientBody | None = Field(
        None, description="Correct the buyer to notify: the fields sent replace the stored ones; null removes the buyer")
    force: StrictBool = Field(False, description="Accept a carrier the number does not fit, with a warning")

    def changes(self) -> dict[str, object]:
        sent = self.model_fields_set - {"force"}
        values: dict[str, object] = {name: getattr(self, name) for name in sent}
        if "destination" in values:
            d = self.destination
            values["destination"] = Address(postal_code=d.postal_code, country=d.country) if d else None
        if "recipient" in values:
            values["recipient"] = self.recipient.to_input() if self.recipient else None
        return values


class LocationOut(BaseModel):
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None


class EventOut(BaseModel):
    occurred_at: datetime
    status: Status
    substatus: Substatus
    description: str
    carrier_code: str | None
    location: LocationOut
    time_basis: TimeBasis = Field(
        description="exact when the carrier gave the time zone; otherwise how it was inferred: from the scan's "
        "place, its neighbouring scans or the shipment's route (docs/carriers.md)")
    unknown_code: bool = Field(
        description="true when the carrier's code and words are in none of parceltrail's tables for that carrier: "
        "the status is the carrier's coarse one, and the carrier's own words are in description")
    seller_action: bool = Field(
        description="true when the carrier's table says the seller must act on this scan (fix an address, "
        "send customs documents, pay charges, claim for damage ...)")
    counts: bool = Field(True, description="False for a scan dated more than a day ahead of now: kept, but it "
                                           "does not set the status or the delivery date until it is due")

    @staticmethod
    def view(event: TrackingEvent, future_from: datetime | None = None) -> dict:
        """The answer's JSON shape as a dict (see ``PackageOut.view``)."""
        loc = event.location
        return {
            "occurred_at": event.occurred_at, "status": event.status, "substatus": event.substatus,
            "description": event.description, "carrier_code": event.carrier_code,
            "location": {"city": loc.city, "region": loc.region, "postal_code": loc.postal_code, "country": loc.country},
            "time_basis": event.time_basis, "unknown_code": event.unknown_code, "seller_action": event.seller_action,
            "counts": future_from is None or event.occurred_at < future_from,
        }


class DestinationOut(BaseModel):
    postal_code: str | None
    country: str | None


class EstimateOut(BaseModel):
    """When the package should arrive: a window meant to hold 80% of deliveries, the likeliest day, and a promise date
    meant to be met 95% of the time; ``source`` says what the estimate rests on, ``reason`` why it moved."""

    earliest: date
    likely: date
    latest: date
    promise: date
    confidence: str
    source: str
    revised_at: datetime
    reason: str

    @staticmethod
    def view(e: StoredEstimate | None) -> dict | None:
        """The answer's JSON shape as a dict (see ``PackageOut.view``)."""
        if e is None:
            return None
        return {"earliest": e.earliest, "likely": e.likely, "latest": e.latest, "promise": e.promise,
                "confidence": e.confidence, "source": e.source, "revised_at": e.revised_at, "reason": e.reason}


class WarningOut(BaseModel):
    """Something a check found that the seller should know: ``code`` for programs, ``message`` for people."""

    code: str
    message: str


class TrackingOut(BaseModel):
    """How the package is followed, and how asking its carrier has gone."""

    source: str = Field(description="polling (parceltrail asks the carrier), push (the carrier pushes scans here), "
                                    "events (nothing follows it: post its scans to /v1/packages/{id}/events) or "
                                    "stopped (DELETE stopped it; registering the number again resumes it)")
    automatic: bool = Field(description="True when scans arrive without anyone posting them")
    reason: str
    last_checked_at: datetime | None
    next_check_at: datetime | None
    last_error: str | None = Field(description="The error of the last check, or null when it succeeded")
    check_failures: int = Field(description="Failed checks in a row")
    stopped_at: datetime | None = Field(None, description="When tracking was stopped (DELETE); null while followed")

    @staticmethod
    def view(package: Package, push_carriers: Collection[str] = (), missing: Mapping[str, str] | None = None) -> dict:
        """The answer's JSON shape as a dict (see ``PackageOut.view``)."""
        found = package_source(package, push_carriers, missing)
        checks = package.checks
        return {"source": found.source, "automatic": found.automatic, "reason": found.reason,
                "last_checked_at": checks.last_checked_at, "next_check_at": checks.next_check_at,
                "last_error": checks.last_error, "check_failures": checks.failures, "stopped_at": package.stopped_at}


class PackageOut(BaseModel):
    id: str
    tracking_number: str
    carrier: str | None
    order_ref: str | None
    destination: DestinationOut | None
    status: Status
    substatus: Substatus
    event_count: int
    created_at: datetime
    updated_at: datetime
    last_event_at: datetime | None
    delivered_at: datetime | None
    estimated_delivery: EstimateOut | None = None
    tracking: TrackingOut
    warnings: list[WarningOut] = Field(default_factory=list)

    @staticmethod
    def view(package: Package, estimate: StoredEstimate | None = None, warnings: Sequence[PackageWarning] = (),
             push_carriers: Collection[str] = (), missing: Mapping[str, str] | None = None) -> dict:
        """The answer's JSON shape as a dict of the domain's own values, for ``api.responses.as_json``.

        Read answers hold hundreds of these objects; building them as models (validated, then validated again
        against ``response_model`` and serialised) was most of a read's CPU (bench/load.py). Answers that
        are written less often validate the same dict through the model (``PackageOut(**view)``), and
        tests/unit/test_answer_views.py holds every ``view`` to its model."""
        state: PackageState = package.state
        dest = package.destination
        return {
            "id": package.id, "tracking_number": package.tracking_number, "carrier": package.carrier,
            "order_ref": package.order_ref,
            "destination": {"postal_code": dest.postal_code, "country": dest.country} if dest else None,
            "status": state.status, "substatus": state.substatus, "event_count": state.event_count,
            "created_at": package.created_at, "updated_at": package.updated_at,
            "last_event_at": state.last_event_at, "delivered_at": state.delivered_at,
            "estimated_delivery": EstimateOut.view(estimate),
            "tracking": TrackingOut.view(package, push_carriers, missing),
            "warnings": [{"code": w.code, "message": w.message} for w in (*warnings, *derived_warnings(package))],
        }


class HintOut(BaseModel):
    code: str = Field(examples=["looks_like_tiktok_order_id"])
    message: str


class RegisteredOut(PackageOut):
    """The package just registered (or found), with what its number looks like instead, if anything."""

    hints: list[HintOut] = Field(default_factory=list, description=(
        "e.g. looks_like_tiktok_order_id: the number is 18 digits starting 57 or 58, a TikTok Shop order ID "
        "rather than a tracking number"))


class OpenFlagOut(BaseModel):
    """A problem the package has now (docs/exceptions.md); ``GET /v1/exceptions/{id}`` has its history."""

    id: str
    type: str
    severity: str
    reason: str
    since: datetime
    due: datetime | None

    @staticmethod
    def view(flag: StoredFlag) -> dict:
        """The answer's JSON shape as a dict (see ``PackageOut.view``)."""
        return {"id": flag.id, "type": flag.type, "severity": flag.severity, "reason": flag.reason, "since": flag.since,
                "due": flag.due}


class PackageDetailOut(PackageOut):
    events: list[EventOut]
    """The newest 100 events (every event of a normal parcel), oldest first."""
    events_next_cursor: str | None = None
    """When the package has more events: the ``cursor`` for ``GET /v1/packages/{id}/events``, which pages
    the older ones newest first; null when ``events`` holds them all."""
    estimate_history: list[EstimateOut]
    flags: list[OpenFlagOut] = []
    estimate_withheld: str | None = None
    """Why there is no delivery estimate (lost, on its way back), when there is none for that reason."""
    order_ids: list[str] = []
    """The shop-platform orders this parcel serves (several when TikTok combined orders into it)."""


class PackagePageOut(BaseModel):
    items: list[PackageOut]
    next_cursor: str | None


class IngestOut(BaseModel):
    accepted: int
    duplicates: int
    package: PackageOut


class HealthOut(BaseModel):
    status: str
    database: str
