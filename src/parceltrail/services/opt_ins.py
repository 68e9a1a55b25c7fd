"""Buyers opting in from the tracking page: asked on the page, confirmed from the address (double opt-in).

Anyone who has a tracking number can open its page, so an address typed there proves nothing: the
request only sends one message to that address, a link to confirm (``/opt-in/{token}``, a page whose
button POSTs, so mail scanners that open links confirm nothing). Confirming makes the address the parcel
buyer's on that channel (the package's own buyer, else its order's; a new buyer of the package when it
has none), clears an earlier opt-out of that address, and from then on the buyer's messages flow as for
any buyer. An address the seller already gave is never replaced by one typed on the page.

Limits keep the page from being a way to mail strangers: one confirmation per address and parcel a day,
at most ``PER_PARCEL_PER_DAY`` per parcel. The token is ``{id}.{mac}`` with an HMAC of the opt-in's id
under a key derived from ``PARCELTRAIL_SECRET_KEY``, so nothing secret is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from parceltrail.notify import payloads
from parceltrail.notify.render import locale_of
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import Conflict, FieldError, InvalidInput, NotFound
from parceltrail.services.recipients import RecipientInput, build, check_address, effective_zone
from parceltrail.services.secrets import require_key
from parceltrail.store import UnitOfWork
from parceltrail.store.ids import new_id
from parceltrail.store.notifications import PENDING, NewMessage
from parceltrail.store.opt_ins import OptIn
from parceltrail.store.recipients import Recipient

KIND = "opt_in_confirm"
PER_PARCEL_PER_DAY = 5
DAY = timedelta(days=1)
PURPOSE = "opt-in links"
_ADDRESS = {"email": "email", "sms": "phone"}


@dataclass(frozen=True, slots=True)
class Asked:
    """What the page tells the visitor: ``sent`` (check your inbox/phone), ``already`` (a confirmation went
    out today; no second one), ``subscribed`` (that address already hears about this parcel)."""

    state: str
    channel: str
    address: str


@dataclass(frozen=True, slots=True)
class Confirmed:
    shop_id: str
    tracking_number: str
    channel: str
    address: str
    locale: str
    first_time: bool


def token_for(secret_key: str, opt_in_id: str) -> str:
    key = hashlib.sha256(f"parceltrail {PURPOSE}\0".encode() + secret_key.encode()).digest()
    mac = hmac.new(key, opt_in_id.encode(), hashlib.sha256).digest()[:18]
    return f"{opt_in_id}.{base64.urlsafe_b64encode(mac).decode()}"


def _opened(secret_key: str | None, token: str) -> str:
    opt_in_id = token.split(".", 1)[0]
    if not secret_key or not hmac.compare_digest(token_for(secret_key, opt_in_id).encode(), token.encode()):
        raise NotFound("opt-in link", token[:8] + "...")
    return opt_in_id


def _same(one: str, other: str) -> bool:
    """Addresses as people type them: email case does not matter (phone numbers are normalised already)."""
    return one.casefold() == other.casefold()


def _buyer(uow: UnitOfWork, package_id: str) -> Recipient | None:
    """The recipient who hears about this parcel: its own, else its order's."""
    own = uow.recipients.for_package(package_id)
    if own is not None:
        return own
    orders = uow.orders.for_packages([package_id]).get(package_id, [])
    found = uow.recipients.buyers([], [o.id for o in orders])
    return found[0] if found else None


def opt_in_channels(uow: UnitOfWork, shop_id: str, email_enabled: bool) -> tuple[str, ...]:
    """The channels the tracking page can offer: email when the server has SMTP, SMS when the shop has a
    gateway."""
    with uow.read():
        sms = (shop_id, "sms") in uow.recipients.channels([shop_id])
    return tuple(c for c, on in (("email", email_enabled), ("sms", sms)) if on)


def request_opt_in(uow: UnitOfWork, package_id: str, channel: str, address: str, locale: str | None,
                   secret_key: str | None, email_enabled: bool, now: datetime | None = None) -> Asked:
    """A visitor of the tracking page asks for the news of the parcel it shows (``package_id``, whichever
    shop's it is) at ``address`` on ``channel``."""
    now = now or utcnow()
    with uow.read():
        package = uow.packages.get_any([package_id]).get(package_id)
    if package is None:
        raise NotFound("package", package_id)
    shop_id = package.shop_id
    offered = opt_in_channels(uow, shop_id, email_enabled)
    if channel not in offered:
        raise InvalidInput("cannot sign up for this parcel's news", [FieldError(
            "channel", f"expected one of: {', '.join(offered)}" if offered else
            "this shop sends no messages to buyers (no email on the server, no SMS gateway)")])
    require_key(secret_key, channel, "opt-ins (their links are signed)")
    checked = check_address(channel, address, _ADDRESS[channel])
    with uow:
        buyer = _buyer(uow, package.id)
        on_file = getattr(buyer, _ADDRESS[channel]) if buyer else None
        if on_file and _same(on_file, checked):
            checked = on_file
        if buyer and on_file == checked and channel in buyer.channels and buyer.opted_out_at is None \
                and (shop_id, channel, checked) not in uow.recipients.suppressed([shop_id]):
            return Asked("subscribed", channel, checked)
        if on_file and on_file != checked:
            raise Conflict("this parcel's news already goes to the address the shop has for its buyer; "
                           "ask the shop to change it")
        asked = uow.opt_ins.asked_since(package.id, now - DAY)
        if any(a.channel == channel and _same(a.address, checked) for a in asked):
            return Asked("already", channel, checked)
        if len(asked) >= PER_PARCEL_PER_DAY:
            raise Conflict(f"this parcel had {len(asked)} sign-ups today; try again tomorrow")
        opt_in = OptIn(new_id("oin"), shop_id, package.id, channel, checked, locale_of(locale), now)
        uow.opt_ins.add(opt_in)
        shop = uow.shops.get(shop_id)
        zone = effective_zone(buyer, package.destination) if buyer else None
        payload = json.dumps({"shop": shop.name if shop else "", "locale": opt_in.locale, "zone": zone or "UTC",
                              "name": None, "audience": "visitor", "kind": KIND, "opt_in": opt_in.id,
                              "data": {"package": payloads.package_object(package)}}, separators=(",", ":"))
        uow.notifications.add_many([NewMessage(
            id=new_id("msg"), shop_id=shop_id, channel=channel, kind=KIND, target=checked,
            idem_key=f"{opt_in.id}:{channel}", event_at=now, send_after=now, payload=payload, state=PENDING,
            reason=None, coalesce_key=None, coalesce_rank=1, package_id=package.id)], now)
        uow.commit()
    return Asked("sent", channel, checked)


def opt_in_of(uow: UnitOfWork, token: str, secret_key: str | None) -> tuple[OptIn, str]:
    """The opt-in a link names and its parcel's tracking number (``NotFound`` for a forged or stale link)."""
    opt_in_id = _opened(secret_key, token)
    with uow.read():
        opt_in = uow.opt_ins.get(opt_in_id)
        package = uow.packages.get(opt_in.shop_id, opt_in.package_id) if opt_in else None
    if opt_in is None or package is None:
        raise NotFound("opt-in link", token[:8] + "...")
    return opt_in, package.tracking_number


def confirm_opt_in(uow: UnitOfWork, token: str, secret_key: str | None, now: datetime | None = None) -> Confirmed:
    """The address's owner confirms: the parcel's buyer hears on this channel at this address from now on."""
    now = now or utcnow()
    opt_in, number = opt_in_of(uow, token, secret_key)
    with uow:
        first = uow.opt_ins.confirm(opt_in.id, now)
        if first:
            buyer = _buyer(uow, opt_in.package_id)
            field = _ADDRESS[opt_in.channel]
            channels = tuple(dict.fromkeys((*(buyer.channels if buyer else ()), opt_in.channel)))
            given = RecipientInput(**{field: opt_in.address}, channels=list(channels),
                                   set_fields={field, "channels"})
            if buyer is None:
                given.locale = opt_in.locale
            updated = build("buyer", opt_in.shop_id, given, buyer, now, package_id=opt_in.package_id)
            uow.recipients.put(updated)
            uow.recipients.set_opted_out(updated.id, None, now)
            uow.recipients.unsuppress(opt_in.shop_id, opt_in.channel, opt_in.address)
        uow.commit()
    return Confirmed(opt_in.shop_id, number, opt_in.channel, opt_in.address, opt_in.locale, first)
