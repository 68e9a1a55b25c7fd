"""Uploading tracking with trust checks: each check refuses on its own, force overrides only what may be
overridden, an on-hold order is never uploaded, a correction follows the 72 h / one-edit rule."""

from __future__ import annotations

from datetime import timedelta

import pytest

from parceltrail.core import Location, TrackingEvent
from parceltrail.core.orders import OrderStatus
from parceltrail.services import register_package, record_scans
from parceltrail.services.clock import ManualClock, set_clock, WallClock
from parceltrail.services.shipments import ShipmentRefused, carrier_answer_for, ship_order
from parceltrail.services.tiktok_sync import sync_shop
from tests.integration.orders.conftest import days_ago

UPS = "1Z5R89390357567127"
UPS_TYPO = "1Z5R89390357567128"
USPS_TO_22153 = "420221539101026837331000039521"


@pytest.fixture
def shop(uow, tiktok, app, client, connected):
    """A synced shop with an order awaiting shipment (buyer ZIP from the local shop) and one on hold."""
    shop_id, remote = connected
    waiting = tiktok.new_order(remote, OrderStatus.AWAITING_SHIPMENT, days_ago(1))
    held = tiktok.new_order(remote, OrderStatus.ON_HOLD, days_ago(0.01))
    other = tiktok.new_order(remote, OrderStatus.IN_TRANSIT, days_ago(2))
    for order in (waiting, held, other):
        tiktok.put_order(remote, order)
    sync_shop(uow, app, client, shop_id)
    return shop_id, remote, waiting, held, other


def _codes(error: pytest.ExceptionInfo) -> list[str]:
    return [c.code for c in error.value.checks]


def _ship(uow, app, client, shop_id, order, number, carrier=None, force=False, answer=None):
    return ship_order(uow, app, client, shop_id, order["id"], number, carrier, force=force, carrier_answer=answer)


def test_a_clean_number_is_uploaded_and_the_order_moves(uow, tiktok, app, client, shop):
    shop_id, remote, waiting, *_ = shop
    shipment = _ship(uow, app, client, shop_id, waiting, UPS, "ups")
    assert not shipment.correction and tiktok.shipments[-1]["tracking_number"] == UPS
    with uow:
        stored = uow.orders.get(shop_id, waiting["id"])
    assert stored.order.status is OrderStatus.AWAITING_COLLECTION
    assert stored.order.packages[0].tracking_number == UPS and all(stored.package_ids.values())


def test_an_on_hold_order_is_never_uploaded_even_with_force(uow, tiktok, app, client, shop):
    shop_id, remote, waiting, held, _ = shop
    with pytest.raises(ShipmentRefused) as refused:
        _ship(uow, app, client, shop_id, held, UPS, "ups", force=True)
    assert _codes(refused) == ["on_hold"] and tiktok.shipments == []


def test_format_is_tiktoks_pattern_and_fatal(uow, tiktok, app, client, shop):
    shop_id, _, waiting, *_ = shop
    with pytest.raises(ShipmentRefused) as refused:
        _ship(uow, app, client, shop_id, waiting, "1Z 5R89#390", "ups", force=True)
    assert _codes(refused) == ["format"] and tiktok.shipments == []


def test_checksum_refuses_a_typo_and_force_uploads_it(uow, tiktok, app, client, shop):
    shop_id, _, waiting, *_ = shop
    with pytest.raises(ShipmentRefused) as refused:
        _ship(uow, app, client, shop_id, waiting, UPS_TYPO, "ups")
    assert _codes(refused) == ["checksum"] and "--force" in str(refused.value)
    forced = _ship(uow, app, client, shop_id, waiting, UPS_TYPO, "ups", force=True)
    assert [c.code for c in forced.checks] == ["checksum"] and tiktok.shipments[-1]["tracking_number"] == UPS_TYPO


def test_an_order_id_pasted_as_the_tracking_number_is_named_as_one(uow, tiktok, app, client, shop):
    shop_id, _, waiting, _, other = shop
    with pytest.raises(ShipmentRefused) as own:
        _ship(uow, app, client, shop_id, waiting, waiting["id"], "usps", force=True)  # never, even forced
    assert _codes(own) == ["own_order_id"] and "this order's own ID" in own.value.checks[0].reason
    with pytest.raises(ShipmentRefused) as another:
        _ship(uow, app, client, shop_id, waiting, other["id"])
    assert _codes(another) == ["order_id"] and "--force" in str(another.value)
    assert "looks like a TikTok Shop order ID" in another.value.checks[0].reason
    assert tiktok.shipments == []


def test_carrier_mismatch_refuses_a_ups_number_declared_as_usps(uow, tiktok, app, client, shop):
    shop_id, _, waiting, *_ = shop
    with pytest.raises(ShipmentRefused) as refused:
        _ship(uow, app, client, shop_id, waiting, UPS, "usps")
    assert _codes(refused) == ["carrier_mismatch"]


def test_duplicate_refuses_a_number_already_on_another_order(uow, tiktok, app, client, shop):
    shop_id, _, waiting, _, other = shop
    number = other["tracking_number"]
    with pytest.raises(ShipmentRefused) as refused:
        _ship(uow, app, client, shop_id, waiting, number)
    assert "duplicate" in _codes(refused) and other["id"] in str(refused.value.checks)


def test_zip_mismatch_from_the_labels_own_routing_zip(uow, tiktok, app, client, shop):
    shop_id, _, waiting, *_ = shop
    with pytest.raises(ShipmentRefused) as refused:
        _ship(uow, app, client, shop_id, waiting, USPS_TO_22153, "usps")
    assert _codes(refused) == ["zip_mismatch"] and "22153" in refused.value.checks[0].reason


def _carrier_said(uow, shop_id, number, carrier, events):
    package = register_package(uow, shop_id, number, carrier).package
    record_scans(uow, shop_id, {package.id: events}, source="poll")


def test_zip_mismatch_and_timestamp_once_the_carrier_has_answered(uow, tiktok, app, client, shop):
    shop_id, _, waiting, *_ = shop
    placed = days_ago(1)
    far = Location("Louisville", "KY", "40213", "US")
    _carrier_said(uow, shop_id, UPS, "ups", [
        TrackingEvent.create(placed - timedelta(days=4), "in_transit", "picked_up", location=far),
        TrackingEvent.create(placed - timedelta(days=2), "delivered", location=far)])
    answer = carrier_answer_for(uow, shop_id, lambda s, c: None, None)
    with pytest.raises(ShipmentRefused) as refused:
        _ship(uow, app, client, shop_id, waiting, UPS, "ups", answer=answer)
    assert sorted(_codes(refused)) == ["timestamp", "zip_mismatch"]
    without_answer = _ship(uow, app, client, shop_id, waiting, UPS, "ups", answer=None)
    assert without_answer.tracking_number == UPS  # the two checks need the carrier's answer


def test_a_correction_is_allowed_once_within_72_hours(uow, tiktok, app, client, shop):
    shop_id, _, waiting, *_ = shop
    _ship(uow, app, client, shop_id, waiting, UPS, "ups")
    fixed = _ship(uow, app, client, shop_id, waiting, "1Z40UGZEUYP9E9XO09", "ups")
    assert fixed.correction and tiktok.shipments[-1] == {"order_id": waiting["id"], "tracking_number": "1Z40UGZEUYP9E9XO09"}
    with pytest.raises(ShipmentRefused) as refused:
        _ship(uow, app, client, shop_id, waiting, UPS, "ups", force=True)
    assert _codes(refused) == ["correction_used"]


def test_a_correction_after_72_hours_is_refused(uow, tiktok, app, client, shop):
    shop_id, _, waiting, *_ = shop
    _ship(uow, app, client, shop_id, waiting, UPS, "ups")
    clock = ManualClock(days_ago(-4))
    set_clock(clock)
    try:
        with pytest.raises(ShipmentRefused) as refused:
            _ship(uow, app, client, shop_id, waiting, "1Z40UGZEUYP9E9XO09", "ups")
    finally:
        set_clock(WallClock())
    assert _codes(refused) == ["correction_window"]
