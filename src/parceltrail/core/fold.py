"""The event fold: a package's state is a pure function of the *set* of its events.

The newest event (by ``occurred_at``) sets the status. Ties at the same instant go to the event
further along the journey (``PROGRESS_RANK``), then to the fingerprint, so the result never depends
on arrival order. Because the fold is a maximum over a total order, a store can fold new events into
a saved state (``fold_into``) and get exactly what a full re-fold would give.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from parceltrail.core.model import PackageState, TrackingEvent
from parceltrail.core.status import PROGRESS_RANK, Status


def event_identity(event: TrackingEvent) -> str:
    """The parts of an event that make it the same scan: time, carrier code, canonical status and place.

    The canonical status is part of the identity (DESIGN.md named "carrier code *or* status"): if two
    reports of one code at one instant map to different statuses — a mapping table that improved
    between two polls — keeping whichever came first would make the state depend on arrival order.
    Both are kept instead and the fold's total order decides.
    """
    code = (event.carrier_code or "").strip().upper()
    return f"{event.occurred_at.isoformat()}|{code}|{event.substatus.value}|{event.location.key()}"


def fingerprint(carrier: str | None, tracking_number: str, event: TrackingEvent) -> str:
    """Stable id of a scan: receiving the same scan twice, from polling or push, changes nothing."""
    raw = f"{(carrier or '').lower()}|{tracking_number.upper()}|{event_identity(event)}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def sort_key(event: TrackingEvent, event_fingerprint: str) -> str:
    """Total order used by the fold, as fixed-width text so a store can keep and compare it.

    Times are UTC with microseconds always written, so the text sorts exactly like the instants.
    """
    when = event.occurred_at.isoformat(timespec="microseconds")
    return f"{when}|{PROGRESS_RANK[event.status]:02d}|{event_fingerprint}"


def fold_into(
    state: PackageState, events: Iterable[tuple[str, TrackingEvent]], new_count: int | None = None
) -> PackageState:
    """Fold (fingerprint, event) pairs that are *new* to ``state`` into it.

    ``new_count`` defaults to the number of pairs; callers that already removed duplicates pass it
    explicitly only when it differs.
    """
    newest_key = state.newest_key
    newest: TrackingEvent | None = None
    delivered_at = state.delivered_at
    count = 0
    for fp, event in events:
        count += 1
        key = sort_key(event, fp)
        if newest_key is None or key > newest_key:
            newest_key, newest = key, event
        if event.status is Status.DELIVERED and (delivered_at is None or event.occurred_at < delivered_at):
            delivered_at = event.occurred_at
    total = state.event_count + (count if new_count is None else new_count)
    if newest is None:
        return PackageState(state.status, state.substatus, state.last_event_at, total, delivered_at, state.newest_key)
    return PackageState(newest.status, newest.substatus, newest.occurred_at, total, delivered_at, newest_key)


def merge_states(state: PackageState, batch: PackageState, new_count: int) -> PackageState:
    """``state`` with a batch folded in, given the batch's own fold (``fold_into(PackageState(), pairs)``).

    The fold is a maximum (newest key) and a minimum (first delivery), so a batch can be folded on its
    own *before* a store locks the package, and merged under the lock in constant time. Events of the
    batch the package already had change nothing here; ``new_count`` says how many were really new.
    """
    newest = state
    if batch.newest_key is not None and (state.newest_key is None or batch.newest_key > state.newest_key):
        newest = batch
    delivered = [d for d in (state.delivered_at, batch.delivered_at) if d is not None]
    return PackageState(newest.status, newest.substatus, newest.last_event_at, state.event_count + new_count,
                        min(delivered, default=None), newest.newest_key)


def fold_events(
    events: Iterable[TrackingEvent], carrier: str | None = None, tracking_number: str = ""
) -> PackageState:
    """The state of a package with these events; duplicates (same fingerprint) count once.

    Pass the package's carrier and number to get exactly the tie-breaks the store uses.
    """
    unique: dict[str, TrackingEvent] = {}
    for event in events:
        unique.setdefault(fingerprint(carrier, tracking_number, event), event)
    return fold_into(PackageState(), unique.items())
