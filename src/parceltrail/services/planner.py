"""Planning: outbox events become messages (webhook deliveries; emails, SMS and chat to people).

A tick claims a batch of unplanned events, asks the pure planner (``notify.plan``) what each means
for whom, stores the messages (once each, by idempotency key, coalescing stale ones) and marks the
events planned, all in one transaction. A planner that dies mid-batch leaves the events to the next
one when its lease ends; anything it stored was committed with the marks, or not at all.

A parcel's buyer is the package's own recipient, else the recipient of the order(s) it ships.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from parceltrail.core import Address
from parceltrail.notify import plan
from parceltrail.services.orders_read import order_now
from parceltrail.services.recipients import effective_zone, quiet_hours_of
from parceltrail.store import UnitOfWork
from parceltrail.store.estimates import StoredEstimate
from parceltrail.store.ids import new_ids
from parceltrail.store.notifications import NewMessage
from parceltrail.store.outbox import OutboxEvent
from parceltrail.store.recipients import Recipient

LEASE = timedelta(minutes=2)
KEEP_PLANNED = timedelta(days=7)


def with_estimate(data: dict[str, Any], estimate: StoredEstimate | None) -> dict[str, Any]:
    """The event's package object with the current delivery estimate, unless the event carries its own."""
    package = data.get("package")
    if package is None or package.get("estimated_delivery") is not None or estimate is None:
        return data
    return {**data, "package": {**package, "estimated_delivery": estimate.to_dict()}}


def _message(planned: plan.Planned, shop_id: str, event_id: str | None, package_id: str | None,
             message_id: str) -> NewMessage:
    webhook = planned.channel == "webhook"
    return NewMessage(
        id=message_id, shop_id=shop_id, channel=planned.channel, kind=planned.kind, target=planned.target,
        idem_key=planned.idem_key, event_at=planned.event_at, send_after=planned.send_after, payload=planned.payload,
        state=planned.state, reason=planned.reason, coalesce_key=planned.coalesce_key,
        coalesce_rank=planned.coalesce_rank, package_id=package_id,
        event_id=event_id, endpoint_id=planned.target_id if webhook else None,
        recipient_id=None if webhook else planned.target_id,
    )


def store_planned(uow: UnitOfWork, planned: Sequence[plan.Planned], shop_id: str, event_id: str | None,
                  package_id: str | None, now: datetime, window: timedelta = timedelta(0)) -> None:
    ids = new_ids("msg", len(planned))
    uow.notifications.add_many([_message(one, shop_id, event_id, package_id, mid) for one, mid in zip(planned, ids)],
                               now, window)


def person(recipient: Recipient, zone: str, suppressed: set[tuple[str, str, str]]) -> plan.Person:
    blocked = frozenset(channel for channel in recipient.channels
                        if (recipient.shop_id, channel, {"email": recipient.email, "sms": recipient.phone}
                            .get(channel) or "") in suppressed)
    return plan.Person(recipient.id, recipient.kind, recipient.email, recipient.phone, zone, recipient.events,
                       recipient.channels, quiet_hours_of(recipient), recipient.opted_out_at is not None, blocked)


@dataclass
class Audience:
    """Who can hear about the events of one batch, read once for the batch."""

    shop_names: dict[str, str]
    available: dict[str, frozenset[str]]
    suppressed: set[tuple[str, str, str]]
    buyers: dict[str, list[Recipient]]
    staff: dict[str, list[Recipient]]

    def context(self, recipient: Recipient, zone: str) -> dict[str, Any]:
        return {"shop": self.shop_names.get(recipient.shop_id, ""), "locale": recipient.locale, "zone": zone,
                "name": recipient.name, "audience": recipient.kind}


def read_audience(uow: UnitOfWork, shop_ids: list[str], package_ids: list[str], email: bool) -> Audience:
    orders = uow.orders.for_packages(package_ids)
    recipients = uow.recipients.buyers(package_ids, sorted({o.id for found in orders.values() for o in found}))
    own = {r.package_id: r for r in recipients if r.package_id}
    by_order = {r.order_id: r for r in recipients if r.order_id}
    buyers = {pid: [own[pid]] if pid in own else [by_order[o.id] for o in orders.get(pid, []) if o.id in by_order]
              for pid in package_ids}
    staff: dict[str, list[Recipient]] = {}
    for r in uow.recipients.staff(shop_ids):
        staff.setdefault(r.shop_id, []).append(r)
    channels = uow.recipients.channels(shop_ids)
    server = frozenset({"email"}) if email else frozenset()
    available = {shop: server | {kind for (s, kind) in channels if s == shop} for shop in shop_ids}
    names = {shop: (found.name if (found := uow.shops.get(shop)) else "") for shop in shop_ids}
    return Audience(names, available, uow.recipients.suppressed(shop_ids), buyers, staff)


def _destination(data: dict[str, Any]) -> Address | None:
    dest = (data.get("package") or {}).get("destination")
    return Address(postal_code=dest.get("postal_code"), country=dest.get("country")) if dest else None


def plan_people(event: plan.Event, audience: Audience, window: timedelta) -> list[plan.Planned]:
    available = audience.available[event.shop_id]
    if event.type in plan.STAFF_NOTICES:
        staff = [(person(r, r.time_zone or "UTC", audience.suppressed), audience.context(r, r.time_zone or "UTC"))
                 for r in audience.staff.get(event.shop_id, [])]
        return plan.plan_staff_notice(event, staff, available)
    buyers = []
    for r in audience.buyers.get(event.package_id or "", []):
        zone = effective_zone(r, _destination(event.data))
        buyers.append((person(r, zone, audience.suppressed), audience.context(r, zone)))
    return plan.plan_buyers(event, buyers, window, available)


def plan_due(uow: UnitOfWork, now: datetime, window: timedelta, limit: int = 200, email: bool = False) -> int:
    """Plan up to ``limit`` unplanned events; returns how many were planned by this call.
    ``email``: the server can send email (``PARCELTRAIL_SMTP_URL`` is set)."""
    token = secrets.token_hex(8)
    with uow.read():
        if not uow.outbox.any_due(now):
            return 0
    with uow:
        events = uow.outbox.claim(now, limit, LEASE, token)
        uow.commit()
    if not events:
        return 0
    planned_count = 0
    shop_ids = sorted({e.shop_id for e in events})
    package_ids = sorted({e.package_id for e in events if e.package_id})
    with uow:
        endpoints = uow.webhooks.enabled_for_shops(shop_ids)
        estimates = uow.estimates.current(package_ids)
        audience = read_audience(uow, shop_ids, package_ids, email)
        held = uow.outbox.mark_planned([e.id for e in events], token, now)  # the rest passed to another planner
        batch: list[tuple[plan.Planned, OutboxEvent]] = []
        for event in (e for e in events if e.id in held):
            seen = _seen(uow, event, estimates)
            hooks = [plan.Endpoint(e.id, e.url, e.events) for e in endpoints[event.shop_id]]
            planned = plan.plan_webhooks(seen, hooks, window) + plan_people(seen, audience, window)
            batch += [(one, event) for one in planned]
            planned_count += 1
        ids = new_ids("msg", len(batch))  # in planning order, so the log lists them as they were decided
        uow.notifications.add_many([_message(one, e.shop_id, e.id, e.package_id, mid)
                                    for (one, e), mid in zip(batch, ids)], now, window)
        uow.commit()
    return planned_count


def _seen(uow: UnitOfWork, event: OutboxEvent, estimates: dict[str, StoredEstimate]) -> plan.Event:
    data = with_estimate(event.data, estimates.get(event.package_id or ""))
    if event.type == plan.ORDER_UPDATED:
        data = {"order": order_now(uow, event.shop_id, data["order"]["id"]) or data["order"]}
    return plan.Event(event.id, event.shop_id, event.type, event.occurred_at, data, event.package_id)


def prune_outbox(uow: UnitOfWork, now: datetime) -> int:
    """Forget events planned more than ``KEEP_PLANNED`` ago; their messages stay in the log."""
    with uow:
        deleted = uow.outbox.prune_planned(now - KEEP_PLANNED)
        uow.commit()
    return deleted
