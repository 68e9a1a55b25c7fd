"""The demo's TikTok Shop: a local TikTok Shop served at ``/tiktok-shop`` by the demo process, whose orders
reach parceltrail the way a real shop's do (signed webhooks to ``/v1/webhooks/tiktok``, and the worker's
sync every minute through the signed API), shipped on the sandbox carrier network.

Orders arrive on the demo's accelerated clock: each is on hold for its first simulated hour, awaits
shipment for a few hours, gets a sandbox label (TikTok names the provider "Parceltrail Sandbox"; one
order in four ships with TikTok Shipping and is tracked through TikTok's own tracking, which this
server answers from the same sandbox journey), is in transit from the carrier's pickup scan and
delivered with its journey. Tokens run on real time, like TikTok's.
"""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from parceltrail.core.orders import OrderStatus
from parceltrail.platforms.tiktok.local import webhooks
from parceltrail.platforms.tiktok.local.shop import LocalShop, LocalTikTok

log = logging.getLogger("parceltrail.demo")
PROVIDER = ("Parceltrail Sandbox", "7000000000000000001")
ON_HOLD_FOR = timedelta(hours=1)
LABEL_AFTER = timedelta(hours=5)


@dataclass
class DemoTikTokShop:
    state: LocalTikTok
    remote: LocalShop
    network: object
    clock: object
    hook_url: str
    every: timedelta = timedelta(hours=3)
    max_orders: int = 150
    made: int = 0
    connected: bool = False
    _next_at: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def tick(self, connect) -> None:
        """Called after each polling tick: connect once, then move orders along and tell parceltrail."""
        with self._lock:
            if not self.connected:
                try:
                    connect(self.state.authorise(self.remote.id))
                    self.connected = True
                except Exception as error:  # noqa: BLE001 - the server may not listen yet; next tick tries again
                    log.info("demo TikTok shop not connected yet (%s)", type(error).__name__)
                    return
            changed = self._new_orders() + self._advance()
        if changed:
            self._notify(changed)

    def _new_orders(self) -> list[dict]:
        now = self.clock.now()
        if self._next_at is None:
            self._next_at = now - 8 * self.every
        made = []
        while self._next_at <= now and self.made < self.max_orders:
            order = self.state.new_order(self.remote, OrderStatus.ON_HOLD, self._next_at)
            order["shipping_type"] = "TIKTOK" if self.made % 4 == 3 else "SELLER"
            self._set_provider(order)
            self.state.put_order(self.remote, order)
            made.append(order)
            self.made += 1
            self._next_at += self.every
        return made

    @staticmethod
    def _set_provider(order: dict) -> None:
        for item in order["line_items"]:
            item.update(shipping_provider_name=PROVIDER[0], shipping_provider_id=PROVIDER[1], tracking_number="")
        order.update(shipping_provider=PROVIDER[0], shipping_provider_id=PROVIDER[1], tracking_number="")

    def _advance(self) -> list[dict]:
        from parceltrail.carriers.sandbox import journey

        now = self.clock.now()
        moved = []
        for order in list(self.remote.orders.values()):
            created = datetime.fromtimestamp(order["create_time"], now.tzinfo)
            status = order["status"]
            target = None
            if status == "ON_HOLD" and now - created >= ON_HOLD_FOR:
                target = OrderStatus.AWAITING_SHIPMENT
            elif status == "AWAITING_SHIPMENT" and now - created >= LABEL_AFTER:
                number = self.network.ship()
                for item in order["line_items"]:
                    item.update(tracking_number=number, package_status="SHIPPED")
                order["tracking_number"] = number
                target = OrderStatus.AWAITING_COLLECTION
            elif status in ("AWAITING_COLLECTION", "IN_TRANSIT"):
                trip = journey(order["tracking_number"])
                if trip.delivered_at and trip.delivered_at <= now:
                    target = OrderStatus.DELIVERED
                elif status == "AWAITING_COLLECTION" and len(trip.visible(now)) > 1:
                    target = OrderStatus.IN_TRANSIT
            if target is not None:
                moved.append(self.state.touch(self.remote, order["id"], target, at=None))
        return moved

    def _notify(self, orders: list[dict]) -> None:
        try:
            with httpx.Client(timeout=5) as http:
                for order in orders:
                    body = webhooks.order_status_change(order, self.remote.id)
                    webhooks.send(http, self.hook_url, self.state.app_key, self.state.app_secret, body)
        except httpx.HTTPError as error:
            log.info("demo TikTok webhooks not delivered (%s); the next sync brings the orders", error)


def start_tiktok_demo(network, clock, base_url: str) -> tuple[DemoTikTokShop, dict]:
    """The demo's local TikTok Shop and the settings parceltrail needs to reach it."""
    from pydantic import SecretStr

    state = LocalTikTok("demo-tiktok-app", secrets.token_urlsafe(24), tracking_clock=clock.now)
    remote = state.add_shop("Demo TikTok Shop")
    shop = DemoTikTokShop(state, remote, network, clock, f"{base_url}/v1/webhooks/tiktok")
    url = f"{base_url}/tiktok-shop"
    settings = {"tiktok_app_key": state.app_key, "tiktok_app_secret": SecretStr(state.app_secret),
                "tiktok_api_url": url, "tiktok_auth_url": url, "tiktok_sync_minutes": 1}
    return shop, settings
