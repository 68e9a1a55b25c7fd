"""Webhooks as TikTok sends them: ``{type, tts_notification_id, shop_id, timestamp, data}`` with header
``Authorization`` = hex HMAC-SHA256(app_secret, app_key + body)."""

from __future__ import annotations

import json
import secrets
import time

import httpx

from parceltrail.platforms.tiktok.signing import webhook_signature


def notification(kind: int, tiktok_shop_id: str, data: dict, notification_id: str | None = None) -> bytes:
    body = {"type": kind, "tts_notification_id": notification_id or str(7_300_000_000_000_000_000
                                                                         + secrets.randbelow(10**17)),
            "shop_id": tiktok_shop_id, "timestamp": int(time.time()), "data": data}
    return json.dumps(body, separators=(",", ":")).encode()


def order_status_change(order: dict, tiktok_shop_id: str, notification_id: str | None = None) -> bytes:
    return notification(1, tiktok_shop_id, {"order_id": order["id"], "order_status": order["status"],
                                            "is_on_hold_order": order["is_on_hold_order"],
                                            "update_time": order["update_time"]}, notification_id)


def send(http: httpx.Client, url: str, app_key: str, app_secret: str, body: bytes,
         signature: str | None = None) -> httpx.Response:
    """POST one notification; ``signature`` overrides the real one (to send a forgery in tests)."""
    return http.post(url, content=body, headers={"Content-Type": "application/json",
                                                 "Authorization": signature or webhook_signature(app_key, app_secret, body)})
