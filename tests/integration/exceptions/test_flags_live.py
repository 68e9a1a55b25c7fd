"""Flags live: raised when scans arrive and when time passes, stored with their history, listed by the API
and the CLI, turned into cases; estimates that tell the truth about exceptions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from parceltrail.core import Address, Location, TrackingEvent
from parceltrail.core.orders import Buyer, Deadlines, Order, OrderPackage, OrderStatus
from parceltrail.services import create_shop, record_scans, register_package
from parceltrail.services.clock import ManualClock, WallClock, set_clock
from parceltrail.services.exceptions import evaluate_due
from parceltrail.services.orders import upsert_orders
from parceltrail.store import PackageFilter
from tests.conftest import HUNG

T0 = datetime(2025, 12, 1, 15, 0, tzinfo=UTC)  # Mon Dec 1 2025, 10:00 EST
NEWARK = Location("Newark", "NJ", "07102", "US")
LOUISVILLE = Location("Louisville", "KY", "40213", "US")
BOSTON = Location("Boston", "MA", "02108", "US")


@pytest.fixture
def clock():
    manual = ManualClock(T0)
    set_clock(manual)
    yield manual
    set_clock(WallClock())


def scan(when, status="in_transit", substatus=None, where=LOUISVILLE, description=""):
    return TrackingEvent.create(when, status, substatus, description, None, where)


def cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "parceltrail", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def _order(shop_id: str, number: str, ship_by: datetime, deliver_by: datetime) -> Order:
    return Order(shop_id, "5761000000000001", OrderStatus.AWAITING_COLLECTION, T0 - timedelta(days=1), T0,
                 buyer=Buyer("Ann Lee", Address(postal_code="02108", country="US", city="Boston")),
                 packages=(OrderPackage("9001", number, "ups"),),
                 deadlines=Deadlines(ship_by=ship_by, deliver_by=deliver_by, auto_cancel_at=ship_by + timedelta(days=5)))


def _registered(uow, shop_id: str, number: str = "1Z999AA10123456784"):
    return register_package(uow, shop_id, number, "ups", destination=Address(postal_code="02108", country="US"),
                            origin=Address(postal_code="07102", country="US"), service="ground").package


def test_a_parcel_that_stops_moving_is_stale_then_lost_then_closed_by_a_scan(uow, clock):
    shop = create_shop(uow, "Live flags").shop
    package = _registered(uow, shop.id)
    record_scans(uow, shop.id, {package.id: [scan(T0, "in_transit", "picked_up", NEWARK),
                                             scan(T0 + timedelta(hours=8))]}, "api", T0 + timedelta(hours=9))
    with uow.read():
        assert uow.flags.open_for([package.id])[package.id] == []
    evaluate_due(uow, T0 + timedelta(days=3))  # Thu: 2 working days without a scan
    with uow.read():
        (stale,) = uow.flags.open_for([package.id])[package.id]
    assert stale.type == "stale" and "Louisville, KY" in stale.reason
    lost_moment = T0 + timedelta(hours=8) + timedelta(days=9)  # 7 business days after Mon 18:00 EST
    evaluate_due(uow, lost_moment)
    with uow.read():
        open_now = {f.type: f for f in uow.flags.open_for([package.id])[package.id]}
        assert set(open_now) == {"lost", "late"}  # without an order, the first promise made is the deadline
        lost = open_now["lost"]
        assert lost.since == lost_moment
        assert uow.flags.get(shop.id, stale.id).closed_at == lost_moment
        cases = uow.cases.for_packages([package.id])
        withheld = uow.estimates.withheld([package.id])
    case = cases[(package.id, "not_moving")]
    assert case.state == "open" and "claim" in case.next_action and "UPS" in case.next_action
    assert withheld[package.id].startswith("no delivery estimate: no carrier scan since")
    found = lost_moment + timedelta(hours=3)
    record_scans(uow, shop.id, {package.id: [scan(lost_moment + timedelta(hours=2), where=BOSTON)]}, "api", found)
    with uow.read():
        assert [f.type for f in uow.flags.open_for([package.id])[package.id]] == ["late"]
        history = [c.change for c in uow.flags.history(lost.id)]
        trail = [e.action for e in uow.cases.trail(case.id)]
        resolved = uow.cases.for_packages([package.id])[(package.id, "not_moving")]
        assert uow.estimates.withheld([package.id]) == {}  # found again: estimated again
        assert uow.estimates.current([package.id])[package.id].moment != "withheld"
    assert history == ["opened", "closed"]
    assert trail[0] == "opened" and trail[-1] == "resolved" and resolved.outcome == "cleared"


def test_dispatch_deadline_from_the_order_opens_no_first_scan_and_a_case(uow, clock):
    shop = create_shop(uow, "Dispatch").shop
    ship_by = T0 + timedelta(days=1)
    upsert_orders(uow, shop.id, [_order(shop.id, "1Z999AA10123456784", ship_by, T0 + timedelta(days=12))], "sync")
    evaluate_due(uow, ship_by - timedelta(hours=10))
    with uow.read():
        (package_id,) = [r.id for r in uow.packages.page(shop.id, PackageFilter(), 10)]
        flags = {f.type: f for f in uow.flags.open_for([package_id])[package_id]}
    assert list(flags) == ["at_risk"], [(f.type, f.reason) for f in flags.values()]
    assert flags["at_risk"].due == ship_by
    evaluate_due(uow, ship_by + timedelta(minutes=1))
    with uow.read():
        kinds = sorted(f.type for f in uow.flags.open_for([package_id])[package_id])
        case = uow.cases.for_packages([package_id])[(package_id, "dispatch")]
    assert kinds == ["no_first_scan"] and "first scan" in case.next_action


def test_the_api_lists_filters_and_isolates_flags_and_works_cases(uow, api, clock):
    shop = create_shop(uow, "API flags")
    other = create_shop(uow, "Other shop")
    package = _registered(uow, shop.shop.id)
    record_scans(uow, shop.shop.id, {package.id: [scan(T0, "in_transit", "picked_up", NEWARK),
                                                  scan(T0 + timedelta(hours=8))]}, "api", T0 + timedelta(hours=9))
    evaluate_due(uow, T0 + timedelta(days=3))
    evaluate_due(uow, T0 + timedelta(days=10))
    client = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {shop.api_key}"}, timeout=HUNG)
    everything = client.get("/v1/exceptions").json()["items"]
    assert sorted((f["type"], f["severity"], f["tracking_number"]) for f in everything) == [
        ("late", "critical", "1Z999AA10123456784"), ("lost", "critical", "1Z999AA10123456784")]
    listed = client.get("/v1/exceptions", params={"type": "lost"}).json()["items"]
    assert [f["type"] for f in listed] == ["lost"]
    assert client.get("/v1/exceptions", params={"type": "stale"}).json()["items"] == []
    page = client.get("/v1/exceptions", params={"limit": 1}).json()
    rest = client.get("/v1/exceptions", params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert len(page["items"]) == len(rest["items"]) == 1 and rest["next_cursor"] is None
    far = client.get("/v1/exceptions", params={"deliver_by_before": "2030-01-01T00:00:00Z"}).json()["items"]
    assert far == []  # a parcel without an order has no order deadline
    closed = client.get("/v1/exceptions", params={"state": "closed", "type": "stale"}).json()["items"]
    assert len(closed) == 1 and closed[0]["closed_at"] is not None
    assert client.get("/v1/exceptions", params={"carrier": "fedex"}).json()["items"] == []
    assert client.get("/v1/exceptions", params={"severity": "loud"}).status_code == 422
    detail = client.get(f"/v1/exceptions/{listed[0]['id']}").json()
    assert [h["change"] for h in detail["history"]] == ["opened"]
    shown = client.get(f"/v1/packages/{package.id}").json()
    assert sorted(f["type"] for f in shown["flags"]) == ["late", "lost"]
    assert shown["estimated_delivery"] is None and shown["estimate_withheld"].startswith("no delivery estimate")
    stranger = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {other.api_key}"}, timeout=HUNG)
    assert stranger.get("/v1/exceptions").json()["items"] == []
    assert stranger.get(f"/v1/exceptions/{listed[0]['id']}").status_code == 404
    case_id = listed[0]["case_id"]
    assert stranger.get(f"/v1/cases/{case_id}").status_code == 404
    ack = client.patch(f"/v1/cases/{case_id}", json={"state": "acknowledged", "assignee": "sam", "actor": "sam"})
    assert ack.status_code == 200 and ack.json()["assignee"] == "sam"
    wrong = client.patch(f"/v1/cases/{case_id}", json={"state": "resolved"})
    assert wrong.status_code == 422 and "outcome" in wrong.text
    waiting = client.patch(f"/v1/cases/{case_id}", json={"state": "waiting_on_carrier", "note": "trace 1234 opened"})
    done = client.patch(f"/v1/cases/{case_id}", json={"state": "resolved", "outcome": "claim_filed", "actor": "sam"})
    assert waiting.status_code == 200 and done.json()["state"] == "resolved" and done.json()["outcome"] == "claim_filed"
    trail = done.json()["trail"]
    assert [(e["actor"], e["action"]) for e in trail] == [
        ("parceltrail", "opened"), ("parceltrail", "escalated"),  # stale, then lost: one case that got worse
        ("sam", "updated"), ("api", "updated"), ("sam", "resolved")]
    assert trail[3]["note"] == "trace 1234 opened" and trail[2]["changes"]["state"] == ["open", "acknowledged"]
    assert [c["problem"] for c in client.get("/v1/cases").json()["items"]] == ["late"]  # resolved ones are not listed
    manual = client.post("/v1/cases", json={"package_id": package.id, "note": "buyer says the box was open"})
    assert manual.status_code == 201 and manual.json()["problem"] == "other"


def test_cli_lists_flags_and_cases(uow, database_url, clock):
    shop = create_shop(uow, "CLI flags").shop
    package = _registered(uow, shop.id)
    record_scans(uow, shop.id, {package.id: [scan(T0, "in_transit", "picked_up", NEWARK),
                                             scan(T0 + timedelta(hours=8))]}, "api", T0 + timedelta(hours=9))
    evaluate_due(uow, T0 + timedelta(days=10))
    flags = cli(database_url, "exceptions", "list", "--json", "--type", "lost")
    assert flags.returncode == 0, flags.stderr
    assert [f["type"] for f in json.loads(flags.stdout)] == ["lost"]
    bad = cli(database_url, "exceptions", "list", "--type", "sideways")
    assert bad.returncode == 1 and bad.stderr.startswith("error: --type 'sideways'")
    cases = [c for c in json.loads(cli(database_url, "cases", "list", "--json").stdout) if c["problem"] == "not_moving"]
    assert len(cases) == 1
    moved = cli(database_url, "cases", "update", cases[0]["id"], "--state", "resolved", "--outcome", "refunded",
                "--actor", "ops")
    assert moved.returncode == 0 and "resolved (refunded)" in moved.stdout
    refused = cli(database_url, "cases", "update", cases[0]["id"], "--state", "waiting_on_buyer")
    assert refused.returncode == 1 and "a resolved case can move to open" in refused.stderr


def test_estimates_tell_the_truth_about_exceptions(uow, clock):
    shop = create_shop(uow, "Honest estimates").shop
    package = _registered(uow, shop.id)
    record_scans(uow, shop.id, {package.id: [scan(T0, "in_transit", "picked_up", NEWARK)]}, "api", T0)
    with uow.read():
        before = uow.estimates.current([package.id])[package.id]
        count = len(uow.estimates.history(package.id))
    near = T0 + timedelta(days=1)
    record_scans(uow, shop.id, {package.id: [scan(near, "exception", "weather_delay", BOSTON, "Severe weather")]},
                 "api", near)
    with uow.read():
        held = uow.estimates.current([package.id])[package.id]
    assert held.likely >= before.likely and held.promise >= before.promise  # a delay never brings it forward
    record_scans(uow, shop.id, {package.id: [scan(near + timedelta(hours=1), "exception", "weather_delay", BOSTON,
                                                  "Severe weather, still")]}, "api", near + timedelta(hours=1))
    with uow.read():
        assert len(uow.estimates.history(package.id)) <= count + 1  # the same estimate again is not a revision
    record_scans(uow, shop.id, {package.id: [scan(near + timedelta(days=1), "returning", None, BOSTON)]}, "api",
                 near + timedelta(days=1))
    with uow.read():
        assert package.id not in uow.estimates.current([package.id])
        assert uow.estimates.withheld([package.id])[package.id] == \
            "no delivery estimate: the carrier is returning the parcel to the sender"



def _late_on_the_promised_day(uow, name: str):
    """A parcel at its delivery station the night before the day promised, not out for delivery at 11:30."""
    shop = create_shop(uow, name).shop
    package = _registered(uow, shop.id)
    record_scans(uow, shop.id, {package.id: [scan(T0, "in_transit", "picked_up", NEWARK)]}, "api", T0)
    with uow.read():
        first, _ = uow.estimates.firsts([package.id])[package.id]
    day = datetime.combine(first.promise, datetime.min.time(), tzinfo=ZoneInfo("America/New_York"))
    record_scans(uow, shop.id, {package.id: [scan(day - timedelta(hours=4), "in_transit", "arrived_at_facility",
                                                  BOSTON)]}, "api", day - timedelta(hours=3))
    evaluate_due(uow, day + timedelta(hours=11, minutes=30))
    with uow.read():
        (late,) = uow.flags.open_for([package.id])[package.id]
    assert late.type == "late" and "not out for delivery" in late.reason, late.reason
    return shop, package, day, late


def test_an_open_flag_keeps_when_it_became_true_as_news_moves_the_reasoning(uow, clock):
    shop, package, day, late = _late_on_the_promised_day(uow, "Since kept")
    assert late.since == day + timedelta(hours=11)
    record_scans(uow, shop.id, {package.id: [scan(day + timedelta(hours=12), "in_transit", "departed_facility",
                                                  BOSTON)]}, "api", day + timedelta(hours=12, minutes=5))
    with uow.read():
        (still,) = uow.flags.open_for([package.id])[package.id]
    assert still.id == late.id and still.since == day + timedelta(hours=11)  # the detector alone now says 12:00


def test_a_closed_flag_is_retracted_when_a_scan_from_before_it_is_heard_after_it_closed(uow, clock):
    """Out for delivery at 8:30, heard only after the delivery: the 11:00 "not out for delivery, so late"
    warning closed on the delivery, and the late scan then shows it was never true."""
    shop, package, day, late = _late_on_the_promised_day(uow, "Late scans")
    record_scans(uow, shop.id, {package.id: [scan(day + timedelta(hours=13), "delivered", None, BOSTON)]}, "api",
                 day + timedelta(hours=13, minutes=10))
    with uow.read():
        assert uow.flags.open_for([package.id])[package.id] == []
        assert uow.flags.get(shop.id, late.id).retracted is False  # by what we knew then, it was true
    record_scans(uow, shop.id, {package.id: [scan(day + timedelta(hours=8, minutes=30), "out_for_delivery", None,
                                                  BOSTON)]}, "api", day + timedelta(hours=13, minutes=20))
    with uow.read():
        after = uow.flags.get(shop.id, late.id)
        history = [c.change for c in uow.flags.history(late.id)]
    assert after.retracted and after.closed_at == day + timedelta(hours=13, minutes=10)
    assert history == ["opened", "closed", "retracted"]
    record_scans(uow, shop.id, {package.id: [scan(day + timedelta(hours=13), "delivered", None, BOSTON,
                                                  "Left at front door")]}, "api", day + timedelta(hours=14))
    with uow.read():
        assert [c.change for c in uow.flags.history(late.id)] == history  # retracted once, not again
