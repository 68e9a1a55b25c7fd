"""Recipients over HTTP: a buyer with a package, preferences, clear refusals, staff, channels, isolation."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from parceltrail.api import create_app
from parceltrail.services import create_shop
from tests.conftest import LiveServer
from tests.integration.notify.conftest import SECRET_KEY


@pytest.fixture
def keys(uow):
    return [create_shop(uow, name).api_key for name in ("Shop A", "Shop B")]


@pytest.fixture
def client(settings, engine, keys):
    changed = settings.model_copy(update={"secret_key": SecretStr(SECRET_KEY)})
    with (LiveServer(create_app(changed, engine)) as live,
          httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {keys[0]}"}, timeout=30) as http):
        yield http


def register(client, number="1Z999AA10123456784", **body):
    return client.post("/v1/packages", json={"tracking_number": number, "carrier": "ups",
                                             "destination": {"postal_code": "60601", "country": "US"}, **body})


def test_a_package_registered_with_its_buyer_has_defaults_from_the_destination(client):
    made = register(client, recipient={"name": "Ana", "email": "ana@example.com"})
    assert made.status_code == 201
    buyer = client.get(f"/v1/packages/{made.json()['id']}/recipient").json()
    assert (buyer["time_zone"], buyer["time_zone_source"], buyer["channels"]) == (
        "America/Chicago", "destination", ["email"])
    assert buyer["quiet_hours"] == {"start": "21:00", "end": "08:00"} and buyer["locale"] == "en"
    assert "delivered" in buyer["events"] and buyer["opted_out_at"] is None


def test_put_changes_only_what_is_sent_and_null_quiet_hours_means_none(client):
    package = register(client).json()
    path = f"/v1/packages/{package['id']}/recipient"
    first = client.put(path, json={"email": "ana@example.com", "phone": "+44 20 7946 0958", "locale": "es"})
    assert first.status_code == 200 and first.json()["channels"] == ["email", "sms"]
    second = client.put(path, json={"events": ["delivered"], "quiet_hours": None,
                                    "time_zone": "Europe/London"}).json()
    assert (second["email"], second["phone"], second["locale"]) == ("ana@example.com", "+442079460958", "es")
    assert second["events"] == ["delivered"] and second["quiet_hours"] is None
    assert (second["time_zone"], second["time_zone_source"]) == ("Europe/London", "given")
    assert client.delete(path).status_code == 204 and client.get(path).status_code == 404


def test_bad_recipients_are_refused_whole_naming_each_field(client):
    answer = register(client, recipient={"email": "not-an-email", "phone": "12", "locale": "fr",
                                         "time_zone": "Mars/Olympus", "events": ["delivered", "teleported"],
                                         "quiet_hours": {"start": "25:00", "end": "08:00"}})
    assert answer.status_code == 422
    fields = {e["field"]: e["message"] for e in answer.json()["errors"]}
    assert fields["recipient.email"] == "expected an email address such as ana@example.com"
    assert fields["recipient.phone"].startswith("expected a phone number in international form")
    assert fields["recipient.locale"].startswith("expected one of: en, es")
    assert fields["recipient.time_zone"] == "expected an IANA time zone such as America/Chicago"
    assert fields["recipient.events[1]"].startswith("expected one of: shipped, out_for_delivery")
    assert fields["recipient.quiet_hours.start"] == "expected a local time HH:MM, e.g. 21:00"
    assert client.get("/v1/packages").json()["items"] == []  # nothing half-stored
    sms_only = register(client, recipient={"email": "ana@example.com", "channels": ["sms"]})
    assert sms_only.json()["errors"] == [{"field": "recipient.phone", "message": "needed for the sms channel"}]


def test_staff_recipients_choose_a_digest_and_channels(client):
    made = client.post("/v1/staff-recipients", json={"name": "Ops", "email": "ops@shop.example",
                                                     "digest": "hourly", "time_zone": "America/New_York"})
    assert made.status_code == 201
    staff = made.json()
    assert (staff["kind"], staff["digest"], staff["digest_hour"], staff["quiet_hours"]) == ("staff", "hourly", 8, None)
    changed = client.patch(f"/v1/staff-recipients/{staff['id']}", json={"digest": "daily", "digest_hour": 7}).json()
    assert (changed["digest"], changed["digest_hour"]) == ("daily", 7)
    assert [s["id"] for s in client.get("/v1/staff-recipients").json()["items"]] == [staff["id"]]
    bad = client.post("/v1/staff-recipients", json={"email": "ops@shop.example", "digest": "weekly"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "digest"
    assert client.delete(f"/v1/staff-recipients/{staff['id']}").status_code == 204


def test_channels_are_stored_encrypted_and_shown_without_secrets(client):
    url = "twilio://ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@+15551234567"
    stored = client.put("/v1/notification-channels/sms", json={"url": url})
    assert stored.status_code == 200
    shown = stored.json()
    assert shown["service"] == "Twilio" and "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" not in shown["url"]
    assert "bbbbbbbb" not in client.get("/v1/notification-channels").text
    assert client.put("/v1/notification-channels/fax", json={"url": url}).status_code == 404
    assert client.delete("/v1/notification-channels/sms").status_code == 204


def test_another_shop_cannot_see_or_set_a_buyer(client, keys):
    package = register(client, recipient={"email": "ana@example.com"}).json()
    other = {"Authorization": f"Bearer {keys[1]}"}
    path = f"/v1/packages/{package['id']}/recipient"
    assert client.get(path, headers=other).status_code == 404
    assert client.put(path, json={"email": "eve@example.com"}, headers=other).status_code == 404
    assert client.get(path).json()["email"] == "ana@example.com"
