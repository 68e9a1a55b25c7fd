"""TikTok Shop webhooks: verify, store first, apply later by re-fetching the order.

``receive_notification`` checks ``Authorization`` (HMAC-SHA256 of app key + the raw body under the app
secret, compared in constant time) before anything is parsed or stored; a forged or altered body is
refused and not stored. A genuine one goes into ``tiktok_inbox`` in its own transaction, once per
``tts_notification_id`` (TikTok delivers at least once). ``drain_notifications`` (the worker, right
after each delivery and every minute) applies them: order and package events re-fetch the named
orders' details and upsert them exactly as a sync would, so a burst of duplicates, out-of-order events
and a sync all end in the same state; deauthorization and upcoming expiry mark the connection and
are logged for the seller.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from parceltrail.platforms.tiktok.client import TikTokShopClient
from parceltrail.platforms.tiktok.errors import TikTokShopError
from parceltrail.platforms.tiktok.signing import webhook_is_genuine
from parceltrail.services.clock import utcnow
from parceltrail.services.dispute_sources import disputes_from_tiktok
from parceltrail.services.orders import UpsertReport
from parceltrail.services.tiktok import ShopSession, TikTokApp, mark_connection
from parceltrail.services.tiktok_sync import apply_orders, fetch_details
from parceltrail.store import UnitOfWork

log = logging.getLogger("parceltrail.tiktok")
MAX_ATTEMPTS = 5
ORDER_STATUS_CHANGE, RECIPIENT_ADDRESS_UPDATE, PACKAGE_UPDATE = 1, 3, 4
SELLER_DEAUTHORIZATION, UPCOMING_AUTHORIZATION_EXPIRATION = 6, 7
CANCELLATION_STATUS_CHANGE, RETURN_STATUS_CHANGE = 11, 12
ORDER_EVENTS = frozenset({ORDER_STATUS_CHANGE, RECIPIENT_ADDRESS_UPDATE, PACKAGE_UPDATE,
                          CANCELLATION_STATUS_CHANGE, RETURN_STATUS_CHANGE})


class WebhookRefused(Exception):
    """Not from TikTok, or not a TikTok notification; ``reason`` is safe to log and to answer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Received:
    id: int | None
    duplicate: bool


def receive_notification(uow: UnitOfWork, app_key: str, app_secret: str, authorization: str | None,
                         body: bytes) -> Received:
    if not webhook_is_genuine(app_key, app_secret, body, authorization):
        raise WebhookRefused("the Authorization signature does not match the body")
    try:
        payload = json.loads(body)
        kind = int(payload["type"])
    except (ValueError, KeyError, TypeError):
        raise WebhookRefused("the body is not a TikTok notification (JSON with an integer type)") from None
    notification_id = str(payload.get("tts_notification_id") or "") or None
    with uow:
        inbox_id = uow.tiktok.add_notification(notification_id, str(payload.get("shop_id") or "") or None, kind,
                                               utcnow(), body)
        uow.commit()
    return Received(inbox_id, duplicate=inbox_id is None)


def order_ids_of(kind: int, data: dict) -> list[str]:
    """The orders a notification is about (a package update names the orders sharing the package)."""
    if kind == PACKAGE_UPDATE:
        return [str(o) for p in data.get("package_list") or [] for o in p.get("order_id_list") or []]
    return [str(data["order_id"])] if data.get("order_id") else []


@dataclass
class DrainReport:
    done: int = 0
    failed: int = 0
    applied: UpsertReport = field(default_factory=UpsertReport)
    disputes_opened: int = 0


def drain_notifications(uow: UnitOfWork, app: TikTokApp, client: TikTokShopClient, batch: int = 200) -> DrainReport:
    """Apply every pending notification; order events of one shop are fetched together, in batches of 50."""
    report = DrainReport()
    while True:
        with uow.read():
            due = uow.tiktok.due_notifications(batch, MAX_ATTEMPTS)
        if not due:
            return report
        by_shop: dict[str | None, list] = {}
        for note in due:
            by_shop.setdefault(note.tiktok_shop_id, []).append(note)
        for tiktok_shop_id, notes in by_shop.items():
            error = _apply(uow, app, client, tiktok_shop_id, notes, report)
            with uow:
                for note in notes:
                    uow.tiktok.finish_notification(note.id, utcnow(), error)
                uow.commit()
            if error:
                report.failed += len(notes)
                log.warning("TikTok notifications %s failed: %s", [n.id for n in notes], error)
            else:
                report.done += len(notes)
        if len(due) < batch:
            return report


def _apply(uow: UnitOfWork, app: TikTokApp, client: TikTokShopClient, tiktok_shop_id: str | None, notes: list,
           report: DrainReport) -> str | None:
    with uow.read():
        connection = uow.tiktok.by_tiktok_shop(tiktok_shop_id) if tiktok_shop_id else None
    if connection is None:
        log.info("TikTok notifications for shop %s, which no parceltrail shop connects; skipped", tiktok_shop_id)
        return None
    order_ids: list[str] = []
    for note in notes:
        data = json.loads(note.body).get("data") or {}
        if note.type == SELLER_DEAUTHORIZATION:
            mark_connection(uow, connection.shop_id, "deauthorized",
                            f"the seller removed parceltrail's authorization in TikTok Shop "
                            f"({data.get('message') or 'no reason'}); connect the shop again", "removed")
        elif note.type == UPCOMING_AUTHORIZATION_EXPIRATION:
            expires = _expiry(data.get("expiration_time"))
            mark_connection(uow, connection.shop_id, "expiring",
                            f"TikTok says the authorization expires {expires.isoformat() if expires else 'soon'}; "
                            "the seller must re-authorise before then", expires_at=expires)
        elif note.type in ORDER_EVENTS:
            order_ids += order_ids_of(note.type, data)
    if not order_ids or connection.state == "deauthorized":
        return None
    try:
        session = ShopSession(uow, app, client, connection.shop_id)
        apply_orders(uow, connection.shop_id, fetch_details(session, order_ids), "webhook", report.applied)
    except TikTokShopError as error:
        return f"{type(error).__name__} (code {error.code}): {error.message}"
    report.disputes_opened += disputes_from_tiktok(uow, connection.shop_id, notes)
    return None


def _expiry(value: object) -> datetime | None:
    """TikTok's ``expiration_time`` (Unix seconds, as a number or a string); None when it is not one."""
    try:
        return datetime.fromtimestamp(int(str(value)), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
