"""Routes for the notification log: /v1/notifications (the shop) and /v1/packages/{id}/notifications."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from parceltrail.api.deps import ShopId, Uow
from parceltrail.api.webhooks import AttemptOut
from parceltrail.services import notification_log
from parceltrail.store.notifications import Message

router = APIRouter(tags=["notifications"])


class NotificationOut(BaseModel):
    id: str
    channel: str = Field(description="webhook, email, sms or chat")
    kind: str = Field(description="What it reports: a webhook type, or a buyer event such as delivered")
    to: str = Field(description="Where it goes: an endpoint URL, an email address, a phone number, a chat service")
    package_id: str | None
    recipient_id: str | None
    endpoint_id: str | None
    state: str = Field(description="pending, sending, sent, failed, skipped or uncertain")
    reason: str | None = Field(description="Why it was not sent (yet): preference, quiet hours, opt-out, coalesced...")
    subject: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    attempts: list[AttemptOut]

    @classmethod
    def of(cls, m: Message) -> NotificationOut:
        return cls(id=m.id, channel=m.channel, kind=m.kind, to=m.target, package_id=m.package_id,
                   recipient_id=m.recipient_id, endpoint_id=m.endpoint_id, state=m.state, reason=m.reason,
                   subject=m.subject, created_at=m.created_at,
                   next_attempt_at=m.send_after if m.state == "pending" else None, sent_at=m.sent_at,
                   attempts=[AttemptOut.of(a) for a in m.history])


class NotificationDetailOut(NotificationOut):
    payload: dict = Field(description="The webhook body, or what the message was built from")

    @classmethod
    def of(cls, m: Message) -> NotificationDetailOut:
        return cls(**NotificationOut.of(m).model_dump(), payload=json.loads(m.payload))


class NotificationPageOut(BaseModel):
    items: list[NotificationOut]
    next_cursor: str | None


Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/v1/notifications", response_model=NotificationPageOut)
def list_notifications(shop_id: ShopId, uow: Uow, package_id: str | None = None, channel: str | None = None,
                       state: str | None = None, recipient_id: str | None = None, cursor: str | None = None,
                       limit: Limit = 50) -> NotificationPageOut:
    """Every message of the shop, newest first, with its attempts and why it was or was not sent."""
    items, after = notification_log.list_notifications(uow, shop_id, package_id, channel, state, cursor, limit,
                                                       recipient_id)
    return NotificationPageOut(items=[NotificationOut.of(m) for m in items], next_cursor=after)


@router.get("/v1/packages/{package_id}/notifications", response_model=NotificationPageOut)
def package_notifications(package_id: str, shop_id: ShopId, uow: Uow, cursor: str | None = None,
                          limit: Limit = 50) -> NotificationPageOut:
    """What was sent (or not) about one package, to whom, and why."""
    items, after = notification_log.list_notifications(uow, shop_id, package_id, cursor=cursor, limit=limit)
    return NotificationPageOut(items=[NotificationOut.of(m) for m in items], next_cursor=after)


@router.get("/v1/notifications/{notification_id}", response_model=NotificationDetailOut)
def get_notification(notification_id: str, shop_id: ShopId, uow: Uow) -> NotificationDetailOut:
    return NotificationDetailOut.of(notification_log.get_notification(uow, shop_id, notification_id))


@router.post("/v1/notifications/{notification_id}/resend", status_code=202, response_model=NotificationOut)
def resend(notification_id: str, shop_id: ShopId, uow: Uow) -> NotificationOut:
    """Send again: for an ``uncertain`` message (a worker stopped mid-send) that did not arrive, or a failed one."""
    return NotificationOut.of(notification_log.resend(uow, shop_id, notification_id))
