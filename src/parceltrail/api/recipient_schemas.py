"""Request and response shapes for recipients (buyers and staff) and their preferences.

Kept apart from ``schemas.py`` so the package body there can take a ``recipient`` without a cycle.
Semantic checks (email, phone, locale, time zone, events) live in ``services.recipients`` and name the
field; these models only fix types and lengths.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from parceltrail.services.recipients import RecipientInput


class QuietHoursBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: str = Field(examples=["21:00"], description="Local time HH:MM in the recipient's time zone")
    end: str = Field(examples=["08:00"])


class RecipientBody(BaseModel):
    """A buyer: who, how to reach them, what they want to hear about and when not."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=320, examples=["ana@example.com"])
    phone: str | None = Field(None, max_length=32, examples=["+15551234567"])
    locale: str | None = Field(None, max_length=16, examples=["en", "es"])
    time_zone: str | None = Field(None, max_length=64, examples=["America/Chicago"],
                                  description="IANA zone; default: the parcel's destination's")
    events: list[str] | None = Field(None, description="shipped, out_for_delivery, ready_for_pickup, delivered, "
                                     "delayed, exception, estimate_changed (default: all)")
    channels: list[str] | None = Field(None, description="email, sms (default: those with an address)")
    quiet_hours: QuietHoursBody | None = Field(None, description="null: none; default 21:00-08:00 for buyers")

    def to_input(self) -> RecipientInput:
        values: dict[str, Any] = {name: getattr(self, name) for name in self.model_fields_set}
        if "quiet_hours" in values and values["quiet_hours"] is not None:
            values["quiet_hours"] = self.quiet_hours.model_dump()  # type: ignore[union-attr]
        return RecipientInput(**values, set_fields=set(self.model_fields_set))


class StaffBody(RecipientBody):
    """A member of the shop's staff: exception digests (and service notices) on their channels."""

    channels: list[str] | None = Field(None, description="email, sms, chat")
    digest: Literal["off", "hourly", "daily"] | None = Field(None, description="default daily")
    digest_hour: int | None = Field(None, ge=0, le=23, description="local hour of the daily digest (default 8)")


class RecipientOut(BaseModel):
    id: str
    kind: str
    package_id: str | None
    order_id: str | None
    name: str | None
    email: str | None
    phone: str | None
    locale: str
    time_zone: str
    time_zone_source: str = Field(description="given, or destination (from the parcel's destination)")
    events: list[str]
    channels: list[str]
    quiet_hours: dict[str, str] | None
    opted_out_at: datetime | None = Field(description="When the recipient used an unsubscribe link")
    digest: str | None = None
    digest_hour: int | None = None
    created_at: datetime
    updated_at: datetime


class StaffListOut(BaseModel):
    items: list[RecipientOut]
