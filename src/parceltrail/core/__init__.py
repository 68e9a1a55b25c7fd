"""The pure core: statuses, value objects and the event fold. No I/O, no clock, no randomness."""

from parceltrail.core.countries import check_country
from parceltrail.core.fold import event_identity, fingerprint, fold_events, fold_into, merge_states, sort_key
from parceltrail.core.model import (
    Address,
    Location,
    Package,
    PackageState,
    TimeBasis,
    TrackingEvent,
    ensure_aware,
)
from parceltrail.core.status import (
    DEFAULT_SUBSTATUS,
    NOT_A_HANDOFF,
    STATUS_OF,
    SUBSTATUSES,
    TERMINAL,
    Status,
    StatusMismatch,
    Substatus,
    check_pair,
)

__all__ = [
    "DEFAULT_SUBSTATUS",
    "NOT_A_HANDOFF",
    "STATUS_OF",
    "SUBSTATUSES",
    "TERMINAL",
    "TimeBasis",
    "Address",
    "Location",
    "Package",
    "PackageState",
    "Status",
    "StatusMismatch",
    "Substatus",
    "TrackingEvent",
    "check_country",
    "check_pair",
    "ensure_aware",
    "event_identity",
    "fingerprint",
    "fold_events",
    "fold_into",
    "merge_states",
    "sort_key",
]
