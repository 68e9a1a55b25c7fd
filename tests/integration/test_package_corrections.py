"""Correcting, stopping and finding packages over real HTTP (issue 17 items 9 and 10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.conftest import HUNG
from tests.integration.api_client import cli, shop_client

UPS = "1Z999AA10123456784"
FEDEX = "123456789012"
FEDEX_34 = "1177763170669073915008063608377837"


@pytest.fixture
def client(uow, api):
    return shop_client(uow, api.url, "Corrections shop")


def register(client, **body) -> dict:
    response = client.post("/v1/packages", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_patch_corrects_destination_and_order_ref_and_keeps_events(client):
    package = register(client, tracking_number=UPS, order_ref="TT-1", destination={"postal_code": "40213",
                                                                                   "country": "US"})
    client.post(f"/v1/packages/{package['id']}/events",
                json={"events": [{"occurred_at": "2026-11-20T10:00:00Z", "status": "in_transit"}]})
    before = client.get(f"/v1/packages/{package['id']}").json()
    patched = client.patch(f"/v1/packages/{package['id']}",
                           json={"order_ref": "TT-2", "destination": {"postal_code": "10001", "country": "US"}})
    assert patched.status_code == 200, patched.text
    after = patched.json()
    assert (after["order_ref"], after["destination"]) == ("TT-2", {"postal_code": "10001", "country": "US"})
    assert after["events"] == before["events"] and after["status"] == before["status"] == "in_transit"
    assert len(after["estimate_history"]) == len(before["estimate_history"]) + 1
    cleared = client.patch(f"/v1/packages/{package['id']}", json={"order_ref": None}).json()
    assert cleared["order_ref"] is None and cleared["destination"] == after["destination"]


def test_carrier_correction_detects_again_clears_the_warning_and_restarts_checks(client):
    forced = register(client, tracking_number=FEDEX, carrier="ups", force=True)
    assert [w["code"] for w in forced["warnings"]] == ["carrier_mismatch"]
    refused = client.patch(f"/v1/packages/{forced['id']}", json={"carrier": "usps"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "tracking_number"
    unknown = client.patch(f"/v1/packages/{forced['id']}", json={"carrier": "foo"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "carrier"
    detected = client.patch(f"/v1/packages/{forced['id']}", json={"carrier": None})
    assert detected.status_code == 200
    body = detected.json()
    assert (body["carrier"], body["warnings"]) == ("fedex", [])
    assert body["tracking"]["source"] == "polling" and body["tracking"]["next_check_at"] is not None
    assert [p["carrier"] for p in client.get("/v1/packages", params={"carrier": "fedex"}).json()["items"]] == ["fedex"]


def test_a_correction_onto_a_package_that_exists_is_a_409_naming_it(client):
    first = register(client, tracking_number=FEDEX, carrier="fedex")
    second = register(client, tracking_number=FEDEX, carrier="ups", force=True)
    conflict = client.patch(f"/v1/packages/{second['id']}", json={"carrier": "fedex"})
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == "application/problem+json"
    assert conflict.json()["package_id"] == first["id"] and conflict.json()["errors"][0]["field"] == "carrier"


def test_patch_refuses_unknown_fields_and_other_shops_packages(client, uow):
    from parceltrail.services import create_shop

    package = register(client, tracking_number=UPS)
    assert client.patch(f"/v1/packages/{package['id']}", json={"status": "delivered"}).status_code == 422
    stranger = httpx.Client(base_url=str(client.base_url), timeout=HUNG,
                            headers={"Authorization": f"Bearer {create_shop(uow, 'Other').api_key}"})
    assert stranger.patch(f"/v1/packages/{package['id']}", json={"order_ref": "x"}).status_code == 404
    assert stranger.delete(f"/v1/packages/{package['id']}").status_code == 404
    assert client.get(f"/v1/packages/{package['id']}").json()["order_ref"] is None


def test_delete_stops_tracking_keeps_history_and_registering_again_resumes(client, uow):
    package = register(client, tracking_number=UPS, order_ref="TT-9")
    client.post(f"/v1/packages/{package['id']}/events",
                json={"events": [{"occurred_at": "2026-11-20T10:00:00Z", "status": "in_transit"}]})
    assert client.delete(f"/v1/packages/{package['id']}").status_code == 204
    kept = client.get(f"/v1/packages/{package['id']}")
    assert kept.status_code == 200 and len(kept.json()["events"]) == 1
    tracking = kept.json()["tracking"]
    assert (tracking["source"], tracking["next_check_at"]) == ("stopped", None) and tracking["stopped_at"]
    assert client.get("/v1/packages").json()["items"] == []
    assert [p["id"] for p in client.get("/v1/packages", params={"include_stopped": "true"}).json()["items"]] \
        == [package["id"]]
    with uow.read():
        assert uow.packages.tracked_by("ups", UPS) == []  # carrier pushes no longer reach it
        assert uow.polling.due_count(datetime(2100, 1, 1, tzinfo=UTC)) == 0  # and polling never asks
    assert client.delete(f"/v1/packages/{package['id']}").status_code == 204  # stopping twice is fine

    again = client.post("/v1/packages", json={"tracking_number": UPS, "order_ref": "TT-9"})
    assert (again.status_code, again.json()["id"]) == (200, package["id"])
    assert again.json()["tracking"]["source"] == "polling" and again.json()["tracking"]["stopped_at"] is None
    assert again.json()["tracking"]["next_check_at"] is not None


def test_registering_again_with_other_details_is_a_409_naming_the_fields(client):
    package = register(client, tracking_number=UPS, order_ref="TT-1", destination={"postal_code": "40213",
                                                                                   "country": "US"})
    same = client.post("/v1/packages", json={"tracking_number": UPS, "order_ref": "TT-1"})
    assert (same.status_code, same.json()["id"]) == (200, package["id"])
    other = client.post("/v1/packages", json={"tracking_number": UPS, "order_ref": "TT-2",
                                              "destination": {"postal_code": "10001"}})
    assert other.status_code == 409
    problem = other.json()
    assert [e["field"] for e in problem["errors"]] == ["order_ref", "destination.postal_code"]
    assert problem["package_id"] == package["id"] and f"PATCH /v1/packages/{package['id']}" in problem["detail"]
    assert client.get(f"/v1/packages/{package['id']}").json()["order_ref"] == "TT-1"


def test_find_by_number_order_reference_and_any_part(client):
    a = register(client, tracking_number=UPS, order_ref="TT-1001-a")
    b = register(client, tracking_number=FEDEX, order_ref="Shop%Order_7")
    c = register(client, tracking_number=FEDEX_34, order_ref="TT-2002")

    def ids(**params) -> list[str]:
        response = client.get("/v1/packages", params=params)
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["items"]]

    assert ids(tracking_number="1z 999 aa1 0123456784") == [a["id"]]
    assert ids(order_ref="TT-2002") == [c["id"]] and ids(order_ref="tt-2002") == []
    assert ids(q="tt-") == [c["id"], a["id"]]
    assert ids(q="6784") == [a["id"]]
    assert ids(q="%") == [b["id"]] and ids(q="r_7") == [b["id"]] and ids(q="p_o") == []  # no wildcards
    assert ids() == [c["id"], b["id"], a["id"]] == ids(sort="-created_at")
    assert ids(sort="created_at") == [a["id"], b["id"], c["id"]]
    bad_sort = client.get("/v1/packages", params={"sort": "colour"})
    assert bad_sort.status_code == 422 and bad_sort.json()["errors"][0]["field"] == "sort"
    bad_number = client.get("/v1/packages", params={"tracking_number": "#"})
    assert bad_number.status_code == 422 and bad_number.json()["errors"][0]["field"] == "tracking_number"


def test_updated_at_sort_pages_with_its_own_cursor(client):
    made = [register(client, tracking_number=f"PKG{i:04d}")["id"] for i in range(5)]
    client.post(f"/v1/packages/{made[1]}/events",
                json={"events": [{"occurred_at": "2026-11-20T10:00:00Z", "status": "in_transit"}]})
    seen, cursor = [], None
    while True:
        params = {"sort": "-updated_at", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/packages", params=params).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen[0] == made[1] and sorted(seen) == sorted(made) and len(seen) == 5
    first = client.get("/v1/packages", params={"sort": "-updated_at", "limit": 2}).json()
    wrong = client.get("/v1/packages", params={"sort": "created_at", "cursor": first["next_cursor"]})
    assert wrong.status_code == 422 and "sort=-updated_at" in wrong.json()["errors"][0]["message"]


def test_cli_finds_packages_and_shows_whole_tracking_numbers(client, database_url):
    package = register(client, tracking_number=FEDEX_34, order_ref="TT-77")
    found = cli(database_url, "packages", "list", "--search", "tt-77", COLUMNS="80")  # a narrow terminal
    assert found.returncode == 0, found.stderr
    assert FEDEX_34 in found.stdout and package["id"] in found.stdout
    assert cli(database_url, "packages", "list", "--number", FEDEX_34, "--json").stdout.count(package["id"]) == 1


@pytest.mark.parametrize("sort", ["updated_at", "-updated_at"])
def test_updated_at_paging_is_exact_across_ties_and_with_updated_since(uow, sort):
    from parceltrail.core import TrackingEvent
    from parceltrail.services import create_shop, ingest_many, list_packages, register_package

    shop = create_shop(uow, "Ties").shop
    ids = [register_package(uow, shop.id, f"PKG{i:04d}").package.id for i in range(7)]
    same = datetime(2026, 11, 20, 12, tzinfo=UTC)
    scan = [TrackingEvent.create(datetime(2026, 11, 20, 10, tzinfo=UTC), "in_transit", carrier_code="AR")]
    ingest_many(uow, shop.id, {pid: scan for pid in ids[1:6]}, now=same)  # five packages updated at one instant
    since = datetime(2026, 1, 1, tzinfo=UTC)
    seen, cursor = [], None
    while True:
        page = list_packages(uow, shop.id, updated_since=since, cursor=cursor, limit=2, sort=sort)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    keys = [(p.updated_at, p.id) for p in seen]
    assert sorted(p.id for p in seen) == sorted(ids)
    assert keys == sorted(keys, reverse=sort.startswith("-"))
    later = list_packages(uow, shop.id, updated_since=same + timedelta(seconds=1), sort=sort, limit=10).items
    assert sorted(p.id for p in later) == sorted({ids[0], ids[6]})


def test_patch_corrects_the_buyer_to_notify_in_the_same_transaction_and_null_removes_it(client):
    """Issue 17 item 9: the recipient is one of the corrections; it is notify's buyer (services.recipients)."""
    package = register(client, tracking_number=UPS, order_ref="TT-7",
                       recipient={"name": "Ana", "email": "ana@exmaple.com"})
    url = f"/v1/packages/{package['id']}"
    patched = client.patch(url, json={"recipient": {"email": "ana@example.com", "locale": "es"}})
    assert patched.status_code == 200, patched.text
    buyer = client.get(f"{url}/recipient").json()
    assert (buyer["name"], buyer["email"], buyer["locale"]) == ("Ana", "ana@example.com", "es")  # name kept
    # a bad buyer refuses the whole correction, naming the field: the order reference is not half-stored
    refused = client.patch(url, json={"order_ref": "TT-8", "recipient": {"email": "not an address"}})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "recipient.email"
    assert client.get(url).json()["order_ref"] == "TT-7"
    assert client.get(f"{url}/recipient").json()["email"] == "ana@example.com"
    assert client.patch(url, json={"recipient": None}).status_code == 200
    assert client.get(f"{url}/recipient").status_code == 404
    # a package registered without a buyer gets one the same way
    added = client.patch(url, json={"recipient": {"phone": "+15551234567"}})
    assert added.status_code == 200 and client.get(f"{url}/recipient").json()["channels"] == ["sms"]
