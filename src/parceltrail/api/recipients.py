"""Routes for recipients: a package's or an order's buyer, the shop's staff, and the shop's channels."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from parceltrail.api.deps import AppSettings, ShopId, Uow
from parceltrail.api.recipient_schemas import RecipientBody, RecipientOut, StaffBody, StaffListOut
from parceltrail.services import notification_channels, recipients
from parceltrail.services.webhook_endpoints import Guard
from parceltrail.store.recipients import StoredChannel

router = APIRouter(tags=["recipients"])


@router.put("/v1/packages/{package_id}/recipient", response_model=RecipientOut)
def set_package_recipient(package_id: str, body: RecipientBody, shop_id: ShopId, uow: Uow) -> RecipientOut:
    """Set (or change) the buyer of a package: fields left out keep their value."""
    return RecipientOut(**recipients.set_package_recipient(uow, shop_id, package_id, body.to_input()))


@router.get("/v1/packages/{package_id}/recipient", response_model=RecipientOut)
def get_package_recipient(package_id: str, shop_id: ShopId, uow: Uow) -> RecipientOut:
    return RecipientOut(**recipients.get_package_recipient(uow, shop_id, package_id))


@router.delete("/v1/packages/{package_id}/recipient", status_code=204, response_class=Response)
def remove_package_recipient(package_id: str, shop_id: ShopId, uow: Uow) -> Response:
    recipients.remove_package_recipient(uow, shop_id, package_id)
    return Response(status_code=204)


@router.put("/v1/orders/{order_id}/recipient", response_model=RecipientOut)
def set_order_recipient(order_id: str, body: RecipientBody, shop_id: ShopId, uow: Uow) -> RecipientOut:
    """The buyer of every parcel of an order (our id or the platform's order id); a parcel's own recipient wins."""
    return RecipientOut(**recipients.set_order_recipient(uow, shop_id, order_id, body.to_input()))


@router.get("/v1/orders/{order_id}/recipient", response_model=RecipientOut)
def get_order_recipient(order_id: str, shop_id: ShopId, uow: Uow) -> RecipientOut:
    return RecipientOut(**recipients.get_order_recipient(uow, shop_id, order_id))


@router.post("/v1/staff-recipients", status_code=201, response_model=RecipientOut)
def add_staff(body: StaffBody, shop_id: ShopId, uow: Uow) -> RecipientOut:
    """Someone at the shop who gets the exception digest (hourly or daily) and service notices."""
    return RecipientOut(**recipients.add_staff(uow, shop_id, body.to_input()))


@router.get("/v1/staff-recipients", response_model=StaffListOut)
def list_staff(shop_id: ShopId, uow: Uow) -> StaffListOut:
    return StaffListOut(items=[RecipientOut(**r) for r in recipients.list_staff(uow, shop_id)])


@router.patch("/v1/staff-recipients/{recipient_id}", response_model=RecipientOut)
def change_staff(recipient_id: str, body: StaffBody, shop_id: ShopId, uow: Uow) -> RecipientOut:
    return RecipientOut(**recipients.change_staff(uow, shop_id, recipient_id, body.to_input()))


@router.delete("/v1/staff-recipients/{recipient_id}", status_code=204, response_class=Response)
def remove_staff(recipient_id: str, shop_id: ShopId, uow: Uow) -> Response:
    recipients.remove_staff(uow, shop_id, recipient_id)
    return Response(status_code=204)


class ChannelBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000, description="An Apprise URL; for sms, {to} marks where the buyer's "
                     "number goes (default: appended as the last path segment)",
                     examples=["twilio://ACxxxx:token@+15551234567", "slack://T000/B000/abcd1234"])


class ChannelOut(BaseModel):
    kind: str
    service: str = Field(description="The service Apprise recognised, e.g. Twilio, Slack")
    url: str = Field(description="The URL with its secrets hidden")
    updated_at: datetime

    @classmethod
    def of(cls, c: StoredChannel) -> ChannelOut:
        return cls(kind=c.kind, service=c.service, url=c.shown_url, updated_at=c.updated_at)


class ChannelListOut(BaseModel):
    items: list[ChannelOut]


@router.put("/v1/notification-channels/{kind}", response_model=ChannelOut)
def set_channel(kind: str, body: ChannelBody, shop_id: ShopId, uow: Uow, settings: AppSettings) -> ChannelOut:
    """The shop's SMS gateway (``sms``) or chat service (``chat``), as an Apprise URL, stored encrypted."""
    key = settings.secret_key.get_secret_value() if settings.secret_key else None
    return ChannelOut.of(notification_channels.set_channel(uow, shop_id, kind, body.url, key,
                                                           Guard(settings.webhooks_allow_private)))


@router.get("/v1/notification-channels", response_model=ChannelListOut)
def list_channels(shop_id: ShopId, uow: Uow) -> ChannelListOut:
    return ChannelListOut(items=[ChannelOut.of(c) for c in notification_channels.list_channels(uow, shop_id)])


@router.delete("/v1/notification-channels/{kind}", status_code=204, response_class=Response)
def remove_channel(kind: str, shop_id: ShopId, uow: Uow) -> Response:
    notification_channels.remove_channel(uow, shop_id, kind)
    return Response(status_code=204)
