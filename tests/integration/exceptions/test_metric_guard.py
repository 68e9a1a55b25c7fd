"""The TikTok metric guard counts a hand-made shop exactly as a direct count of its orders does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from parceltrail.core import Address, Location, TrackingEvent
from parceltrail.core.orders import Buyer, Deadlines, Order, OrderPackage, OrderStatus
from parceltrail.services import create_shop, record_scans
from parceltrail.services.clock import ManualClock, WallClock, set_clock
from parceltrail.services.metrics import tiktok_metrics
from parceltrail.services.orders import upsert_orders
from tests.conftest import HUNG

NOW = datetime(2025, 12, 12, 17, 0, tzinfo=UTC)
D = timedelta(days=1)
H = timedelta(hours=1)
HUB = Location("Louisville", "KY", "40213", "US")
HOME = Location("Boston", "MA", "02108", "US")


@dataclass
class Row:
    """One order of the hand-made shop, and what happened to its parcel."""

    name: str
    ship_by: datetime
    deliver_by: datetime
    uploaded: datetime | None  # tracking number registered
    scanned: datetime | None  # the carrier's first scan
    delivered: datetime | None
    cancelled: bool = False
    auto_cancel_at: datetime | None = None


SHOP = [
    Row("on-time", NOW - 5 * D, NOW - 2 * D, NOW - 6 * D, NOW - 5 * D - 2 * H, NOW - 3 * D),
    Row("late-dispatch-late-delivery", NOW - 4 * D, NOW - 1 * D, NOW - 5 * D, NOW - 3 * D, NOW - 12 * H),
    Row("never-scanned", NOW - 2 * D, NOW + 3 * D, NOW - 3 * D, None, None, auto_cancel_at=NOW + 20 * H),
    Row("label-only", NOW + 1 * D, NOW + 6 * D, NOW - 10 * H, None, None, auto_cancel_at=NOW + 6 * D),
    Row("cancelled", NOW - 3 * D, NOW + 2 * D, NOW - 4 * D, None, None, cancelled=True),
    Row("not-delivered-by-date", NOW - 6 * D, NOW - 12 * H, NOW - 7 * D, NOW - 6 * D - 3 * H, None),
    Row("in-flight", NOW - 1 * D, NOW + 3 * D, NOW - 2 * D, NOW - 1 * D - 5 * H, None),
    Row("delivered-early", NOW - 6 * D, NOW - 1 * D, NOW - 8 * D, NOW - 6 * D - 1 * H, NOW - 4 * D),
    Row("old", NOW - 40 * D, NOW - 35 * D, NOW - 41 * D, NOW - 40 * D - 1 * H, NOW - 37 * D),
]


@pytest.fixture
def shop(uow):
    set_clock(ManualClock(NOW - 45 * D))
    made = create_shop(uow, "Guard shop")
    try:
        for i, row in enumerate(SHOP):
            number = f"1Z999AA1{i:010d}"
            if row.uploaded is not None:
                set_clock(ManualClock(row.uploaded))
            order = Order(made.shop.id, f"ORD-{i}", OrderStatus.CANCELLED if row.cancelled else OrderStatus.IN_TRANSIT,
                          row.ship_by - 2 * D, row.uploaded or row.ship_by,
                          buyer=Buyer("Ann", Address(postal_code="02108", country="US")),
                          packages=(OrderPackage(f"P{i}", number, "ups"),),
                          deadlines=Deadlines(ship_by=row.ship_by, deliver_by=row.deliver_by,
                                              auto_cancel_at=row.auto_cancel_at))
            upsert_orders(uow, made.shop.id, [order], "sync")
            with uow.read():
                package_id = uow.orders.get(made.shop.id, f"ORD-{i}").package_ids[f"P{i}"]
            events = [TrackingEvent.create(row.uploaded, "info_received", None, "", None, HUB)]
            if row.scanned:
                events.append(TrackingEvent.create(row.scanned, "in_transit", "picked_up", "", None, HUB))
            if row.delivered:
                events.append(TrackingEvent.create(row.delivered, "delivered", None, "", None, HOME))
            record_scans(uow, made.shop.id, {package_id: events}, "api", NOW)
        yield made
    finally:
        set_clock(WallClock())


def direct_count(rows: list[Row], now: datetime) -> dict[str, tuple[int, int]]:
    """TikTok's definitions, counted by hand over the table."""
    live = [r for r in rows if not r.cancelled]
    dispatched = [r for r in live if r.scanned and now - 7 * D < r.scanned <= now]
    late = [r for r in dispatched if r.scanned > r.ship_by]
    uploaded = [r for r in live if r.uploaded and now - 30 * D < r.uploaded <= now]
    valid = [r for r in uploaded if r.scanned]
    judged = [r for r in uploaded if r.scanned or now - r.uploaded >= 72 * H]
    due = [r for r in live if now - 7 * D < r.deliver_by <= now]
    on_time = [r for r in due if r.delivered and r.delivered <= r.deliver_by]
    return {"ldr": (len(late), len(dispatched)), "vtr": (len(valid), len(judged)), "otdr": (len(on_time), len(due))}


def test_guard_figures_equal_a_direct_count(uow, shop):
    guard = tiktok_metrics(uow, shop.shop.id, NOW)
    expected = direct_count(SHOP, NOW)
    assert (guard.ldr.numerator, guard.ldr.denominator) == expected["ldr"] == (1, 5)
    assert (guard.vtr.numerator, guard.vtr.denominator) == expected["vtr"] == (5, 6)
    assert (guard.otdr.numerator, guard.otdr.denominator) == expected["otdr"] == (2, 4)
    assert guard.ldr.value == 0.2 and guard.ldr.breached
    assert guard.otdr.value == 0.5 and guard.otdr.breached
    assert {m.order_id for m in guard.ldr.movers} == {"ORD-1", "ORD-2"}  # late, and past its deadline unscanned
    assert guard.ldr.projected_numerator == 2 and guard.ldr.projected_denominator == 7  # + never-scanned, label-only
    assert [m.order_id for m in guard.vtr.movers] == ["ORD-2", "ORD-3"]  # invalid, then pending
    assert [m.order_id for m in guard.auto_cancel_risk] == ["ORD-2"]


def test_api_and_cli_show_the_guard_with_configurable_thresholds(uow, shop, api, database_url):
    set_clock(ManualClock(NOW))
    client = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {shop.api_key}"}, timeout=HUNG)
    body = client.get("/v1/metrics/tiktok").json()
    assert body["late_dispatch_rate"]["value"] == 0.2 and body["late_dispatch_rate"]["breached"] is True
    assert body["on_time_delivery_rate"]["threshold"] == 0.8
    relaxed = client.get("/v1/metrics/tiktok", params={"ldr_max": 0.25}).json()
    assert relaxed["late_dispatch_rate"]["breached"] is False
    assert client.get("/v1/metrics/tiktok", params={"ldr_max": 4}).status_code == 422
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url}
    printed = subprocess.run([sys.executable, "-m", "parceltrail", "metrics", "--shop", shop.shop.id, "--json"], env=env,
                             capture_output=True, text=True, timeout=120, check=False)
    assert printed.returncode == 0, printed.stderr
    assert set(json.loads(printed.stdout)) == {"as_of", "late_dispatch_rate", "valid_tracking_rate",
                                               "on_time_delivery_rate", "auto_cancel_risk"}
