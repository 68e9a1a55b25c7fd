"""Ingesting events: the one path every scan takes, whether posted by a seller, polled or pushed.

Dedup is by fingerprint inside the transaction; each package's state is folded forward from its saved
newest-event key instead of re-reading its whole timeline, which gives the same result as a full fold
(``core.fold``) at a fraction of the cost. A batch of many packages is one transaction with a fixed
number of statements (read packages, read known fingerprints, insert, update), whatever its size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from parceltrail.core import Package, PackageState, TrackingEvent, fingerprint, fold_into, needs_refold
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import NotFound
from parceltrail.services.outbox import record_status_changes
from parceltrail.store import UnitOfWork
from parceltrail.store.unknown_codes import Sighting


@dataclass(frozen=True, slots=True)
class IngestResult:
    accepted: int
    duplicates: int
    package: Package
    status_changed: bool


def ingest_many(
    uow: UnitOfWork,
    shop_id: str,
    batches: Mapping[str, Sequence[TrackingEvent]],
    source: str = "api",
    now: datetime | None = None,
) -> dict[str, IngestResult]:
    """Store, for each package id, the events it does not have yet, and fold them in as of ``now``: one
    transaction. A package whose held-back future events have come due is folded again whole (an empty
    batch for it does just that: ``services.refold``).

    An unknown (or another shop's) package id refuses the whole batch with ``NotFound``.
    """
    now = now or utcnow(shop_id)
    with uow:
        found = uow.packages.get_many(shop_id, list(batches))
        missing = [pid for pid in batches if pid not in found]
        if missing:
            raise NotFound("package", missing[0])
        unique: dict[str, dict[str, TrackingEvent]] = {}
        for pid, events in batches.items():
            package = found[pid]
            per_package = unique.setdefault(pid, {})
            for event in events:
                per_package.setdefault(fingerprint(package.carrier, package.tracking_number, event), event)
        known = uow.events.known_fingerprints(unique, (fp for fps in unique.values() for fp in fps))
        # a package holding back an event that now counts is folded again whole (core.fold.needs_refold)
        stored = uow.events.fingerprinted([pid for pid in unique if needs_refold(found[pid].state, now)])
        new_rows: list[tuple[str, str, TrackingEvent]] = []
        states = {}
        for pid, per_package in unique.items():
            new = [(fp, e) for fp, e in per_package.items() if (pid, fp) not in known]
            new_rows += [(pid, fp, e) for fp, e in new]
            if pid in stored:
                states[pid] = fold_into(PackageState(), stored[pid] + new, now=now)
            elif new:
                states[pid] = fold_into(found[pid].state, new, now=now)
        uow.events.add_many(new_rows, source, now)
        uow.unknown_codes.count(unknown_sightings(shop_id, found, new_rows), now)
        uow.packages.save_states(states, now)
        # the outbox row of a status change commits with the change (notifications are exactly once)
        changes = {pid: (found[pid], state, _newest(state, {**dict(stored.get(pid, ())), **unique[pid]}))
                   for pid, state in states.items()}
        record_status_changes(uow, changes, now)
        uow.commit()
    results = {}
    for pid, events in batches.items():
        before = found[pid]
        if pid not in states:
            results[pid] = IngestResult(0, len(events), before, status_changed=False)
            continue
        state = states[pid]
        accepted = state.event_count - before.state.event_count
        changed = (state.status, state.substatus) != (before.state.status, before.state.substatus)
        results[pid] = IngestResult(accepted, len(events) - accepted, replace(before, state=state, updated_at=now),
                                    status_changed=changed)
    return results


def _newest(state: PackageState, events: Mapping[str, TrackingEvent]) -> TrackingEvent | None:
    """The scan that set the state (its fingerprint ends the state's newest key)."""
    return events.get((state.newest_key or "").rsplit("|", 1)[-1])


def unknown_sightings(
    shop_id: str, packages: Mapping[str, Package], rows: Sequence[tuple[str, str, TrackingEvent]]
) -> list[Sighting]:
    """The newly stored scans no carrier table knew, for the per-shop unknown-code counts (issue 26)."""
    return [
        Sighting(shop_id, packages[pid].carrier or "unknown", e.carrier_code or "", e.description)
        for pid, _, e in rows if e.unknown_code
    ]


def ingest_events(
    uow: UnitOfWork,
    shop_id: str,
    package_id: str,
    events: Sequence[TrackingEvent],
    source: str = "api",
    now: datetime | None = None,
) -> IngestResult:
    """Store the events this package does not have yet and fold them into its state, in one transaction."""
    return ingest_many(uow, shop_id, {package_id: events}, source, now)[package_id]
