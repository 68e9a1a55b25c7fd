"""A shop's Apprise channels: the SMS gateway its buyers' texts go through, the chat service its staff
read. Stored encrypted; shown only as Apprise's privacy form (``twilio://AC...a:b...b@...``)."""

from __future__ import annotations

from parceltrail.notify.channels import apprise as channels
from parceltrail.outbound import BlockedTarget
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.people import PURPOSE
from parceltrail.services.secrets import require_key, seal
from parceltrail.services.webhook_endpoints import Guard
from parceltrail.store import UnitOfWork
from parceltrail.store.recipients import StoredChannel

KINDS = ("sms", "chat")


def set_channel(uow: UnitOfWork, shop_id: str, kind: str, url: str, secret_key: str | None,
                guard: Guard) -> StoredChannel:
    if kind not in KINDS:
        raise NotFound("notification channel kind", kind)
    url = url.strip()
    probe = channels.sms_url(url, "+15550100") if kind == "sms" else url
    try:
        service = channels.describe(probe)
        channels.check_service_host(service, guard.allow_private, guard.resolver)
    except channels.ChannelUrlError as error:
        raise InvalidInput("url is not an Apprise URL", [FieldError("url", str(error))]) from None
    except BlockedTarget as error:
        raise InvalidInput("url is not allowed", [FieldError("url", error.reason)]) from None
    key = require_key(secret_key, "url", "channel URLs")
    shown = service.shown_url.replace("%2B15550100", "{to}").replace("+15550100", "{to}")
    stored = StoredChannel(shop_id, kind, seal(key, PURPOSE, url), service.name, shown, utcnow())
    with uow:
        uow.recipients.put_channel(stored)
        uow.commit()
    return stored


def list_channels(uow: UnitOfWork, shop_id: str) -> list[StoredChannel]:
    with uow.read():
        return sorted(uow.recipients.channels([shop_id]).values(), key=lambda c: c.kind)


def remove_channel(uow: UnitOfWork, shop_id: str, kind: str) -> None:
    with uow:
        if not uow.recipients.remove_channel(shop_id, kind):
            raise NotFound("notification channel", kind)
        uow.commit()
