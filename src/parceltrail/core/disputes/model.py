"""What a dispute is: the buyer's claim, the states it moves through, and the facts its clocks run from.

A dispute is one buyer claim about one package. Its state says where the seller is with it; the
closed states say how it ended, because "refunded" and "reimbursed by the carrier" are different
outcomes for the seller's money even though both end the dispute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from parceltrail.core.model import ensure_aware


class ClaimKind(StrEnum):
    NOT_RECEIVED = "not_received"
    """The buyer says the parcel never came (whether or not the carrier says it delivered)."""
    DAMAGED = "damaged"
    """It came, broken or with contents missing."""
    WRONG_ITEM = "wrong_item"
    """It came with something other than what was ordered."""
    LATE = "late"
    """It came (or is still coming) after the promised date."""


class DisputeState(StrEnum):
    OPEN = "open"
    """Reported; nobody has acted on it yet."""
    INVESTIGATING = "investigating"
    """The seller is gathering proof: asked the buyer, opened a carrier trace."""
    SUBMITTED = "submitted"
    """An appeal to TikTok or a claim to the carrier is filed and waiting for an answer."""
    WON = "won"
    """Closed for the seller: the buyer found the parcel, or the appeal was upheld."""
    REFUNDED = "refunded"
    """Closed with the buyer refunded (by the seller or the platform)."""
    REIMBURSED = "reimbursed"
    """Closed with the seller compensated by the carrier or by TikTok."""
    WITHDRAWN = "withdrawn"
    """Closed because the buyer withdrew the claim."""


CLOSED = frozenset({DisputeState.WON, DisputeState.REFUNDED, DisputeState.REIMBURSED, DisputeState.WITHDRAWN})
_WORKING = frozenset({DisputeState.OPEN, DisputeState.INVESTIGATING, DisputeState.SUBMITTED})

TRANSITIONS: dict[DisputeState, frozenset[DisputeState]] = {
    DisputeState.OPEN: frozenset({DisputeState.INVESTIGATING, DisputeState.SUBMITTED}) | CLOSED,
    DisputeState.INVESTIGATING: frozenset({DisputeState.SUBMITTED}) | CLOSED,
    DisputeState.SUBMITTED: frozenset({DisputeState.INVESTIGATING}) | CLOSED,
    # a closed dispute can be reopened (the buyer escalates, TikTok reverses a decision), never moved sideways
    **{state: frozenset({DisputeState.OPEN}) for state in CLOSED},
}


class BadTransition(ValueError):
    """The dispute cannot go from its state to the one asked for; the message lists where it can go."""


def claim_kind(value: str) -> ClaimKind:
    try:
        return ClaimKind((value or "").strip().lower())
    except ValueError:
        raise ValueError(f"unknown claim kind {value!r}; expected one of: {', '.join(ClaimKind)}") from None


def dispute_state(value: str) -> DisputeState:
    try:
        return DisputeState((value or "").strip().lower())
    except ValueError:
        raise ValueError(f"unknown dispute state {value!r}; expected one of: {', '.join(DisputeState)}") from None


def check_transition(current: DisputeState, wanted: DisputeState) -> None:
    if wanted == current:
        raise BadTransition(f"the dispute is already {current}")
    if wanted not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current]))
        raise BadTransition(f"a dispute that is {current} can move to: {allowed}; not to {wanted}")


def is_open(state: DisputeState) -> bool:
    return state in _WORKING


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """The moments the claim windows count from, read from the package, its scans and its order.

    Every time is aware UTC or None when the package has not reached that point (a parcel that was never
    delivered has no delivery moment: windows counted from it have not started).
    """

    carrier: str | None
    shipped_at: datetime | None = None
    """The carrier's first scan (acceptance): carriers count "mailing" and "tendered" from it."""
    delivered_at: datetime | None = None
    last_status_at: datetime | None = None
    """The newest logistics event: TikTok's compensation tickets count from it."""
    scheduled_at: datetime | None = None
    """When delivery was due: the order's deliver-by, else the first promise the seller gave."""
    platform: str | None = None
    """``tiktok`` when the package serves a TikTok Shop order; None when no order is linked."""
    tiktok_shipping: bool = False
    """True when TikTok Shipping carried it: TikTok then handles the carrier claim and its own windows apply."""
    service: str | None = None
    proof: str | None = None
    """One line of the carrier's proof of delivery (signer, place, time) for the buyer, when there is one."""
    distance_km: float | None = None
    """How far from the address the carrier says it delivered, when its GPS point (or scan place) is known."""
    far: bool = False
    """The delivery point lies beyond the destination ZIP's size (``core.disputes.delivery``)."""

    def __post_init__(self) -> None:
        for name in ("shipped_at", "delivered_at", "last_status_at", "scheduled_at"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, ensure_aware(value, name))
