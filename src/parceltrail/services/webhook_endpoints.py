"""Use cases for a shop's webhook endpoints: create (the secret is shown once), read, change, rotate, delete,
and the deliveries log with a manual retry.

URLs pass the SSRF guard (``parceltrail.outbound``) when they are stored, and the sender's transport
checks again on every connection. Secrets are sealed with ``PARCELTRAIL_SECRET_KEY``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from parceltrail.carriers.webhooks import new_secret
from parceltrail.notify.plan import WEBHOOK_TYPES
from parceltrail.outbound import BlockedTarget, Resolver, check_url, system_resolver
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.notification_log import resend
from parceltrail.services.secrets import require_key, seal, unseal
from parceltrail.store import UnitOfWork
from parceltrail.store.ids import new_id
from parceltrail.store.notifications import LogFilter, Message
from parceltrail.store.webhooks import WebhookEndpoint

PURPOSE = "webhook secrets"
ROTATION_GRACE = timedelta(hours=24)
"""How long the previous secret keeps signing after a rotation, so receivers can switch without a gap."""
_MAX_URL = 2000


@dataclass(frozen=True, slots=True)
class Guard:
    """How endpoint URLs are checked: the operator's choice about private targets, and the resolver."""

    allow_private: bool = False
    resolver: Resolver = system_resolver


def check_endpoint_url(url: str, guard: Guard) -> str:
    url = url.strip()
    if len(url) > _MAX_URL:
        raise InvalidInput("url is too long", [FieldError("url", f"expected at most {_MAX_URL} characters")])
    try:
        check_url(url, guard.allow_private, resolver=guard.resolver)
    except BlockedTarget as error:
        hint = "" if guard.allow_private else " (set PARCELTRAIL_WEBHOOKS_ALLOW_PRIVATE=1 to allow private targets)"
        raise InvalidInput("url is not allowed", [FieldError("url", error.reason + hint)]) from None
    return url


def check_event_types(events: Sequence[str] | None) -> tuple[str, ...] | None:
    if events is None:
        return None
    bad = [FieldError(f"events[{i}]", f"expected one of: {', '.join(WEBHOOK_TYPES)}")
           for i, name in enumerate(events) if name not in WEBHOOK_TYPES]
    if bad:
        raise InvalidInput("unknown event types", bad)
    if not events:
        raise InvalidInput("events is empty", [FieldError("events", "list at least one type, or leave it out for all")])
    return tuple(dict.fromkeys(events))


def _check_description(description: str | None) -> str:
    text = (description or "").strip()
    if len(text) > 500:
        raise InvalidInput("description is too long", [FieldError("description", "expected at most 500 characters")])
    return text


@dataclass(frozen=True, slots=True)
class NewEndpoint:
    endpoint: WebhookEndpoint
    secret: str
    """Shown once, at creation or rotation; afterwards only its encrypted form exists."""


def create_endpoint(uow: UnitOfWork, shop_id: str, url: str, events: Sequence[str] | None, description: str | None,
                    secret_key: str | None, guard: Guard) -> NewEndpoint:
    url = check_endpoint_url(url, guard)
    types = check_event_types(events)
    text = _check_description(description)
    key = require_key(secret_key, "url", "webhook signing secrets")
    secret = new_secret()
    now = utcnow()
    endpoint = WebhookEndpoint(new_id("ep"), shop_id, url, text, types, seal(key, PURPOSE, secret), None, None,
                               None, None, now, now)
    with uow:
        uow.webhooks.add(endpoint)
        uow.commit()
    return NewEndpoint(endpoint, secret)


def list_endpoints(uow: UnitOfWork, shop_id: str) -> list[WebhookEndpoint]:
    with uow.read():
        return uow.webhooks.list(shop_id)


def get_endpoint(uow: UnitOfWork, shop_id: str, endpoint_id: str) -> WebhookEndpoint:
    with uow.read():
        found = uow.webhooks.get(shop_id, endpoint_id)
    if found is None:
        raise NotFound("webhook endpoint", endpoint_id)
    return found


_UNSET = object()


def update_endpoint(uow: UnitOfWork, shop_id: str, endpoint_id: str, guard: Guard, url: str | None = None,
                    events: object = _UNSET, description: str | None = None,
                    enabled: bool | None = None) -> WebhookEndpoint:
    """Change what was sent; ``events=None`` means every type. Enabling a disabled endpoint clears why."""
    values: dict[str, object] = {}
    if url is not None:
        values["url"] = check_endpoint_url(url, guard)
    if events is not _UNSET:
        values["events"] = check_event_types(events)  # type: ignore[arg-type]
    if description is not None:
        values["description"] = _check_description(description)
    now = utcnow()
    if enabled is True:
        values.update(disabled_at=None, disabled_reason=None)
    elif enabled is False:
        values.update(disabled_at=now, disabled_reason="disabled by the shop")
    with uow:
        current = uow.webhooks.get(shop_id, endpoint_id)
        if current is None:
            raise NotFound("webhook endpoint", endpoint_id)
        if enabled is False and current.disabled_at is not None:
            values.pop("disabled_at"), values.pop("disabled_reason")
        if values:
            uow.webhooks.update(shop_id, endpoint_id, updated_at=now, **values)
        updated = uow.webhooks.get(shop_id, endpoint_id)
        uow.commit()
    assert updated is not None
    return updated


def rotate_secret(uow: UnitOfWork, shop_id: str, endpoint_id: str, secret_key: str | None) -> NewEndpoint:
    """A new secret; the old one signs too for ``ROTATION_GRACE`` so no delivery fails verification."""
    key = require_key(secret_key, "secret", "webhook signing secrets")
    secret = new_secret()
    now = utcnow()
    with uow:
        current = uow.webhooks.get(shop_id, endpoint_id)
        if current is None:
            raise NotFound("webhook endpoint", endpoint_id)
        uow.webhooks.update(shop_id, endpoint_id, secret=seal(key, PURPOSE, secret), previous_secret=current.secret,
                            previous_expires_at=now + ROTATION_GRACE, updated_at=now)
        uow.commit()
    return NewEndpoint(replace(current, previous_secret=current.secret, previous_expires_at=now + ROTATION_GRACE,
                               updated_at=now), secret)


def signing_secrets(endpoint: WebhookEndpoint, secret_key: str | None, now) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous one during its grace."""
    secrets = [unseal(secret_key, PURPOSE, endpoint.secret)]
    if endpoint.previous_secret and endpoint.previous_expires_at and endpoint.previous_expires_at > now:
        secrets.append(unseal(secret_key, PURPOSE, endpoint.previous_secret))
    return secrets


def delete_endpoint(uow: UnitOfWork, shop_id: str, endpoint_id: str) -> None:
    with uow:
        if not uow.webhooks.remove(shop_id, endpoint_id):
            raise NotFound("webhook endpoint", endpoint_id)
        uow.commit()


def list_deliveries(uow: UnitOfWork, shop_id: str, endpoint_id: str, state: str | None, before_id: str | None,
                    limit: int) -> list[Message]:
    with uow.read():
        if uow.webhooks.get(shop_id, endpoint_id) is None:
            raise NotFound("webhook endpoint", endpoint_id)
        return uow.notifications.page(LogFilter(shop_id=shop_id, endpoint_id=endpoint_id, state=state,
                                                before_id=before_id), limit)


def retry_delivery(uow: UnitOfWork, shop_id: str, endpoint_id: str, delivery_id: str) -> Message:
    """Queue a delivery again now (same ``webhook-id``, so a receiver that had it treats it as a duplicate)."""
    return resend(uow, shop_id, delivery_id, endpoint_id)
