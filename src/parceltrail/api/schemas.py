"""Request and response shapes of the HTTP API (Pydantic v2). Validation messages name what was expected."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from parceltrail.api.recipient_schemas import RecipientBody
from parceltrail.core import (
    Address,
    Location,
    Package,
    PackageState,
    Status,
    Substatus,
    TimeBasis,
    TrackingEvent,
    check_country,
    check_pair,
)
from parceltrail.store.estimates import StoredEstimate

Country = Annotated[str, Field(min_length=2, max_length=2, examples=["US"]), AfterValidator(check_country)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LocationBody(Strict):
    city: str | None = Field(None, max_length=128)
    region: str | None = Field(None, max_length=64)
    postal_code: str | None = Field(None, max_length=16)
    country: Country | None = None


class EventBody(Strict):
    """A normalised tracking event (DESIGN.md, "Shapes that cross package boundaries")."""

    occurred_at: AwareDatetime = Field(examples=["2026-11-20T14:05:00-05:00"])
    status: Status
    substatus: Substatus | None = None
    description: str = Field("", max_length=1000)
    carrier_code: str | None = Field(None, max_length=64)
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
    postal_code: str | None = Field(None, max_length=16)
    country: Country | None = None


class PackageBody(Strict):
    tracking_number: str = Field(min_length=1, max_length=100, examples=["1Z999AA10123456784"])
    carrier: str | None = Field(None, max_length=32, examples=["ups"])
    order_ref: str | None = Field(None, max_length=128)
    destination: DestinationBody | None = None
    recipient: RecipientBody | None = Field(None, description="The buyer to notify (see PUT .../recipient)")

    def destination_address(self) -> Address | None:
        if self.destination is None:
            return None
        return Address(postal_code=self.destination.postal_code, country=self.destination.country)


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

    @classmethod
    def of(cls, event: TrackingEvent) -> EventOut:
        loc = event.location
        return cls(
            occurred_at=event.occurred_at, status=event.status, substatus=event.substatus,
            description=event.description, carrier_code=event.carrier_code,
            location=LocationOut(city=loc.city, region=loc.region, postal_code=loc.postal_code, country=loc.country),
            time_basis=event.time_basis, unknown_code=event.unknown_code, seller_action=event.seller_action,
        )


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

    @classmethod
    def of(cls, e: StoredEstimate | None) -> EstimateOut | None:
        if e is None:
            return None
        return cls(earliest=e.earliest, likely=e.likely, latest=e.latest, promise=e.promise, confidence=e.confidence,
                   source=e.source, revised_at=e.revised_at, reason=e.reason)


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

    @classmethod
    def of(cls, package: Package, estimate: StoredEstimate | None = None) -> PackageOut:
        state: PackageState = package.state
        dest = package.destination
        return cls(
            id=package.id, tracking_number=package.tracking_number, carrier=package.carrier,
            order_ref=package.order_ref,
            destination=DestinationOut(postal_code=dest.postal_code, country=dest.country) if dest else None,
            status=state.status, substatus=state.substatus, event_count=state.event_count,
            created_at=package.created_at, updated_at=package.updated_at,
            last_event_at=state.last_event_at, delivered_at=state.delivered_at,
            estimated_delivery=EstimateOut.of(estimate),
        )


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
