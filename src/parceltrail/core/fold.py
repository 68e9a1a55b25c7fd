"""The event fold: a package's state is a pure function of the *set* of its events and of ``now``.

The newest event (by ``occurred_at``) sets the status. Ties at the same instant go to the event
further along the journey (``PROGRESS_RANK``), then to the fingerprint, so the result never depends
on arrival order. Because the fold is a maximum over a total order, a store can fold new events into
a saved state (``fold_into``) and get exactly what a full re-fold would give.

Events dated more than ``FUTURE_TOLERANCE`` ahead of ``now`` (a wrong year, a wrong zone: 2031 in a
demo) are counted and kept but do not set the status or ``delivered_at``: the state remembers the
earliest of them (``future_from``). Folding new events into a saved state stays exact as long as none
of the held-back events has come within the tolerance of the new ``now``; once one has
(``needs_refold``), the store folds the package's whole timeline again at that ``now`` (ingest does,
and the worker does for packages nobody sends scans for). ``now`` is an argument, so the fold stays pure;
``None`` means no horizon (parsing a carrier's body, or tests).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

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


FUTURE_TOLERANCE = timedelta(days=1)
"""How far ahead of now an event may be dated and still count (clocks and zones are a few hours off at
worst; a day also covers a scan stamped in a zone ahead of UTC and read just after midnight)."""


def held_back(event: TrackingEvent, now: datetime | None) -> bool:
    """True when ``event`` is dated too far ahead of ``now`` to count yet."""
    return now is not None and event.occurred_at > now + FUTURE_TOLERANCE


def needs_refold(state: PackageState, now: datetime) -> bool:
    """True when an event held back earlier now counts: fold the whole timeline again at ``now``."""
    return state.future_from is not None and state.future_from <= now + FUTURE_TOLERANCE


def fold_into(
    state: PackageState, events: Iterable[tuple[str, TrackingEvent]], new_count: int | None = None,
    now: datetime | None = None,
) -> PackageState:
    """Fold (fingerprint, event) pairs that are *new* to ``state`` into it, as of ``now``.

    ``new_count`` defaults to the number of pairs; callers that already removed duplicates pass it
    explicitly only when it differs. Exact only while ``needs_refold(state, now)`` is false.
    """
    newest_key = state.newest_key
    newest: TrackingEvent | None = None
    delivered_at = state.delivered_at
    future_from = state.future_from
    count = 0
    for fp, event in events:
        count += 1
        if held_back(event, now):
            future_from = event.occurred_at if future_from is None else min(future_from, event.occurred_at)
            continue
        key = sort_key(event, fp)
        if newest_key is None or key > newest_key:
            newest_key, newest = key, event
        if event.status is Status.DELIVERED and (delivered_at is None or event.occurred_at < delivered_at):
            delivered_at = event.occurred_at
    total = state.event_count + (count if new_count is None else new_count)
    if newest is None:
        return PackageState(state.status, state.substatus, state.last_event_at, total, delivered_at, state.newest_key,
                            future_from)
    return PackageState(newest.status, newest.substatus, newest.occurred_at, total, delivered_at, newest_key,
                        future_from)


def merge_states(state: PackageState, batch: PackageState, new_count: int) -> PackageState:
    """``state`` with a batch folded in, given the batch's own fold (``fold_into(PackageState(), pairs)``).

    The fold is a maximum (newest key) and a minimum (first delivery), so a batch can be folded on its
    own *before* a store locks the package, and merged under the lock in constant time. Events of the
    batch the package already had change nothing here; ``new_count`` says how many were really new.
    Both folds must be as of one ``now`` and ``needs_refold(state, now)`` false: the earliest held-back
    event is then a minimum too.
    """
    newest = state
    if batch.newest_key is not None and (state.newest_key is None or batch.newest_key > state.newest_key):
        newest = batch
    delivered = [d for d in (state.delivered_at, batch.delivered_at) if d is not None]
    future = [f for f in (state.future_from, batch.future_from) if f is not None]
    return PackageState(newest.status, newest.substatus, newest.last_event_at, state.event_count + new_count,
                        min(delivered, default=None), newest.newest_key, min(future, default=None))


def fold_events(
    events: Iterable[TrackingEvent], carrier: str | None = None, tracking_number: str = "",
    now: datetime | None = None,
) -> PackageState:
    """The state of a package with these events as of ``now``; duplicates (same fingerprint) count once.

    Pass the package's carrier and number to get exactly the tie-breaks the store uses.
    """
    unique: dict[str, TrackingEvent] = {}
    for event in events:
        unique.setdefault(fingerprint(carrier, tracking_number, event), event)
    return fold_into(PackageState(), unique.items(), now=now)
