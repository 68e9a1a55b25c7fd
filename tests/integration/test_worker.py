"""The background worker: a real Huey consumer on a SQLite queue runs the expiry job against the database."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from parceltrail.core import Status, TrackingEvent
from parceltrail.services import create_shop, get_package, ingest_events, register_package
from parceltrail.worker import build_worker
from parceltrail.worker.jobs import every
from tests.conftest import HUNG


def test_worker_expires_a_quiet_package_from_the_queue(settings, engine, uow):
    shop = create_shop(uow, "Quiet").shop
    package = register_package(uow, shop.id, "PKG0001").package
    long_ago = datetime.now(UTC) - timedelta(days=45)
    ingest_events(uow, shop.id, package.id, [TrackingEvent.create(long_ago, "in_transit", carrier_code="AR")])
    fresh = register_package(uow, shop.id, "PKG0002").package

    worker = build_worker(settings, engine, embedded=True)
    worker.jobs["expire_quiet_packages"]()  # enqueue now instead of waiting for the schedule
    worker.consumer.start()
    try:
        deadline = time.monotonic() + HUNG
        while get_package(uow, shop.id, package.id).package.state.status is not Status.EXPIRED:
            assert time.monotonic() < deadline, "the worker did not run the expiry job"
            time.sleep(0.1)
    finally:
        worker.consumer.stop(graceful=True)
    assert get_package(uow, shop.id, fresh.id).package.state.status is Status.PENDING


def test_expiry_schedule_fires_on_its_interval():
    due = every(15)
    fired = [m for m in range(120) if due(datetime(2026, 11, 25, m // 60, m % 60, tzinfo=UTC))]
    assert fired == [0, 15, 30, 45, 60, 75, 90, 105]
