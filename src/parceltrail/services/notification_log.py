"""The notification log: every message (webhook delivery, email, SMS, chat) with every attempt, and why a
message was or was not sent; per shop, per package, per recipient or endpoint. And a person's resend.
"""

from __future__ import annotations

from parceltrail.services.clock import utcnow
from parceltrail.services.errors import Conflict, FieldError, InvalidInput, NotFound
from parceltrail.store import UnitOfWork
from parceltrail.store.notifications import STATES, LogFilter, Message

CHANNELS = ("webhook", "email", "sms", "chat")


def list_notifications(uow: UnitOfWork, shop_id: str | None, package_id: str | None = None,
                       channel: str | None = None, state: str | None = None, cursor: str | None = None,
                       limit: int = 50, recipient_id: str | None = None) -> tuple[list[Message], str | None]:
    """Newest first; returns the page and the cursor of the next one. ``shop_id=None``: every shop (CLI)."""
    errors = []
    if channel is not None and channel not in CHANNELS:
        errors.append(FieldError("channel", f"expected one of: {', '.join(CHANNELS)}"))
    if state is not None and state not in STATES:
        errors.append(FieldError("state", f"expected one of: {', '.join(STATES)}"))
    if cursor is not None and not cursor.startswith("msg_"):
        errors.append(FieldError("cursor", "pass the next_cursor of a previous page"))
    if errors:
        raise InvalidInput("the log cannot be filtered like that", errors)
    with uow.read():
        if package_id is not None and shop_id is not None and uow.packages.get(shop_id, package_id) is None:
            raise NotFound("package", package_id)
        found = uow.notifications.page(LogFilter(shop_id=shop_id, package_id=package_id, channel=channel,
                                                 state=state, recipient_id=recipient_id, before_id=cursor), limit + 1)
    items = found[:limit]
    return items, (items[-1].id if len(found) > limit else None)


def get_notification(uow: UnitOfWork, shop_id: str, message_id: str) -> Message:
    with uow.read():
        found = uow.notifications.get(shop_id, message_id)
    if found is None:
        raise NotFound("notification", message_id)
    return found


def resend(uow: UnitOfWork, shop_id: str, message_id: str, endpoint_id: str | None = None) -> Message:
    """A person decided: send this message again (an uncertain email that never arrived, a failed one).
    A webhook goes again under its first ``webhook-id``. With ``endpoint_id``, the message must be its."""
    now = utcnow()
    with uow:
        if endpoint_id is not None and uow.webhooks.get(shop_id, endpoint_id) is None:
            raise NotFound("webhook endpoint", endpoint_id)
        message = uow.notifications.get(shop_id, message_id)
        if message is None or (endpoint_id is not None and message.endpoint_id != endpoint_id):
            raise NotFound("delivery" if endpoint_id else "notification", message_id)
        if message.endpoint_id is not None:
            endpoint = uow.webhooks.get(shop_id, message.endpoint_id)
            if endpoint is not None and not endpoint.enabled:
                raise Conflict("its webhook endpoint is disabled; enable it first (PATCH with {\"enabled\": true})")
        if not uow.notifications.requeue(message_id, now, "resend asked for by the shop"):
            raise Conflict(f"the message is already queued ({message.state}); it will be sent shortly")
        again = uow.notifications.get(shop_id, message_id)
        uow.commit()
    assert again is not None
    return again
