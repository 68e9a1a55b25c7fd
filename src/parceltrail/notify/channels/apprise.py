"""Email, SMS and chat through Apprise (2.x): one URL per channel, a fresh ``Apprise`` object per send.

A fresh object per send because Apprise objects keep per-URL state (throttling, persistent stores) that
must not leak between shops, and sends run on a thread pool. Email goes to the server's SMTP relay
(``PARCELTRAIL_SMTP_URL``: ``smtp://`` plain, ``smtp+starttls://``, ``smtps://``), as HTML; Apprise adds the
text/plain part. Buyer emails carry ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` (RFC 8058), so
mail clients offer their own one-click unsubscribe. SMS and chat use the shop's stored Apprise URL; an SMS
URL takes the buyer's number where it says ``{to}``, else as its last path segment.

Apprise URLs whose template has a ``{host}`` (JSON, form and self-hosted gateways) name a host the shop
chose, so that host passes the SSRF guard when the URL is stored and again right before each send.
Apprise connects with its own HTTP client, so the connection itself is not pinned to the checked
address as webhooks are; vendor services (Twilio, Slack, ...) have fixed hosts and need no check.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import quote, urlsplit

import apprise

from parceltrail.notify.channels.webhook import Delivered
from parceltrail.outbound import BlockedTarget, Resolver, check_host, system_resolver

_MODES = {"smtp": "insecure", "smtp+starttls": "starttls", "smtps": "ssl"}
_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class ChannelUrlError(ValueError):
    """An Apprise or SMTP URL that cannot be used; the message says what was expected."""


@dataclass(frozen=True, slots=True)
class Service:
    """What a stored Apprise URL is, for the shop to recognise it (never the URL's secrets)."""

    name: str
    shown_url: str
    host: str | None
    port: int | None


def describe(url: str) -> Service:
    try:
        plugin = apprise.Apprise.instantiate(url)
    except (TypeError, ValueError):  # Apprise returns None for what it cannot read; this is belt and braces
        plugin = None
    if plugin is None:
        scheme = url.split("://", 1)[0] if "://" in url else url[:20]
        raise ChannelUrlError(f"Apprise does not know the service {scheme!r}; see the Apprise URL list "
                              "(e.g. twilio://..., slack://..., json://host/path)")
    user_host = "host" in plugin.template_tokens and bool(getattr(plugin, "host", None))
    port = getattr(plugin, "port", None)
    return Service(plugin.service_name, plugin.url(privacy=True), plugin.host if user_host else None,
                   int(port) if port else None)


def check_service_host(service: Service, allow_private: bool, resolver: Resolver = system_resolver) -> None:
    """The SSRF guard for a URL whose host the shop chose (raises ``BlockedTarget``)."""
    if service.host is not None:
        check_host(service.host, service.port or 443, allow_private, resolver)


def sms_url(stored: str, phone: str) -> str:
    target = quote(phone, safe="+")
    if "{to}" in stored:
        return stored.replace("{to}", target)
    parts = urlsplit(stored)
    path = parts.path.rstrip("/") + "/" + target
    return parts._replace(path=path).geturl()


def email_url(smtp_url: str, mail_from: str, to: str, sender_name: str, headers: dict[str, str],
              timeout: float) -> str:
    """The Apprise ``mailto://`` URL that sends one message through the server's SMTP relay."""
    parts = urlsplit(smtp_url)
    scheme = parts.scheme.lower()
    if scheme not in _MODES or not parts.hostname:
        raise ChannelUrlError("PARCELTRAIL_SMTP_URL: expected smtp://host:port, smtp+starttls://host:587 or "
                              "smtps://host:465, with user:password@ when the relay needs a login")
    login = ""
    if parts.username:
        login = quote(parts.username, safe="") + (f":{quote(parts.password or '', safe='')}" if parts.password
                                                  else "") + "@"
    host = parts.hostname
    display, address = parseaddr(mail_from)
    if "@" not in address:
        raise ChannelUrlError(f"PARCELTRAIL_MAIL_FROM {mail_from!r}: expected an address, e.g. "
                              "'Acme Parcels <parcels@acme.example>'")
    query = {"smtp": host, "mode": _MODES[scheme], "from": address, "to": to, "name": sender_name or display,
             "cto": f"{timeout:g}"}
    query.update({f"+{name}": value for name, value in headers.items()})
    encoded = "&".join(f"{quote(k, safe='+')}={quote(v, safe='')}" for k, v in query.items())
    return f"mailto://{login}{host}:{parts.port or _PORTS[scheme]}?{encoded}"


def send(url: str, title: str, body: str, html: bool = False) -> Delivered:
    """Send one message with a fresh Apprise object; the outcome carries Apprise's own words on failure."""
    notifier = apprise.Apprise()
    started = time.monotonic()
    if not notifier.add(url):
        return Delivered(False, None, "the channel URL is not usable by Apprise", 0, "skipped")
    result = notifier.notify(body=body, title=title,
                             body_format=apprise.NotifyFormat.HTML if html else apprise.NotifyFormat.TEXT)
    took = round((time.monotonic() - started) * 1000)
    if result:
        return Delivered(True, None, None, took, "sent")
    words = [entry.message for service in result for attempt in service for entry in attempt.logs
             if entry.level in ("WARNING", "ERROR")]
    return Delivered(False, None, "; ".join(dict.fromkeys(words)) or "Apprise could not send it", took, "failed")


__all__ = ["BlockedTarget", "ChannelUrlError", "Service", "check_service_host", "describe", "email_url", "send",
           "sms_url"]
