"""Proof of delivery kept from a real local UPS-like server (polling) and from signed sandbox pushes, the
``confirm`` step through the API and the CLI, the buyer's confirmation, and the payment release signal of
orders: settled-safe, at risk (open dispute, delivered far away) and waiting."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from parceltrail.carriers import sandbox
from parceltrail.carriers.transport import CarrierClient, RetryPolicy
from parceltrail.core import Address, Location, TrackingEvent
from parceltrail.core.orders import Buyer, Order, OrderPackage, OrderStatus
from parceltrail.services import create_shop, record_scans, register_package
from parceltrail.services.accounts import set_account, shop_credentials
from parceltrail.services.delivery import check_delivery
from parceltrail.services.disputes import open_dispute, update_dispute
from parceltrail.services.hooks import drain_inbox
from parceltrail.services.orders import upsert_orders
from parceltrail.services.polling import Poller
from parceltrail.services.release import order_release, release_page
from tests.conftest import HUNG
from tests.integration.carriers import fakes
from tests.integration.carriers.conftest import CLIENT_ID, CLIENT_SECRET
from tests.integration.push.helpers import push

KEY = "proof-test-secret-key"
UPS_NUMBER = "1Z4F28Y10392746618"
NOW = datetime.now(UTC)


@pytest.fixture
def ups_shop(uow, server, monkeypatch):
    made = create_shop(uow, "Proof Shop")
    fakes.ups(server, {UPS_NUMBER: "delivered"})
    monkeypatch.setenv("PARCELTRAIL_UPS_BASE_URL", server.url)  # the operator points UPS at the local server
    set_account(uow, made.shop.id, "ups", KEY, credentials={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    return made


def poll(uow) -> None:
    Poller(client=CarrierClient(timeout=HUNG, retry=RetryPolicy(attempts=2, backoff=0.01)),
           credentials_for=lambda shop_id, carrier: shop_credentials(uow, shop_id, carrier, KEY),
           rng=random.Random(1)).tick(uow)


def test_polling_keeps_the_ups_proof_and_its_raw_body_and_the_api_confirms_with_the_buyer(api, uow, ups_shop):
    # UPS_NUMBER is the published sample's own, whose check digit does not check out: registered as a seller
    # who insists would register it
    package = register_package(uow, ups_shop.shop.id, UPS_NUMBER, "ups",
                               destination=Address(postal_code="78744", country="US"), force=True).package
    poll(uow)
    poll(uow)  # nothing due: the proof is not stored twice
    with httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {ups_shop.api_key}"}) as http:
        found = http.get(f"/v1/packages/{package.id}/delivery").json()
        assert found["verdict"] == "carrier_delivered" and found["carrier_delivered"]
        proof = found["proof"]
        assert (proof["location"], proof["facility"], proof["source"]) == ("Front Door", "UPS facility SLIC 7724", "poll")
        assert found["distance"]["basis"] == "delivery_scan" and found["distance"]["km"] == 0 and not found["distance"]["far"]
        raw = http.get(f"/v1/packages/{package.id}/delivery/raw").json()
        assert raw["body"]["trackingNumber"] == UPS_NUMBER and raw["body"]["deliveryInformation"]["location"] == "Front Door"
        text = json.dumps(raw["body"], ensure_ascii=False, separators=(",", ":"))
        assert raw["sha256"] == proof["raw_sha256"] == hashlib.sha256(text.encode()).hexdigest()
        confirmed = http.post(f"/v1/packages/{package.id}/delivery/buyer-confirmation").json()
        assert confirmed["verdict"] == "confirmed" and confirmed["buyer_confirmation"]["via"] == "api"
        again = http.post(f"/v1/packages/{package.id}/delivery/buyer-confirmation").json()
        assert again["buyer_confirmation"] == confirmed["buyer_confirmation"]  # the first moment is kept
    other = create_shop(uow, "Other")
    with httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {other.api_key}"}) as stranger:
        for path in ("", "/raw"):
            assert stranger.get(f"/v1/packages/{package.id}/delivery{path}").status_code == 404
        assert stranger.post(f"/v1/packages/{package.id}/delivery/buyer-confirmation").status_code == 404


def test_a_pushed_sandbox_delivery_keeps_the_gps_fix_and_a_wrong_address_shows_as_far(push_api, uow):
    number = sandbox.encode(NOW - timedelta(days=12), sandbox.Service.GROUND, sandbox.Scenario.NORMAL, 777)
    trip = sandbox.journey(number)
    shop = create_shop(uow, "Sandbox proofs").shop
    near = register_package(uow, shop.id, number, "sandbox",
                            destination=Address(postal_code=trip.destination.postal_code, country="US")).package
    other = create_shop(uow, "Wrong address").shop
    far = register_package(uow, other.id, number, "sandbox",
                           destination=Address(postal_code="99501", country="US")).package  # Anchorage
    body = json.dumps(sandbox.tracking_body(number, NOW)).encode()
    assert push(push_api.url, "sandbox", body, f"{number}-proof").status_code == 202
    assert drain_inbox(uow).done == 1
    close = check_delivery(uow, shop.id, near.id).to_dict()
    assert close["proof"]["source"] == "push" and close["proof"]["gps"] and close["proof"]["facility"]
    assert close["distance"]["basis"] == "gps" and close["distance"]["km"] < 0.7 and not close["distance"]["far"]
    away = check_delivery(uow, other.id, far.id).to_dict()
    assert away["verdict"] == "delivered_far" and away["distance"]["km"] > 500


def _order(uow, shop_id: str, external_id: str, numbers: list[str], carrier: str = "ups") -> None:
    """A TikTok order to a Denver buyer whose parcels are these numbers (upserted as a sync would)."""
    order = Order(shop_id=shop_id, external_id=external_id, status=OrderStatus.IN_TRANSIT,
                  created_at=NOW - timedelta(days=60), updated_at=NOW - timedelta(days=59),
                  buyer=Buyer("Ana Ruiz", Address(postal_code="80202", country="US", city="Denver", region="CO")),
                  packages=tuple(OrderPackage(f"p-{n}", n, carrier) for n in numbers))
    upsert_orders(uow, shop_id, [order], "api")


def _deliver(uow, shop_id: str, package_id: str, days_ago: float, where=("Denver", "CO", "80202")) -> None:
    at = NOW - timedelta(days=days_ago)
    record_scans(uow, shop_id, {package_id: [
        TrackingEvent.create(at - timedelta(days=2), "in_transit", "picked_up", "Picked up", None,
                             Location("Chicago", "IL", "60607", "US")),
        TrackingEvent.create(at, "delivered", "left_at_door", "Delivered", None, Location(*where, "US"))]}, source="api")


def test_release_is_settled_safe_after_the_refund_window_at_risk_with_a_dispute_and_waiting_before(uow, cli,
                                                                                                database_url):
    shop = create_shop(uow, "Release shop").shop
    _order(uow, shop.id, "5760001", ["1Z999AA10000000006", "1Z999AA10000000015"])
    _order(uow, shop.id, "5760002", ["1Z999AA10000000033"])
    _order(uow, shop.id, "5760003", ["1Z999AA10000000024"])
    with uow.read():
        ids = {eid: list(uow.orders.get(shop.id, eid).package_ids.values()) for eid in ("5760001", "5760002", "5760003")}
    for pid in ids["5760001"]:
        _deliver(uow, shop.id, pid, 35)
    _deliver(uow, shop.id, ids["5760002"][0], 40)
    dispute = open_dispute(uow, shop.id, ids["5760002"][0], "not_received", "seller")
    _deliver(uow, shop.id, ids["5760003"][0], 3)

    safe = order_release(uow, shop.id, "5760001")
    assert safe.release.state == "settled_safe" and safe.release.safe_from < NOW
    risky = order_release(uow, shop.id, "5760002")
    assert risky.release.state == "at_risk" and risky.release.reasons == ("1 open dispute on 1Z999AA10000000033",)
    waiting = order_release(uow, shop.id, "5760003")
    assert waiting.release.state == "waiting"
    assert abs(waiting.release.safe_from - (NOW + timedelta(days=27))) < timedelta(minutes=5)
    assert [r.order_id for r in release_page(uow, shop.id, "at_risk").items] == ["5760002"]

    update_dispute(uow, shop.id, dispute.dispute.id, state="won", note="carrier proof accepted")
    assert order_release(uow, shop.id, "5760002").release.state == "settled_safe"
    code, printed, err = cli({"PARCELTRAIL_DATABASE_URL": database_url}, "release", "--shop", shop.id)
    assert code == 0, err
    assert "3 orders" in printed and "5760003" in printed and "refund until" in printed
    code, _, err = cli({"PARCELTRAIL_DATABASE_URL": database_url}, "release", "--shop", shop.id, "--state", "soon")
    assert code == 1 and "state" in err and "settled_safe" in err


def test_a_delivery_far_from_the_address_puts_the_order_at_risk_until_the_buyer_confirms(uow, cli, database_url):
    shop = create_shop(uow, "Far shop").shop
    _order(uow, shop.id, "5760009", ["1Z999AA10000000042"])
    with uow.read():
        (pid,) = uow.orders.get(shop.id, "5760009").package_ids.values()
    _deliver(uow, shop.id, pid, 40, where=("Boulder", "CO", "80302"))  # about 40 km from the buyer's ZIP
    found = check_delivery(uow, shop.id, pid).to_dict()
    assert found["verdict"] == "delivered_far" and found["distance"]["basis"] == "delivery_scan"
    assert 35 < found["distance"]["km"] < 45 and found["distance"]["threshold_km"] < 10
    risky = order_release(uow, shop.id, "5760009")
    assert risky.release.state == "at_risk"
    assert "km from the address (the delivery scan's place)" in risky.release.reasons[0]
    code, printed, err = cli({"PARCELTRAIL_DATABASE_URL": database_url}, "confirm", pid, "--buyer")
    assert code == 0, err
    assert printed.splitlines()[0] == "1Z999AA10000000042 (ups): confirmed" and "buyer: confirmed" in printed
    assert order_release(uow, shop.id, "5760009").release.state == "settled_safe"
    code, _, err = cli({"PARCELTRAIL_DATABASE_URL": database_url}, "confirm", "pkg_nope")
    assert code == 1 and err.strip() == "error: no package with id 'pkg_nope'"
