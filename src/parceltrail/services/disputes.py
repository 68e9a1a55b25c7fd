"""Disputes: open one (API, seller, buyer page, TikTok event), read them with their deadlines and
checklist, move them through their states, tick steps, add notes. One transaction per call.

Every change is a history row (what, when, who), so a seller can show TikTok or a carrier exactly what
was done and when. Opening with an ``external_ref`` that is already stored returns the stored dispute:
sources that resend (TikTok delivers webhooks at least once) open it once.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime

from parceltrail.core import Package
from parceltrail.core.disputes import (
    BadTransition,
    ClaimFacts,
    ClaimKind,
    Deadline,
    DisputeState,
    Step,
    check_transition,
    checklist,
    claim_kind,
    deadlines,
    dispute_state,
    is_open,
    seller_deadline,
)
from parceltrail.core.disputes.model import CLOSED
from parceltrail.services.clock import utcnow
from parceltrail.services.delivery import confirmation_of, proof_line
from parceltrail.services.dispute_facts import claim_facts, read_record
from parceltrail.services.errors import Conflict, FieldError, InvalidInput, NotFound
from parceltrail.store import UnitOfWork
from parceltrail.store.disputes import Dispute, HistoryEntry
from parceltrail.store.ids import new_id

SOURCES = ("api", "seller", "buyer", "tiktok")
MAX_TEXT = 2000
LISTS = {"open": [DisputeState.OPEN, DisputeState.INVESTIGATING, DisputeState.SUBMITTED], "closed": sorted(CLOSED)}


@dataclass(frozen=True, slots=True)
class DisputeView:
    dispute: Dispute
    tracking_number: str
    carrier: str | None
    order_ref: str | None
    """The platform's order id (TikTok's), when the package serves an order."""
    facts: ClaimFacts
    deadlines: list[Deadline]
    steps: list[Step]
    history: list[HistoryEntry]
    created: bool = True

    def to_dict(self, now: datetime) -> dict:
        d = self.dispute
        due = seller_deadline(self.deadlines, now) if is_open(d.state) else None
        return {
            "id": d.id, "package_id": d.package_id, "tracking_number": self.tracking_number, "carrier": self.carrier,
            "order_id": self.order_ref, "kind": d.kind.value, "state": d.state.value, "open": is_open(d.state),
            "source": d.source, "description": d.description, "opened_at": d.opened_at.isoformat(),
            "updated_at": d.updated_at.isoformat(), "closed_at": d.closed_at.isoformat() if d.closed_at else None,
            "external_ref": d.external_ref,
            "next_deadline": due.to_dict(now) if due else None,
            "deadlines": [x.to_dict(now) for x in self.deadlines],
            "checklist": [s.to_dict() for s in self.steps],
            "history": [h.to_dict() for h in self.history],
        }


def clean_text(value: str | None, name: str, limit: int = MAX_TEXT) -> str:
    """Free text as a person typed it: control characters (but newlines and tabs) removed, length capped."""
    text = "".join(c for c in (value or "") if c in "\n\t" or unicodedata.category(c) != "Cc").strip()
    if len(text) > limit:
        raise InvalidInput(f"{name} is too long", [FieldError(name, f"expected at most {limit} characters")])
    return text


def _view(uow: UnitOfWork, dispute: Dispute, created: bool = True) -> DisputeView:
    """Call inside an open unit of work."""
    package = uow.packages.get(dispute.shop_id, dispute.package_id)
    assert package is not None
    record = read_record(uow, package)
    confirmed = confirmation_of(uow, package, record.events)
    distance = confirmed.check.distance
    facts = claim_facts(record, proof_line(confirmed), distance.km if distance else None, confirmed.check.far)
    found = deadlines(dispute.kind, facts)
    return DisputeView(dispute, package.tracking_number, package.carrier,
                       record.order.order.external_id if record.order else None, facts, found,
                       checklist(dispute.kind, facts, found, dispute.steps_done), uow.disputes.history(dispute.id),
                       created)


def open_dispute(uow: UnitOfWork, shop_id: str, package_id: str, kind: str, source: str = "api",
                 description: str | None = None, external_ref: str | None = None,
                 actor: str | None = None) -> DisputeView:
    """Open a claim about one of the shop's packages; with ``external_ref`` already stored, return that one."""
    errors = []
    try:
        wanted = claim_kind(kind)
    except ValueError as error:
        errors.append(FieldError("kind", str(error)))
    if source not in SOURCES:
        errors.append(FieldError("source", f"expected one of: {', '.join(SOURCES)}"))
    text = clean_text(description, "description")
    if errors:
        raise InvalidInput("the dispute cannot be opened", errors)
    now = utcnow()
    with uow:
        if external_ref is not None:
            stored = uow.disputes.by_ref(shop_id, external_ref)
            if stored is not None:
                return _view(uow, stored, created=False)
        package = uow.packages.get(shop_id, package_id)
        if package is None:
            raise NotFound("package", package_id)
        orders = uow.orders.for_packages([package_id]).get(package_id, [])
        dispute = Dispute(new_id("dsp"), shop_id, package_id, orders[0].id if orders else None, wanted,
                          DisputeState.OPEN, source, text, now, now, external_ref=external_ref)
        uow.disputes.add(dispute)
        uow.disputes.record(dispute.id, HistoryEntry(now, actor or source, "opened", DisputeState.OPEN,
                                                     f"{wanted.value}: {text}" if text else wanted.value))
        view = _view(uow, dispute)
        uow.commit()
    return view


def get_dispute(uow: UnitOfWork, shop_id: str | None, dispute_id: str) -> DisputeView:
    with uow.read():
        found = uow.disputes.get(shop_id, dispute_id)
        if found is None:
            raise NotFound("dispute", dispute_id)
        return _view(uow, found)


def list_disputes(uow: UnitOfWork, shop_id: str | None, state: str | None = None, package_id: str | None = None,
                  cursor: str | None = None, limit: int = 50) -> tuple[list[DisputeView], str | None]:
    """Oldest first. ``state`` is one state, or ``open`` / ``closed`` for all of either."""
    states: list[DisputeState] = []
    if state:
        if state in LISTS:
            states = list(LISTS[state])
        else:
            try:
                states = [dispute_state(state)]
            except ValueError as error:
                raise InvalidInput("state is not valid", [FieldError("state", f"{error}, open or closed")]) from None
    if cursor is not None and not cursor.startswith("dsp_"):
        raise InvalidInput("cursor is not valid", [FieldError("cursor", "pass the next_cursor of a previous page")])
    with uow.read():
        found = uow.disputes.page(shop_id, states, package_id, cursor, limit + 1)
        views = [_view(uow, d) for d in found[:limit]]
    return views, (views[-1].dispute.id if len(found) > limit else None)


def update_dispute(uow: UnitOfWork, shop_id: str | None, dispute_id: str, state: str | None = None,
                   kind: str | None = None, note: str | None = None, steps: dict[str, bool] | None = None,
                   actor: str = "seller") -> DisputeView:
    """Move the state, correct the kind, tick or untick checklist steps, add a note: all or nothing."""
    errors = []
    wanted_state = wanted_kind = None
    try:
        wanted_state = dispute_state(state) if state is not None else None
    except ValueError as error:
        errors.append(FieldError("state", str(error)))
    try:
        wanted_kind = claim_kind(kind) if kind is not None else None
    except ValueError as error:
        errors.append(FieldError("kind", str(error)))
    text = clean_text(note, "note")
    if errors:
        raise InvalidInput("the dispute was not changed", errors)
    now = utcnow()
    with uow:
        dispute = uow.disputes.get(shop_id, dispute_id)
        if dispute is None:
            raise NotFound("dispute", dispute_id)
        entries: list[HistoryEntry] = []
        if wanted_kind is not None and wanted_kind != dispute.kind:
            entries.append(HistoryEntry(now, actor, "kind", dispute.state, f"{dispute.kind.value} → {wanted_kind.value}"))
            dispute = replace(dispute, kind=wanted_kind)
        if steps:
            dispute, entries = _tick(uow, dispute, steps, now, actor, entries)
        if wanted_state is not None:
            try:
                check_transition(dispute.state, wanted_state)
            except BadTransition as error:
                raise Conflict(str(error)) from None
            dispute = replace(dispute, state=wanted_state, closed_at=now if wanted_state in CLOSED else None)
            entries.append(HistoryEntry(now, actor, "state", wanted_state, text))
        elif text:
            entries.append(HistoryEntry(now, actor, "note", dispute.state, text))
        if not entries:
            raise InvalidInput("nothing to change", [FieldError("body", "send state, kind, note or steps")])
        dispute = replace(dispute, updated_at=now)
        uow.disputes.save(dispute)
        for entry in entries:
            uow.disputes.record(dispute.id, entry)
        view = _view(uow, dispute)
        uow.commit()
    return view


def _tick(uow: UnitOfWork, dispute: Dispute, steps: dict[str, bool], now: datetime, actor: str,
          entries: list[HistoryEntry]) -> tuple[Dispute, list[HistoryEntry]]:
    known = {s.key for s in _view(uow, dispute).steps}
    unknown = [key for key in steps if key not in known]
    if unknown:
        raise InvalidInput("unknown checklist steps", [FieldError(f"steps.{k}", f"expected one of: {', '.join(sorted(known))}")
                                                       for k in unknown])
    done = set(dispute.steps_done)
    for key, value in steps.items():
        if value and key not in done:
            done.add(key)
            entries.append(HistoryEntry(now, actor, "step", dispute.state, f"done: {key}"))
        elif not value and key in done:
            done.discard(key)
            entries.append(HistoryEntry(now, actor, "step", dispute.state, f"not done: {key}"))
    return replace(dispute, steps_done=frozenset(done)), entries


def buyer_report(uow: UnitOfWork, package_id: str) -> Dispute | None:
    """The buyer's own open report about this package, if they made one (the page shows it, not a new form)."""
    with uow.read():
        found = uow.disputes.for_packages([package_id])[package_id]
    return next((d for d in found if d.source == "buyer" and is_open(d.state)), None)


def report_problem(uow: UnitOfWork, package: Package, kind: str, details: str | None) -> DisputeView | Dispute:
    """The buyer reports a problem from the tracking page; a second report while one is open changes nothing."""
    existing = buyer_report(uow, package.id)
    if existing is not None:
        return existing
    return open_dispute(uow, package.shop_id, package.id, kind, "buyer", details, actor="buyer")


def shop_of_package(uow: UnitOfWork, package_id: str) -> str:
    """The shop a package belongs to (the operator's CLI names packages without a shop)."""
    with uow.read():
        found = uow.packages.get_any([package_id]).get(package_id)
    if found is None:
        raise NotFound("package", package_id)
    return found.shop_id


def open_disputes_of(uow: UnitOfWork, package_ids: list[str]) -> dict[str, list[Dispute]]:
    """Open disputes by package; call inside an open unit of work."""
    return {pid: [d for d in found if is_open(d.state)] for pid, found in uow.disputes.for_packages(package_ids).items()}


__all__ = ["ClaimKind", "DisputeView", "buyer_report", "clean_text", "get_dispute", "list_disputes", "open_dispute",
           "open_disputes_of", "report_problem", "shop_of_package",
           "update_dispute"]
