"""The scripted walk of issue 2, over real HTTP against a real server, with the shop made by the CLI."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from tests.conftest import HUNG

EST = timezone(timedelta(hours=-5))


def cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "parceltrail", *args], env=env, capture_output=True, text=True,
                          check=False, timeout=60)


def ten_events() -> list[dict]:
    kinds = [("info_received", "label_created", "MP")] + [("in_transit", "arrived_at_facility", "AR")] * 4 + [
        ("in_transit", "departed_facility", "DP")] * 3 + [("out_for_delivery", "out_for_delivery", "OD"),
                                                        ("delivered", "left_at_door", "DL")]
    start = datetime(2026, 11, 16, 9, 0, tzinfo=EST)
    return [
        {"occurred_at": (start + timedelta(hours=7 * i)).isoformat(), "status": st, "substatus": sub,
         "description": f"scan {i}", "carrier_code": code,
         "location": {"city": "Louisville", "region": "KY", "postal_code": "40213", "country": "US"}}
        for i, (st, sub, code) in enumerate(kinds)
    ]


@pytest.fixture
def shop(uow) -> dict:
    from parceltrail.services import create_shop

    new = create_shop(uow, "Walk Shop")
    return {"shop_id": new.shop.id, "api_key": new.api_key}


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_walk_register_post_shuffled_twice_read_back_and_isolate(api, database_url):
    made = cli(database_url, "shop", "create", "Walk Shop", "--json")
    assert made.returncode == 0, made.stderr
    shop = json.loads(made.stdout)
    assert set(shop) == {"shop_id", "api_key"}
    client = httpx.Client(base_url=api.url, headers=auth(shop["api_key"]), timeout=HUNG)
    created = client.post("/v1/packages", json={"tracking_number": "1Z999AA10123456784", "carrier": "ups",
                                                "order_ref": "ORDER-1", "destination": {"postal_code": "40213",
                                                                                        "country": "US"}})
    assert created.status_code == 201
    package = created.json()
    again = client.post("/v1/packages", json={"tracking_number": "1Z999AA10123456784", "carrier": "ups"})
    assert (again.status_code, again.json()["id"]) == (200, package["id"])
    # the answer to a registration already says when to expect the parcel, as GET would
    assert package["estimated_delivery"]["source"] == "carrier_standard"
    assert again.json()["estimated_delivery"] == package["estimated_delivery"]
    assert client.get(f"/v1/packages/{package['id']}").json()["estimated_delivery"] == package["estimated_delivery"]

    events = ten_events()
    shuffled = events * 2
    random.Random(7).shuffle(shuffled)
    first = client.post(f"/v1/packages/{package['id']}/events", json={"events": shuffled[:10]}).json()
    second = client.post(f"/v1/packages/{package['id']}/events", json={"events": shuffled[10:]}).json()
    assert first["accepted"] + second["accepted"] == 10
    assert first["duplicates"] + second["duplicates"] == 10
    replay = client.post(f"/v1/packages/{package['id']}/events", json={"events": list(reversed(events))}).json()
    assert (replay["accepted"], replay["duplicates"]) == (0, 10)

    detail = client.get(f"/v1/packages/{package['id']}").json()
    assert len(detail["events"]) == 10
    assert second["package"]["estimated_delivery"] == detail["estimated_delivery"] != package["estimated_delivery"]
    assert (detail["status"], detail["substatus"]) == ("delivered", "left_at_door")
    assert [e["description"] for e in detail["events"]] == [f"scan {i}" for i in range(10)]
    assert detail["events"][0]["occurred_at"] == "2026-11-16T14:00:00Z"
    assert detail["last_event_at"] == detail["delivered_at"] == detail["events"][-1]["occurred_at"]

    other = json.loads(cli(database_url, "shop", "create", "Other", "--json").stdout)
    stranger = httpx.Client(base_url=api.url, headers=auth(other["api_key"]), timeout=HUNG)
    for response in (stranger.get(f"/v1/packages/{package['id']}"),
                     stranger.post(f"/v1/packages/{package['id']}/events", json={"events": events})):
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
    assert stranger.get("/v1/packages").json()["items"] == []
    assert client.get(f"/v1/packages/{package['id']}").json()["event_count"] == 10


BAD_EVENTS = {
    "unknown status": ({"occurred_at": "2026-11-20T14:05:00-05:00", "status": "teleported"}, "events[1].status"),
    "unknown substatus": ({"occurred_at": "2026-11-20T14:05:00-05:00", "status": "in_transit",
                           "substatus": "warp"}, "events[1].substatus"),
    "substatus of another status": ({"occurred_at": "2026-11-20T14:05:00-05:00", "status": "in_transit",
                                     "substatus": "left_at_door"}, "events[1]"),
    "time without offset": ({"occurred_at": "2026-11-20T14:05:00", "status": "in_transit"}, "events[1].occurred_at"),
    "country not alpha-2": ({"occurred_at": "2026-11-20T14:05:00Z", "status": "in_transit",
                             "location": {"country": "USA"}}, "events[1].location.country"),
}


@pytest.mark.parametrize("case", sorted(BAD_EVENTS))
def test_bad_event_is_refused_whole_with_the_field_named(api, shop, case):
    client = httpx.Client(base_url=api.url, headers=auth(shop["api_key"]), timeout=HUNG)
    package = client.post("/v1/packages", json={"tracking_number": "PKG0001"}).json()
    good = {"occurred_at": "2026-11-20T10:00:00Z", "status": "in_transit", "carrier_code": "AR"}
    bad, field = BAD_EVENTS[case]
    response = client.post(f"/v1/packages/{package['id']}/events", json={"events": [good, bad]})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert {"type", "title", "status", "detail", "errors"} <= problem.keys()
    assert problem["errors"][0]["field"] == field
    assert "nothing was stored" in problem["detail"]
    assert client.get(f"/v1/packages/{package['id']}").json()["event_count"] == 0


def test_malformed_json_oversized_body_and_bad_registration_store_nothing(api, shop, settings):
    client = httpx.Client(base_url=api.url, headers=auth(shop["api_key"]), timeout=HUNG)
    package = client.post("/v1/packages", json={"tracking_number": "PKG0001"}).json()
    url = f"/v1/packages/{package['id']}/events"

    malformed = client.post(url, content=b'{"events": [{"status": ', headers={"content-type": "application/json"})
    assert malformed.status_code == 400 and "not valid JSON" in malformed.json()["detail"]

    event = {"occurred_at": "2026-11-20T10:00:00Z", "status": "in_transit", "description": "x" * 900}
    huge = {"events": [dict(event, carrier_code=f"C{i}") for i in range(settings.max_body_bytes // 900 + 10)]}
    oversized = client.post(url, json=huge)
    assert oversized.status_code == 413 and oversized.json()["title"] == "Body too large"

    bad_country = client.post("/v1/packages", json={"tracking_number": "PKG0002", "destination": {"country": "ZZ"}})
    assert bad_country.status_code == 422
    assert bad_country.json()["errors"][0]["field"] == "destination.country"
    assert client.get(url.removesuffix("/events")).json()["event_count"] == 0
    assert [p["tracking_number"] for p in client.get("/v1/packages").json()["items"]] == ["PKG0001"]


def test_curl_style_form_content_type_is_read_as_json(api, shop):
    client = httpx.Client(base_url=api.url, headers=auth(shop["api_key"]), timeout=HUNG)
    response = client.post("/v1/packages", content=b'{"tracking_number": "PKG0009"}',
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 201


def test_missing_or_wrong_key_is_401_problem(api, shop):
    bare = httpx.get(f"{api.url}/v1/packages", timeout=HUNG)
    wrong = httpx.get(f"{api.url}/v1/packages", headers=auth("pt_wrong"), timeout=HUNG)
    for response in (bare, wrong):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["title"] == "Unauthorized"


def test_list_filters_and_paginates_over_http(api, shop):
    client = httpx.Client(base_url=api.url, headers=auth(shop["api_key"]), timeout=HUNG)
    ids = [client.post("/v1/packages", json={"tracking_number": f"PKG{i:04d}", "carrier": "usps", "force": True}).json()["id"]
           for i in range(5)]
    client.post(f"/v1/packages/{ids[1]}/events",
                json={"events": [{"occurred_at": "2026-11-20T10:00:00Z", "status": "delivered"}]})
    page = client.get("/v1/packages", params={"limit": 2}).json()
    second = client.get("/v1/packages", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [p["id"] for p in page["items"] + second["items"]] == ids[::-1][:4]  # newest first
    delivered = client.get("/v1/packages", params={"status": "delivered", "carrier": "usps"}).json()
    assert [p["id"] for p in delivered["items"]] == [ids[1]]
    assert client.get("/v1/packages", params={"updated_since": "2026-11-20T10:00:00"}).status_code == 422
    assert client.get("/v1/packages", params={"limit": 100000}).json()["errors"][0]["field"] == "limit"


def test_health_and_openapi_need_no_key(api):
    assert httpx.get(f"{api.url}/healthz").json() == {"status": "ok", "database": "ok"}
    spec = httpx.get(f"{api.url}/openapi.json").json()
    assert {"/v1/packages", "/v1/packages/{package_id}", "/v1/packages/{package_id}/events"} <= set(spec["paths"])
    assert httpx.get(f"{api.url}/docs").status_code == 200


def test_unknown_route_is_a_problem_too(api):
    response = httpx.get(f"{api.url}/v1/nothing-here")
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"


def test_tracking_number_endpoint_explains_a_number(api, shop):
    client = httpx.Client(base_url=api.url, headers=auth(shop["api_key"]), timeout=HUNG)
    body = client.get("/v1/tracking-numbers/1Z 999 AA1 0123456784").json()
    assert (body["valid"], body["carrier"], body["normalized"]) == (True, "ups", "1Z999AA10123456784")
    assert body["candidates"][0]["checksum"] == "pass"
    assert client.get("/v1/tracking-numbers/1Z999AA10123456785").json()["valid"] is False
    assert client.get("/v1/tracking-numbers/1Z999AA10123456784", params={"country": "USA"}).status_code == 422
    assert httpx.get(f"{api.url}/v1/tracking-numbers/1Z999AA10123456784").status_code == 401


def test_registration_without_carrier_detects_an_unambiguous_one(api, shop):
    client = httpx.Client(base_url=api.url, headers=auth(shop["api_key"]), timeout=HUNG)
    created = client.post("/v1/packages", json={"tracking_number": "1Z999AA10123456784"})
    assert (created.status_code, created.json()["carrier"]) == (201, "ups")
    again = client.post("/v1/packages", json={"tracking_number": "1z999aa10123456784"})
    assert (again.status_code, again.json()["id"]) == (200, created.json()["id"])
    unknown = client.post("/v1/packages", json={"tracking_number": "PKG0001"}).json()
    assert unknown["carrier"] is None
