"""Connect and sync against the local TikTok Shop: pages, every status, on hold, split and combined
parcels, an access token that expires mid-sync, a rate-limit answer and a refused signature."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from parceltrail.core.orders import OrderStatus
from parceltrail.platforms.tiktok.errors import BadSignature
from parceltrail.services.tiktok_sync import sync_shop
from parceltrail.store.orders import order_packages, orders
from parceltrail.store.tiktok import tiktok_connections
from tests.integration.orders.conftest import APP_SECRET, days_ago


def _snapshot(engine):
    with engine.connect() as c:
        rows = c.execute(select(orders.c.external_id, orders.c.status, orders.c.on_hold, orders.c.updated_at)
                         .order_by(orders.c.external_id)).all()
        links = c.execute(select(order_packages.c.package_key, order_packages.c.package_id,
                                 order_packages.c.tracking_number).order_by(order_packages.c.id)).all()
    return rows, links


def test_tokens_are_stored_encrypted(uow, engine, connected):
    with engine.connect() as c:
        row = c.execute(select(tiktok_connections)).one()
    assert not row.access_token.startswith("TTP_") and "TTP_" not in row.access_token
    assert row.shop_cipher.startswith("ROW_")
    assert row.access_expires_at > days_ago(-6)  # read from TikTok's answer: seven days ahead


def test_sync_of_600_orders_survives_expiry_rate_limit_and_a_refused_signature(uow, engine, tiktok, app, client,
                                                                             connected):
    shop_id, remote = connected
    tiktok.seed(remote, 600, days_ago(30))
    tiktok.fail_next("/order/202309/orders/search", "rate_limit")
    tiktok.fail_next("/order/202309/orders", "bad_signature")
    calls_before_expiry = []

    def expire_after_second_page(report):
        calls_before_expiry.append(report.pages)
        if report.pages == 2:
            tiktok.expire_access_tokens()

    report = sync_shop(uow, app, client, shop_id, progress=expire_after_second_page)
    assert report.complete, report.errors
    assert report.errors == []
    assert report.pages == 6 and report.orders_seen == 600
    assert report.orders_created == 600 and report.token_refreshes == 1
    rows, links = _snapshot(engine)
    statuses = Counter(r.status for r in rows)
    assert set(statuses) == {s.value for s in OrderStatus}
    assert any(r.on_hold for r in rows)
    with engine.connect() as c:
        split = c.execute(select(order_packages.c.order_id).group_by(order_packages.c.order_id)
                          .having(func.count() > 1)).all()
        shared = c.execute(select(order_packages.c.package_id).where(order_packages.c.package_id.is_not(None))
                           .group_by(order_packages.c.package_id).having(func.count() > 1)).all()
    assert split and shared

    again = sync_shop(uow, app, client, shop_id, since=days_ago(31))
    assert again.complete and again.orders_seen == 600
    assert (again.orders_created, again.orders_updated, again.packages_created, again.packages_updated) == (0, 0, 0, 0)
    assert _snapshot(engine) == (rows, links)


def test_a_status_change_arrives_with_the_next_sync_and_is_kept_as_history(uow, tiktok, app, client, connected):
    shop_id, remote = connected
    made = tiktok.seed(remote, 12, days_ago(3), span=days_ago(3) - days_ago(4))
    sync_shop(uow, app, client, shop_id)
    waiting = next(o for o in made if o["status"] == "AWAITING_COLLECTION")
    tiktok.touch(remote, waiting["id"], OrderStatus.IN_TRANSIT, at=days_ago(0) - timedelta(seconds=2))
    report = sync_shop(uow, app, client, shop_id)
    assert report.complete and report.orders_updated == 1
    with uow:
        stored = uow.orders.get(shop_id, waiting["id"])
        assert [h.status for h in uow.orders.history(stored.id)][-2:] == [OrderStatus.AWAITING_COLLECTION,
                                                                          OrderStatus.IN_TRANSIT]


def test_a_number_whose_carrier_tiktok_contradicts_carries_a_warning_until_they_agree(uow, tiktok, app, client,
                                                                                      connected):
    # The seller picked USPS in Seller Center for a UPS label: TikTok will judge the tracking by USPS.
    shop_id, remote = connected
    order = tiktok.new_order(remote, OrderStatus.IN_TRANSIT, days_ago(2), number=lambda: "1Z5R89390357567127")

    def provider(name: str, provider_id: str, updated: datetime) -> None:
        for place in (order, *order["line_items"]):
            place["shipping_provider_name" if place is not order else "shipping_provider"] = name
            place["shipping_provider_id"] = provider_id
        order["update_time"] = int(updated.timestamp())
        tiktok.put_order(remote, order)

    provider("USPS", "7117858858072016686", days_ago(1))
    report = sync_shop(uow, app, client, shop_id, since=days_ago(5))
    assert [w["code"] for w in report.warnings] == ["carrier_mismatch"]
    with uow.read():
        (package_id,) = uow.orders.get(shop_id, order["id"]).package_ids.values()
        (warning,) = uow.warnings.for_packages([package_id])[package_id]
    assert warning.code == "carrier_mismatch" and "looks like a ups number, but TikTok says USPS" in warning.message
    provider("UPS", "7117859084333909762", days_ago(0) - timedelta(seconds=5))  # the seller corrects it
    again = sync_shop(uow, app, client, shop_id, since=days_ago(5))
    assert again.warnings == [] and again.packages_created == 1
    with uow.read():
        (corrected,) = uow.orders.get(shop_id, order["id"]).package_ids.values()
        found = uow.warnings.for_packages([package_id, corrected])
    assert corrected != package_id and found.get(corrected, []) == [] and len(found[package_id]) == 1


def test_a_persistent_signature_refusal_stops_the_sync_without_moving_the_cursor(uow, tiktok, app, client, connected):
    from dataclasses import replace

    shop_id, remote = connected
    tiktok.seed(remote, 5, days_ago(2))
    wrong = replace(app, app_secret=APP_SECRET + "x")
    with client.transport as transport:
        report = sync_shop(uow, wrong, wrong.client(transport), shop_id)
    assert not report.complete
    assert report.errors[0]["code"] == "106001"
    with uow:
        connection = uow.tiktok.get(shop_id)
    assert connection.synced_through is None and "BadSignature" in connection.last_sync_error
    assert issubclass(BadSignature, Exception)


def test_connecting_with_a_used_code_is_refused_with_tiktoks_code(uow, tiktok, app, client):
    from parceltrail.platforms.tiktok.errors import TikTokShopError
    from parceltrail.services import create_shop
    from parceltrail.services.tiktok import connect_shop

    remote = tiktok.add_shop()
    code = tiktok.authorise(remote.id)
    shop = create_shop(uow, "A").shop
    connect_shop(uow, app, client, shop.id, code)
    with pytest.raises(TikTokShopError) as refused:
        connect_shop(uow, app, client, shop.id, code)
    assert refused.value.code == 36004002


def test_no_token_or_secret_reaches_the_logs(uow, tiktok, app, client, connected, caplog):
    import logging

    shop_id, remote = connected
    tiktok.seed(remote, 3, days_ago(1))
    tiktok.expire_access_tokens()
    with caplog.at_level(logging.DEBUG):
        report = sync_shop(uow, app, client, shop_id)
    assert report.complete and report.token_refreshes == 1
    assert "/api/v2/token/refresh" in caplog.text  # httpx logged the refresh ...
    assert APP_SECRET not in caplog.text and "TTR_" not in caplog.text and "TTP_" not in caplog.text  # ... masked
    assert "app_secret=***" in caplog.text
