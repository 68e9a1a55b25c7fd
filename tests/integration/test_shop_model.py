"""A shop's own delivery history trains its model; estimates then blend toward it."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from parceltrail.core import Address, TrackingEvent
from parceltrail.services import create_shop, get_package, ingest_events, register_package
from parceltrail.services.clock import ManualClock, WallClock, set_clock

ZIPS = ["10001", "60601", "94105", "30301", "75201", "98101", "02108", "33101"]


def cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "parceltrail", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def deliver_history(uow, shop_id: str, count: int) -> None:
    rng = random.Random(4)
    clock = ManualClock(datetime(2026, 9, 1, 15, tzinfo=UTC))
    set_clock(clock)
    try:
        for i in range(count):
            clock.advance(timedelta(hours=7))
            dest = ZIPS[i % len(ZIPS)]
            package = register_package(uow, shop_id, f"HIST{i:06d}", "ups", destination=Address(dest, "US"),
                                       origin=Address("40213", "US"), service="ground").package
            handoff = clock.now() + timedelta(hours=rng.uniform(4, 30))
            delivered = handoff + timedelta(days=2 + (i % len(ZIPS)) % 4, hours=rng.uniform(0, 8))
            ingest_events(uow, shop_id, package.id, [
                TrackingEvent.create(handoff, "in_transit", "picked_up", carrier_code="PU"),
                TrackingEvent.create(delivered, "delivered", carrier_code="DL"),
            ])
    finally:
        set_clock(WallClock())


def test_train_then_show_then_estimates_blend(uow, database_url):
    shop = create_shop(uow, "History").shop
    too_few = cli(database_url, "eta", "train", "--shop", shop.id)
    assert too_few.returncode == 1 and "needs at least 50" in too_few.stderr and "Traceback" not in too_few.stderr
    deliver_history(uow, shop.id, 120)

    before = json.loads(cli(database_url, "eta", "show", "--shop", shop.id, "--json").stdout)
    assert before == {"shop_id": shop.id, "delivered_packages": 120, "source": "carrier_standard", "model": None}
    trained = cli(database_url, "eta", "train", "--shop", shop.id, "--json")
    assert trained.returncode == 0, trained.stderr
    assert json.loads(trained.stdout)["n_rows"] == 120
    after = json.loads(cli(database_url, "eta", "show", "--shop", shop.id, "--json").stdout)
    assert after["source"] == "blended" and after["model"]["n_rows"] == 120

    fresh = register_package(uow, shop.id, "NEW000001", "ups", destination=Address("10001", "US"),
                             origin=Address("40213", "US"), service="ground").package
    estimate = get_package(uow, shop.id, fresh.id).estimate
    assert estimate.source == "blended" and "120 own deliveries" in estimate.reason


def test_unknown_shop_is_one_line(database_url, engine):
    result = cli(database_url, "eta", "show", "--shop", "shop_nope")
    assert result.returncode == 1 and result.stderr == "error: no shop with id 'shop_nope'\n"
