"""Value objects of the tracking domain. Frozen dataclasses: cheap, hashable, and free of any I/O.

Validation that a person can trip over (a naive time, a bad country code) happens here too, so every
entry point — API, CLI, carrier parsers — refuses the same things with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum

from parceltrail.core.countries import check_country
from parceltrail.core.status import Status, Substatus, check_pair


def ensure_aware(value: datetime, name: str = "occurred_at") -> datetime:
    """Return ``value`` in UTC; a time without a UTC offset is refused, never guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} {value.isoformat()} has no UTC offset; expected e.g. 2026-11-20T14:05:00-05:00")
    return value.astimezone(UTC)


def _squash(text: str | None) -> str:
    return " ".join(text.split()).upper() if text else ""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a scan happened, as precisely as the carrier said it."""

    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None

    def __post_init__(self) -> None:
        if self.country is not None:
            object.__setattr__(self, "country", check_country(self.country))

    def is_empty(self) -> bool:
        return not (self.city or self.region or self.postal_code or self.country)

    def key(self) -> str:
        """A normalised text used in event fingerprints: case and spacing differences don't make a new event."""
        return f"{_squash(self.city)}|{_squash(self.region)}|{_squash(self.postal_code)}|{self.country or ''}"


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address (a package's destination, a shop's return address)."""

    postal_code: str | None = None
    country: str | None = None
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None

    def __post_init__(self) -> None:
        if self.country is not None:
            object.__setattr__(self, "country", check_country(self.country))


class TimeBasis(StrEnum):
    """Where an event's UTC offset came from: the source itself, or an inference we can justify.

    Carriers sometimes send a local wall time with no zone (UPS's v1 API in 2023, FedEx pickup scans,
    USPS partner events, most DHL services). Such an event is placed in the zone of its own place, else
    of its neighbouring scans, else of the shipment's origin or destination, and says so here.
    """

    EXACT = "exact"
    """The source gave the offset or UTC."""
    PLACE = "zone_from_place"
    """The zone of the scan's own place: its ZIP, its city and state, or a country with one offset."""
    NEIGHBOURS = "zone_from_neighbours"
    """The zone of the nearest scan in the same answer whose zone is known."""
    ROUTE = "zone_from_route"
    """The zone of the shipment's origin (early scans) or destination (last-mile scans)."""


@dataclass(frozen=True, slots=True)
class TrackingEvent:
    """One scan or status change, already in the canonical language.

    ``carrier_code`` and ``description`` keep the carrier's own words so nothing is lost in mapping.
    ``time_basis`` says whether ``occurred_at``'s zone was given or inferred; ``unknown_code`` marks a
    scan whose code and words are in none of the carrier's tables (its status is the carrier's coarse
    one); ``seller_action`` marks a scan the carrier's table says the seller must act on (a wrong
    address, documents for customs, charges, a claim). None is part of the event's identity
    (``core.fold.event_identity``).
    """

    occurred_at: datetime
    status: Status
    substatus: Substatus
    description: str = ""
    carrier_code: str | None = None
    location: Location = field(default_factory=Location)
    time_basis: TimeBasis = TimeBasis.EXACT
    unknown_code: bool = False
    seller_action: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "occurred_at", ensure_aware(self.occurred_at))
        status, substatus = check_pair(self.status, self.substatus)
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "substatus", substatus)
        if self.time_basis.__class__ is not TimeBasis:
            object.__setattr__(self, "time_basis", TimeBasis(self.time_basis))

    @classmethod
    def create(
        cls,
        occurred_at: datetime,
        status: Status | str,
        substatus: Substatus | str | None = None,
        description: str = "",
        carrier_code: str | None = None,
        location: Location | None = None,
        time_basis: TimeBasis | str = TimeBasis.EXACT,
        unknown_code: bool = False,
        seller_action: bool = False,
    ) -> TrackingEvent:
        """Build an event, deriving the default substatus when only the status is known."""
        st, sub = check_pair(status, substatus)
        return cls(occurred_at, st, sub, description, carrier_code, location or Location(),
                   TimeBasis(time_basis), unknown_code, seller_action)

    def with_location(self, location: Location) -> TrackingEvent:
        return replace(self, location=location)


@dataclass(frozen=True, slots=True)
class PackageState:
    """What a package's events add up to. Derived, never edited by hand."""

    status: Status = Status.PENDING
    substatus: Substatus = Substatus.PENDING
    last_event_at: datetime | None = None
    event_count: int = 0
    delivered_at: datetime | None = None
    newest_key: str | None = None
    """Sort key of the newest event: lets a store fold new events in without re-reading old ones."""
    future_from: datetime | None = None
    """The earliest event dated more than a day ahead of the ``now`` the state was folded at: it and every
    later event are kept but do not count yet (``core.fold``). None when no event is held back."""


@dataclass(frozen=True, slots=True)
class PackageWarning:
    """Something a check found that the seller should know about a package: a stable ``code`` for programs
    and a ``message`` that says what is wrong and what to do."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class CarrierChecks:
    """How asking the carrier about a package has gone: when last and next, and the last error (None after a
    success); ``failures`` counts failed checks in a row."""

    last_checked_at: datetime | None = None
    next_check_at: datetime | None = None
    last_error: str | None = None
    failures: int = 0


@dataclass(frozen=True, slots=True)
class Package:
    """A parcel we follow for a shop: one tracking number with one carrier."""

    id: str
    shop_id: str
    tracking_number: str
    carrier: str | None
    created_at: datetime
    updated_at: datetime
    order_ref: str | None = None
    destination: Address | None = None
    state: PackageState = field(default_factory=PackageState)
    origin: Address | None = None
    service: str | None = None
    checks: CarrierChecks = field(default_factory=CarrierChecks)
    stopped_at: datetime | None = None
    """When tracking was stopped (the package and its history stay, for evidence); None while followed."""
