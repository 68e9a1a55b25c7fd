"""Carrier push: take a signed delivery into the inbox at once, process it later through the polling path.

The body is stored before anything else is done with it, in its own transaction, so "202 accepted"
means it is on disk and a crash afterwards loses nothing: the worker drains the inbox on start, on a
schedule and right after each delivery. Processing is what polling does with an answer: the carrier's
own ``parse``, then ``record_scans`` (ingest, then estimate revision) for every package following each
number the body names. It may run twice after a crash or between two workers; ingest is idempotent,
so running it again changes nothing. A delivery that fails is retried with a doubling delay and given
up after ``MAX_ATTEMPTS`` tries, keeping its body and last error for a person to look at.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import SecretStr

from parceltrail.carriers import CARRIERS, CarrierTracking
from parceltrail.carriers.proof import with_proofs
from parceltrail.carriers.reading import load_body
from parceltrail.core import TrackingEvent
from parceltrail.services.clock import WallClock, utcnow
from parceltrail.services.delivery import keep_proofs
from parceltrail.services.errors import NotFound
from parceltrail.services.hook_signatures import PushRefused, scheme_for
from parceltrail.services.packages import normalize_tracking_number
from parceltrail.services.scans import record_scans
from parceltrail.store import UnitOfWork
from parceltrail.store.hooks import FAILED, InboxDelivery

log = logging.getLogger("parceltrail.push")

MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(minutes=1)
"""A failed delivery waits 1, 2, 4, 8 minutes before its next try (on the process clock)."""
KEEP_DONE = timedelta(days=30)
"""Processed deliveries are kept this long, then deleted: far longer than any sender retries a delivery
(so a late redelivery is still recognised by its id), short enough that bodies do not pile up."""


class PushNotSetUp(Exception):
    """The carrier is known but has no usable push secret, so nothing it posts can be trusted."""

    def __init__(self, carrier: str, problem: str = "give it a secret in PARCELTRAIL_HOOK_SECRETS") -> None:
        super().__init__(f"push is not set up for carrier {carrier!r}: {problem}")
        self.carrier = carrier


class PushConflict(Exception):
    """A delivery id seen before arrived with another body: a sender bug or a replay, never a retry."""

    def __init__(self, carrier: str, delivery_id: str, inbox_id: int) -> None:
        super().__init__(f"delivery id {delivery_id!r} from {carrier} was received before with another body "
                         f"(inbox {inbox_id}); a retry must repeat the body exactly, a new delivery needs a new id")
        self.inbox_id = inbox_id


@dataclass(frozen=True, slots=True)
class Acceptance:
    id: int
    duplicate: bool


def receive_push(
    uow: UnitOfWork,
    carrier: str,
    headers: Mapping[str, str],
    body: bytes,
    secrets: Mapping[str, SecretStr],
    real_now: datetime | None = None,
) -> Acceptance:
    """Verify a delivery and store it pending; a redelivery of a stored delivery id is reported, not stored.

    The freshness window is checked against real time (``real_now``, the wall clock by default), not
    the process clock: senders stamp deliveries with real time, and the window is about network delays
    and replays, which an accelerated demo clock (hours behind while it catches up) must not distort.
    The inbox's own times (received, processed, retry backoff) follow the process clock.

    Raises ``NotFound`` for an unknown carrier, ``PushNotSetUp`` when it has no usable secret,
    ``PushRefused`` when the signature or timestamp does not hold, and ``PushConflict`` when the delivery id
    was stored before with another body; in all four nothing is stored.
    """
    if carrier not in CARRIERS:
        raise NotFound("carrier", carrier)
    secret = secrets.get(carrier)
    if secret is None:
        raise PushNotSetUp(carrier)
    real_now = real_now or WallClock().now()
    try:
        verified = scheme_for(carrier).verify(secret.get_secret_value(), headers, body, real_now)
    except ValueError as error:  # the configured secret itself is malformed (PushRefused is not a ValueError)
        problem = f"its secret in PARCELTRAIL_HOOK_SECRETS is not usable ({error})"
        raise PushNotSetUp(carrier, problem) from None
    with uow.durable():  # the 202 that follows promises the body is on disk
        inbox_id = uow.hooks.add(carrier, verified.delivery_id, utcnow(), body)
        if inbox_id is None:
            assert verified.delivery_id is not None
            existing = uow.hooks.find(carrier, verified.delivery_id)
            assert existing is not None
            if existing.body != body:
                raise PushConflict(carrier, verified.delivery_id, existing.id)
            return Acceptance(existing.id, duplicate=True)
        uow.commit()
    return Acceptance(inbox_id, duplicate=False)


def retry_delay(attempts: int) -> timedelta:
    """How long a delivery that has failed ``attempts`` times waits before the next try."""
    return RETRY_BASE * 2 ** (attempts - 1)


@dataclass
class DrainReport:
    done: int = 0
    failed: int = 0
    given_up: int = 0
    events: int = 0


def drain_inbox(uow: UnitOfWork, batch: int = 100) -> DrainReport:
    """Process every delivery that is due, oldest first, in batches.

    A delivery that fails is recorded as failed and the drain goes on with the next; only a database
    that cannot even record the failure stops it (the delivery stays due for the next drain).
    """
    report = DrainReport()
    while True:
        now = utcnow()
        retry_after = {n: now - retry_delay(n) for n in range(1, MAX_ATTEMPTS)}
        with uow:
            due = uow.hooks.due(retry_after, batch)
        for delivery in due:
            _process(uow, delivery, report)
        if len(due) < batch:
            return report


def _process(uow: UnitOfWork, delivery: InboxDelivery, report: DrainReport) -> None:
    try:
        report.events += _deliver(uow, delivery)
    except Exception as error:  # noqa: BLE001 - any failure is recorded on the delivery and retried
        reason = f"{type(error).__name__}: {error}"
        with uow:
            attempts = uow.hooks.mark_failed(delivery.id, utcnow(), reason)
            uow.commit()
        gave_up = attempts >= MAX_ATTEMPTS
        report.failed += 1
        report.given_up += gave_up
        log.warning("push %d from %s failed (attempt %d of %d%s): %s", delivery.id, delivery.carrier,
                    attempts, MAX_ATTEMPTS, ", given up" if gave_up else "", reason)
        return
    with uow:
        uow.hooks.mark_done(delivery.id, utcnow())
        uow.commit()
    report.done += 1


def _deliver(uow: UnitOfWork, delivery: InboxDelivery) -> int:
    """Parse the body as the carrier's tracking answer and ingest its events into every package that follows
    each number it names; returns how many new events were stored."""
    carrier = CARRIERS.get(delivery.carrier)
    if carrier is None:
        raise LookupError(f"carrier {delivery.carrier!r} is no longer registered")
    body = load_body(carrier.code, delivery.body)  # decoded once for the parser and the proof reader
    (tracking,) = with_proofs(carrier.code, body, [carrier.parse(body)])
    shipments = [s for s in (tracking, *tracking.related) if s.tracking_number]
    if not shipments:
        raise ValueError("the body names no tracking number")
    stored = 0
    for shipment in shipments:
        stored += _ingest_shipment(uow, delivery, shipment)
    return stored


def _ingest_shipment(uow: UnitOfWork, delivery: InboxDelivery, shipment: CarrierTracking) -> int:
    assert shipment.tracking_number is not None
    number = normalize_tracking_number(shipment.tracking_number)
    with uow:
        following = uow.packages.tracked_by(delivery.carrier, number)
    if not following:
        log.info("push %d from %s: no package follows %s", delivery.id, delivery.carrier, number)
        return 0
    by_shop: dict[str, dict[str, tuple[TrackingEvent, ...]]] = defaultdict(dict)
    for package in following:
        by_shop[package.shop_id][package.id] = shipment.events
    stored = 0
    for shop_id, batches in by_shop.items():
        results = record_scans(uow, shop_id, batches, source="push")
        stored += sum(result.accepted for result in results.values())
        if shipment.proof is not None:
            keep_proofs(uow, shop_id, dict.fromkeys(batches, shipment.proof), "push")
    return stored


def prune_inbox(uow: UnitOfWork, keep: timedelta = KEEP_DONE) -> int:
    """Delete deliveries processed more than ``keep`` ago, so the inbox does not grow for ever."""
    with uow:
        deleted = uow.hooks.delete_done_before(utcnow() - keep)
        uow.commit()
    return deleted


@dataclass(frozen=True, slots=True)
class InboxStatus:
    counts: dict[str, int]
    failed: list[InboxDelivery]
    """The newest failed deliveries, with their last error."""


def inbox_status(uow: UnitOfWork, limit: int = 20) -> InboxStatus:
    with uow:
        return InboxStatus(uow.hooks.counts(), uow.hooks.recent(FAILED, limit))


def retry_delivery(uow: UnitOfWork, inbox_id: int) -> None:
    """Give a failed (or given-up) delivery a fresh set of attempts, e.g. after fixing a carrier parser."""
    with uow:
        if not uow.hooks.requeue(inbox_id):
            raise NotFound("failed delivery", str(inbox_id))
        uow.commit()


__all__ = [
    "MAX_ATTEMPTS", "Acceptance", "DrainReport", "InboxStatus", "PushConflict", "PushNotSetUp", "PushRefused", "drain_inbox",
    "inbox_status", "prune_inbox", "receive_push", "retry_delay", "retry_delivery",
]
