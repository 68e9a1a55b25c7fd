"""Disputes opened from TikTok Shop's return and cancellation notifications (webhook types 12 and 11).

TikTok's notification names the order, the request's id, who raised it and its status, not the buyer's
reason, so the claim kind is read from the parcel: not delivered yet is "not received" (or "late" once
the deliver-by passed); delivered with a refund-only request is "not received" (nothing to send back);
delivered with a return or a replacement is "damaged". The dispute says it guessed, and the seller can
correct the kind. Later notifications about the same request are added to its history; TikTok closing
the request closes the dispute (cancelled by the buyer: withdrawn; completed: refunded).

A cancellation is a dispute only when the buyer asks after the carrier has the parcel: before that it is
an ordinary cancellation, not a claim.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import replace

from parceltrail.core import NOT_A_HANDOFF, Package, Status
from parceltrail.core.disputes import ClaimKind, DisputeState, is_open
from parceltrail.core.disputes.model import CLOSED, TRANSITIONS
from parceltrail.services.clock import utcnow
from parceltrail.services.disputes import open_dispute
from parceltrail.store import UnitOfWork
from parceltrail.store.disputes import HistoryEntry
from parceltrail.store.tiktok import Notification

log = logging.getLogger("parceltrail.disputes")
CANCELLATION, RETURN = 11, 12


def outcome_of(status: str) -> DisputeState | None:
    """The state TikTok's request status closes a dispute in, or None while the request is still open."""
    last = status.upper().rsplit("_", 1)[-1]
    if last in ("CANCEL", "CANCELLED", "CANCELED"):
        return DisputeState.WITHDRAWN
    if last in ("SUCCESS", "COMPLETE", "COMPLETED"):
        return DisputeState.REFUNDED
    return None


def guess_kind(package: Package, kind: int, return_type: str, past_deliver_by: bool) -> tuple[ClaimKind, str]:
    """The claim kind and the sentence saying why (TikTok's notification carries no reason)."""
    if package.state.status is not Status.DELIVERED:
        if past_deliver_by:
            return ClaimKind.LATE, "the parcel is not delivered and the deliver-by date has passed"
        return ClaimKind.NOT_RECEIVED, "the parcel is not delivered yet"
    if kind == RETURN and return_type.upper() in ("RETURN_AND_REFUND", "REPLACEMENT"):
        return ClaimKind.DAMAGED, f"the carrier delivered it and the buyer asked for {return_type.lower()}"
    return ClaimKind.NOT_RECEIVED, "the carrier delivered it and the buyer asked for a refund without a return"


def disputes_from_tiktok(uow: UnitOfWork, shop_id: str, notes: Iterable[Notification]) -> int:
    """Open or update disputes for the return and cancellation notifications among ``notes``; returns how
    many disputes were opened. Call after the notifications' orders were re-fetched and stored."""
    opened = 0
    for note in notes:
        if note.type not in (CANCELLATION, RETURN):
            continue
        data = json.loads(note.body).get("data") or {}
        request_id = str(data.get("return_id") or data.get("cancel_id") or "")
        status = str(data.get("return_status") or data.get("cancel_status") or "")
        role = str(data.get("return_role") or data.get("cancellations_role") or "").upper()
        if not request_id or not data.get("order_id"):
            continue
        what = "return" if note.type == RETURN else "cancellation"
        for package, past in _shipped_packages(uow, shop_id, str(data["order_id"])):
            ref = f"tiktok:{what}:{request_id}:{package.id}"
            summary = f"TikTok {what} request {request_id}: {status or 'no status'}" + (f" (by {role.lower()})" if role else "")
            with uow.read():
                existing = uow.disputes.by_ref(shop_id, ref)
            if existing is not None:
                _follow(uow, shop_id, existing.id, status, summary)
                continue
            if outcome_of(status) is not None or (note.type == CANCELLATION and role not in ("BUYER", "")):
                continue
            kind, why = guess_kind(package, note.type, str(data.get("return_type") or ""), past)
            open_dispute(uow, shop_id, package.id, kind.value, "tiktok", f"{summary}; kind guessed: {why}", ref)
            opened += 1
    return opened


def _shipped_packages(uow: UnitOfWork, shop_id: str, order_id: str) -> list[tuple[Package, bool]]:
    """The order's tracked packages the carrier has scanned, each with whether its deliver-by has passed."""
    now = utcnow()
    with uow.read():
        stored = uow.orders.get(shop_id, order_id)
        if stored is None:
            log.info("TikTok request for order %s, which is not stored; no dispute opened", order_id)
            return []
        ids = [pid for pid in stored.package_ids.values() if pid]
        packages = uow.packages.get_many(shop_id, ids) if ids else {}
        timelines = uow.events.timelines(list(packages)) if packages else {}
    deliver_by = stored.order.deadlines.deliver_by
    return [(p, deliver_by is not None and now > deliver_by) for p in packages.values()
            if any(e.status not in NOT_A_HANDOFF or e.status is Status.DELIVERED for e in timelines.get(p.id, []))]


def _follow(uow: UnitOfWork, shop_id: str, dispute_id: str, status: str, summary: str) -> None:
    """Add TikTok's news to the dispute; close it when TikTok closed the request and the dispute is open."""
    now = utcnow()
    with uow:
        dispute = uow.disputes.get(shop_id, dispute_id)
        if dispute is None or any(summary in h.detail for h in uow.disputes.history(dispute.id)):
            return  # the same news again (TikTok resends under a new notification id)
        closing = outcome_of(status)
        if closing is not None and is_open(dispute.state) and closing in TRANSITIONS[dispute.state]:
            dispute = replace(dispute, state=closing, closed_at=now if closing in CLOSED else None, updated_at=now)
            uow.disputes.save(dispute)
            uow.disputes.record(dispute.id, HistoryEntry(now, "tiktok", "state", closing, summary))
        else:
            uow.disputes.record(dispute.id, HistoryEntry(now, "tiktok", "note", dispute.state, summary))
        uow.commit()
