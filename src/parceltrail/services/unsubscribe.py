"""Unsubscribe: the token a buyer message carried opts its recipient out, and the address out of every
message of that shop on that channel (whatever parcel it is about). Resubscribing undoes both.
``unsubscribe_link`` only reads: opening the link (or a mail scanner following it) changes nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from parceltrail.services.clock import utcnow
from parceltrail.services.errors import NotFound
from parceltrail.store import UnitOfWork


@dataclass(frozen=True, slots=True)
class OptOut:
    shop_name: str
    channel: str
    address: str
    opted_out: bool
    locale: str


def _find(uow: UnitOfWork, token: str):
    message = uow.sending.by_unsubscribe(hashlib.sha256(token.encode()).hexdigest())
    recipient = uow.recipients.get(message.shop_id, message.recipient_id or "") if message else None
    if message is None or recipient is None:
        raise NotFound("unsubscribe link", token[:8] + "...")
    return message, recipient


def unsubscribe_link(uow: UnitOfWork, token: str) -> OptOut:
    """Who the link is for and whether they are opted out already, changing nothing."""
    with uow.read():
        message, recipient = _find(uow, token)
        shop = uow.shops.get(message.shop_id)
    return OptOut(shop.name if shop else "", message.channel, message.target, recipient.opted_out_at is not None,
                  recipient.locale)


def unsubscribe(uow: UnitOfWork, token: str, resubscribe: bool = False) -> OptOut:
    now = utcnow()
    with uow:
        message, recipient = _find(uow, token)
        if resubscribe:
            uow.recipients.set_opted_out(recipient.id, None, now)
            uow.recipients.unsuppress(message.shop_id, message.channel, message.target)
        else:
            uow.recipients.set_opted_out(recipient.id, recipient.opted_out_at or now, now)
            uow.recipients.suppress(message.shop_id, message.channel, message.target, now)
        shop = uow.shops.get(message.shop_id)
        uow.commit()
    return OptOut(shop.name if shop else "", message.channel, message.target, not resubscribe, recipient.locale)
