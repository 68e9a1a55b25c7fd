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
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from parceltrail.core import Status

STATUS_CHANGED = "package.status_changed"
ESTIMATE_CHANGED = "package.estimate_changed"
CREATED = "package.created"
OUT_FOR_DELIVERY = "package.out_for_delivery"
DELIVERED = "package.delivered"
EXCEPTION = "package.exception"
ORDER_UPDATED = "order.updated"

TIKTOK_CONNECTION = "tiktok.connection_changed"

WEBHOOK_TYPES = (CREATED, STATUS_CHANGED, OUT_FOR_DELIVERY, DELIVERED, EXCEPTION, ESTIMATE_CHANGED, ORDER_UPDATED,
                 TIKTOK_CONNECTION)
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
    coalesce_rank: int = 1
    """A message about a new delivery date (rank 0) yields to a status message (rank 1) about the same parcel."""


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


# -- people: buyers and staff ---------------------------------------------------------------------

BUYER_EVENTS = ("shipped", "out_for_delivery", "ready_for_pickup", "delivered", "delayed", "exception",
                "estimate_changed")
"""What a buyer can choose to hear about (``events`` of a recipient); all of them by default."""
PEOPLE_CHANNELS = ("email", "sms", "chat")
DELAYS = frozenset({"weather_delay", "carrier_delay", "customs_delay", "late_flight"})
ENDPOINT_DISABLED = "webhook_endpoint.disabled"
STAFF_NOTICES = {ENDPOINT_DISABLED: "endpoint_disabled", TIKTOK_CONNECTION: "tiktok_connection"}
"""Service notices the shop's staff hear at once (outbox type -> message kind): an endpoint that was
disabled, a TikTok Shop connection that was lost or is about to expire."""
ESTIMATE_MOVE_DAYS = 1
"""A buyer hears about a new estimate when its likely date moves by more than this many days."""


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class Person:
    """A recipient as the planner sees it: where to reach them and what they chose."""

    id: str
    kind: str  # buyer | staff
    email: str | None
    phone: str | None
    zone: str
    events: tuple[str, ...]
    channels: tuple[str, ...]
    quiet: QuietHours | None
    opted_out: bool = False
    suppressed: frozenset[str] = frozenset()
    """Channels on which this person's address opted out of the shop's messages."""

    def address(self, channel: str) -> str | None:
        return {"email": self.email, "sms": self.phone}.get(channel, "chat")


def buyer_event(event: Event) -> str | None:
    """What a buyer would call this change, or None when it is nothing a buyer waits for."""
    if event.type == ESTIMATE_CHANGED:
        before, after = event.data["previous_estimate"], event.data["package"]["estimated_delivery"]
        moved = abs((date.fromisoformat(after["likely"]) - date.fromisoformat(before["likely"])).days)
        return "estimate_changed" if moved > ESTIMATE_MOVE_DAYS else None
    if event.type != STATUS_CHANGED:
        return None
    status, substatus = Status(event.data["package"]["status"]), event.data["package"]["substatus"]
    previous = Status(event.data["previous"]["status"])
    if status is Status.DELIVERED:
        return "delivered"
    if status is Status.OUT_FOR_DELIVERY:
        return "out_for_delivery"
    if status is Status.AVAILABLE_FOR_PICKUP:
        return "ready_for_pickup"
    if status is Status.EXCEPTION and substatus in DELAYS:
        return "delayed"
    if status in EXCEPTION_STATUSES:
        return "exception"
    if status is Status.IN_TRANSIT and previous in (Status.PENDING, Status.INFO_RECEIVED):
        return "shipped"
    return None


def after_quiet_hours(due: datetime, zone: str, quiet: QuietHours | None) -> datetime:
    """``due``, or the end of the quiet hours it falls in, in the person's own time zone (never dropped)."""
    if quiet is None or quiet.start == quiet.end:
        return due
    tz = ZoneInfo(zone)
    local = due.astimezone(tz)
    at = local.time()
    overnight = quiet.start > quiet.end
    inside = (at >= quiet.start or at < quiet.end) if overnight else (quiet.start <= at < quiet.end)
    if not inside:
        return due
    day = local.date() + timedelta(days=1) if overnight and at >= quiet.start else local.date()
    return datetime.combine(day, quiet.end, tzinfo=tz).astimezone(due.tzinfo)


_UNAVAILABLE = {
    "email": "email is not set up on this server (PARCELTRAIL_SMTP_URL)",
    "sms": "the shop has no SMS channel (PUT /v1/notification-channels/sms)",
    "chat": "the shop has no chat channel (PUT /v1/notification-channels/chat)",
}


def plan_person(person: Person, kind: str, key: str, event_at: datetime, payload: str, window: timedelta,
                coalesce: str | None, available: frozenset[str]) -> list[Planned]:
    """One message per channel the person chose, each with its state and, when not sent now, why.

    ``available``: the channels that can carry messages for this shop (email when the server has SMTP,
    SMS and chat when the shop set them up)."""
    planned = []
    for channel in person.channels:
        address = person.address(channel)
        due = event_at + window if coalesce else event_at
        state, reason, send_after = "pending", None, due
        if person.opted_out or channel in person.suppressed:
            state, reason = "skipped", "opted out (unsubscribe link)"
        elif kind not in person.events and person.kind == "buyer":
            state, reason = "skipped", f"preference: {kind.replace('_', ' ')} is not among the chosen events"
        elif not address:
            state, reason = "skipped", f"no {'email address' if channel == 'email' else 'phone number'}"
        elif channel not in available:
            state, reason = "skipped", _UNAVAILABLE[channel]
        else:
            send_after = after_quiet_hours(due, person.zone, person.quiet)
            if send_after != due:
                local = send_after.astimezone(ZoneInfo(person.zone))
                reason = f"quiet hours {person.quiet} ({person.zone}): deferred to {local:%Y-%m-%d %H:%M}"
        planned.append(Planned(
            channel=channel, kind=kind, target_id=person.id, target=address or "-",
            idem_key=f"{person.id}:{key}:{channel}", event_at=event_at, send_after=send_after, payload=payload,
            state=state, reason=reason,
            coalesce_key=f"{person.id}:{coalesce}:{channel}" if coalesce and state == "pending" else None,
            coalesce_rank=0 if kind == "estimate_changed" else 1,
        ))
    return planned


def _payload(context: dict[str, Any], kind: str, data: dict[str, Any]) -> str:
    return json.dumps({**context, "kind": kind, "data": data}, separators=(",", ":"))


def plan_buyers(event: Event, buyers: Sequence[tuple[Person, dict[str, Any]]], window: timedelta,
                available: frozenset[str]) -> list[Planned]:
    """Messages to a package's buyers (each with the context its words need: shop, locale, zone, name); a
    newer one about the same package replaces older ones still waiting."""
    kind = buyer_event(event)
    if kind is None:
        return []
    return [p for person, context in buyers
            for p in plan_person(person, kind, event.id, event.occurred_at, _payload(context, kind, event.data),
                                 window, f"package:{event.package_id}", available)]


def plan_staff_notice(event: Event, staff: Sequence[tuple[Person, dict[str, Any]]],
                      available: frozenset[str]) -> list[Planned]:
    """Service notices for the shop's staff (``STAFF_NOTICES``): at once, quiet hours apart."""
    kind = STAFF_NOTICES.get(event.type)
    if kind is None:
        return []
    return [p for person, context in staff
            for p in plan_person(person, kind, event.id, event.occurred_at,
                                 _payload(context, kind, event.data), timedelta(0), None, available)]


DIGESTS = ("off", "hourly", "daily")


def digest_period(digest: str, hour: int, zone: str, now: datetime) -> str | None:
    """The period whose digest is due at ``now`` for this rhythm, in the person's zone, or None.

    Hourly: every local hour. Daily: the local day, from ``hour`` on (so a worker that was down at that
    hour still sends the day's digest when it comes back, once).
    """
    local = now.astimezone(ZoneInfo(zone))
    if digest == "hourly":
        return f"{local:%Y-%m-%dT%H}"
    if digest == "daily" and local.hour >= hour:
        return f"{local:%Y-%m-%d}"
    return None


def plan_digest(person: Person, period: str, now: datetime, context: dict[str, Any],
                available: frozenset[str]) -> list[Planned]:
    """A staff member's exception digest for ``period``; a newer digest replaces one still waiting."""
    payload = json.dumps({**context, "kind": "exception_digest"}, separators=(",", ":"))
    return plan_person(person, "exception_digest", f"digest:{period}", now, payload, timedelta(0), "digest",
                       available)
