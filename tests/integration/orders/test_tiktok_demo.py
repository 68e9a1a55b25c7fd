"""The demo's TikTok Shop: orders arrive on hold, get their address and a sandbox label, and reach
parceltrail by webhook; a sync afterwards finds nothing to change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from parceltrail.carriers.sandbox import SandboxNetwork
from parceltrail.services import create_shop
from parceltrail.services.clock import ManualClock
from parceltrail.services.tiktok import connect_shop, tiktok_app
from parceltrail.services.tiktok_hooks import drain_notifications
from parceltrail.services.tiktok_sync import sync_all
from parceltrail.store.orders import OrderFilter
from tests.conftest import HUNG, LiveServer


def test_demo_orders_arrive_by_webhook_and_a_sync_agrees(uow, settings, engine):
    from parceltrail.api import create_app
    from parceltrail.carriers.transport import CarrierClient
    from parceltrail.platforms.tiktok.local.app import create_tiktok_app
    from parceltrail.platforms.tiktok.local.demo import start_tiktok_demo

    clock = ManualClock(datetime.now(UTC) - timedelta(days=3))
    network = SandboxNetwork(clock, seed=5)
    api = create_app(settings, engine)
    server = LiveServer(api)
    shop, extra = start_tiktok_demo(network, clock, server.url)
    configured = settings.model_copy(update={**extra, "secret_key": SecretStr("demo-test-key")})
    api.state.settings = configured
    api.mount("/tiktok-shop", create_tiktok_app(shop.state))
    demo_shop = create_shop(uow, "Demo").shop
    app = tiktok_app(configured)
    with server, CarrierClient(timeout=HUNG) as transport:
        client = app.client(transport)
        connect = lambda code: connect_shop(uow, app, client, demo_shop.id, code)  # noqa: E731
        for _ in range(12):
            shop.tick(connect)
            drain_notifications(uow, app, client)
            clock.advance(timedelta(hours=2))
        with uow:
            stored = uow.orders.page(demo_shop.id, OrderFilter(), 500)
        statuses = {s.order.status.value for s in stored}
        assert len(stored) == shop.made >= 12
        assert {"ON_HOLD", "AWAITING_COLLECTION"} <= statuses or {"AWAITING_SHIPMENT", "IN_TRANSIT"} <= statuses
        labelled = [s for s in stored if s.order.packages and s.order.packages[0].tracking_number]
        assert labelled and all(p.tracking_number.startswith("PT") for s in labelled for p in s.order.packages)
        assert all(s.order.buyer.address.postal_code for s in stored if not s.order.on_hold)
        check = sync_all(uow, app, client)[demo_shop.id]
    assert check.complete and (check.orders_created, check.orders_updated) == (0, 0)
