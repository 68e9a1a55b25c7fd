"""/v1/webhook-endpoints over real HTTP: the secret once, SSRF refusals, filters, deliveries, isolation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr

from parceltrail.api import create_app
from parceltrail.outbound import guarded_client
from parceltrail.services import create_shop
from parceltrail.services.sender import Sender
from tests.conftest import HUNG, LiveServer
from tests.integration.notify.conftest import SECRET_KEY, run_until_quiet
from tests.receivers import Receiver


def server(settings, engine, **changes):
    return LiveServer(create_app(settings.model_copy(update=changes), engine))


@pytest.fixture
def keys(uow):
    return [create_shop(uow, name).api_key for name in ("Shop A", "Shop B")]


@pytest.fixture
def client(settings, engine, keys):
    with (server(settings, engine, secret_key=SecretStr(SECRET_KEY), webhooks_allow_private=True) as live,
          httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {keys[0]}"}, timeout=30) as http):
        yield http


def test_create_shows_the_secret_once_then_never(client):
    made = client.post("/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/hook",
                                                     "events": ["package.delivered"], "description": "ERP"})
    assert made.status_code == 201
    body = made.json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["package.delivered"]
    assert {"id", "url", "events", "secret"} <= set(body)
    read = client.get(f"/v1/webhook-endpoints/{body['id']}").json()
    assert "secret" not in read and body["secret"] not in client.get("/v1/webhook-endpoints").text
    rotated = client.post(f"/v1/webhook-endpoints/{body['id']}/rotate-secret").json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != body["secret"]
    assert rotated["previous_secret_expires_at"] is not None


def test_patch_changes_types_and_null_means_every_type(client):
    made = client.post("/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/a"}).json()
    assert made["events"] is None
    patched = client.patch(f"/v1/webhook-endpoints/{made['id']}", json={"events": ["package.exception"]}).json()
    assert patched["events"] == ["package.exception"]
    back = client.patch(f"/v1/webhook-endpoints/{made['id']}", json={"events": None}).json()
    assert back["events"] is None
    off = client.patch(f"/v1/webhook-endpoints/{made['id']}", json={"enabled": False}).json()
    assert off["enabled"] is False and off["disabled_reason"] == "disabled by the shop"
    on = client.patch(f"/v1/webhook-endpoints/{made['id']}", json={"enabled": True}).json()
    assert on["enabled"] is True and on["disabled_reason"] is None


def test_unknown_event_type_names_the_field_and_the_choices(client):
    answer = client.post("/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/", "events": ["package.lost"]})
    assert answer.status_code == 422
    (error,) = answer.json()["errors"]
    assert error["field"] == "events[0]" and "package.delivered" in error["message"]


def test_private_targets_are_refused_unless_the_operator_allows_them(settings, engine, keys):
    with server(settings, engine, secret_key=SecretStr(SECRET_KEY)) as live:
        for url in ("http://127.0.0.1:8080/hook", "http://169.254.169.254/latest/meta-data",
                    "http://[::ffff:10.0.0.1]/", "http://localhost/x", "ftp://example.com/"):
            answer = httpx.post(live.url + "/v1/webhook-endpoints", json={"url": url},
                                headers={"Authorization": f"Bearer {keys[0]}"})
            assert answer.status_code == 422, url
            (error,) = answer.json()["errors"]
            assert error["field"] == "url"
        assert "loopback" in error["message"] or "http" in error["message"]
        answer = httpx.post(live.url + "/v1/webhook-endpoints", json={"url": "http://127.0.0.1:8080/hook"},
                            headers={"Authorization": f"Bearer {keys[0]}"})
        assert "PARCELTRAIL_WEBHOOKS_ALLOW_PRIVATE=1" in answer.json()["errors"][0]["message"]


def test_without_a_secret_key_the_server_refuses_to_keep_signing_secrets(settings, engine, keys):
    with server(settings, engine, webhooks_allow_private=True) as live:
        answer = httpx.post(live.url + "/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/"},
                            headers={"Authorization": f"Bearer {keys[0]}"})
    assert answer.status_code == 422 and "PARCELTRAIL_SECRET_KEY" in answer.json()["detail"]


def test_another_shop_sees_no_endpoint_and_no_delivery(client, settings, engine, keys):
    made = client.post("/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/a"}).json()
    other = {"Authorization": f"Bearer {keys[1]}"}
    for path in (f"/v1/webhook-endpoints/{made['id']}", f"/v1/webhook-endpoints/{made['id']}/deliveries"):
        assert client.get(path, headers=other).status_code == 404
    assert client.get("/v1/webhook-endpoints", headers=other).json() == {"items": []}
    assert client.delete(f"/v1/webhook-endpoints/{made['id']}", headers=other).status_code == 404
    assert client.delete(f"/v1/webhook-endpoints/{made['id']}").status_code == 204
    assert client.get(f"/v1/webhook-endpoints/{made['id']}").status_code == 404


def test_deliveries_show_attempts_status_codes_and_next_retry_and_retry_resends(client, engine, clock):
    with Receiver() as receiver, guarded_client(allow_private=True, timeout=HUNG) as http:
        receiver.script = [503]
        made = client.post("/v1/webhook-endpoints", json={"url": receiver.url, "events": ["package.created"]}).json()
        client.post("/v1/packages", json={"tracking_number": "PT0000000000000101", "carrier": "ups", "force": True})
        sender = Sender(http, SECRET_KEY, concurrency=1)
        run_until_quiet(engine, sender)
        page = client.get(f"/v1/webhook-endpoints/{made['id']}/deliveries").json()
        (delivery,) = page["items"]
        assert delivery["state"] == "pending" and delivery["type"] == "package.created"
        assert [(a["number"], a["status_code"]) for a in delivery["attempts"]] == [(1, 503)]
        assert delivery["next_attempt_at"] is not None and "retry 1 of 7" in delivery["reason"]
        assert client.post(f"/v1/webhook-endpoints/{made['id']}/deliveries/{delivery['id']}/retry").status_code == 409
        clock.advance(timedelta(seconds=5))
        run_until_quiet(engine, sender)
        again = client.post(f"/v1/webhook-endpoints/{made['id']}/deliveries/{delivery['id']}/retry")
        assert again.status_code == 202 and again.json()["state"] == "pending"
        run_until_quiet(engine, sender)
        assert [r.headers["webhook-id"] for r in receiver.requests] == [delivery["id"]] * 3
        sent = client.get(f"/v1/webhook-endpoints/{made['id']}/deliveries", params={"state": "sent"}).json()
        assert [a["status_code"] for a in sent["items"][0]["attempts"]] == [503, 200, 200]
        bad = client.get(f"/v1/webhook-endpoints/{made['id']}/deliveries", params={"cursor": "nope"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


def test_the_log_shows_each_message_per_shop_and_per_package_in_the_api_and_the_cli(
        client, engine, clock, keys, database_url):
    with Receiver() as receiver, guarded_client(allow_private=True, timeout=HUNG) as http:
        receiver.script = [500]
        client.post("/v1/webhook-endpoints", json={"url": receiver.url, "events": ["package.created"]})
        package = client.post("/v1/packages", json={"tracking_number": "PT0000000000000201", "carrier": "ups",
                                                      "force": True}).json()
        run_until_quiet(engine, Sender(http, SECRET_KEY, concurrency=1))
    (item,) = client.get("/v1/notifications").json()["items"]
    assert (item["channel"], item["kind"], item["state"], item["package_id"]) == (
        "webhook", "package.created", "pending", package["id"])
    assert item["attempts"][0]["status_code"] == 500 and "HTTP 500" in item["reason"]
    assert client.get(f"/v1/packages/{package['id']}/notifications").json()["items"][0]["id"] == item["id"]
    other = {"Authorization": f"Bearer {keys[1]}"}
    assert client.get(f"/v1/packages/{package['id']}/notifications", headers=other).status_code == 404
    assert client.get("/v1/notifications", headers=other).json()["items"] == []
    assert client.get("/v1/notifications", params={"channel": "pigeon"}).json()["errors"][0]["field"] == "channel"
    detail = client.get(f"/v1/notifications/{item['id']}").json()
    assert detail["payload"]["type"] == "package.created"
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url}
    shown = subprocess.run([sys.executable, "-m", "parceltrail", "notifications", "list", "--json"], env=env,
                           capture_output=True, text=True, timeout=60, check=True)
    (row,) = json.loads(shown.stdout)
    assert (row["id"], row["state"], row["attempts"][0]["status_code"]) == (item["id"], "pending", 500)
    table = subprocess.run([sys.executable, "-m", "parceltrail", "notifications", "list", "--package", package["id"]],
                           env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=60, check=True)
    assert "package.created" in table.stdout and "HTTP 500" in table.stdout
    bad = subprocess.run([sys.executable, "-m", "parceltrail", "notifications", "list", "--state", "lost"], env=env,
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr
