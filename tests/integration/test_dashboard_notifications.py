"""Settings → notifications over real HTTP, on SQLite and PostgreSQL: the channels (e-mail on or off, the
shop's SMS and chat, stored encrypted and never shown whole), the messages, and previews of the example
parcel or one of the shop's own, the e-mail in a frame with a policy of its own; only the owner changes
channels, with a CSRF token, and the SSRF guard checks a URL the shop chose."""

from __future__ import annotations

import html

import httpx
import pytest
from pydantic import SecretStr

from parceltrail.notify.plan import BUYER_EVENTS
from parceltrail.services.notification_channels import list_channels
from parceltrail.services.previews import PREVIEW_KINDS
from parceltrail.store import UnitOfWork
from tests.conftest import LiveServer
from tests.integration.test_dashboard import shop, signed_in, token  # noqa: F401  (fixture)
from tests.parcels import DELIVERED, LATE, make_parcels

SECRET_KEY = "a test key that is long enough to derive from"
TWILIO = "twilio://ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@+15551234567"
PAGE = "/app/settings/notifications"


@pytest.fixture
def keyed_api(settings, engine):
    from parceltrail.api import create_app

    with LiveServer(create_app(settings.model_copy(update={"secret_key": SecretStr(SECRET_KEY)}), engine)) as server:
        yield server


def test_the_page_lists_channels_and_messages_and_previews_the_example_email_in_its_own_frame(keyed_api, shop):
    client = signed_in(keyed_api)
    page = client.get(PAGE)
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "off: this server has no PARCELTRAIL_SMTP_URL" in text and "0 endpoint(s)" in text
    assert text.count('<th scope="row">') == len(PREVIEW_KINDS) == len(BUYER_EVENTS) + 3  # 3 for staff
    assert "Out for delivery today: your parcel from {shop}" in text
    assert page.headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in page.headers[
        "content-security-policy"]
    assert f'src="{PAGE}/email.html?kind=out_for_delivery&amp;channel=email"' in page.text
    frame = client.get(f"{PAGE}/email.html", params={"kind": "out_for_delivery"})
    assert frame.status_code == 200 and "<h1" in frame.text and "out for delivery" in frame.text.lower()
    policy = frame.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'self'" in policy and policy.endswith("sandbox")
    assert "script-src" not in policy and frame.headers["x-frame-options"] == "SAMEORIGIN"
    assert httpx.get(f"{keyed_api.url}{PAGE}/email.html", follow_redirects=False).status_code == 303  # sign in first


def test_a_preview_of_one_of_the_shops_parcels_by_text_in_spanish(keyed_api, shop, engine):
    make_parcels(engine, name="Another shop")  # the same numbers elsewhere: never this shop's preview
    client = signed_in(keyed_api)
    sms = client.get(PAGE, params={"kind": "delivered", "channel": "sms", "locale": "es",
                                   "package": DELIVERED.lower()[:8] + " " + DELIVERED[8:]})
    assert sms.status_code == 200
    text = html.unescape(sms.text)
    assert f"/track/{DELIVERED}" in text and f"es · America/Denver · parcel {DELIVERED}" in text
    assert "entregado" in text.lower()
    assert "characters, GSM-7, sent as" in text or "characters, UCS-2, sent as" in text
    assert "Maple &amp; Moss:" in sms.text  # the shop's own name, not the example's
    unknown = client.get(PAGE, params={"kind": "delivered", "package": "1Z999AA10000000000"})
    assert unknown.status_code == 422
    assert "package: no package of this shop has tracking number 1Z999AA10000000000" in unknown.text
    digest = client.get(PAGE, params={"kind": "exception_digest", "channel": "chat", "package": LATE})
    assert digest.status_code == 200 and 'class="message-text"' in digest.text


def test_the_owner_saves_a_channel_staff_and_forged_forms_change_nothing(keyed_api, shop, uow):
    owner = signed_in(keyed_api)
    csrf = token(owner, PAGE)
    forged = owner.post(f"{PAGE}/channels", data={"csrf_token": "forged", "kind": "sms", "url": TWILIO})
    assert forged.status_code == 403 and "This form has expired" in forged.text
    private = owner.post(f"{PAGE}/channels", data={"csrf_token": csrf, "kind": "chat",
                                                   "url": "json://127.0.0.1:9/hook"})
    assert private.status_code == 422 and "url is not allowed: url:" in private.text
    assert list_channels(uow, shop.shop_id) == []
    saved = owner.post(f"{PAGE}/channels", data={"csrf_token": csrf, "kind": "sms", "url": TWILIO})
    assert saved.status_code == 303 and saved.headers["location"] == f"{PAGE}?saved=sms"
    page = owner.get(saved.headers["location"]).text
    assert "SMS (buyers&#39; texts) channel saved." in page and "Twilio" in page
    assert "bbbbbbbbbbbbbbbb" not in page
    packer = signed_in(keyed_api, "packer@maple.example")
    seen = packer.get(PAGE).text
    assert "Twilio" in seen and "Save channel" not in seen and "Remove the SMS" not in seen
    refused = packer.post(f"{PAGE}/channels/sms/delete", data={"csrf_token": token(packer, PAGE)})
    assert refused.status_code == 403 and "Only the shop&#39;s owner can change this" in refused.text
    assert [c.kind for c in list_channels(uow, shop.shop_id)] == ["sms"]
    removed = owner.post(f"{PAGE}/channels/sms/delete", data={"csrf_token": csrf})
    assert removed.status_code == 303 and list_channels(uow, shop.shop_id) == []
    assert owner.post(f"{PAGE}/channels/sms/delete", data={"csrf_token": csrf}).status_code == 404


def test_a_server_without_a_secret_key_stores_no_channel(api, shop, engine):
    owner = signed_in(api)
    refused = owner.post(f"{PAGE}/channels", data={"csrf_token": token(owner, PAGE), "kind": "sms", "url": TWILIO})
    assert refused.status_code == 422 and "PARCELTRAIL_SECRET_KEY" in refused.text
    assert list_channels(UnitOfWork(engine), shop.shop_id) == []
