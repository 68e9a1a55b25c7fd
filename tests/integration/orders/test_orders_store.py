"""Orders in the store: upsert is idempotent, keeps status history, links split and combined parcels."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from parceltrail.core import Address
from parceltrail.core.orders import Buyer, Deadlines, LineItem, Order, OrderPackage, OrderStatus
from parceltrail.services import create_shop, get_package, register_package
from parceltrail.services.orders import upsert_orders

T = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _order(shop_id: str, external_id: str = "576461413038785752", status=OrderStatus.AWAITING_SHIPMENT,
           packages=(), updated=T, shipping_type="SELLER") -> Order:
    return Order(shop_id, external_id, status, T - timedelta(hours=2), updated, paid_at=T - timedelta(hours=1),
                 buyer=Buyer("Zay Smith", Address(postal_code="95110", country="US", city="San Jose")),
                 line_items=(LineItem("577086512123755123", "Crochet top", "red_256", 1, "1152321127278713123"),),
                 packages=tuple(packages), deadlines=Deadlines(ship_by=T + timedelta(days=2)),
                 shipping_type=shipping_type)


def test_an_order_is_created_once_and_a_second_upsert_changes_nothing(uow):
    shop = create_shop(uow, "Orders").shop
    parcel = OrderPackage("1152321127278713123", "1Z5R89390357567127", "ups", "6617675021119438849", "UPS")
    first = upsert_orders(uow, shop.id, [_order(shop.id, packages=[parcel])], "sync")
    again = upsert_orders(uow, shop.id, [_order(shop.id, packages=[parcel])], "sync")
    assert (first.orders_created, first.packages_created) == (1, 1)
    assert again.to_dict() == {"orders_created": 0, "orders_updated": 0, "packages_created": 0,
                               "packages_updated": 0, "errors": []}
    with uow:
        stored = uow.orders.get(shop.id, "576461413038785752")
        history = uow.orders.history(stored.id)
    assert stored.order.deadlines.ship_by == T + timedelta(days=2)
    assert [h.status for h in history] == [OrderStatus.AWAITING_SHIPMENT]
    package_id = stored.package_ids["1152321127278713123"]
    assert get_package(uow, shop.id, package_id).package.order_ref == "576461413038785752"


def test_status_changes_are_kept_as_history_and_older_news_is_ignored(uow):
    shop = create_shop(uow, "History").shop
    upsert_orders(uow, shop.id, [_order(shop.id)], "sync")
    later = _order(shop.id, status=OrderStatus.IN_TRANSIT, updated=T + timedelta(hours=5))
    assert upsert_orders(uow, shop.id, [later], "webhook").orders_updated == 1
    stale = _order(shop.id, status=OrderStatus.AWAITING_COLLECTION, updated=T + timedelta(hours=1))
    assert upsert_orders(uow, shop.id, [stale], "webhook").orders_updated == 0
    with uow:
        stored = uow.orders.get(shop.id, "576461413038785752")
        history = [(h.status, h.source) for h in uow.orders.history(stored.id)]
    assert stored.order.status is OrderStatus.IN_TRANSIT
    assert history == [(OrderStatus.AWAITING_SHIPMENT, "sync"), (OrderStatus.IN_TRANSIT, "webhook")]


def test_split_order_has_two_parcels_and_combined_orders_share_one_package(uow):
    shop = create_shop(uow, "Split").shop
    a = OrderPackage("1001", "1Z5R89390357567127", "ups")
    b = OrderPackage("1002", "9400111899223344556612", "usps")
    split = _order(shop.id, "5001", packages=[a, b])
    combined_one = _order(shop.id, "5002", packages=[OrderPackage("2001", "1Z40UGZEUYP9E9XO09", "ups")])
    combined_two = _order(shop.id, "5003", packages=[OrderPackage("2001", "1Z40UGZEUYP9E9XO09", "ups")])
    report = upsert_orders(uow, shop.id, [split, combined_one, combined_two], "sync")
    assert (report.orders_created, report.packages_created) == (3, 3)
    with uow:
        one, two = uow.orders.get(shop.id, "5002"), uow.orders.get(shop.id, "5003")
        shared = one.package_ids["2001"]
        serving = uow.orders.for_packages([shared])[shared]
        assert len(uow.orders.get(shop.id, "5001").package_ids) == 2
    assert shared == two.package_ids["2001"]
    assert sorted(s.order.external_id for s in serving) == ["5002", "5003"]


def test_a_package_without_an_order_keeps_working_and_is_reused_when_an_order_names_it(uow):
    shop = create_shop(uow, "Bare").shop
    bare = register_package(uow, shop.id, "1Z5R89390357567127", "ups").package
    with uow:
        assert uow.orders.for_packages([bare.id]) == {bare.id: []}
    upsert_orders(uow, shop.id, [_order(shop.id, packages=[OrderPackage("1001", "1Z5R89390357567127", "ups")])], "csv")
    with uow:
        assert uow.orders.get(shop.id, "576461413038785752").package_ids["1001"] == bare.id


def test_tiktok_shipping_parcels_are_tracked_through_tiktok(uow):
    shop = create_shop(uow, "TikTok shipping").shop
    parcel = OrderPackage("1001", "9400111899223344556612", "usps", "7117858858072016686", "USPS")
    upsert_orders(uow, shop.id, [_order(shop.id, packages=[parcel], shipping_type="TIKTOK")], "sync")
    with uow:
        package_id = uow.orders.get(shop.id, "576461413038785752").package_ids["1001"]
    assert get_package(uow, shop.id, package_id).package.carrier == "tiktok"


def test_a_changed_tracking_number_counts_as_an_updated_parcel_and_an_unfollowable_one_is_reported(uow):
    shop = create_shop(uow, "Changed").shop
    upsert_orders(uow, shop.id, [_order(shop.id, packages=[OrderPackage("1001", "1Z5R89390357567127", "ups")])], "sync")
    fixed = _order(shop.id, packages=[OrderPackage("1001", "1Z40UGZEUYP9E9XO09", "ups")], updated=T + timedelta(hours=1))
    report = upsert_orders(uow, shop.id, [fixed], "sync")
    assert (report.orders_updated, report.packages_created, report.packages_updated) == (1, 1, 1)
    odd = replace(fixed, packages=(OrderPackage("1001", "AB/12", "ups"),), updated_at=T + timedelta(hours=2))
    report = upsert_orders(uow, shop.id, [odd], "sync")
    assert report.errors and report.errors[0]["order_id"] == "576461413038785752"
    with uow:
        assert uow.orders.get(shop.id, "576461413038785752").package_ids == {"1001": None}


def test_one_shop_never_sees_another_shops_orders(uow):
    mine, theirs = create_shop(uow, "Mine").shop, create_shop(uow, "Theirs").shop
    upsert_orders(uow, theirs.id, [_order(theirs.id)], "sync")
    with uow:
        assert uow.orders.get(mine.id, "576461413038785752") is None
