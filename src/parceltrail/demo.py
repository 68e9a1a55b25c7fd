"""The demo behind ``make run``: a shop on the sandbox carrier network, on an accelerated clock.

Nothing here is a mock: the sandbox network is served over HTTP by the same process (at ``/sandbox``),
the worker polls it through the sandbox adapter like any carrier, and the network pushes signed webhooks
to ``/v1/hooks/sandbox`` like a carrier would. The clock replays the last ``lag`` (14 days) ``speed``
times faster (1440x: a simulated day a real minute) until it meets the wall clock, so within a minute of
``make run`` packages are labelled, picked up, moved between hubs, delayed and delivered, and each
scan revises the delivery estimate. Demo packages live in the demo shop only; switch the demo off
with ``make run DEMO=0`` (or ``parceltrail serve`` without ``--demo``). Beside it runs a local TikTok
Shop (``platforms/tiktok/local/demo.py``, at ``/tiktok-shop``) connected to the demo shop: its orders
arrive by signed webhook and by the worker's sync, and ship on the sandbox network.

Notifications are real too: the demo starts a mail catcher (an SMTP server on 127.0.0.1) and points
``PARCELTRAIL_SMTP_URL`` at it; a share of parcels have a buyer with an email address (some in Spanish),
and the shop has an ops recipient with an hourly exception digest. ``/demo/mail`` shows what was sent.
"""

from __future__ import annotations

import base64
import logging
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import SecretStr
from sqlalchemy import Engine

from parceltrail.core import Address
from parceltrail.services import create_api_key, create_shop, register_package
from parceltrail.services.clock import AcceleratedClock, set_clock
from parceltrail.services.staff import demo_owner
from parceltrail.settings import Settings
from parceltrail.store import UnitOfWork

log = logging.getLogger("parceltrail.demo")

DEMO_SHOP = "Demo shop (sandbox carrier)"
DEMO_OWNER = "demo@parceltrail.invalid"


@dataclass
class DemoConfig:
    speed: float = 1440.0
    """A simulated day a real minute: first pickups within a minute, first deliveries within three."""
    lag: timedelta = timedelta(days=14)
    """Replay the last fourteen days (fourteen real minutes at 1440x), then run in real time."""
    first_batch: int = 25
    """Packages shipped at the start of the replayed window, so the first minutes show whole journeys."""
    every: timedelta = timedelta(hours=2)
    """Then one new package per this much simulated time."""
    max_packages: int = 400
    exception_share: float = 0.3
    buyer_share: float = 0.5
    """Parcels registered with a buyer to notify by email (every fifth of them reads Spanish)."""
    smtp_port: int = 2525
    """Where the demo's mail catcher listens (a free port when this one is taken)."""


@dataclass
class Demo:
    settings: Settings
    shop_id: str
    api_key: str
    network: object
    clock: AcceleratedClock
    base_url: str
    config: DemoConfig
    engine: Engine
    pusher: object | None = None
    tiktok: object | None = None
    after_tick_hooks: list = field(default_factory=list)
    dashboard_password: str = ""
    mail: object | None = None
    shipped: int = 0
    _next_ship_at: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def credentials_for(self, shop_id: str, carrier: str, fallback):
        """The sandbox is served by this process; other carriers use the shop's accounts as usual."""
        from parceltrail.carriers.sandbox import SandboxCredentials

        if carrier == "sandbox":
            return SandboxCredentials(base_url=f"{self.base_url}/sandbox")
        return fallback(shop_id, carrier)

    def ship_due(self) -> int:
        """Ship and register the packages whose simulated time has come; returns how many."""
        with self._lock:
            now = self.clock.now()
            count = 0
            if self._next_ship_at is None:
                count = self.config.first_batch
                self._next_ship_at = now + self.config.every
            while self._next_ship_at <= now:
                count += 1
                self._next_ship_at += self.config.every
            count = max(0, min(count, self.config.max_packages - self.shipped))
            for _ in range(count):
                self._ship_one()
                self.shipped += 1
            return count

    def _ship_one(self) -> None:
        self.register(self.network.ship())

    def register(self, number: str) -> str:
        """Follow a sandbox parcel as the demo shop; returns the package id."""
        from parceltrail.carriers.sandbox import journey
        from parceltrail.services.recipients import RecipientInput

        trip = journey(number)
        buyer = None
        every = round(1 / self.config.buyer_share) if self.config.buyer_share else 0
        if every and self.shipped % every == 0:
            values = {"name": f"Buyer {number[-4:]}", "email": f"buyer-{number[-6:]}@demo.example",
                      "locale": "es" if (self.shipped // every) % 5 == 4 else "en"}
            buyer = RecipientInput(**values, set_fields=set(values))
        return register_package(
            UnitOfWork(self.engine), self.shop_id, number, "sandbox",
            order_ref=f"DEMO-{number[-6:]}",
            destination=Address(postal_code=trip.destination.postal_code, country="US"),
            origin=Address(postal_code=trip.origin.postal_code, country="US"),
            service=trip.service.name.lower(), recipient=buyer,
        ).package.id

    def after_tick(self) -> None:
        self.ship_due()
        if self.pusher is not None:
            self.pusher.push_due()
        for hook in self.after_tick_hooks:
            hook()


def start_demo(settings: Settings, engine: Engine, host: str, port: int,
               config: DemoConfig | None = None) -> tuple[Demo, Settings]:
    """Set the accelerated clock, make (or reuse) the demo shop with a fresh key, and build the network.

    Returns the demo and the settings the app must run with (they carry the sandbox push secret).
    """
    from parceltrail.carriers.sandbox import SandboxNetwork

    config = config or DemoConfig()
    clock = AcceleratedClock(config.speed, config.lag)
    uow = UnitOfWork(engine)
    with uow.read():
        existing = uow.shops.find_by_name(DEMO_SHOP)
    if existing is None:
        made = create_shop(uow, DEMO_SHOP)
        shop_id, api_key = made.shop.id, made.api_key
    else:
        shop_id, api_key = existing.id, create_api_key(uow, existing.id)
    set_clock(clock, shop_id)  # the demo shop alone runs on the accelerated clock; real shops keep real time
    secret = settings.hook_secrets.get("sandbox")
    push_secret = secret.get_secret_value() if secret else "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    mail = _mail_catcher(config.smtp_port)
    settings = settings.model_copy(update={
        "hook_secrets": {**settings.hook_secrets, "sandbox": SecretStr(push_secret)},
        "smtp_url": SecretStr(mail.url), "mail_from": "Demo shop <parcels@demo.example>",
        "public_url": f"http://{host}:{port}", "webhooks_allow_private": True,
    })
    _ensure_ops_recipient(engine, shop_id)
    network = SandboxNetwork(clock, exception_share=config.exception_share)
    from parceltrail.platforms.tiktok.local.demo import start_tiktok_demo

    tiktok, tiktok_settings = start_tiktok_demo(network, clock, f"http://{host}:{port}")
    secret_key = settings.secret_key or SecretStr(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    settings = settings.model_copy(update={**tiktok_settings, "secret_key": secret_key})
    demo = Demo(settings, shop_id, api_key, network, clock, f"http://{host}:{port}", config, engine, tiktok=tiktok,
                mail=mail)
    demo.dashboard_password = demo_owner(uow, shop_id, DEMO_OWNER)
    return demo, settings


def _mail_catcher(port: int):
    from parceltrail.mailcatcher import MailCatcher

    try:
        return MailCatcher(port).start()
    except OSError:  # the port is taken (another demo?): any free one will do
        return MailCatcher().start()


def _ensure_ops_recipient(engine: Engine, shop_id: str) -> None:
    """The demo shop's ops person, with an hourly exception digest (once, however often the demo starts)."""
    from parceltrail.services.recipients import RecipientInput, add_staff

    uow = UnitOfWork(engine)
    with uow.read():
        if uow.recipients.staff([shop_id]):
            return
    values = {"name": "Demo ops", "email": "ops@demo.example", "digest": "hourly", "time_zone": "America/Chicago"}
    add_staff(uow, shop_id, RecipientInput(**values, set_fields=set(values)))


def attach_pusher(demo: Demo, client) -> None:
    from parceltrail.carriers.sandbox import Pusher

    secret = demo.settings.hook_secrets["sandbox"].get_secret_value()
    demo.pusher = Pusher(demo.network, f"{demo.base_url}/v1/hooks/sandbox", secret, client)


def attach_tiktok(demo: Demo, app) -> None:
    """Serve the demo's TikTok Shop at /tiktok-shop and connect the demo shop to it (on the first tick,
    once the server listens); its orders then arrive by webhook and by the worker's sync."""
    from parceltrail.carriers.transport import CarrierClient
    from parceltrail.platforms.tiktok.local.app import create_tiktok_app
    from parceltrail.services.tiktok import connect_shop, tiktok_app

    shop = demo.tiktok
    app.mount("/tiktok-shop", create_tiktok_app(shop.state))
    tiktok = tiktok_app(demo.settings)
    client = tiktok.client(CarrierClient(timeout=10))
    connect = lambda code: connect_shop(UnitOfWork(demo.engine), tiktok, client, demo.shop_id, code)
    demo.after_tick_hooks.append(lambda: shop.tick(connect))


def banner(demo: Demo) -> str:
    url = demo.base_url
    return "\n".join([
        "",
        ("parceltrail demo: a shop on the sandbox carrier network, clock replaying the last "
         f"{demo.config.lag.days} days at {demo.config.speed:g}x"),
        f"  demo shop id   {demo.shop_id}",
        f"  API key        {demo.api_key}",
        f"  try            curl -s -H 'Authorization: Bearer {demo.api_key}' {url}/v1/packages",
        "                 .venv/bin/parceltrail packages list          (in this folder)",
        f"  TikTok orders  curl -s -H 'Authorization: Bearer {demo.api_key}' {url}/v1/orders",
        f"                 a local TikTok Shop at {url}/tiktok-shop sends them by webhook; the worker syncs each minute",
        f"  exceptions     curl -s -H 'Authorization: Bearer {demo.api_key}' {url}/v1/exceptions",
        "                 .venv/bin/parceltrail exceptions list / cases list / metrics --shop " + demo.shop_id,
        f"  API docs       {url}/docs",
        f"  dashboard      {url}/app   sign in as {DEMO_OWNER} / {demo.dashboard_password}",
        f"  buyer page     {url}/track   (any demo number from `packages list`; ZIP shows the route)",
        (f"  mail sent      {url}/demo/mail   (buyers' emails and the ops digest, caught by SMTP at "
         f"{demo.mail.url if demo.mail else '-'})"),
        "  switch it off  make run DEMO=0",
        "",
    ])
