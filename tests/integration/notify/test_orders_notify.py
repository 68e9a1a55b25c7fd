"""Orders and notifications: ``order.updated`` webhooks when an order arrives or changes, new parcels
announced as ``package.created``, and an order's buyer hearing about each of its parcels."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from parceltrail.core import Address, TrackingEvent
from parceltrail.core.orders import Buyer, Order, OrderPackage, OrderStatus
from parceltrail.services import record_scans
from parceltrail.services.orders import upsert_orders
from parceltrail.services.recipients import RecipientInput, set_order_recipient
from parceltrail.services.webhook_endpoints import create_endpoint
from parceltrail.store import PackageFilter, UnitOfWork
from tests.integration.notify.conftest import GUARD, SECRET_KEY, run_until_quiet
from tests.receivers import Receiver


def order(shop_id: str, status: OrderStatus, updated: datetime, number: str | None = None) -> Order:
    parcel = OrderPackage("PKG-1", number, "ups" if number else None)
    return Order(shop_id, "5770001", status, datetime(2026, 11, 23, tzinfo=UTC), updated,
                 buyer=Buyer("Ana Lima", Address("60601", "US", city="Chicago")), packages=(parcel,))


def test_orders_send_order_updated_and_their_new_parcels_package_created(uow, engine, clock, shop, sender):
    with Receiver() as receiver:
        create_endpoint(uow, shop.id, receiver.url, ["order.updated", "package.created"], None, SECRET_KEY, GUARD)
        upsert_orders(uow, shop.id, [order(shop.id, OrderStatus.AWAITING_SHIPMENT, clock.now())], "test")
        run_until_quiet(engine, sender)
        upsert_orders(uow, shop.id, [order(shop.id, OrderStatus.AWAITING_COLLECTION,
                                           clock.now() + timedelta(hours=1), "1Z999AA10123456784")], "test")
        run_until_quiet(engine, sender)
        upsert_orders(uow, shop.id, [order(shop.id, OrderStatus.AWAITING_COLLECTION,
                                           clock.now() + timedelta(hours=1), "1Z999AA10123456784")], "test")
        run_until_quiet(engine, sender)  # the same news again: nothing
    bodies = [json.loads(r.body) for r in receiver.requests]
    assert sorted(b["type"] for b in bodies) == ["order.updated", "order.updated", "package.created"]
    updates = [b["data"]["order"] for b in bodies if b["type"] == "order.updated"]
    assert [(u["order_id"], u["status"]) for u in updates] == [("5770001", "AWAITING_SHIPMENT"),
                                                               ("5770001", "AWAITING_COLLECTION")]
    assert updates[1]["packages"][0]["tracking_number"] == "1Z999AA10123456784"
    assert updates[1]["buyer"] == {"first_name": "Ana", "city": "Chicago", "postal_code": "60601", "country": "US"}
    created = next(b for b in bodies if b["type"] == "package.created")
    assert created["data"]["package"]["tracking_number"] == "1Z999AA10123456784"


def test_an_orders_buyer_hears_about_its_parcel(uow, engine, clock, shop, people_sender, mail):
    upsert_orders(uow, shop.id, [order(shop.id, OrderStatus.AWAITING_COLLECTION, clock.now(),
                                       "1Z999AA10123456784")], "test")
    values = {"name": "Ana", "email": "ana@example.com"}
    shown = set_order_recipient(uow, shop.id, "5770001", RecipientInput(**values, set_fields=set(values)))
    assert shown["time_zone"] == "America/Chicago"  # from the order's address
    with UnitOfWork(engine).read() as reading:
        (package,) = reading.packages.page(shop.id, PackageFilter(), 5)
    record_scans(uow, shop.id, {package.id: [TrackingEvent.create(clock.now(), "out_for_delivery",
                                                                  carrier_code="OFD")]}, "api")
    clock.advance(timedelta(minutes=2))
    run_until_quiet(engine, people_sender)
    assert [(m.subject, m.rcpt_tos) for m in mail.messages] == [
        ("Out for delivery today: your parcel from Notify shop", ["ana@example.com"])]
