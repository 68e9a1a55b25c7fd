"""Routes under /v1/webhook-endpoints: a shop's Standard Webhooks receivers and their deliveries."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from parceltrail.api.deps import AppSettings, ShopId, Uow
from parceltrail.api.schemas import Strict
from parceltrail.notify.plan import WEBHOOK_TYPES
from parceltrail.services import FieldError, InvalidInput
from parceltrail.services import webhook_endpoints as endpoints
from parceltrail.settings import Settings
from parceltrail.store.notifications import STATES, Attempt, Message
from parceltrail.store.webhooks import WebhookEndpoint

router = APIRouter(prefix="/v1/webhook-endpoints", tags=["webhooks"])
EventType = Literal[WEBHOOK_TYPES]  # type: ignore[valid-type]


class EndpointBody(Strict):
    url: str = Field(max_length=2000, examples=["https://example.com/parceltrail/webhooks"])
    events: list[EventType] | None = Field(None, description="Types to receive; leave out for every type")
    description: str | None = Field(None, max_length=500)


class EndpointPatch(Strict):
    url: str | None = Field(None, max_length=2000)
    events: list[EventType] | None = Field(None, description="null: every type")
    description: str | None = Field(None, max_length=500)
    enabled: bool | None = None


class EndpointOut(BaseModel):
    id: str
    url: str
    events: list[str] | None
    description: str
    enabled: bool
    disabled_at: datetime | None
    disabled_reason: str | None
    created_at: datetime
    updated_at: datetime
    previous_secret_expires_at: datetime | None = Field(
        None, description="After a rotation, the old secret also signs deliveries until then")

    @classmethod
    def of(cls, e: WebhookEndpoint) -> EndpointOut:
        return cls(id=e.id, url=e.url, events=list(e.events) if e.events is not None else None,
                   description=e.description, enabled=e.enabled, disabled_at=e.disabled_at,
                   disabled_reason=e.disabled_reason, created_at=e.created_at, updated_at=e.updated_at,
                   previous_secret_expires_at=e.previous_expires_at if e.previous_secret else None)


class EndpointWithSecretOut(EndpointOut):
    secret: str = Field(description="whsec_...: shown only now; verify deliveries with it")


class EndpointListOut(BaseModel):
    items: list[EndpointOut]


class AttemptOut(BaseModel):
    number: int
    at: datetime
    outcome: str
    status_code: int | None
    error: str | None
    duration_ms: int | None

    @classmethod
    def of(cls, a: Attempt) -> AttemptOut:
        return cls(number=a.number, at=a.started_at, outcome=a.outcome, status_code=a.status_code, error=a.error,
                   duration_ms=a.duration_ms)


class DeliveryOut(BaseModel):
    id: str = Field(description="The webhook-id header of every attempt of this delivery")
    type: str
    package_id: str | None
    state: str
    reason: str | None
    attempts: list[AttemptOut]
    next_attempt_at: datetime | None
    created_at: datetime
    sent_at: datetime | None
    payload: dict[str, Any]

    @classmethod
    def of(cls, m: Message) -> DeliveryOut:
        return cls(id=m.id, type=m.kind, package_id=m.package_id, state=m.state, reason=m.reason,
                   attempts=[AttemptOut.of(a) for a in m.history],
                   next_attempt_at=m.send_after if m.state == "pending" else None, created_at=m.created_at,
                   sent_at=m.sent_at, payload=json.loads(m.payload))


class DeliveryPageOut(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None


def _guard(settings: Settings) -> endpoints.Guard:
    return endpoints.Guard(allow_private=settings.webhooks_allow_private)


def _key(settings: Settings) -> str | None:
    return settings.secret_key.get_secret_value() if settings.secret_key else None


@router.post("", status_code=201, response_model=EndpointWithSecretOut)
def create_endpoint(body: EndpointBody, shop_id: ShopId, uow: Uow, settings: AppSettings) -> EndpointWithSecretOut:
    """Register a receiver. The answer carries its signing secret, which is never shown again."""
    made = endpoints.create_endpoint(uow, shop_id, body.url, body.events, body.description, _key(settings),
                                     _guard(settings))
    return EndpointWithSecretOut(**EndpointOut.of(made.endpoint).model_dump(), secret=made.secret)


@router.get("", response_model=EndpointListOut)
def list_endpoints(shop_id: ShopId, uow: Uow) -> EndpointListOut:
    return EndpointListOut(items=[EndpointOut.of(e) for e in endpoints.list_endpoints(uow, shop_id)])


@router.get("/{endpoint_id}", response_model=EndpointOut)
def get_endpoint(endpoint_id: str, shop_id: ShopId, uow: Uow) -> EndpointOut:
    return EndpointOut.of(endpoints.get_endpoint(uow, shop_id, endpoint_id))


@router.patch("/{endpoint_id}", response_model=EndpointOut)
def update_endpoint(endpoint_id: str, body: EndpointPatch, shop_id: ShopId, uow: Uow,
                    settings: AppSettings) -> EndpointOut:
    """Change the URL, the types, the description; ``enabled: true`` turns a disabled endpoint back on."""
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    if changes.get("enabled") is None:
        changes.pop("enabled", None)
    return EndpointOut.of(endpoints.update_endpoint(uow, shop_id, endpoint_id, _guard(settings), **changes))


@router.delete("/{endpoint_id}", status_code=204, response_class=Response)
def delete_endpoint(endpoint_id: str, shop_id: ShopId, uow: Uow) -> Response:
    endpoints.delete_endpoint(uow, shop_id, endpoint_id)
    return Response(status_code=204)


@router.post("/{endpoint_id}/rotate-secret", response_model=EndpointWithSecretOut)
def rotate_secret(endpoint_id: str, shop_id: ShopId, uow: Uow, settings: AppSettings) -> EndpointWithSecretOut:
    """A new secret (shown once); the old one keeps signing, beside it, for 24 hours."""
    made = endpoints.rotate_secret(uow, shop_id, endpoint_id, _key(settings))
    return EndpointWithSecretOut(**EndpointOut.of(made.endpoint).model_dump(), secret=made.secret)


@router.get("/{endpoint_id}/deliveries", response_model=DeliveryPageOut)
def list_deliveries(endpoint_id: str, shop_id: ShopId, uow: Uow,
                    state: Annotated[Literal[STATES] | None, Query()] = None,  # type: ignore[valid-type]
                    cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> DeliveryPageOut:
    """Newest first: each delivery with every attempt (time, status code, error) and its next retry."""
    if cursor is not None and not cursor.startswith("msg_"):
        raise InvalidInput("cursor is not valid", [FieldError("cursor", "pass the next_cursor of a previous page")])
    found = endpoints.list_deliveries(uow, shop_id, endpoint_id, state, cursor, limit + 1)
    items = found[:limit]
    return DeliveryPageOut(items=[DeliveryOut.of(m) for m in items],
                           next_cursor=items[-1].id if len(found) > limit else None)


@router.post("/{endpoint_id}/deliveries/{delivery_id}/retry", status_code=202, response_model=DeliveryOut)
def retry_delivery(endpoint_id: str, delivery_id: str, shop_id: ShopId, uow: Uow) -> DeliveryOut:
    """Send a delivery again now, under the same webhook-id."""
    return DeliveryOut.of(endpoints.retry_delivery(uow, shop_id, endpoint_id, delivery_id))
