"""Delivering one message to a person: words from the templates, sent through Apprise.

Email goes through the server's SMTP relay; SMS and chat through the shop's stored Apprise URL, opened
with ``PARCELTRAIL_SECRET_KEY`` and its host checked by the SSRF guard right before sending. A buyer
message carries a one-click unsubscribe link (its token was stored, hashed, when the message was
claimed) and, in email, the RFC 8058 headers that let mail clients unsubscribe in one click too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from parceltrail.notify.channels import apprise as channels
from parceltrail.notify.channels.webhook import Delivered
from parceltrail.notify.render import locale_of, render
from parceltrail.outbound import BlockedTarget
from parceltrail.services.opt_ins import token_for
from parceltrail.services.secrets import SecretUnreadable, unseal
from parceltrail.store.notifications import Message
from parceltrail.store.recipients import StoredChannel

PURPOSE = "notification channels"


@dataclass(frozen=True, slots=True)
class PeopleChannels:
    """What the server brings to messages for people: its SMTP relay, its sender address, its public URL."""

    smtp_url: str | None
    mail_from: str
    public_url: str
    secret_key: str | None = None
    allow_private: bool = False
    timeout: float = 10.0

    def links(self, message: Message, payload: dict, unsubscribe_token: str | None) -> dict[str, str]:
        base = self.public_url.rstrip("/")
        package = (payload.get("data") or {}).get("package") or {}
        links = {"dashboard": f"{base}/app", "unsubscribe": ""}
        if package.get("tracking_number"):
            links["track"] = track_url(base, message.shop_id, package["tracking_number"],
                                       locale_of(payload.get("locale")))
        if unsubscribe_token:
            links["unsubscribe"] = f"{base}/unsubscribe/{unsubscribe_token}"
        if payload.get("opt_in") and self.secret_key:
            links["confirm"] = f"{base}/opt-in/{token_for(self.secret_key, payload['opt_in'])}"
        return links


def track_url(base: str, shop_id: str, tracking_number: str, locale: str | None = None) -> str:
    """The buyer page of a parcel, in this shop's colours (and the buyer's language, when known)."""
    query = {"shop": shop_id} | ({"lang": locale} if locale else {})
    return f"{base}/track/{quote(tracking_number, safe='')}?{urlencode(query)}"


def skipped(reason: str) -> Delivered:
    """An outcome that no retry would change (the channel is gone, the server has no SMTP)."""
    return Delivered(False, None, reason, 0, "skipped")


def deliver_to_person(config: PeopleChannels, message: Message, shop_channel: StoredChannel | None,
                      unsubscribe_token: str | None) -> tuple[Delivered, str | None]:
    """Send ``message``; returns the outcome and the subject it carried."""
    payload = json.loads(message.payload)
    links = config.links(message, payload, unsubscribe_token)
    words = render(message.channel, payload, links)
    if message.channel == "email":
        if not config.smtp_url:
            return skipped("email is not set up on this server (PARCELTRAIL_SMTP_URL)"), words.subject
        headers = {"X-Parceltrail-Message": message.id}
        if links["unsubscribe"]:
            headers.update({"List-Unsubscribe": f"<{links['unsubscribe']}>",
                            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
        try:
            url = channels.email_url(config.smtp_url, config.mail_from, message.target, payload.get("shop") or "",
                                     headers, config.timeout)
        except channels.ChannelUrlError as error:
            return skipped(str(error)), words.subject
        return channels.send(url, words.subject, words.html or words.text, html=True), words.subject
    if shop_channel is None:
        return skipped(f"the shop's {message.channel} channel was removed"), words.subject
    try:
        stored = unseal(config.secret_key, PURPOSE, shop_channel.ciphertext)
        url = channels.sms_url(stored, message.target) if message.channel == "sms" else stored
        channels.check_service_host(channels.describe(url), config.allow_private)
    except (SecretUnreadable, channels.ChannelUrlError) as error:
        return skipped(f"the shop's {message.channel} channel cannot be used: {error}"), words.subject
    except BlockedTarget as error:
        return Delivered(False, None, error.reason, 0, "refused"), words.subject
    title = "" if message.channel == "sms" else words.subject
    return channels.send(url, title, words.text), words.subject
