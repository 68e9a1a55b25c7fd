"""The demo's accelerated clock belongs to the demo shop alone (issue 17 item 12): a real shop served beside
the demo keeps real time for registration, scans and expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.core import Status, TrackingEvent
from parceltrail.services import create_shop, expire_quiet_packages, get_package, ingest_events, register_package
from parceltrail.services.clock import WallClock, clear_shop_clocks, set_clock, shop_clocks, utcnow
from parceltrail.store import PackageFilter


@pytest.fixture
def demo(settings, engine):
    from parceltrail.demo import DemoConfig, start_demo

    running, _ = start_demo(settings, engine, "127.0.0.1", 9, DemoConfig(first_batch=3))
    yield running
    clear_shop_clocks()
    set_clock(WallClock())


def test_a_real_shop_keeps_real_time_while_the_demo_replays(demo, uow):
    real = create_shop(uow, "Real shop").shop
    assert list(shop_clocks()) == [demo.shop_id]
    assert utcnow(demo.shop_id) < datetime.now(UTC) - timedelta(days=13)
    assert abs(utcnow(real.id) - datetime.now(UTC)) < timedelta(minutes=1)

    package = register_package(uow, real.id, "1Z999AA10123456784", "ups").package
    assert abs(package.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    ingest_events(uow, real.id, package.id, [TrackingEvent.create(datetime.now(UTC) - timedelta(hours=2),
                                                                  "in_transit", carrier_code="AR")])
    assert abs(get_package(uow, real.id, package.id).package.updated_at - datetime.now(UTC)) < timedelta(minutes=1)

    assert demo.ship_due() == 3
    with uow.read():
        demo_packages = uow.packages.page(demo.shop_id, PackageFilter(), 10)
    assert len(demo_packages) == 3
    assert all(p.created_at < datetime.now(UTC) - timedelta(days=13) for p in demo_packages)


def test_expiry_judges_each_shop_on_its_own_clock(demo, uow):
    real = create_shop(uow, "Real shop").shop
    quiet = register_package(uow, real.id, "PKG0001").package
    ingest_events(uow, real.id, quiet.id, [TrackingEvent.create(datetime.now(UTC) - timedelta(days=20),
                                                                "in_transit", carrier_code="AR")])
    # 20 days of silence is not 30 on the real clock; a global demo clock 14 days behind made it 6
    assert expire_quiet_packages(uow, after_days=30) == 0
    assert expire_quiet_packages(uow, after_days=15) == 1
    assert get_package(uow, real.id, quiet.id).package.state.status is Status.EXPIRED
