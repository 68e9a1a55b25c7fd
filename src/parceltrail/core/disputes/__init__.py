"""Disputes, pure: the buyer's claim and its states (model), the windows that apply (windows), and the
seller's checklist (steps). The store keeps disputes with their history; services build the facts."""

from parceltrail.core.disputes.model import (
    CLOSED,
    TRANSITIONS,
    BadTransition,
    ClaimFacts,
    ClaimKind,
    DisputeState,
    check_transition,
    claim_kind,
    dispute_state,
    is_open,
)
from parceltrail.core.disputes.steps import Step, checklist
from parceltrail.core.disputes.windows import RULES, Deadline, WindowRule, deadlines, seller_deadline

__all__ = [
    "CLOSED", "RULES", "TRANSITIONS", "BadTransition", "ClaimFacts", "ClaimKind", "Deadline", "DisputeState", "Step",
    "WindowRule", "check_transition", "checklist", "claim_kind", "deadlines", "dispute_state", "is_open",
    "seller_deadline",
]
