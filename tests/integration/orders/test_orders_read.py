"""Reading orders through the API: the masked read shape, filters, paging, a package's order ids."""

from __future__ import annotations

from datetime import timedelta

import httpx

from parceltrail.core.orders import OrderPackage, OrderStatus
from parceltrail.services import create_shop
from parceltrail.services.orders import upsert_orders
from tests.integration.orders.test_orders_store import T, _order


def test_order_read_shape_filters_and_paging(uow, api):
    new = create_shop(uow, "Reader")
    other = create_shop(uow, "Other")
    shop = new.shop.id
    orders = [_order(shop, f"50{i:02d}", status=OrderStatus.IN_TRANSIT if i % 2 else OrderStatus.AWAITING_SHIPMENT,
                     packages=[OrderPackage(f"9{i}", f"1Z5R8939035756712{i % 10}", "ups")] if i % 2 else [])
              for i in range(7)]
    upsert_orders(uow, shop, orders, "sync")
    upsert_orders(uow, other.shop.id, [_order(other.shop.id, "7777")], "sync")
    with httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {new.api_key}"}) as http:
        one = http.get("/v1/orders/5001").json()
        assert set(one) >= {"order_id", "status", "on_hold", "created_at", "deadlines", "buyer", "packages"}
        assert one["buyer"] == {"first_name": "Zay", "city": "San Jose", "postal_code": "95110", "country": "US"}
        assert set(one["deadlines"]) == {"ship_by", "collect_by", "deliver_by", "auto_cancel_at"}
        (parcel,) = one["packages"]
        assert parcel["tracking_number"] == "1Z5R89390357567121" and parcel["status"] == "pending"
        assert set(parcel) >= {"id", "tracking_number", "carrier", "status", "estimated_delivery"}
        package = http.get(f"/v1/packages/{parcel['id']}").json()
        assert package["order_ids"] == ["5001"]
        tracked = http.get("/v1/orders", params={"has_tracking": "true"}).json()["items"]
        assert [o["order_id"] for o in tracked] == ["5001", "5003", "5005"]
        waiting = http.get("/v1/orders", params={"status": "AWAITING_SHIPMENT", "limit": 2}).json()
        rest = http.get("/v1/orders", params={"status": "AWAITING_SHIPMENT", "cursor": waiting["next_cursor"]}).json()
        assert [o["order_id"] for o in waiting["items"] + rest["items"]] == ["5000", "5002", "5004", "5006"]
        soon = http.get("/v1/orders", params={"deadline_before": (T + timedelta(days=3)).isoformat()}).json()
        late = http.get("/v1/orders", params={"deadline_after": (T + timedelta(days=3)).isoformat()}).json()
        assert len(soon["items"]) == 7 and late["items"] == []
        assert http.get("/v1/orders/7777").status_code == 404
        bad = http.get("/v1/orders", params={"status": "LOST"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
