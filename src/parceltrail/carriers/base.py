"""What every carrier module gives back, and the two ways talking to a carrier can fail.

A carrier module turns the raw body of its tracking API into a ``CarrierTracking``: the canonical
language of ``parceltrail.core`` plus the carrier's own words, so nothing is lost in mapping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from parceltrail.carriers.mapping import Classifier
from parceltrail.core import Status, Substatus, TrackingEvent

if TYPE_CHECKING:
    from parceltrail.carriers.proof import DeliveryProof


class CarrierShapeError(ValueError):
    """The body is not the shape this carrier's tracking API answers with.

    Raised by ``parse`` with one sentence naming the carrier and what is wrong (not JSON, a missing
    field, a time without an offset ...), so a person can tell a wrong file from a changed API.
    """

    def __init__(self, carrier: str, problem: str) -> None:
        super().__init__(f"{carrier}: {problem}")
        self.carrier = carrier
        self.problem = problem


class CarrierFetchError(RuntimeError):
    """Asking the carrier failed: refused credentials, rate limit, timeouts, a 5xx that outlived retries.

    ``retry_after`` (seconds) is set when the carrier said when to come back; ``status`` is the last
    HTTP status seen, ``None`` when no answer came at all.
    """

    def __init__(
        self, carrier: str, reason: str, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{carrier}: {reason}")
        self.carrier = carrier
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class EstimatedDelivery:
    """When the carrier expects to deliver: one day (earliest == latest) or a window.

    Values are ``datetime`` (with offset) when the carrier gave times, plain ``date`` when it only gave
    a day: a day has no zone, and inventing midnight-in-some-zone would make it look more precise.
    """

    earliest: date | datetime
    latest: date | datetime

    def to_dict(self) -> dict[str, str]:
        return {"earliest": self.earliest.isoformat(), "latest": self.latest.isoformat()}


@dataclass(frozen=True, slots=True)
class CarrierTracking:
    """One package as its carrier currently sees it, already in parceltrail's language.

    ``events`` are oldest first and free of exact duplicates. ``status``/``substatus`` are those of
    the fold of the events (so "Pending while the carrier shows delivered" cannot happen); with no
    events the package is ``pending``. ``related`` holds the other packages the same body described
    (sibling pieces of a multi-piece shipment, or older shipments that reused the number), each parsed
    the same way. ``unmapped`` lists carrier codes or texts that fell back on the coarse status.
    """

    carrier: str
    tracking_number: str | None
    status: Status
    substatus: Substatus
    events: tuple[TrackingEvent, ...] = ()
    estimated_delivery: EstimatedDelivery | None = None
    delivered_at: datetime | None = None
    signed_by: str | None = None
    delivery_location: str | None = None
    piece_count: int | None = None
    related: tuple[CarrierTracking, ...] = ()
    unmapped: tuple[str, ...] = ()
    proof: DeliveryProof | None = None
    """How it was delivered (``carriers.proof.with_proofs`` fills it from the same body); None until delivered."""

    def to_dict(self) -> dict[str, Any]:
        """The shape ``parceltrail carriers parse --json`` prints (issue 5) plus proof-of-delivery fields."""
        out: dict[str, Any] = {
            "carrier": self.carrier,
            "tracking_number": self.tracking_number,
            "status": str(self.status),
            "substatus": str(self.substatus),
            "events": [event_to_dict(e) for e in self.events],
            "estimated_delivery": self.estimated_delivery.to_dict() if self.estimated_delivery else None,
            "delivered_at": self.delivered_at.isoformat() if self.delivered_at else None,
            "signed_by": self.signed_by,
            "delivery_location": self.delivery_location,
            "piece_count": self.piece_count,
            "unmapped": list(self.unmapped),
        }
        if self.proof is not None:
            out["proof"] = self.proof.to_dict()
        if self.related:
            out["related"] = [r.to_dict() for r in self.related]
        return out


def event_to_dict(event: TrackingEvent) -> dict[str, Any]:
    loc = event.location
    return {
        "occurred_at": event.occurred_at.isoformat(),
        "status": str(event.status),
        "substatus": str(event.substatus),
        "description": event.description,
        "carrier_code": event.carrier_code,
        "location": {
            "city": loc.city,
            "region": loc.region,
            "postal_code": loc.postal_code,
            "country": loc.country,
        },
        "time_basis": str(event.time_basis),
        "unknown_code": event.unknown_code,
        "seller_action": event.seller_action,
    }


Parse = Callable[[bytes | dict | list], CarrierTracking]
Fetch = Callable[..., bytes]


@dataclass(frozen=True, slots=True)
class Carrier:
    """A registry entry: everything the rest of parceltrail needs to know about one carrier.

    ``parse`` is pure (body in, ``CarrierTracking`` out). ``fetch(number, credentials, client)``
    makes the real HTTP call through a ``carriers.transport.CarrierClient`` and returns the raw body,
    which ``parse`` then reads; keeping the two apart lets webhooks, files and tests reuse ``parse``.
    ``lookup`` says what ``fetch`` takes: a ``tracking_number`` or, for a shop platform, an ``order_id``.
    """

    code: str
    name: str
    parse: Parse
    fetch: Fetch
    base_url: str
    credentials_type: type
    classifier: Classifier
    """The carrier's mapping tables (rendered into docs/carriers.md by ``parceltrail carriers tables``)."""
    api: str
    lookup: str = "tracking_number"
    supports: frozenset[str] = field(default_factory=frozenset)
    """Features this carrier's answers carry: locations, estimated_delivery, proof_of_delivery, multi_piece."""
