"""Use cases for recipients: a package's or an order's buyer, a shop's staff, and what each chose.

Checks here name the field and what was expected, so the API, the CLI and ``POST /v1/packages`` refuse
the same things with the same words. A buyer's time zone comes from the parcel's destination unless
given; quiet hours default to 21:00-08:00 for buyers (nobody wants a parcel text at midnight) and to
none for staff, whose digests come at the hour they chose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parceltrail.core import Address
from parceltrail.notify.plan import BUYER_EVENTS, DIGESTS, PEOPLE_CHANNELS, QuietHours
from parceltrail.notify.render import locale_of, locales
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.estimates import zone_of
from parceltrail.store import UnitOfWork
from parceltrail.store.ids import new_id
from parceltrail.store.recipients import Recipient

_EMAIL = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+")
_PHONE = re.compile(r"\+[1-9]\d{6,14}")
_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
BUYER_QUIET = ("21:00", "08:00")
BUYER_CHANNELS = ("email", "sms")


@dataclass
class RecipientInput:
    """What a caller sent; ``None`` leaves a field as it is (or at its default for a new recipient)."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    locale: str | None = None
    time_zone: str | None = None
    events: list[str] | None = None
    channels: list[str] | None = None
    quiet_hours: dict[str, str] | None = None
    digest: str | None = None
    digest_hour: int | None = None
    set_fields: set[str] = field(default_factory=set)
    """Fields the caller sent explicitly (so ``"quiet_hours": null`` can mean "none")."""


def _email(value: str | None, where: str, errors: list[FieldError]) -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) > 320 or not _EMAIL.fullmatch(text):
        errors.append(FieldError(where, "expected an email address such as ana@example.com"))
    return text


def _phone(value: str | None, where: str, errors: list[FieldError]) -> str | None:
    if value is None or not value.strip():
        return None
    text = re.sub(r"[\s\-().]", "", value)
    if not _PHONE.fullmatch(text):
        errors.append(FieldError(where, "expected a phone number in international form, e.g. +15551234567"))
    return text


def check_address(channel: str, value: str, where: str) -> str:
    """An email address or phone number, checked (and a phone number normalised), or ``InvalidInput``."""
    errors: list[FieldError] = []
    checked = (_email if channel == "email" else _phone)(value, where, errors)
    if not checked and not errors:
        errors.append(FieldError(where, "expected an email address" if channel == "email" else
                                 "expected a phone number in international form, e.g. +15551234567"))
    if errors:
        raise InvalidInput("the address is not valid", errors)
    return checked or ""


def _choices(values: list[str] | None, allowed: tuple[str, ...], where: str, errors: list[FieldError]):
    if values is None:
        return None
    bad = [FieldError(f"{where}[{i}]", f"expected one of: {', '.join(allowed)}")
           for i, v in enumerate(values) if v not in allowed]
    errors.extend(bad)
    return tuple(dict.fromkeys(values))


def quiet_hours_of(recipient: Recipient) -> QuietHours | None:
    if not recipient.quiet_start or not recipient.quiet_end:
        return None
    return QuietHours(time.fromisoformat(recipient.quiet_start), time.fromisoformat(recipient.quiet_end))


def build(kind: str, shop_id: str, given: RecipientInput, current: Recipient | None, now: datetime,
          prefix: str = "", package_id: str | None = None, order_id: str | None = None) -> Recipient:
    """A checked recipient from ``given`` laid over ``current`` (or the defaults); refuses with every problem."""
    errors: list[FieldError] = []
    where = (prefix + ".") if prefix else ""
    email = _email(given.email, f"{where}email", errors) if "email" in given.set_fields else (
        current.email if current else None)
    phone = _phone(given.phone, f"{where}phone", errors) if "phone" in given.set_fields else (
        current.phone if current else None)
    locale = current.locale if current else "en"
    if given.locale is not None:
        if locale_of(given.locale) != given.locale.replace("_", "-").split("-")[0].lower():
            errors.append(FieldError(f"{where}locale", f"expected one of: {', '.join(locales())} "
                                     "(a regional form such as es-MX is fine)"))
        locale = given.locale
    zone = current.time_zone if current else None
    if "time_zone" in given.set_fields:
        zone = given.time_zone or None
        if zone:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                errors.append(FieldError(f"{where}time_zone", "expected an IANA time zone such as America/Chicago"))
    allowed_channels = BUYER_CHANNELS if kind == "buyer" else PEOPLE_CHANNELS
    events = _choices(given.events, BUYER_EVENTS, f"{where}events", errors)
    channels = _choices(given.channels, allowed_channels, f"{where}channels", errors)
    quiet = (current.quiet_start, current.quiet_end) if current else (BUYER_QUIET if kind == "buyer" else (None, None))
    if "quiet_hours" in given.set_fields:
        quiet = _quiet(given.quiet_hours, f"{where}quiet_hours", errors)
    digest = given.digest if given.digest is not None else (current.digest if current else
                                                            ("daily" if kind == "staff" else "off"))
    if digest not in DIGESTS or (kind == "buyer" and digest != "off"):
        errors.append(FieldError(f"{where}digest", "expected off, hourly or daily (staff only)"))
    hour = given.digest_hour if given.digest_hour is not None else (current.digest_hour if current else 8)
    if not 0 <= hour <= 23:
        errors.append(FieldError(f"{where}digest_hour", "expected an hour from 0 to 23"))
    if channels is None:
        channels = current.channels if current else tuple(c for c, a in (("email", email), ("sms", phone)) if a)
    for channel in channels or ():
        if channel == "email" and not email:
            errors.append(FieldError(f"{where}email", "needed for the email channel"))
        if channel == "sms" and not phone:
            errors.append(FieldError(f"{where}phone", "needed for the sms channel"))
    if not email and not phone and kind == "buyer":
        errors.append(FieldError(f"{where}email", "give an email address or a phone number"))
    if errors:
        raise InvalidInput("the recipient is not valid", errors)
    name = given.name.strip() if given.name is not None else (current.name if current else None)
    return Recipient(
        id=current.id if current else new_id("rcp"), shop_id=shop_id, kind=kind,
        package_id=current.package_id if current else package_id, order_id=current.order_id if current else order_id,
        name=(name or None) and name[:200], email=email, phone=phone, locale=locale, time_zone=zone,
        events=events if events is not None else (current.events if current else BUYER_EVENTS),
        channels=tuple(channels), quiet_start=quiet[0], quiet_end=quiet[1], digest=digest, digest_hour=hour,
        opted_out_at=current.opted_out_at if current else None,
        created_at=current.created_at if current else now, updated_at=now,
    )


def _quiet(value: dict[str, str] | None, where: str, errors: list[FieldError]) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    start, end = value.get("start"), value.get("end")
    for name, text in (("start", start), ("end", end)):
        if not isinstance(text, str) or not _CLOCK.fullmatch(text):
            errors.append(FieldError(f"{where}.{name}", "expected a local time HH:MM, e.g. 21:00"))
    return start, end


def effective_zone(recipient: Recipient, destination: Address | None) -> str:
    """The recipient's own zone: as given, else the parcel's destination's, else UTC."""
    return recipient.time_zone or zone_of(destination).key


def describe(recipient: Recipient, destination: Address | None = None) -> dict[str, Any]:
    """The recipient as the API shows it, with the time zone it is actually planned in."""
    quiet = quiet_hours_of(recipient)
    shown = {
        "id": recipient.id, "kind": recipient.kind, "package_id": recipient.package_id,
        "order_id": recipient.order_id, "name": recipient.name, "email": recipient.email, "phone": recipient.phone,
        "locale": recipient.locale, "time_zone": effective_zone(recipient, destination),
        "time_zone_source": "given" if recipient.time_zone else "destination",
        "events": list(recipient.events), "channels": list(recipient.channels),
        "quiet_hours": {"start": recipient.quiet_start, "end": recipient.quiet_end} if quiet else None,
        "opted_out_at": recipient.opted_out_at, "created_at": recipient.created_at, "updated_at": recipient.updated_at,
    }
    if recipient.kind == "staff":
        shown.update(digest=recipient.digest, digest_hour=recipient.digest_hour)
    return shown


# -- a package's buyer ----------------------------------------------------------------------------

def attach_to_package(uow: UnitOfWork, shop_id: str, package_id: str, given: RecipientInput,
                      prefix: str = "") -> Recipient:
    """Inside an open unit of work: set (or replace) the package's buyer. Callers commit."""
    package = uow.packages.get(shop_id, package_id)
    if package is None:
        raise NotFound("package", package_id)
    current = uow.recipients.for_package(package_id)
    recipient = build("buyer", shop_id, given, current, utcnow(), prefix, package_id=package_id)
    uow.recipients.put(recipient)
    return recipient


def set_package_recipient(uow: UnitOfWork, shop_id: str, package_id: str, given: RecipientInput) -> dict[str, Any]:
    with uow:
        recipient = attach_to_package(uow, shop_id, package_id, given)
        package = uow.packages.get(shop_id, package_id)
        uow.commit()
    return describe(recipient, package.destination if package else None)


def get_package_recipient(uow: UnitOfWork, shop_id: str, package_id: str) -> dict[str, Any]:
    with uow.read():
        package = uow.packages.get(shop_id, package_id)
        if package is None:
            raise NotFound("package", package_id)
        recipient = uow.recipients.for_package(package_id)
    if recipient is None:
        raise NotFound("recipient of package", package_id)
    return describe(recipient, package.destination)


def remove_package_recipient(uow: UnitOfWork, shop_id: str, package_id: str) -> None:
    with uow:
        recipient = uow.recipients.for_package(package_id) if uow.packages.get(shop_id, package_id) else None
        if recipient is None:
            raise NotFound("recipient of package", package_id)
        uow.recipients.remove(shop_id, recipient.id)
        uow.commit()


# -- an order's buyer -----------------------------------------------------------------------------

def set_order_recipient(uow: UnitOfWork, shop_id: str, order_ref: str, given: RecipientInput) -> dict[str, Any]:
    """The buyer of every parcel of an order (a parcel's own recipient, when it has one, comes first)."""
    with uow:
        order = uow.orders.get(shop_id, order_ref)
        if order is None:
            raise NotFound("order", order_ref)
        current = uow.recipients.for_order(order.id)
        recipient = build("buyer", shop_id, given, current, utcnow(), order_id=order.id)
        uow.recipients.put(recipient)
        uow.commit()
    return describe(recipient, order.order.buyer.address)


def get_order_recipient(uow: UnitOfWork, shop_id: str, order_ref: str) -> dict[str, Any]:
    with uow.read():
        order = uow.orders.get(shop_id, order_ref)
        recipient = uow.recipients.for_order(order.id) if order else None
    if order is None or recipient is None:
        raise NotFound("recipient of order", order_ref)
    return describe(recipient, order.order.buyer.address)


# -- staff ----------------------------------------------------------------------------------------

def add_staff(uow: UnitOfWork, shop_id: str, given: RecipientInput) -> dict[str, Any]:
    recipient = build("staff", shop_id, given, None, utcnow())
    if not recipient.channels:
        raise InvalidInput("the recipient is not valid",
                           [FieldError("channels", "choose at least one of email, sms, chat")])
    with uow:
        uow.recipients.put(recipient)
        uow.commit()
    return describe(recipient)


def change_staff(uow: UnitOfWork, shop_id: str, recipient_id: str, given: RecipientInput) -> dict[str, Any]:
    with uow:
        current = uow.recipients.get(shop_id, recipient_id)
        if current is None or current.kind != "staff":
            raise NotFound("staff recipient", recipient_id)
        recipient = build("staff", shop_id, given, current, utcnow())
        uow.recipients.put(recipient)
        uow.commit()
    return describe(recipient)


def list_staff(uow: UnitOfWork, shop_id: str) -> list[dict[str, Any]]:
    with uow.read():
        return [describe(r) for r in uow.recipients.staff([shop_id])]


def remove_staff(uow: UnitOfWork, shop_id: str, recipient_id: str) -> None:
    with uow:
        current = uow.recipients.get(shop_id, recipient_id)
        if current is None or current.kind != "staff":
            raise NotFound("staff recipient", recipient_id)
        uow.recipients.remove(shop_id, recipient_id)
        uow.commit()


__all__ = ["RecipientInput", "add_staff", "attach_to_package", "change_staff", "describe", "effective_zone",
           "get_order_recipient", "get_package_recipient", "list_staff", "quiet_hours_of", "remove_package_recipient",
           "remove_staff", "set_order_recipient", "set_package_recipient"]
