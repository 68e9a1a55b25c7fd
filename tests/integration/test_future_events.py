"""Events from the future (issue 17 item 11): a scan dated more than a day ahead is stored, flagged and
explained, never becomes delivered_at or moves the state, and counts once it is due (re-fold)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.core import Status, TrackingEvent
from parceltrail.services import get_package, ingest_events
from parceltrail.services.refold import refold_matured
from tests.integration.api_client import cli, shop_client


@pytest.fixture
def client(uow, api):
    return shop_client(uow, api.url, "Future shop")


def test_a_scan_dated_2031_is_kept_flagged_and_moves_nothing(client, database_url):
    package = client.post("/v1/packages", json={"tracking_number": "1Z999AA10123456784",
                                                "destination": {"postal_code": "10001", "country": "US"}}).json()
    now = datetime.now(UTC)
    scans = [{"occurred_at": (now - timedelta(hours=5)).isoformat(), "status": "in_transit", "carrier_code": "AR"},
             {"occurred_at": "2031-03-02T10:00:00Z", "status": "delivered", "substatus": "left_at_door",
              "carrier_code": "DL"}]
    posted = client.post(f"/v1/packages/{package['id']}/events", json={"events": scans}).json()
    assert (posted["accepted"], posted["package"]["status"], posted["package"]["delivered_at"]) == (2, "in_transit",
                                                                                                    None)
    detail = client.get(f"/v1/packages/{package['id']}").json()
    assert [(e["status"], e["counts"]) for e in detail["events"]] == [("in_transit", True), ("delivered", False)]
    assert detail["event_count"] == 2 and detail["status"] == "in_transit"
    [warning] = [w for w in detail["warnings"] if w["code"] == "future_events"]
    assert "2031-03-02 10:00 UTC" in warning["message"] and "time zone" in warning["message"]
    assert detail["estimated_delivery"]["likely"] < "2031-01-01"  # the estimate ignores the 2031 scan
    shown = cli(database_url, "packages", "show", package["id"])
    assert "(not yet)" in shown.stdout and "future_events" in shown.stdout


def test_held_back_scans_count_once_due_by_ingest_or_by_the_worker_refold(uow):
    from parceltrail.services import create_shop, register_package

    shop = create_shop(uow, "Refold shop").shop
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    a = register_package(uow, shop.id, "PKG0001").package
    b = register_package(uow, shop.id, "PKG0002").package
    ahead = TrackingEvent.create(now + timedelta(days=3), "delivered", carrier_code="DL")
    for package in (a, b):
        ingest_events(uow, shop.id, package.id, [TrackingEvent.create(now, "in_transit", carrier_code="AR"), ahead],
                      now=now)
        assert get_package(uow, shop.id, package.id).package.state.status is Status.IN_TRANSIT

    two_days_on = now + timedelta(days=2, hours=1)  # the scan is now less than a day ahead: it counts
    ingest_events(uow, shop.id, a.id, [TrackingEvent.create(two_days_on, "out_for_delivery", carrier_code="OD")],
                  now=two_days_on)
    state = get_package(uow, shop.id, a.id).package.state
    assert (state.status, state.delivered_at, state.future_from, state.event_count) == (
        Status.DELIVERED, ahead.occurred_at, None, 3)

    assert refold_matured(uow, now=now + timedelta(hours=1)) == 0  # nothing due yet
    assert refold_matured(uow, now=two_days_on) == 1  # b had no new scan: the worker's re-fold takes it
    state = get_package(uow, shop.id, b.id).package.state
    assert (state.status, state.delivered_at, state.future_from) == (Status.DELIVERED, ahead.occurred_at, None)
