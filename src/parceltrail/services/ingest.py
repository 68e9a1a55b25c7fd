"""Ingesting events: the one path every scan takes, whether posted by a seller, polled or pushed.

Two steps. Before any write lock: read the packages, fingerprint the events, fold each package's batch
on its own (``core.fold_into``) and build the insert parameters. Then one short write transaction: lock
the packages (``FOR NO KEY UPDATE`` on PostgreSQL, in id order; SQLite's single writer otherwise),
insert the events with ``ON CONFLICT DO NOTHING`` (the unique index decides what is new; nothing reads
the stored fingerprints), and merge the batch's fold into each locked state with the count of rows
really inserted (``core.merge_states``). The batch is folded as of ``now``, so an event dated more than
a day ahead is held back (``core.fold``); a locked package holding back an event that counts by now is
folded again whole from its stored events, under the same lock. Writers of one package therefore take turns, and its state is
always the fold of its stored events, however many API processes and workers write at once. A batch of
many packages is one transaction with a fixed number of statements, whatever its size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from parceltrail.core import (
    Package,
    PackageState,
    TrackingEvent,
    fingerprint,
    fold_into,
    merge_states,
    needs_refold,
)
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import NotFound
from parceltrail.services.outbox import record_status_changes
from parceltrail.store import UnitOfWork
from parceltrail.store.dialects import retrying
from parceltrail.store.events import PreparedEvents, prepare_events
from parceltrail.store.unknown_codes import Sighting


@dataclass(frozen=True, slots=True)
class IngestResult:
    accepted: int
    duplicates: int
    package: Package
    status_changed: bool


@dataclass(frozen=True, slots=True)
class _Batch:
    """Everything about one call's events that can be worked out before the write lock is taken."""

    identity: dict[str, tuple[str | None, str]]
    """package id -> (carrier, tracking number) the fingerprints were computed with"""
    folded: dict[str, PackageState]
    """package id -> the fold of its batch alone"""
    events: dict[str, dict[str, TrackingEvent]]
    """package id -> its batch's events by fingerprint"""
    rows: PreparedEvents


def _prepare(uow: UnitOfWork, found: Mapping[str, Package], batches: Mapping[str, Sequence[TrackingEvent]],
             source: str, now: datetime) -> _Batch:
    identity, folded, by_pid, rows = {}, {}, {}, []
    for pid, events in batches.items():
        package = found[pid]
        unique: dict[str, TrackingEvent] = {}
        for event in events:
            unique.setdefault(fingerprint(package.carrier, package.tracking_number, event), event)
        identity[pid] = (package.carrier, package.tracking_number)
        folded[pid] = fold_into(PackageState(), unique.items(), now=now)
        by_pid[pid] = unique
        rows += [(pid, fp, e) for fp, e in unique.items()]
    return _Batch(identity, folded, by_pid, prepare_events(uow.engine.dialect, rows, source, now))


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
    with uow.read():
        found = uow.packages.get_many(shop_id, list(batches))
    missing = [pid for pid in batches if pid not in found]
    if missing:
        raise NotFound("package", missing[0])
    batch = _prepare(uow, found, batches, source, now)

    def write() -> tuple[dict[str, Package], dict[str, PackageState], dict[str, int]]:
        nonlocal batch
        with uow:
            locked = uow.packages.lock(list(batches))
            gone = [pid for pid in batches if pid not in locked or locked[pid].shop_id != shop_id]
            if gone:
                raise NotFound("package", gone[0])
            if any(batch.identity[pid] != (p.carrier, p.tracking_number) for pid, p in locked.items()):
                batch = _prepare(uow, locked, batches, source, now)  # renamed meanwhile: fingerprints moved
            inserted = uow.events.add_new(batch.rows)
            added = Counter(pid for pid, _ in inserted)
            uow.unknown_codes.count(
                unknown_sightings(shop_id, locked, [(pid, fp, batch.events[pid][fp]) for pid, fp in inserted]), now)
            # a package holding back an event that counts as of now is folded again whole, from its stored
            # events (this batch's included); any other merges the batch's own fold (core.fold)
            stored = uow.events.fingerprinted([pid for pid in batches if needs_refold(locked[pid].state, now)])
            states = {pid: merge_states(locked[pid].state, batch.folded[pid], n)
                      for pid, n in added.items() if pid not in stored}
            states.update({pid: fold_into(PackageState(), pairs, now=now) for pid, pairs in stored.items()})
            uow.packages.save_states(states, now)
            # the outbox row of a status change commits with the change (notifications are exactly once)
            changes = {pid: (locked[pid], state, _newest(state, {**dict(stored.get(pid, ())), **batch.events[pid]}))
                       for pid, state in states.items()}
            record_status_changes(uow, changes, now)
            uow.commit()
        return locked, states, added

    before, states, added = retrying(write)
    results = {}
    for pid, events in batches.items():
        package = before[pid]
        accepted = added.get(pid, 0)
        if pid not in states:
            results[pid] = IngestResult(0, len(events), package, status_changed=False)
            continue
        state = states[pid]
        changed = (state.status, state.substatus) != (package.state.status, package.state.substatus)
        results[pid] = IngestResult(accepted, len(events) - accepted, replace(package, state=state, updated_at=now),
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
