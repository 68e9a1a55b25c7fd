"""TikTok-shipped parcels are polled through TikTok's Get Order Tracking, like any carrier."""

from __future__ import annotations

from pydantic import SecretStr

from parceltrail.carriers.transport import CarrierClient, RetryPolicy
from parceltrail.core.orders import OrderStatus
from parceltrail.services import get_package
from parceltrail.services.adapters import can_poll
from parceltrail.services.clock import utcnow
from parceltrail.services.polling import Poller
from parceltrail.services.tiktok_sync import sync_shop
from parceltrail.worker.runner import shop_credentials_reader
from tests.integration.orders.conftest import APP_KEY, APP_SECRET, SECRET_KEY, days_ago


def test_a_tiktok_shipped_parcel_gets_tiktoks_scans_by_polling(uow, engine, settings, tiktok, app, client, connected):
    shop_id, remote = connected
    order = tiktok.new_order(remote, OrderStatus.IN_TRANSIT, days_ago(3))
    order["shipping_type"] = "TIKTOK"
    tiktok.put_order(remote, order)
    sync_shop(uow, app, client, shop_id)
    with uow:
        package_id = next(iter(uow.orders.get(shop_id, order["id"]).package_ids.values()))
    assert can_poll("tiktok") and get_package(uow, shop_id, package_id).package.carrier == "tiktok"

    configured = settings.model_copy(update={
        "tiktok_app_key": APP_KEY, "tiktok_app_secret": SecretStr(APP_SECRET), "secret_key": SecretStr(SECRET_KEY),
        "tiktok_api_url": tiktok.url, "tiktok_auth_url": tiktok.url})
    with CarrierClient(retry=RetryPolicy(attempts=2, backoff=0.01), sleep=lambda s: None) as carriers:
        poller = Poller(client=carriers, credentials_for=shop_credentials_reader(configured, engine))
        report = poller.tick(uow, utcnow())
    assert (report.claimed, report.failed, report.new_events) == (1, 0, 3), report
    detail = get_package(uow, shop_id, package_id)
    assert detail.package.state.status.value == "in_transit"
    assert [e.description for e in detail.events][:2] == ["Shipping label created, awaiting carrier pickup",
                                                          "Package picked up by carrier"]
    assert ("GET", f"/fulfillment/202309/orders/{order['id']}/tracking") in tiktok.calls
