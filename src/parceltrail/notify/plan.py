"""Who hears about what, and when: pure decisions from an outbox event, the audience and the time.

Every decision is a ``Planned`` message with a state and, when it will not be sent now, a reason a
seller can read in the log. Idempotency keys are (target, event, channel), so planning an event again
changes nothing. Coalescing keys group messages that make each other stale: a newer one replaces older
pending ones (three scans in a minute give one ``package.status_changed``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from parceltrail.core import Status

STATUS_CHANGED = "package.status_changed"
ESTIMATE_CHANGED = "package.estimate_changed"
CREATED = "package.created"
OUT_FOR_DELIVERY = "package.out_for_delivery"
DELIVERED = "package.delivered"
EXCEPTION = "package.exception"
ORDER_UPDATED = "order.updated"

WEBHOOK_TYPES = (CREATED, STATUS_CHANGED, OUT_FOR_DELIVERY, DELIVERED, EXCEPTION, ESTIMATE_CHANGED, ORDER_UPDATED)
"""Every type an endpoint can subscribe to (``events``); no list means all of them."""

EXCEPTION_STATUSES = frozenset({Status.EXCEPTION, Status.DELIVERY_FAILED, Status.RETURNING})
"""Canonical statuses that need someone's attention: ``package.exception`` fires on entering one."""

COALESCED_TYPES = frozenset({STATUS_CHANGED, ESTIMATE_CHANGED})
"""Webhook types that wait out the coalescing window; the specific ones (delivered, ...) go at once."""

RETRY_DELAYS = (5, 300, 1800, 7200, 18000, 36000, 36000)
"""Seconds before each retry of a failed webhook delivery; after the last one the endpoint is disabled."""


@dataclass(frozen=True, slots=True)
class Event:
    """An outbox event as the planner sees it."""

    id: str
    shop_id: str
    type: str
    occurred_at: datetime
    data: dict[str, Any]
    package_id: str | None = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    url: str
    events: tuple[str, ...] | None

    def wants(self, event_type: str) -> bool:
        return self.events is None or event_type in self.events


@dataclass(frozen=True, slots=True)
class Planned:
    channel: str
    kind: str
    target_id: str
    target: str
    idem_key: str
    event_at: datetime
    send_after: datetime
    payload: str
    state: str = "pending"
    reason: str | None = None
    coalesce_key: str | None = None


def webhook_types(event: Event) -> list[str]:
    """The webhook types one outbox event fires: a status change fires ``package.status_changed`` and,
    when it enters one, ``package.out_for_delivery``, ``package.delivered`` or ``package.exception``."""
    if event.type == STATUS_CHANGED:
        status = Status(event.data["package"]["status"])
        previous = Status(event.data["previous"]["status"])
        types = [STATUS_CHANGED]
        if status is Status.OUT_FOR_DELIVERY and previous is not status:
            types.append(OUT_FOR_DELIVERY)
        elif status is Status.DELIVERED and previous is not status:
            types.append(DELIVERED)
        elif status in EXCEPTION_STATUSES and previous not in EXCEPTION_STATUSES:
            types.append(EXCEPTION)
        return types
    return [event.type] if event.type in WEBHOOK_TYPES else []


def webhook_body(event_type: str, occurred_at: datetime, data: dict[str, Any]) -> str:
    """The Standard Webhooks body ``{"type", "timestamp", "data"}``, fixed at planning so every retry of
    a delivery sends the same bytes under the same ``webhook-id``."""
    timestamp = occurred_at.isoformat().replace("+00:00", "Z")
    return json.dumps({"type": event_type, "timestamp": timestamp, "data": data}, separators=(",", ":"))


def plan_webhooks(event: Event, endpoints: Sequence[Endpoint], window: timedelta) -> list[Planned]:
    planned = []
    for event_type in webhook_types(event):
        coalesced = event_type in COALESCED_TYPES and event.package_id is not None
        body = webhook_body(event_type, event.occurred_at, event.data)
        for endpoint in endpoints:
            if not endpoint.wants(event_type):
                continue
            planned.append(Planned(
                channel="webhook", kind=event_type, target_id=endpoint.id, target=endpoint.url,
                idem_key=f"{endpoint.id}:{event.id}:{event_type}", event_at=event.occurred_at,
                send_after=event.occurred_at + window if coalesced else event.occurred_at, payload=body,
                coalesce_key=f"{endpoint.id}:{event.package_id}:{event_type}" if coalesced else None,
            ))
    return planned


def next_retry(retry_step: int, now: datetime) -> datetime | None:
    """When to try a failed delivery again (``retry_step`` retries used so far), or None: give up."""
    if retry_step >= len(RETRY_DELAYS):
        return None
    return now + timedelta(seconds=RETRY_DELAYS[retry_step])
