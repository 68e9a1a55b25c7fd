"""Planning: outbox events become messages (webhook deliveries; emails, SMS and chat to people).

A tick claims a batch of unplanned events, asks the pure planner (``notify.plan``) what each means
for whom, stores the messages (once each, by idempotency key, coalescing stale ones) and marks the
events planned, all in one transaction. A planner that dies mid-batch leaves the events to the next
one when its lease ends; anything it stored was committed with the marks, or not at all.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from parceltrail.notify import plan
from parceltrail.store import UnitOfWork
from parceltrail.store.estimates import StoredEstimate
from parceltrail.store.ids import new_id
from parceltrail.store.notifications import NewMessage
from parceltrail.store.outbox import OutboxEvent

LEASE = timedelta(minutes=2)
KEEP_PLANNED = timedelta(days=7)


def with_estimate(data: dict[str, Any], estimate: StoredEstimate | None) -> dict[str, Any]:
    """The event's package object with the current delivery estimate, unless the event carries its own."""
    package = data.get("package")
    if package is None or package.get("estimated_delivery") is not None or estimate is None:
        return data
    return {**data, "package": {**package, "estimated_delivery": estimate.to_dict()}}


def _message(planned: plan.Planned, event: OutboxEvent) -> NewMessage:
    webhook = planned.channel == "webhook"
    return NewMessage(
        id=new_id("msg"), shop_id=event.shop_id, channel=planned.channel, kind=planned.kind, target=planned.target,
        idem_key=planned.idem_key, event_at=planned.event_at, send_after=planned.send_after, payload=planned.payload,
        state=planned.state, reason=planned.reason, coalesce_key=planned.coalesce_key, package_id=event.package_id,
        event_id=event.id, endpoint_id=planned.target_id if webhook else None,
        recipient_id=None if webhook else planned.target_id,
    )


def plan_due(uow: UnitOfWork, now: datetime, window: timedelta, limit: int = 200) -> int:
    """Plan up to ``limit`` unplanned events; returns how many were planned by this call."""
    token = secrets.token_hex(8)
    with uow:
        events = uow.outbox.claim(now, limit, LEASE, token)
        uow.commit()
    if not events:
        return 0
    planned_count = 0
    with uow:
        endpoints = uow.webhooks.enabled_for_shops(sorted({e.shop_id for e in events}))
        estimates = uow.estimates.current(sorted({e.package_id for e in events if e.package_id}))
        for event in events:
            data = with_estimate(event.data, estimates.get(event.package_id or ""))
            seen = plan.Event(event.id, event.shop_id, event.type, event.occurred_at, data, event.package_id)
            audience = [plan.Endpoint(e.id, e.url, e.events) for e in endpoints[event.shop_id]]
            if not uow.outbox.mark_planned(event.id, token, now):
                continue  # another planner took it over after our lease ran out
            for planned in plan.plan_webhooks(seen, audience, window):
                uow.notifications.add(_message(planned, event), now)
            planned_count += 1
        uow.commit()
    return planned_count


def prune_outbox(uow: UnitOfWork, now: datetime) -> int:
    """Forget events planned more than ``KEEP_PLANNED`` ago; their messages stay in the log."""
    with uow:
        deleted = uow.outbox.prune_planned(now - KEEP_PLANNED)
        uow.commit()
    return deleted
