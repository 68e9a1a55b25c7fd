"""A shop's own delivery history trains its model; estimates then blend toward it."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.core import Address, TrackingEvent
from parceltrail.services import create_shop, get_package, ingest_events, register_package
from parceltrail.services.clock import ManualClock, WallClock, set_clock

pytestmark = pytest.mark.slow  # scheduled first in make test's parallel run (docs/testing.md)

ZIPS = ["10001", "60601", "94105", "30301", "75201", "98101", "02108", "33101"]


def cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "parceltrail", *args], env=env, capture_output=True, text=True,
                          check=False, timeout=120)


def deliver_history(uow, shop_id: str, count: int, start: datetime = datetime(2026, 9, 1, 15, tzinfo=UTC),
                    prefix: str = "HIST") -> None:
    rng = random.Random(4)
    clock = ManualClock(start)
    set_clock(clock)
    try:
        for i in range(count):
            clock.advance(timedelta(hours=7))
            dest = ZIPS[i % len(ZIPS)]
            package = register_package(uow, shop_id, f"{prefix}{i:06d}", "ups", destination=Address(dest, "US"),
                                       origin=Address("40213", "US"), service="ground", force=True).package
            handoff = clock.now() + timedelta(hours=rng.uniform(4, 30))
            delivered = handoff + timedelta(days=2 + (i % len(ZIPS)) % 4, hours=rng.uniform(0, 8))
            ingest_events(uow, shop_id, package.id, [
                TrackingEvent.create(handoff, "in_transit", "picked_up", carrier_code="PU"),
                TrackingEvent.create(delivered, "delivered", carrier_code="DL"),
            ], now=delivered)  # the scans arrive as they happen: none is ahead of its own now
    finally:
        set_clock(WallClock())


def test_train_then_show_then_estimates_blend(uow, database_url):
    shop = create_shop(uow, "History").shop
    too_few = cli(database_url, "eta", "train", "--shop", shop.id)
    assert too_few.returncode == 1 and "needs at least 50" in too_few.stderr and "Traceback" not in too_few.stderr
    deliver_history(uow, shop.id, 120)

    before = json.loads(cli(database_url, "eta", "show", "--shop", shop.id, "--json").stdout)
    nothing_recent = {"delivered": 0, "inside_window": None, "promise_met": None, "mean_promise_slack_days": None,
                      "likely_within_1d": None, "short_of_claim": [], "beyond_claim": [],
                      "by_lane_length": {}}
    assert before == {"shop_id": shop.id, "delivered_packages": 120, "source": "carrier_standard", "model": None,
                      "track_record": {"days": 30, "placed": nothing_recent, "handoff": nothing_recent}}
    trained = cli(database_url, "eta", "train", "--shop", shop.id, "--json")
    assert trained.returncode == 0, trained.stderr
    assert json.loads(trained.stdout)["n_rows"] == 120
    after = json.loads(cli(database_url, "eta", "show", "--shop", shop.id, "--json").stdout)
    assert after["source"] == "blended" and after["model"]["n_rows"] == 120
    assert after["model"]["history_as_of"] == after["model"]["trained_at"]  # no daily refresh yet
    # how the shop's parcels were moving when its history was read: orders stopped coming in its last days
    assert after["model"]["network"] == {"US": {
        "orders_last_3_weeks": 54, "pace_days": 3.0, "delivered_of_placed_5_10_days_ago": None,
        "order_surge": 0.25, "handoff_pace_days": None,
    }}
    assert ("network US: 3 working days from order to door (median of 54 orders of the last 3 weeks); "
            "this week's orders 0.2x the usual") in cli(database_url, "eta", "show", "--shop", shop.id).stdout

    fresh = register_package(uow, shop.id, "NEW000001", "ups", destination=Address("10001", "US"),
                             origin=Address("40213", "US"), service="ground", force=True).package
    estimate = get_package(uow, shop.id, fresh.id).estimate
    assert estimate.source == "blended" and "120 own deliveries" in estimate.reason


def test_unknown_shop_is_one_line(database_url, engine):
    result = cli(database_url, "eta", "show", "--shop", "shop_nope")
    assert result.returncode == 1 and result.stderr == "error: no shop with id 'shop_nope'\n"


def test_daily_refresh_rereads_history_and_keeps_the_trees(uow, database_url):
    from parceltrail import eta
    from parceltrail.services.history import refresh_shop_models, train_shop_model

    shop = create_shop(uow, "Refresh").shop
    deliver_history(uow, shop.id, 80)
    train_shop_model(uow, shop.id)
    with uow.read():
        trained = uow.history.model_info(shop.id)
        before = eta.Model.from_json(json.loads(uow.history.model_body(shop.id)))
    assert trained.history_as_of is None
    deliver_history(uow, shop.id, 30, datetime(2026, 10, 15, tzinfo=UTC), "LATE")  # later deliveries: the lane numbers must now include them

    assert refresh_shop_models(uow) == 1
    with uow.read():
        info = uow.history.model_info(shop.id)
        after = eta.Model.from_json(json.loads(uow.history.model_body(shop.id)))
    assert info.trained_at == trained.trained_at and info.history_as_of is not None
    assert after.snapshot.summary("seller_total", shop.id)[0] == 110
    # trained as of its last delivery, which history reads strictly before: 79 of the 80
    assert before.snapshot.summary("seller_total", shop.id)[0] == 79
    assert [b.model_to_string() for b in after.boosters["placed"]] == [
        b.model_to_string() for b in before.boosters["placed"]]
    fresh = register_package(uow, shop.id, "NEW000002", "ups", destination=Address("10001", "US"),
                             origin=Address("40213", "US"), service="ground", force=True).package
    assert get_package(uow, shop.id, fresh.id).estimate.source == "blended"


def test_refresh_counts_the_shops_parcels_still_in_flight(uow, database_url):
    from parceltrail import eta
    from parceltrail.services.history import refresh_shop_models, train_shop_model

    shop = create_shop(uow, "Flow").shop
    deliver_history(uow, shop.id, 60)
    train_shop_model(uow, shop.id)
    # 30 orders on Oct 22-26: ten arrive, twenty are still out, one more was cancelled (never shipped)
    clock = ManualClock(datetime(2026, 10, 22, 1, tzinfo=UTC))
    set_clock(clock)
    try:
        for i in range(31):
            package = register_package(uow, shop.id, f"OPEN{i:04d}", "ups", destination=Address("10001", "US"),
                                       origin=Address("40213", "US"), service="ground", force=True).package
            if i < 10:
                ingest_events(uow, shop.id, package.id, [
                    TrackingEvent.create(clock.now() + timedelta(hours=5), "in_transit", "picked_up", carrier_code="PU"),
                    TrackingEvent.create(clock.now() + timedelta(days=2), "delivered", carrier_code="DL"),
                ], now=clock.now() + timedelta(days=2))
            elif i == 30:
                ingest_events(uow, shop.id, package.id, [
                    TrackingEvent.create(clock.now() + timedelta(hours=1), "cancelled", carrier_code="CX")])
            clock.advance(timedelta(hours=3))
        set_clock(ManualClock(datetime(2026, 11, 1, 12, tzinfo=UTC)))
        assert refresh_shop_models(uow) == 1
    finally:
        set_clock(WallClock())
    with uow.read():
        model = eta.Model.from_json(json.loads(uow.history.model_body(shop.id)))
    # the cohort placed 5-10 days before Nov 1: 30 shipped orders, a third of them delivered
    assert model.snapshot.summary("placed_flow", "US")[2] == round(10 / 30, 4)


def test_a_model_file_from_an_older_version_falls_back_to_carrier_standards(uow, database_url):
    from parceltrail.services.history import refresh_shop_models, train_shop_model

    shop = create_shop(uow, "Upgraded").shop
    deliver_history(uow, shop.id, 60)
    train_shop_model(uow, shop.id)
    with uow:  # what an install upgraded from the previous file version holds
        info = uow.history.model_info(shop.id)
        body = json.loads(uow.history.model_body(shop.id))
        uow.history.put_model(shop.id, info.trained_at + timedelta(seconds=1), info.n_rows,
                              json.dumps({**body, "version": 3}))
        uow.commit()

    fresh = register_package(uow, shop.id, "OLD000001", "ups", destination=Address("10001", "US"),
                             origin=Address("40213", "US"), service="ground", force=True).package
    assert get_package(uow, shop.id, fresh.id).estimate.source == "carrier_standard"
    assert refresh_shop_models(uow) == 0  # skipped, not crashed
    shown = cli(database_url, "eta", "show", "--shop", shop.id)
    assert shown.returncode == 0 and "new estimates come from: carrier_standard" in shown.stdout
    assert "model not used: model file version 3 is not supported" in shown.stdout
    assert "eta train --shop ID" in shown.stdout
    as_json = json.loads(cli(database_url, "eta", "show", "--shop", shop.id, "--json").stdout)
    assert as_json["source"] == "carrier_standard" and "version 3" in as_json["model"]["refused"]
    retrained = cli(database_url, "eta", "train", "--shop", shop.id)
    assert retrained.returncode == 0, retrained.stderr
    assert "spread: the shipped defaults" in retrained.stdout  # without --own-spread
    again = register_package(uow, shop.id, "OLD000002", "ups", destination=Address("10001", "US"),
                             origin=Address("40213", "US"), service="ground", force=True).package
    assert get_package(uow, shop.id, again.id).estimate.source == "blended"


def test_track_record_says_how_the_first_estimates_held_on_the_shops_own_parcels(uow, database_url):
    from parceltrail.services.scans import record_scans
    from parceltrail.services.track_record import track_record

    shop = create_shop(uow, "Record").shop
    start = datetime(2026, 9, 1, 15, tzinfo=UTC)
    deliver_history(uow, shop.id, 40, start)  # stored without revisions: estimated at order time only
    clock = ManualClock(start + timedelta(days=15))
    set_clock(clock)
    try:
        for i in range(3):  # these three are estimated again when the carrier takes them
            package = register_package(uow, shop.id, f"SEEN{i:06d}", "ups", destination=Address("10001", "US"),
                                       origin=Address("40213", "US"), service="ground", force=True).package
            clock.advance(timedelta(hours=5))
            record_scans(uow, shop.id, {package.id: [
                TrackingEvent.create(clock.now(), "in_transit", "picked_up", carrier_code="PU")]}, "api")
            clock.advance(timedelta(days=1 + i))
            record_scans(uow, shop.id, {package.id: [
                TrackingEvent.create(clock.now(), "delivered", carrier_code="DL")]}, "api")
        clock.advance(timedelta(days=1))
        record = track_record(uow, shop.id)
    finally:
        set_clock(WallClock())
    assert record["placed"].delivered == 43 and record["handoff"].delivered == 3
    # per lane length: the three parcels from Louisville to New York (about 1,040 km) are regional
    handoff = record["handoff"]
    assert list(handoff.by_lane_length) == ["300_to_1500_km"]
    assert handoff.by_lane_length["300_to_1500_km"].promise_met == handoff.promise_met
    assert sum(r.delivered for r in record["placed"].by_lane_length.values()) == 43
    # the same figures, package by package, from each package's own estimate history
    from parceltrail.services.estimates import zone_of

    with uow.read():
        delivered = uow.history.delivered(shop.id)
        firsts = {r.id: next(e for e in uow.estimates.history(r.id) if e.moment == "placed") for r in delivered}
    days = {r.id: r.delivered_at.astimezone(zone_of(Address(r.dest_postal_code, r.dest_country))).date()
            for r in delivered}
    inside = sum(firsts[i].earliest <= d <= firsts[i].latest for i, d in days.items()) / 43
    met = sum(d <= firsts[i].promise for i, d in days.items()) / 43
    assert record["placed"].inside_window == round(inside, 4) and record["placed"].promise_met == round(met, 4)
    assert 0 < record["placed"].promise_met <= 1 and record["placed"].mean_promise_slack_days is not None
    # forty days on, those deliveries are out of the 30-day record
    set_clock(ManualClock(start + timedelta(days=60)))
    try:
        assert track_record(uow, shop.id)["placed"].delivered == 0
    finally:
        set_clock(WallClock())
    shown = cli(database_url, "eta", "show", "--shop", shop.id)
    assert "track record, order placed, last 30 days: no delivered package had an estimate then" in shown.stdout


def test_eta_show_breaks_the_track_record_down_by_lane_length(uow, database_url):
    shop = create_shop(uow, "Lanes").shop
    # forty parcels from Louisville over the last few weeks: Chicago, Atlanta, New York, Dallas, Boston and
    # Miami are 300-1500 km away, San Francisco and Seattle farther
    deliver_history(uow, shop.id, 40, start=datetime.now(UTC).replace(microsecond=0) - timedelta(days=20))
    shown = cli(database_url, "eta", "show", "--shop", shop.id)
    assert shown.returncode == 0, shown.stderr
    assert "  by lane length: 300-1500 km: 30 delivered, " in shown.stdout
    assert "; 1500 km and over: 10 delivered, " in shown.stdout
    report = json.loads(cli(database_url, "eta", "show", "--shop", shop.id, "--json").stdout)
    lanes = report["track_record"]["placed"]["by_lane_length"]
    assert list(lanes) == ["300_to_1500_km", "1500_km_and_over"]
    assert lanes["300_to_1500_km"]["delivered"] + lanes["1500_km_and_over"]["delivered"] == 40


def test_own_spread_is_chosen_on_the_shops_months_and_shown(uow, database_url):
    shop = create_shop(uow, "Own spread").shop
    deliver_history(uow, shop.id, 150)  # Sep 1 to Oct 15, 2026: one qualifying month at most
    short = cli(database_url, "eta", "train", "--shop", shop.id, "--own-spread")
    assert short.returncode == 1 and "Traceback" not in short.stderr
    assert "an own spread needs 3 complete months" in short.stderr and "this history has" in short.stderr
    with uow.read():
        assert uow.history.model_info(shop.id) is None  # refused whole: nothing stored

    deliver_history(uow, shop.id, 850, datetime(2026, 10, 16, 15, tzinfo=UTC), "MORE")  # on to late June 2027
    trained = cli(database_url, "eta", "train", "--shop", shop.id, "--own-spread", "--json")
    assert trained.returncode == 0, trained.stderr
    spread = json.loads(trained.stdout)["spread"]
    assert spread["source"] == "own_months" and len(spread["months"]) >= 3 and spread["orders"] >= 600
    assert all(held["coverage"] >= 0.8 and held["on_time"] >= 0.95 for held in spread["held"].values())
    shown = cli(database_url, "eta", "show", "--shop", shop.id)
    assert f"spread: chosen on this shop's months {spread['months'][0]} to {spread['months'][-1]}" in shown.stdout
    assert json.loads(cli(database_url, "eta", "show", "--shop", shop.id, "--json").stdout)["model"]["spread"] == spread


def test_a_handoff_is_the_first_scan_before_the_last_mile_never_the_delivery(uow, database_url):
    from parceltrail.services.history import shop_history

    shop = create_shop(uow, "Handoffs").shop
    start = datetime(2026, 9, 1, 15, tzinfo=UTC)
    set_clock(ManualClock(start))
    try:
        timelines = {
            "ONLYDL": [(2, "delivered", "DL")],  # the carrier only ever said "delivered"
            "OFDDL": [(2, "out_for_delivery", "OD"), (2.3, "delivered", "DL")],
            "SCANNED": [(1, "out_for_delivery", "OD"), (0.5, "in_transit", "AR"), (2, "delivered", "DL")],
        }
        ids = {}
        for number, timeline in timelines.items():
            package = register_package(uow, shop.id, number, "ups", destination=Address("10001", "US"),
                                       origin=Address("40213", "US"), service="ground", force=True).package
            ingest_events(uow, shop.id, package.id, [
                TrackingEvent.create(start + timedelta(days=d), status, carrier_code=code) for d, status, code in timeline],
                now=start + timedelta(days=3))
            ids[package.id] = number
    finally:
        set_clock(WallClock())
    by_number = {ids[row.package_id]: row.handed_over_at for row in shop_history(uow, shop.id)}
    assert by_number["ONLYDL"] is None and by_number["OFDDL"] is None
    assert by_number["SCANNED"] == start + timedelta(days=0.5)
