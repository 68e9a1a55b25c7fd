"""Flags live: evaluated when scans arrive (``record_scans``) and when their time comes (the worker's
``evaluate_due``), stored with their history, and turned into cases for a person where one is needed.

One evaluation is one transaction over a batch of packages: read their timelines, orders, estimates and
open flags; ask the detector; open, update and close flags (a flag a late scan shows was never true
closes as retracted, and so does an already closed one when the scan is heard only after it closed);
open, escalate or settle cases; withhold the estimate of a parcel TikTok deems lost; and note when
each package is next due a look (``Detector.instants``, at least every six hours).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from parceltrail.core import Package, TrackingEvent
from parceltrail.core.flags import Detector, EstimatedDelivery, Flag, FlagType, OrderContext, StaleNorms
from parceltrail.services.cases import sync_cases
from parceltrail.services.clock import utcnow
from parceltrail.services.estimates import withhold_estimates
from parceltrail.services.flag_inputs import detector_for
from parceltrail.services.norms import shop_norms
from parceltrail.store import UnitOfWork
from parceltrail.store.estimates import StoredEstimate
from parceltrail.store.flags import StoredFlag
from parceltrail.store.ids import new_id
from parceltrail.store.orders import StoredOrder

log = logging.getLogger("parceltrail.exceptions")
LOOK_AGAIN = timedelta(hours=6)  # deadlines can move (an order updated) without an event: never wait longer
BATCH = 200
NEVER_TRUE = "a scan from before it was raised arrived late: it was never true"


def order_context(orders: Sequence[StoredOrder], first_promise: EstimatedDelivery | None) -> OrderContext:
    """A parcel's deadlines: the earliest of the orders it serves (combined orders share one parcel)."""
    if not orders:
        return OrderContext(promised_by=first_promise.promise if first_promise else None)

    def earliest(name: str) -> datetime | None:
        found = [getattr(o.order.deadlines, name) for o in orders if getattr(o.order.deadlines, name)]
        return min(found) if found else None

    first = min(orders, key=lambda o: o.order.created_at)
    return OrderContext(created_at=first.order.created_at, ship_by=earliest("ship_by"),
                        deliver_by=earliest("deliver_by"), auto_cancel_at=earliest("auto_cancel_at"),
                        buyer_postal_code=first.order.buyer.address.postal_code)


@dataclass(frozen=True, slots=True)
class Evaluated:
    packages: int = 0
    opened: int = 0
    closed: int = 0
    updated: int = 0


def _view(stored: StoredEstimate | None) -> EstimatedDelivery | None:
    return None if stored is None else EstimatedDelivery(stored.earliest, stored.likely, stored.promise)


def _kept(stored: StoredFlag, flag: Flag) -> Flag:
    """An open flag keeps the earliest ``since`` it was given (as replay's ``FlagLog`` does): news that moves the
    detector's reasoning (a revised estimate, a scan that is not the one awaited) does not make a problem the
    seller has seen since Monday start on Thursday."""
    return replace(flag, since=min(stored.since, flag.since))


def _changed(stored: StoredFlag, flag: Flag) -> bool:
    return (stored.severity, stored.reason, stored.since, stored.due) != (flag.severity.value, flag.reason, flag.since,
                                                                        flag.due)


def _next_look(detector: Detector, now: datetime) -> datetime | None:
    later = [t for t in detector.instants() if t > now]
    if not later and detector.settled_at is not None and now >= detector.settled_at:
        return None
    return min([*later, now + LOOK_AGAIN])


def evaluate_packages(uow: UnitOfWork, package_ids: Sequence[str], now: datetime | None = None) -> Evaluated:
    """Bring the stored flags and cases of these packages (any shops) up to date at ``now``."""
    now = now or utcnow()
    total = Evaluated()
    ids = list(dict.fromkeys(package_ids))
    for start in range(0, len(ids), BATCH):
        found = _with_retries(uow, ids[start:start + BATCH], now)
        total = Evaluated(total.packages + found.packages, total.opened + found.opened, total.closed + found.closed,
                          total.updated + found.updated)
    return total


def _with_retries(uow: UnitOfWork, ids: list[str], now: datetime) -> Evaluated:
    """Two evaluations of one package at once (a push and the worker) both try to open its new flag; the
    unique open-flag key lets one win and the other fail whole. Read again and it sees the winner's flag."""
    for attempt in range(3):
        try:
            return _evaluate_batch(uow, ids, now)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _evaluate_batch(uow: UnitOfWork, ids: list[str], now: datetime) -> Evaluated:
    norms_by_shop: dict[str, StaleNorms] = {}
    with uow.read():
        shops = {p.shop_id for p in uow.packages.get_any(ids).values()}
    for shop_id in shops:
        norms_by_shop[shop_id] = shop_norms(uow, shop_id, now)
    opened = closed = updated = 0
    with uow:
        packages = uow.packages.get_any(ids)
        timelines = uow.events.timelines(list(packages))
        orders = uow.orders.for_packages(list(packages))
        firsts = uow.estimates.firsts(list(packages))
        open_flags = uow.flags.open_for(list(packages))
        rejudge = uow.flags.shown_by_late_scans(list(packages))
        schedule: dict[str, datetime | None] = {}
        lost: dict[str, str] = {}
        for pid, package in packages.items():
            first, handoff = (_view(e) for e in firsts.get(pid, (None, None)))
            order = order_context(orders.get(pid, []), first)
            detector = detector_for(package, timelines[pid], order, norms_by_shop[package.shop_id], handoff or first)
            current = {f.type: f for f in detector.flags(now)}
            stored = {FlagType(s.type): s for s in open_flags[pid]}
            for kind, flag in current.items():
                if kind not in stored:
                    uow.flags.open(StoredFlag(new_id("flg"), package.shop_id, pid, kind.value, flag.severity.value,
                                              flag.reason, flag.since, flag.due, now, now, None, False))
                    opened += 1
                    continue
                flag = _kept(stored[kind], flag)
                if _changed(stored[kind], flag):
                    uow.flags.update(replace(stored[kind], severity=flag.severity.value, reason=flag.reason,
                                             since=flag.since, due=flag.due, updated_at=now))
                    updated += 1
            for kind, old in stored.items():
                if kind not in current:
                    retracted = _never_true(package, timelines[pid], order, norms_by_shop[package.shop_id],
                                            handoff or first, old)
                    uow.flags.close(old, now, retracted, NEVER_TRUE if retracted else "the condition ended")
                    closed += 1
            for old in rejudge[pid]:
                if _never_true(package, timelines[pid], order, norms_by_shop[package.shop_id], handoff or first, old):
                    uow.flags.retract(old, now, NEVER_TRUE)
            sync_cases(uow, package, list(current.values()), [FlagType(s.type) for s in stored.values()
                                                              if FlagType(s.type) not in current], now)
            if FlagType.LOST in current:
                lost[pid] = "no delivery estimate: " + current[FlagType.LOST].reason
            schedule[pid] = _next_look(detector, now)
        withhold_estimates(uow, lost, now)
        uow.flags.schedule(schedule, now)
        uow.commit()
    if opened or closed:
        log.info("flags: %d opened, %d closed, %d updated over %d packages", opened, closed, updated, len(ids))
    return Evaluated(len(ids), opened, closed, updated)


def _never_true(package: Package, events: list[TrackingEvent], order: OrderContext, norms: StaleNorms,
                estimate: EstimatedDelivery | None, flag: StoredFlag) -> bool:
    """Would the flag have been raised when it was, knowing every scan that had happened by then?"""
    happened = [e for e in events if e.occurred_at <= flag.opened_at]
    then = detector_for(package, happened, order, norms, estimate).flags(flag.opened_at)
    return all(f.type.value != flag.type for f in then)


def evaluate_due(uow: UnitOfWork, now: datetime | None = None, limit: int = 500) -> Evaluated:
    """The worker's schedule: packages whose next instant has come, and those never looked at."""
    now = now or utcnow()
    with uow.read():
        due = uow.flags.due(now, limit)
    return evaluate_packages(uow, [pid for _, pid in due], now)
