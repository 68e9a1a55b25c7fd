"""API keys listed, revoked and rolled with a grace period; rate limits per key, per address and for pushes;
a reused push id with another body (issue 25 item 5, issue 17 item 13) — over real HTTP and the CLI."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.conftest import HUNG, LiveServer
from tests.integration.api_client import cli, shop_client


@pytest.fixture
def client(uow, api):
    return shop_client(uow, api.url, "Keys shop")


def as_key(client: httpx.Client, key: str) -> httpx.Client:
    return httpx.Client(base_url=client.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=HUNG)


def test_keys_are_listed_minted_rolled_with_grace_and_revoked(client):
    first_key = client.shop.api_key
    [listed] = client.get("/v1/keys").json()
    assert (listed["prefix"], listed["state"]) == (first_key[:12], "active")
    assert first_key not in json.dumps(listed)

    minted = client.post("/v1/keys")
    assert minted.status_code == 201 and minted.json()["api_key"].startswith("pt_")
    second = as_key(client, minted.json()["api_key"])
    assert second.get("/v1/packages").status_code == 200

    rolled = second.post(f"/v1/keys/{minted.json()['id']}/roll", json={"grace_seconds": 3600})
    assert rolled.status_code == 201
    third = as_key(client, rolled.json()["api_key"])
    assert third.get("/v1/packages").status_code == 200 and second.get("/v1/packages").status_code == 200
    states = {k["id"]: k for k in third.get("/v1/keys").json()}
    old = states[minted.json()["id"]]
    assert old["state"] == "expiring"
    ends = datetime.fromisoformat(old["expires_at"])
    assert timedelta(minutes=59) < ends - datetime.now(UTC) <= timedelta(hours=1)

    at_once = third.post(f"/v1/keys/{rolled.json()['id']}")  # wrong method: the path takes DELETE
    assert at_once.status_code == 405
    fourth = third.post(f"/v1/keys/{rolled.json()['id']}/roll")  # no body: no grace, the old key ends now
    assert fourth.status_code == 201 and third.get("/v1/packages").status_code == 401
    assert third.post(f"/v1/keys/{rolled.json()['id']}/roll").status_code == 401

    fourth_client = as_key(client, fourth.json()["api_key"])
    assert fourth_client.delete(f"/v1/keys/{listed['id']}").status_code == 204
    assert client.get("/v1/packages").status_code == 401
    again = fourth_client.post(f"/v1/keys/{listed['id']}/roll")
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "key_id"
    too_long = fourth_client.post(f"/v1/keys/{fourth.json()['id']}/roll", json={"grace_seconds": 40 * 86400})
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "grace_seconds"


def test_a_grace_period_ends_and_another_shops_keys_are_out_of_reach(client, uow, api):
    other = shop_client(uow, api.url, "Other keys shop")
    [theirs] = other.get("/v1/keys").json()
    assert client.delete(f"/v1/keys/{theirs['id']}").status_code == 404
    assert client.post(f"/v1/keys/{theirs['id']}/roll").status_code == 404
    assert other.get("/v1/packages").status_code == 200

    [mine] = client.get("/v1/keys").json()
    rolled = client.post(f"/v1/keys/{mine['id']}/roll", json={"grace_seconds": 1}).json()
    assert client.get("/v1/packages").status_code == 200
    time.sleep(1.2)
    assert client.get("/v1/packages").status_code == 401
    assert as_key(client, rolled["api_key"]).get("/v1/packages").status_code == 200


def test_cli_lists_shops_and_keys_revokes_and_rolls(database_url, engine):
    made = json.loads(cli(database_url, "shop", "create", "CLI keys shop", "--json").stdout)
    shops = [json.loads(line) for line in cli(database_url, "shop", "list", "--json").stdout.splitlines()]
    assert made["shop_id"] in [s["shop_id"] for s in shops]
    keys = [json.loads(line) for line in cli(database_url, "key", "list", "--shop", made["shop_id"],
                                             "--json").stdout.splitlines()]
    assert [(k["prefix"], k["state"]) for k in keys] == [(made["api_key"][:12], "active")]
    rolled = cli(database_url, "key", "roll", keys[0]["key_id"], "--grace", "2h", "--json")
    assert rolled.returncode == 0, rolled.stderr
    new = json.loads(rolled.stdout)
    assert new["api_key"].startswith("pt_") and new["shop_id"] == made["shop_id"]
    table = cli(database_url, "key", "list", "--shop", made["shop_id"]).stdout
    assert "expiring" in table and made["api_key"] not in table and new["api_key"] not in table
    revoked = cli(database_url, "key", "revoke", new["key_id"])
    assert revoked.returncode == 0 and new["key_id"] in revoked.stdout
    states = {json.loads(line)["key_id"]: json.loads(line)["state"]
              for line in cli(database_url, "key", "list", "--shop", made["shop_id"], "--json").stdout.splitlines()}
    assert states == {keys[0]["key_id"]: "expiring", new["key_id"]: "revoked"}
    for bad in (cli(database_url, "key", "revoke", "key_nope"), cli(database_url, "key", "roll", keys[0]["key_id"],
                                                                     "--grace", "soon")):
        assert bad.returncode == 1 and bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr


@pytest.fixture
def limited_api(settings, engine):
    from parceltrail.api import create_app

    strict = settings.model_copy(update={"rate_limit_per_key": "5/minute", "rate_limit_anonymous": "3/minute",
                                         "rate_limit_push": "2/minute"})
    with LiveServer(create_app(strict, engine)) as server:
        yield server


def test_rate_limits_per_key_per_address_and_for_pushes(limited_api, uow):
    first = shop_client(uow, limited_api.url, "Busy shop")
    second = shop_client(uow, limited_api.url, "Quiet shop")
    answers = [first.get("/v1/packages") for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    refused = answers[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 12 and refused.json()["status"] == 429
    assert second.get("/v1/packages").status_code == 200  # another key has its own bucket

    anonymous = [httpx.get(f"{limited_api.url}/v1/packages", timeout=HUNG).status_code for _ in range(4)]
    assert anonymous == [401, 401, 401, 429]
    assert httpx.get(f"{limited_api.url}/healthz", timeout=HUNG).status_code == 200  # only /v1 is limited

    pushes = [httpx.post(f"{limited_api.url}/v1/hooks/ups", content=b"{}", timeout=HUNG).status_code for _ in range(3)]
    assert pushes == [404, 404, 429]  # push is not set up for ups here: refused, but counted


def test_wrong_keys_spend_from_the_address_bucket(limited_api, uow):
    for attempt in range(3):
        wrong = httpx.get(f"{limited_api.url}/v1/packages", headers={"Authorization": f"Bearer pt_guess{attempt}"},
                          timeout=HUNG)
        assert wrong.status_code == 401
    guess = httpx.get(f"{limited_api.url}/v1/packages", headers={"Authorization": "Bearer pt_guess9"}, timeout=HUNG)
    assert guess.status_code == 429 and "retry-after" in guess.headers
    assert shop_client(uow, limited_api.url).get("/v1/packages").status_code == 200  # a real key still works


def test_token_buckets_refill_at_the_rate():
    from parceltrail.api.rates import Buckets, Rate

    now = [0.0]
    buckets = Buckets(Rate.parse("2/second"), clock=lambda: now[0], max_names=2)
    assert [buckets.take("a"), buckets.take("a")] == [0.0, 0.0]
    assert buckets.take("a") == pytest.approx(0.5)
    now[0] += 0.5
    assert buckets.take("a") == 0.0 and buckets.take("b") == 0.0
    now[0] += 10
    assert buckets.take("c") == 0.0 and len(buckets._state) <= 2  # full buckets are forgotten
    assert Rate.parse("0") is None and Rate.parse("600/minute") == Rate(600, 60.0)
    with pytest.raises(ValueError, match="600/minute"):
        Rate.parse("fast")


def test_a_reused_push_id_with_another_body_is_a_409_and_stores_nothing(uow, engine, settings):
    from pydantic import SecretStr

    from parceltrail.api import create_app
    from tests.integration.push.helpers import SECRET, push, ups_body

    push_settings = settings.model_copy(update={"hook_secrets": {"ups": SecretStr(SECRET)}})
    with LiveServer(create_app(push_settings, engine)) as server:
        first = push(server.url, "ups", ups_body("delivered"), "msg_reused")
        retry = push(server.url, "ups", ups_body("delivered"), "msg_reused")
        other = push(server.url, "ups", ups_body("out_for_delivery"), "msg_reused")
    assert (first.status_code, retry.status_code) == (202, 200)
    assert other.status_code == 409 and other.headers["content-type"] == "application/problem+json"
    assert "msg_reused" in other.json()["detail"] and "nothing was stored" in other.json()["detail"]
    with uow.read():
        assert uow.hooks.counts() == {"pending": 1}
        assert uow.hooks.find("ups", "msg_reused").body == ups_body("delivered")
