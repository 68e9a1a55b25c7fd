"""TikTok's webhooks through the real API: a burst with duplicates and a forgery ends where a sync ends;
deauthorization marks the connection and tells the shop's staff once; the browser consent flow checks its
state."""

from __future__ import annotations

from contextlib import contextmanager

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from parceltrail.core.orders import OrderStatus
from parceltrail.platforms.tiktok.local import webhooks as tts
from parceltrail.platforms.tiktok.signing import webhook_signature
from parceltrail.services.notification_log import list_notifications
from parceltrail.services.tiktok_hooks import drain_notifications, receive_notification
from parceltrail.services.tiktok_sync import sync_shop
from parceltrail.store.orders import order_packages, orders
from parceltrail.store.tiktok import tiktok_inbox
from tests.conftest import HUNG, LiveServer
from tests.integration.orders.conftest import APP_KEY, APP_SECRET, SECRET_KEY, days_ago


@pytest.fixture
def api_with_tiktok(settings, engine, tiktok):
    from parceltrail.api import create_app

    configured = settings.model_copy(update={
        "tiktok_app_key": APP_KEY, "tiktok_app_secret": SecretStr(APP_SECRET), "secret_key": SecretStr(SECRET_KEY),
        "tiktok_api_url": tiktok.url, "tiktok_auth_url": tiktok.url})
    with LiveServer(create_app(configured, engine)) as server:
        yield server


def _state(engine):
    with engine.connect() as c:
        return (c.execute(select(orders.c.external_id, orders.c.status, orders.c.on_hold).order_by(orders.c.external_id)).all(),
                c.execute(select(order_packages.c.package_key, order_packages.c.tracking_number)
                          .order_by(order_packages.c.package_key)).all())


def test_a_burst_with_duplicates_and_a_forgery_ends_like_a_sync(uow, engine, tiktok, app, client, connected,
                                                               api_with_tiktok):
    shop_id, remote = connected
    made = tiktok.seed(remote, 40, days_ago(3), span=days_ago(3) - days_ago(4))
    url = f"{api_with_tiktok.url}/v1/webhooks/tiktok"
    with httpx.Client(timeout=HUNG) as http:
        for order in made:
            body = tts.order_status_change(order, remote.id, notification_id=f"n-{order['id']}")
            assert tts.send(http, url, APP_KEY, APP_SECRET, body).json() == {"accepted": True, "duplicate": False}
        moved = made[5]
        tiktok.touch(remote, moved["id"], OrderStatus.CANCELLED, at=days_ago(0))
        late = tts.order_status_change(moved, remote.id, notification_id="n-late")
        for _ in range(3):  # TikTok delivers at least once
            tts.send(http, url, APP_KEY, APP_SECRET, late)
        duplicate = tts.send(http, url, APP_KEY, APP_SECRET, late)
        forged_body = tts.order_status_change({**made[6], "status": "CANCELLED"}, remote.id, "n-forged")
        forged = tts.send(http, url, APP_KEY, APP_SECRET, forged_body, signature="0" * 64)
    assert duplicate.json() == {"accepted": True, "duplicate": True}
    assert forged.status_code == 401 and forged.headers["content-type"] == "application/problem+json"
    with engine.connect() as c:
        stored = c.execute(select(tiktok_inbox.c.notification_id)).scalars().all()
    assert len(stored) == 41 and "n-forged" not in stored

    report = drain_notifications(uow, app, client)
    assert report.done == 41 and report.failed == 0
    from_hooks = _state(engine)
    assert {r.external_id: r.status for r in from_hooks[0]}[moved["id"]] == "CANCELLED"
    assert {r.external_id: r.status for r in from_hooks[0]}[made[6]["id"]] == made[6]["status"]

    check = sync_shop(uow, app, client, shop_id, since=days_ago(10))
    assert check.complete and (check.orders_created, check.orders_updated) == (0, 0)
    assert _state(engine) == from_hooks


def test_deauthorization_and_upcoming_expiry_mark_the_connection(uow, tiktok, app, client, connected,
                                                                api_with_tiktok):
    shop_id, remote = connected
    url = f"{api_with_tiktok.url}/v1/webhooks/tiktok"
    with httpx.Client(timeout=HUNG) as http:
        tts.send(http, url, APP_KEY, APP_SECRET,
                 tts.notification(7, remote.id, {"message": "expires soon", "expiration_time": "1767225600"}))
        drain_notifications(uow, app, client)
        with uow:
            assert uow.tiktok.get(shop_id).state == "expiring"
        tts.send(http, url, APP_KEY, APP_SECRET, tts.notification(6, remote.id, {"message": "seller removed app"}))
    drain_notifications(uow, app, client)
    status = httpx.get(f"{api_with_tiktok.url}/v1/tiktok/status",
                       headers={"Authorization": f"Bearer {connected_key(uow, shop_id)}"}).json()
    assert status["state"] == "deauthorized" and "connect the shop again" in status["state_detail"]
    assert "access_token" not in status
    assert status["webhooks"] == {"pending": 0, "done": 2, "failed": 0}


def connected_key(uow, shop_id: str) -> str:
    from parceltrail.services import create_api_key

    return create_api_key(uow, shop_id)


def test_browser_flow_connects_and_refuses_a_replayed_or_unknown_state(uow, tiktok, api_with_tiktok):
    from parceltrail.services import create_shop

    remote = tiktok.add_shop("Browser Shop")
    new = create_shop(uow, "Browser")
    with httpx.Client(timeout=HUNG, follow_redirects=False) as http:
        start = http.get(f"{api_with_tiktok.url}/v1/tiktok/authorize", headers={"Authorization": f"Bearer {new.api_key}"})
        assert start.status_code == 302 and start.headers["location"].startswith(tiktok.url)
        consent = http.get(start.headers["location"])  # the seller clicks "authorise" on TikTok
        back = consent.headers["location"]
        assert "/v1/tiktok/callback?" in back
        done = http.get(back)
        assert done.status_code == 200 and done.json()["tiktok_shop_id"] == remote.id
        replay = http.get(back)
        forged = http.get(f"{api_with_tiktok.url}/v1/tiktok/callback", params={"code": "x", "state": "guess"})
    assert replay.status_code == 422 and forged.status_code == 422
    assert forged.json()["errors"][0]["field"] == "state"


def test_without_tiktok_settings_the_routes_say_what_is_missing(uow, api):
    refused = httpx.post(f"{api.url}/v1/webhooks/tiktok", content=b"{}", headers={"Authorization": "00"})
    assert refused.status_code == 404 and refused.headers["content-type"] == "application/problem+json"
    assert "PARCELTRAIL_TIKTOK_APP_KEY" in refused.json()["detail"]


def test_the_shop_is_told_once_when_tiktok_shop_is_about_to_expire_and_when_it_is_lost(uow, engine, tiktok, app,
                                                                                     client, connected):
    # TikTok's own notices (types 7 and 6) through the webhook inbox, signed as TikTok signs them: orders
    # stop arriving the moment the seller removes the app, and only the seller can authorise again.
    from parceltrail.mailcatcher import MailCatcher
    from parceltrail.services.recipients import RecipientInput, add_staff
    from tests.integration.notify.conftest import run_until_quiet

    shop_id, remote = connected
    add_staff(uow, shop_id, RecipientInput(email="owner@shop.example", digest="off", time_zone="America/Chicago",
                                           set_fields={"email", "digest", "time_zone"}))

    def hear(kind: int, data: dict) -> None:
        body = tts.notification(kind, remote.id, data)
        receive_notification(uow, APP_KEY, APP_SECRET, webhook_signature(APP_KEY, APP_SECRET, body), body)

    with MailCatcher() as mail, people_sender(mail.url) as sender:
        hear(7, {"message": "expires soon", "expiration_time": "1767225600"})
        hear(7, {"message": "expires soon", "expiration_time": "1767225600"})  # TikTok repeats its notice
        drain_notifications(uow, app, client)
        run_until_quiet(engine, sender)
        (expiring,) = mail.messages
        assert expiring.subject == "TikTok Shop needs reconnecting at Sunny Crochet"
        text = expiring.part("text/plain")
        assert "authorization expires Dec 31 6:00 PM" in text  # 2026-01-01 00:00 UTC in the owner's zone
        assert f"parceltrail tiktok connect --shop {shop_id} --auth-code CODE" in text

        hear(6, {"message": "seller removed app"})
        drain_notifications(uow, app, client)
        run_until_quiet(engine, sender)
        assert len(mail.messages) == 2
        assert "removed parceltrail's authorization in TikTok Shop: new orders no longer arrive" in (
            mail.messages[1].part("text/plain"))
    items, _ = list_notifications(uow, shop_id, channel="email")
    assert sorted((m.kind, m.state) for m in items) == [("tiktok_connection", "sent")] * 2


@contextmanager
def people_sender(smtp_url: str):
    from parceltrail.outbound import guarded_client
    from parceltrail.services.people import PeopleChannels
    from parceltrail.services.sender import Sender

    channels = PeopleChannels(smtp_url, "Parcels <parcels@shop.example>", "https://parcels.shop.example",
                              SECRET_KEY, allow_private=True)
    with guarded_client(allow_private=True, timeout=HUNG) as http:
        yield Sender(http, SECRET_KEY, concurrency=2, people=channels)
