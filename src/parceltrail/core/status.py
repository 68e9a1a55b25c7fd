"""The canonical status language every carrier's codes are mapped onto (DESIGN.md, "Canonical tracking statuses").

A substatus belongs to exactly one status, so the status of an event can always be derived from its
substatus; the API still accepts both and checks that they agree, because a mismatch is a mapping bug
worth refusing loudly.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a package is in its life, as a seller or buyer would say it."""

    PENDING = "pending"
    """Registered with us; the carrier has no record of it yet."""
    INFO_RECEIVED = "info_received"
    """A label exists and the carrier knows about it, but has not scanned the parcel."""
    IN_TRANSIT = "in_transit"
    """The carrier has the parcel and it is moving through the network."""
    OUT_FOR_DELIVERY = "out_for_delivery"
    """On the vehicle for the final delivery today."""
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    """Waiting for the buyer at a pickup point, locker or post office."""
    DELIVERY_FAILED = "delivery_failed"
    """A delivery was attempted and did not succeed; another attempt or a pickup usually follows."""
    DELIVERED = "delivered"
    """The carrier says the parcel reached the buyer."""
    EXCEPTION = "exception"
    """Something needs attention: held, damaged, lost, delayed, refused, address problems."""
    RETURNING = "returning"
    """On its way back to the sender."""
    RETURNED = "returned"
    """Back with the sender."""
    EXPIRED = "expired"
    """No news for so long that we stopped expecting any (see the expiry job)."""
    CANCELLED = "cancelled"
    """The label was voided before the carrier took the parcel."""


class Substatus(StrEnum):
    """More detail within a status; each value belongs to exactly one ``Status``."""

    # pending
    PENDING = "pending"
    # info_received
    LABEL_CREATED = "label_created"
    # in_transit
    PICKED_UP = "picked_up"
    ARRIVED_AT_FACILITY = "arrived_at_facility"
    DEPARTED_FACILITY = "departed_facility"
    IN_TRANSIT = "in_transit"
    ARRIVED_DESTINATION_COUNTRY = "arrived_destination_country"
    CUSTOMS_STARTED = "customs_started"
    CUSTOMS_CLEARED = "customs_cleared"
    HANDED_TO_PARTNER = "handed_to_partner"
    FORWARDED = "forwarded"
    PROBLEM_RESOLVED = "problem_resolved"
    # out_for_delivery
    OUT_FOR_DELIVERY = "out_for_delivery"
    CUSTOMER_CONTACTED = "customer_contacted"
    APPOINTMENT_SCHEDULED = "appointment_scheduled"
    # available_for_pickup
    AT_PICKUP_POINT = "at_pickup_point"
    AT_LOCKER = "at_locker"
    HELD_AT_POST_OFFICE = "held_at_post_office"
    # delivery_failed
    RECIPIENT_UNAVAILABLE = "recipient_unavailable"
    BUSINESS_CLOSED = "business_closed"
    ACCESS_ISSUE = "access_issue"
    NO_SECURE_LOCATION = "no_secure_location"
    RESCHEDULED = "rescheduled"
    ATTEMPT_FAILED = "attempt_failed"
    # delivered
    DELIVERED = "delivered"
    SIGNED = "signed"
    LEFT_AT_DOOR = "left_at_door"
    MAILBOX = "mailbox"
    NEIGHBOUR = "neighbour"
    PICKED_UP_BY_CUSTOMER = "picked_up_by_customer"
    LOCKER = "locker"
    COD_COLLECTED = "cod_collected"
    # exception
    ADDRESS_ISSUE = "address_issue"
    REFUSED = "refused"
    CUSTOMER_MOVED = "customer_moved"
    CUSTOMS_HOLD = "customs_hold"
    MISSING_DOCUMENTS = "missing_documents"
    HELD_FOR_PAYMENT = "held_for_payment"
    DAMAGED = "damaged"
    LOST = "lost"
    DISPOSED = "disposed"
    REJECTED_BY_CARRIER = "rejected_by_carrier"
    PICKUP_MISSED = "pickup_missed"
    WEATHER_DELAY = "weather_delay"
    CARRIER_DELAY = "carrier_delay"
    CUSTOMS_DELAY = "customs_delay"
    LATE_FLIGHT = "late_flight"
    OTHER = "other"
    # returning
    RETURN_TO_SENDER = "return_to_sender"
    # returned
    RETURNED_TO_SENDER = "returned_to_sender"
    # expired
    NO_UPDATES = "no_updates"
    # cancelled
    LABEL_CANCELLED = "label_cancelled"


S, X = Status, Substatus

SUBSTATUSES: dict[Status, tuple[Substatus, ...]] = {
    S.PENDING: (X.PENDING,),
    S.INFO_RECEIVED: (X.LABEL_CREATED,),
    S.IN_TRANSIT: (
        X.PICKED_UP, X.ARRIVED_AT_FACILITY, X.DEPARTED_FACILITY, X.IN_TRANSIT,
        X.ARRIVED_DESTINATION_COUNTRY, X.CUSTOMS_STARTED, X.CUSTOMS_CLEARED, X.HANDED_TO_PARTNER,
        X.FORWARDED, X.PROBLEM_RESOLVED,
    ),
    S.OUT_FOR_DELIVERY: (X.OUT_FOR_DELIVERY, X.CUSTOMER_CONTACTED, X.APPOINTMENT_SCHEDULED),
    S.AVAILABLE_FOR_PICKUP: (X.AT_PICKUP_POINT, X.AT_LOCKER, X.HELD_AT_POST_OFFICE),
    S.DELIVERY_FAILED: (
        X.RECIPIENT_UNAVAILABLE, X.BUSINESS_CLOSED, X.ACCESS_ISSUE, X.NO_SECURE_LOCATION, X.RESCHEDULED,
        X.ATTEMPT_FAILED,
    ),
    S.DELIVERED: (
        X.DELIVERED, X.SIGNED, X.LEFT_AT_DOOR, X.MAILBOX, X.NEIGHBOUR, X.PICKED_UP_BY_CUSTOMER, X.LOCKER,
        X.COD_COLLECTED,
    ),
    S.EXCEPTION: (
        X.ADDRESS_ISSUE, X.REFUSED, X.CUSTOMER_MOVED, X.CUSTOMS_HOLD, X.MISSING_DOCUMENTS,
        X.HELD_FOR_PAYMENT, X.DAMAGED, X.LOST, X.DISPOSED, X.REJECTED_BY_CARRIER, X.PICKUP_MISSED,
        X.WEATHER_DELAY, X.CARRIER_DELAY, X.CUSTOMS_DELAY, X.LATE_FLIGHT, X.OTHER,
    ),
    S.RETURNING: (X.RETURN_TO_SENDER,),
    S.RETURNED: (X.RETURNED_TO_SENDER,),
    S.EXPIRED: (X.NO_UPDATES,),
    S.CANCELLED: (X.LABEL_CANCELLED,),
}

STATUS_OF: dict[Substatus, Status] = {sub: status for status, subs in SUBSTATUSES.items() for sub in subs}

DEFAULT_SUBSTATUS: dict[Status, Substatus] = {status: subs[0] for status, subs in SUBSTATUSES.items()}
"""The substatus to use when a source only knows the coarse status (e.g. a carrier's summary code)."""

# The substatus that names the status itself, where one exists, is the better default.
DEFAULT_SUBSTATUS.update({
    S.IN_TRANSIT: X.IN_TRANSIT,
    S.DELIVERED: X.DELIVERED,
    S.EXCEPTION: X.OTHER,
    S.DELIVERY_FAILED: X.ATTEMPT_FAILED,
})

TERMINAL: frozenset[Status] = frozenset({S.DELIVERED, S.RETURNED, S.EXPIRED, S.CANCELLED})
"""Statuses after which no further scans are expected (a later scan still wins the fold if it comes)."""

NOT_A_HANDOFF: frozenset[Status] = frozenset({
    S.PENDING, S.INFO_RECEIVED, S.CANCELLED, S.EXPIRED,
    S.OUT_FOR_DELIVERY, S.AVAILABLE_FOR_PICKUP, S.DELIVERY_FAILED, S.DELIVERED,
})
"""Statuses whose time is not when the carrier took the parcel: before it had it, or its last-mile word.
A package's handoff is its first event of any other status; one whose first carrier event is the
delivery has no known handoff (counting the delivery would teach zero-day transits and full-length
seller handling)."""

# Tie-break for events with the same timestamp: the one further along the journey wins, so that a
# carrier posting "Out for delivery" and "Delivered" in the same minute reads as delivered.
PROGRESS_RANK: dict[Status, int] = {
    S.PENDING: 0, S.INFO_RECEIVED: 1, S.CANCELLED: 2, S.IN_TRANSIT: 3, S.EXCEPTION: 4,
    S.OUT_FOR_DELIVERY: 5, S.DELIVERY_FAILED: 6, S.AVAILABLE_FOR_PICKUP: 7, S.RETURNING: 8,
    S.DELIVERED: 9, S.RETURNED: 10, S.EXPIRED: 11,
}


class StatusMismatch(ValueError):
    """A substatus was paired with a status it does not belong to."""


def check_pair(status: Status | str, substatus: Substatus | str | None) -> tuple[Status, Substatus]:
    """Return the (status, substatus) pair as enums, filling a missing substatus with the default.

    Raises ``ValueError`` (with the accepted values) for unknown names and ``StatusMismatch`` when the
    substatus belongs to another status.
    """
    try:
        st = Status(status)
    except ValueError:
        raise ValueError(f"unknown status {status!r}; expected one of: {', '.join(Status)}") from None
    if substatus is None:
        return st, DEFAULT_SUBSTATUS[st]
    try:
        sub = Substatus(substatus)
    except ValueError:
        allowed = ", ".join(SUBSTATUSES[st])
        raise ValueError(f"unknown substatus {substatus!r}; for status {st} expected one of: {allowed}") from None
    if STATUS_OF[sub] is not st:
        allowed = ", ".join(SUBSTATUSES[st])
        raise StatusMismatch(
            f"substatus {sub} belongs to status {STATUS_OF[sub]}, not {st}; for {st} expected one of: {allowed}"
        )
    return st, sub
