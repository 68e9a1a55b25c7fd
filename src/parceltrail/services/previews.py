"""Template previews: what a message kind looks like on a channel, in a locale, before anyone gets one.

The preview goes through the same code as a real message (``notify.render`` with the links
``PeopleChannels`` makes), so what the seller sees is what the buyer gets, down to the email's text
part, which Apprise derives from the HTML with its own converter and which is derived here the same way.
Named a package, the preview uses its facts (status, window, last scan) and its buyer's name, locale and
zone; otherwise the example parcel of ``notify.samples``. Nothing is stored or sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apprise import NotifyFormat
from apprise.conversion import convert_between

from parceltrail.notify import payloads, samples
from parceltrail.notify.plan import BUYER_EVENTS, PEOPLE_CHANNELS
from parceltrail.notify.render import locale_of, locales, render
from parceltrail.notify.sms import SmsLength, sms_length
from parceltrail.services.digests import ATTENTION, LISTED
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.estimates import zone_of
from parceltrail.services.people import track_url
from parceltrail.services.recipients import effective_zone
from parceltrail.store import UnitOfWork

STAFF_KINDS = ("exception_digest", "endpoint_disabled", "tiktok_connection")
PREVIEW_KINDS = BUYER_EVENTS + STAFF_KINDS
EXAMPLE_TOKEN = "example-link-made-for-each-message"


@dataclass(frozen=True, slots=True)
class Preview:
    kind: str
    channel: str
    locale: str
    time_zone: str
    subject: str
    text: str
    """The SMS or chat text; for email, the text/plain part the mail carries beside the HTML."""
    html: str | None
    sms: SmsLength | None
    example: bool
    """True when the facts are the example parcel's, False when they are the named package's."""


@dataclass(frozen=True, slots=True)
class Buyer:
    name: str | None
    locale: str | None
    zone: str


def _check(kind: str, channel: str, locale: str | None, time_zone: str | None) -> None:
    errors = []
    if kind not in PREVIEW_KINDS:
        errors.append(FieldError("kind", f"expected one of: {', '.join(PREVIEW_KINDS)}"))
    if channel not in PEOPLE_CHANNELS:
        errors.append(FieldError("channel", f"expected one of: {', '.join(PEOPLE_CHANNELS)}"))
    if locale is not None and locale_of(locale) != locale.replace("_", "-").split("-")[0].lower():
        errors.append(FieldError("locale", f"expected one of: {', '.join(locales())} (or a regional form, es-MX)"))
    if time_zone is not None:
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            errors.append(FieldError("time_zone", "expected an IANA time zone such as America/Chicago"))
    if errors:
        raise InvalidInput("cannot preview that message", errors)


def _package_facts(uow: UnitOfWork, shop_id: str, package_id: str, kind: str) -> tuple[dict[str, Any], Buyer]:
    """The event data a message about this package would carry now, and its buyer's name, locale and zone."""
    package = uow.packages.get(shop_id, package_id)
    if package is None:
        raise NotFound("package", package_id)
    history = uow.estimates.history(package_id)
    timeline = uow.events.timeline(package_id)
    data: dict[str, Any] = {
        "package": payloads.package_object(package, estimate=history[-1].to_dict() if history else None),
        "previous": {"status": "in_transit", "substatus": "in_transit"},
        "scan": payloads.scan_object(timeline[-1]) if timeline else None,
    }
    if kind == "estimate_changed":
        if len(history) < 2:
            raise InvalidInput("cannot preview that message", [FieldError("kind", f"package {package_id} has had {len(history)} delivery "
                                           "estimate(s), so no change to show; preview estimate_changed without "
                                           "package_id to see the example parcel")])
        data["previous_estimate"] = history[-2].to_dict()
    order_ids = [o.id for o in uow.orders.for_packages([package_id]).get(package_id, [])]
    buyers = uow.recipients.buyers([package_id], order_ids)
    buyer = next((r for r in buyers if r.package_id == package_id), buyers[0] if buyers else None)
    if buyer is None:
        return data, Buyer(None, None, zone_of(package.destination).key)
    return data, Buyer(buyer.name, buyer.locale, effective_zone(buyer, package.destination))


def _digest_items(uow: UnitOfWork, shop_id: str, now: datetime) -> tuple[list[dict[str, Any]], bool]:
    """The parcels the shop's digest would list now, or the example ones when none needs attention."""
    listed, _ = uow.digests.needing_attention([shop_id], ATTENTION, LISTED)
    items = [{"package_id": a.package_id, "tracking_number": a.tracking_number, "carrier": a.carrier,
              "status": a.status, "substatus": a.substatus, "since": a.since.isoformat()}
             for a in listed.get(shop_id, [])]
    return (items, False) if items else (samples.digest_items(now), True)


def preview(uow: UnitOfWork, shop_id: str, kind: str, channel: str, now: datetime, public_url: str,
            locale: str | None = None, package_id: str | None = None, time_zone: str | None = None) -> Preview:
    """Render ``kind`` on ``channel``; ``locale`` and ``time_zone`` override the buyer's (or the example's)."""
    _check(kind, channel, locale, time_zone)
    base = public_url.rstrip("/")
    buyer_kind = kind in BUYER_EVENTS
    example = True
    data: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    buyer = Buyer(None, None, "UTC")
    with uow.read():
        shop = uow.shops.get(shop_id)
        if shop is None:
            raise NotFound("shop", shop_id)
        if buyer_kind and package_id:
            (data, buyer), example = _package_facts(uow, shop_id, package_id, kind), False
        elif buyer_kind:
            data, buyer = samples.parcel_event(kind, now), Buyer(samples.BUYER_NAME, None, samples.ZONE)
        elif kind == "exception_digest":
            items, example = _digest_items(uow, shop_id, now)
    zone = time_zone or buyer.zone
    words_locale = locale_of(locale or buyer.locale)
    payload: dict[str, Any] = {"shop": shop.name, "locale": words_locale, "zone": zone, "name": buyer.name,
                               "kind": kind, "data": data}
    links = {"dashboard": f"{base}/app", "unsubscribe": ""}
    if buyer_kind:
        links["track"] = track_url(base, shop_id, data["package"]["tracking_number"], words_locale)
        links["unsubscribe"] = f"{base}/unsubscribe/{EXAMPLE_TOKEN}"
    elif kind == "exception_digest":
        payload["items"] = [{**i, "track": track_url(base, shop_id, i["tracking_number"])} for i in items]
        payload["total"] = len(items)
    else:
        payload["data"] = samples.ENDPOINT_DISABLED if kind == "endpoint_disabled" else {
            "connection": {**samples.TIKTOK_CONNECTION["connection"], "shop_id": shop_id}}
    rendered = render(channel, payload, links)
    text = rendered.text
    if rendered.html is not None:  # the text/plain part, made as Apprise makes it when it sends the mail
        text = convert_between(NotifyFormat.HTML, NotifyFormat.TEXT, rendered.html)
    return Preview(kind, channel, words_locale, zone, rendered.subject, text, rendered.html,
                   sms_length(rendered.text) if channel == "sms" else None, example)
