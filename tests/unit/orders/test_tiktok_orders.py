"""TikTok's own order bodies (docs example, a real capture) read into core orders; signing agrees with
the third-party ``tiktok-shop-api`` package."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from parceltrail.core.orders import OrderStatus
from parceltrail.platforms.tiktok.orders import carrier_for, parse_order, provider_carrier
from parceltrail.platforms.tiktok.signing import query, sign, webhook_is_genuine, webhook_signature

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "tiktok_shop"


def _orders(name: str) -> list[dict]:
    return json.loads((FIXTURES / name).read_text())["data"]["orders"]


def test_the_docs_example_order_reads_with_its_deadlines_and_masked_buyer():
    order, _ = parse_order("shop_1", _orders("order_detail_docs_sample.json")[0])
    assert order.external_id == "576461413038785752" and order.status is OrderStatus.UNPAID
    assert order.created_at == datetime.fromtimestamp(1619611561, UTC)
    assert order.deadlines.ship_by == datetime.fromtimestamp(1619611688, UTC)  # rts_sla_time is earlier
    assert order.deadlines.collect_by == datetime.fromtimestamp(1678389618, UTC)
    assert order.deadlines.auto_cancel_at == datetime.fromtimestamp(1619621355, UTC)
    assert order.shipping_type == "TIKTOK"
    assert order.buyer.masked() == {"first_name": "Zay", "city": None, "postal_code": "95110", "country": "US"}
    (package,) = order.packages
    assert package.external_id == "1152321127278713123"
    assert package.tracking_number == "JX12345"  # the order's number covers its one package
    assert dict(order.platform_times)["tts_sla_time"] == datetime.fromtimestamp(1619611761, UTC)


def test_a_captured_cancelled_order_with_three_items_in_one_package_reads():
    order, mismatches = parse_order("shop_1", _orders("order_search_captured_vn.json")[0])
    assert order.status is OrderStatus.CANCELLED and len(order.line_items) == 3
    assert [(p.external_id, p.tracking_number, p.shipping_provider_name) for p in order.packages] == [
        ("1153486604836964618", "3220279504", "GHTK")]
    assert order.buyer.address.postal_code is None and mismatches == []


def test_an_order_without_an_id_or_with_an_unknown_status_is_refused_by_name():
    with pytest.raises(ValueError, match="order has no id"):
        parse_order("shop_1", {"status": "UNPAID"})
    with pytest.raises(ValueError, match="order 1: status: unknown order status 'LOST'"):
        parse_order("shop_1", {"id": "1", "status": "LOST", "create_time": 1})


def test_provider_names_map_to_carriers_and_disagreement_is_reported():
    assert provider_carrier("TT Virtual# UPS") == "ups" and provider_carrier("FedEx Ground") == "fedex"
    assert provider_carrier("GHTK") is None
    carrier, doubt = carrier_for("1Z5R89390357567127", "USPS")
    assert carrier == "usps" and "looks like a ups number" in doubt
    assert carrier_for("1Z5R89390357567127", "GHTK") == ("ups", None)


def test_signing_agrees_with_the_tiktok_shop_api_package():
    pytest.importorskip("tiktok_shop_api", reason="the cross-check needs the test extra (tiktok-shop-api)")
    from tiktok_shop_api.signing import Signer

    cases = [
        ("/order/202309/orders/search", {"app_key": "6abc", "timestamp": 1697708762, "shop_cipher": "ROW_x",
                                          "page_size": 100, "page_token": "aDV5", "sort_order": "ASC"},
         b'{"update_time_ge":1695873653,"update_time_lt":1696306119}'),
        ("/order/202309/orders", {"app_key": "6abc", "timestamp": 1697708762, "ids": "5779,5780",
                                  "access_token": "never-signed", "shop_cipher": "ROW_x"}, b""),
        ("/product/202309/products/search", {"app_key": "6abc", "timestamp": 1, "is_active": True,
                                             "include_deleted": False}, b"{}"),
    ]
    for path, params, body in cases:
        wire = query(params)
        theirs = Signer.sign(path=path, query=list(wire.items()), content_type="application/json", body=body,
                             app_secret="s3cr3t")
        assert sign(path, params, body, "s3cr3t") == theirs
    assert query({"is_active": True})["is_active"] == "true"


def test_webhook_signature_agrees_with_the_tiktok_shop_api_package_and_refuses_a_changed_body():
    pytest.importorskip("tiktok_shop_api", reason="the cross-check needs the test extra (tiktok-shop-api)")
    from tiktok_shop_api.webhooks import Webhooks

    body = b'{"type":1,"tts_notification_id":"7327","shop_id":"7494","timestamp":1700000000,"data":{}}'
    signature = webhook_signature("6abc", "s3cr3t", body)
    assert Webhooks.verify(app_key="6abc", app_secret="s3cr3t", raw_body=body, signature=signature)
    assert webhook_is_genuine("6abc", "s3cr3t", body, signature)
    assert not webhook_is_genuine("6abc", "s3cr3t", body.replace(b"7494", b"7495"), signature)
    assert not webhook_is_genuine("6abc", "s3cr3t", body, None)
