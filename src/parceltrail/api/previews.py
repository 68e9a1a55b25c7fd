"""Routes for message templates: what kinds, channels and locales exist, and a preview of one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from parceltrail.api.deps import AppSettings, ShopId, Uow
from parceltrail.notify.plan import BUYER_EVENTS, PEOPLE_CHANNELS
from parceltrail.notify.render import catalogue, locales
from parceltrail.services.clock import utcnow
from parceltrail.services.previews import PREVIEW_KINDS, preview

router = APIRouter(tags=["notifications"])


class TemplateKindOut(BaseModel):
    kind: str
    audience: str = Field(description="buyer or staff")


class LocaleOut(BaseModel):
    code: str
    name: str


class TemplateListOut(BaseModel):
    kinds: list[TemplateKindOut]
    channels: list[str]
    locales: list[LocaleOut]


class SmsLengthOut(BaseModel):
    characters: int
    encoding: str = Field(description="GSM-7, or UCS-2 when a character is outside the GSM alphabet")
    units: int = Field(description="Septets (GSM-7) or UTF-16 code units (UCS-2)")
    parts: int = Field(description="SMS parts the text is sent (and billed) as")
    outside_gsm: str = Field(description="The characters that forced UCS-2")


class PreviewOut(BaseModel):
    kind: str
    channel: str
    locale: str
    time_zone: str = Field(description="The zone dates and times are written in")
    subject: str
    text: str = Field(description="SMS or chat text; for email the text/plain part beside the HTML")
    html: str | None = Field(description="The email's HTML (email only)")
    sms: SmsLengthOut | None = Field(description="Length on the wire (SMS only)")
    example: bool = Field(description="true: the example parcel's facts; false: the named package's (or, for "
                                      "a digest, the shop's parcels that need attention now)")


@router.get("/v1/notification-templates", response_model=TemplateListOut)
def list_templates(shop_id: ShopId) -> TemplateListOut:
    """The message kinds a preview can show, the channels and the locales messages are written in."""
    kinds = [TemplateKindOut(kind=k, audience="buyer" if k in BUYER_EVENTS else "staff") for k in PREVIEW_KINDS]
    return TemplateListOut(kinds=kinds, channels=list(PEOPLE_CHANNELS),
                           locales=[LocaleOut(code=c, name=catalogue(c)["meta"]["name"]) for c in locales()])


@router.get("/v1/notification-templates/{kind}/preview", response_model=PreviewOut)
def preview_template(
    kind: str, shop_id: ShopId, uow: Uow, settings: AppSettings,
    channel: Annotated[str, Query(description="email, sms or chat")] = "email",
    locale: Annotated[str | None, Query(description="en, es, ... (default: the buyer's, else en)")] = None,
    package_id: Annotated[str | None, Query(description="Use this package's facts and buyer")] = None,
    time_zone: Annotated[str | None, Query(description="IANA zone for dates (default: the buyer's)")] = None,
) -> PreviewOut:
    """The message ``kind`` as it would go out on ``channel``: subject, text, HTML, SMS length. Nothing is
    sent or stored; the unsubscribe link is an example (each real message gets its own)."""
    shown = preview(uow, shop_id, kind, channel, utcnow(), settings.public_url, locale, package_id, time_zone)
    sms = SmsLengthOut(**{f: getattr(shown.sms, f) for f in SmsLengthOut.model_fields}) if shown.sms else None
    return PreviewOut(kind=shown.kind, channel=shown.channel, locale=shown.locale, time_zone=shown.time_zone,
                      subject=shown.subject, text=shown.text, html=shown.html, sms=sms, example=shown.example)

