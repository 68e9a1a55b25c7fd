"""Template previews: what a seller sees is what the buyer gets. A real message goes out over real SMTP
and the preview of the same package matches it (subject, text part, HTML) but for the unsubscribe token;
the SMS preview counts parts as a gateway bills them; bad requests name the field."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr

from parceltrail.api import create_app
from parceltrail.core import Address
from parceltrail.services import create_shop, record_scans, register_package
from parceltrail.services.previews import preview
from tests.conftest import LiveServer
from tests.integration.notify.conftest import SECRET_KEY, run_until_quiet
from tests.integration.notify.test_people import buyer, scan

PUBLIC = "https://parcels.shop.example"
TOKEN = re.compile(r"/unsubscribe/[A-Za-z0-9_-]+")


def same(text: str) -> list[str]:
    """Lines as a reader sees them: the unsubscribe token (one per message) and SMTP's CRLF set aside."""
    return [TOKEN.sub("/unsubscribe/T", line).rstrip() for line in text.strip().splitlines()]


@pytest.fixture
def keys(uow):
    return [create_shop(uow, name).api_key for name in ("Tienda Ana", "Shop B")]


@pytest.fixture
def client(settings, engine, keys):
    changed = settings.model_copy(update={"secret_key": SecretStr(SECRET_KEY), "public_url": PUBLIC})
    with (LiveServer(create_app(changed, engine)) as live,
          httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {keys[0]}"}, timeout=30) as http):
        yield http


def test_the_preview_of_a_package_is_the_email_its_buyer_received(uow, engine, clock, shop, people_sender, mail):
    package = register_package(uow, shop.id, "1Z999AA10123456784", "ups", destination=Address("60601", "US"),
                               recipient=buyer(name="Lucía", email="lucia@example.com", locale="es-MX")).package
    record_scans(uow, shop.id, {package.id: [scan(clock, "delivered", "left_at_door", "Delivered: front door")]},
                 "api")
    clock.advance(timedelta(minutes=2))
    run_until_quiet(engine, people_sender)
    [sent] = [m for m in mail.messages if m.subject.startswith("Entregado")]
    shown = preview(uow, shop.id, "delivered", "email", clock.now(), "https://parcels.shop.example",
                    package_id=package.id)
    assert (shown.locale, shown.time_zone, shown.example) == ("es", "America/Chicago", False)
    assert shown.subject == sent.subject
    assert same(shown.text) == same(sent.part("text/plain")) and same(shown.html) == same(sent.part("text/html"))
    assert "Lucía" in shown.html and f"/track/1Z999AA10123456784?shop={shop.id}&amp;lang=es" in shown.html


def test_the_api_lists_kinds_and_locales_and_previews_the_example_parcel(client):
    listed = client.get("/v1/notification-templates").json()
    assert {"kind": "delivered", "audience": "buyer"} in listed["kinds"]
    assert {"kind": "exception_digest", "audience": "staff"} in listed["kinds"]
    assert {"code": "es", "name": "Español"} in listed["locales"] and listed["channels"] == ["email", "sms", "chat"]

    email = client.get("/v1/notification-templates/out_for_delivery/preview").json()
    assert email["example"] is True and email["subject"] == "Out for delivery today: your parcel from Tienda Ana"
    assert "<" not in email["text"] and f"{PUBLIC}/track/1Z999AA10123456784?shop=" in email["text"]
    assert email["html"].startswith("<!doctype html>") and email["sms"] is None

    sms = client.get("/v1/notification-templates/delayed/preview", params={"channel": "sms", "locale": "es"}).json()
    assert sms["html"] is None and sms["text"].startswith("Tienda Ana: ")
    length = sms["sms"]
    assert length["encoding"] == "UCS-2" and "á" in length["outside_gsm"]
    assert length["parts"] == -(-len(sms["text"]) // 67) and length["characters"] == len(sms["text"])

    chat = client.get("/v1/notification-templates/exception_digest/preview", params={"channel": "chat"}).json()
    assert chat["example"] is True and "3 parcels need attention at Tienda Ana" == chat["subject"]


def test_bad_previews_name_the_field_and_other_shops_packages_are_not_found(client, keys):
    other = {"Authorization": f"Bearer {keys[1]}"}
    made = client.post("/v1/packages", json={"tracking_number": "1Z999AA10123456784", "carrier": "ups"}).json()
    wrong = client.get("/v1/notification-templates/lost/preview",
                       params={"channel": "fax", "locale": "fr", "time_zone": "Mars/Base"})
    assert wrong.status_code == 422
    assert {e["field"] for e in wrong.json()["errors"]} == {"kind", "channel", "locale", "time_zone"}
    hidden = client.get("/v1/notification-templates/delivered/preview", params={"package_id": made["id"]},
                        headers=other)
    assert hidden.status_code == 404
    mine = client.get("/v1/notification-templates/delivered/preview", params={"package_id": made["id"]}).json()
    assert mine["example"] is False and "1Z999AA10123456784" in mine["text"]
    no_change = client.get("/v1/notification-templates/estimate_changed/preview", params={"package_id": made["id"]})
    assert no_change.status_code == 422 and "no change to show" in no_change.json()["errors"][0]["message"]


def test_the_cli_prints_the_preview_and_writes_the_html(shop, database_url, tmp_path):
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url, "PARCELTRAIL_PUBLIC_URL": PUBLIC}
    out = tmp_path / "delivered.html"
    shown = subprocess.run([sys.executable, "-m", "parceltrail", "notifications", "preview", "delivered", "--shop",
                            shop.id, "--locale", "es", "--html", str(out)], env=env, capture_output=True, text=True,
                           timeout=60, check=False)
    assert shown.returncode == 0, shown.stderr
    assert "Subject: Entregado: tu paquete de Notify shop" in shown.stdout and "example parcel" in shown.stdout
    assert out.read_text().startswith("<!doctype html>")
    bad = subprocess.run([sys.executable, "-m", "parceltrail", "notifications", "preview", "lost", "--shop", shop.id],
                         env=env, capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode != 0 and "kind: expected one of" in bad.stderr and "Traceback" not in bad.stderr
