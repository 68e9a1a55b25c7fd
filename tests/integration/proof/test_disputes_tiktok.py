"""Disputes opened from TikTok Shop's return and cancellation webhooks, through the real API and drain
against the local TikTok Shop: once per request however often TikTok sends it, closed when TikTok closes
the request, and never for a cancellation before the carrier has the parcel."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from parceltrail.core import Location, TrackingEvent
from parceltrail.core.orders import OrderStatus
from parceltrail.platforms.tiktok.local import webhooks as tts
from parceltrail.services import record_scans
from parceltrail.services.tiktok_hooks import drain_notifications
from parceltrail.services.tiktok_sync import sync_shop
from tests.conftest import HUNG, LiveServer
from tests.integration.orders.conftest import APP_KEY, APP_SECRET, SECRET_KEY, days_ago


@pytest.fixture
def hooks_url(settings, engine, tiktok):
    from parceltrail.api import create_app

    configured = settings.model_copy(update={
        "tiktok_app_key": APP_KEY, "tiktok_app_secret": SecretStr(APP_SECRET), "secret_key": SecretStr(SECRET_KEY),
        "tiktok_api_url": tiktok.url, "tiktok_auth_url": tiktok.url})
    with LiveServer(create_app(configured, engine)) as server:
        yield f"{server.url}/v1/webhooks/tiktok"


def _order(tiktok, remote, status: OrderStatus) -> dict:
    order = tiktok.new_order(remote, status, days_ago(6))
    tiktok.put_order(remote, order)
    return order


def _scan(uow, shop_id: str, package_id: str, status: str, sub: str, days: float) -> None:
    event = TrackingEvent.create(days_ago(days), status, sub, status, None, Location("Reno", "NV", "89502", "US"))
    record_scans(uow, shop_id, {package_id: [event]}, source="api")


def test_returns_and_cancellations_open_close_and_follow_disputes(uow, tiktok, app, client, connected, hooks_url):
    shop_id, remote = connected
    delivered = _order(tiktok, remote, OrderStatus.DELIVERED)
    moving = _order(tiktok, remote, OrderStatus.IN_TRANSIT)
    unshipped = _order(tiktok, remote, OrderStatus.AWAITING_COLLECTION)
    sync_shop(uow, app, client, shop_id, since=days_ago(10))
    with uow.read():
        ids = {o["id"]: next(iter(uow.orders.get(shop_id, o["id"]).package_ids.values()))
               for o in (delivered, moving, unshipped)}
    _scan(uow, shop_id, ids[delivered["id"]], "in_transit", "picked_up", 5)
    _scan(uow, shop_id, ids[delivered["id"]], "delivered", "left_at_door", 2)
    _scan(uow, shop_id, ids[moving["id"]], "in_transit", "picked_up", 4)

    def returned(order, status, return_type="REFUND_ONLY", rid="R1", nid=None):
        return tts.notification(12, remote.id, {"order_id": order["id"], "return_id": rid, "return_role": "BUYER",
                                                "return_type": return_type, "return_status": status,
                                                "create_time": 1, "update_time": 2}, nid)

    def cancelled(order, status, cid, role="BUYER"):
        return tts.notification(11, remote.id, {"order_id": order["id"], "cancel_id": cid, "cancel_status": status,
                                                "cancellations_role": role, "create_time": 1})

    with httpx.Client(timeout=HUNG) as http:
        for body in (returned(delivered, "RETURN_OR_REFUND_REQUEST_PENDING", nid="a"),
                     returned(delivered, "RETURN_OR_REFUND_REQUEST_PENDING", nid="b"),  # resent under a new id
                     returned(delivered, "RETURN_OR_REFUND_REQUEST_PENDING", "RETURN_AND_REFUND", rid="R2"),
                     cancelled(moving, "CANCELLATION_REQUEST_PENDING", "C1"),
                     cancelled(unshipped, "CANCELLATION_REQUEST_PENDING", "C2")):
            assert tts.send(http, hooks_url, APP_KEY, APP_SECRET, body).status_code == 200
    report = drain_notifications(uow, app, client)
    assert report.failed == 0 and report.disputes_opened == 3
    with uow.read():
        found = {d.external_ref: d for d in uow.disputes.page(shop_id)}
    assert set(found) == {f"tiktok:return:R1:{ids[delivered['id']]}", f"tiktok:return:R2:{ids[delivered['id']]}",
                          f"tiktok:cancellation:C1:{ids[moving['id']]}"}
    r1, r2 = found[f"tiktok:return:R1:{ids[delivered['id']]}"], found[f"tiktok:return:R2:{ids[delivered['id']]}"]
    c1 = found[f"tiktok:cancellation:C1:{ids[moving['id']]}"]
    assert (r1.kind.value, r2.kind.value, c1.kind.value) == ("not_received", "damaged", "not_received")
    assert r1.source == "tiktok" and "kind guessed" in r1.description and r1.order_id is not None

    with httpx.Client(timeout=HUNG) as http:
        for body in (returned(delivered, "RETURN_OR_REFUND_REQUEST_COMPLETE", nid="c"),
                     cancelled(moving, "CANCELLATION_REQUEST_CANCEL", "C1")):
            tts.send(http, hooks_url, APP_KEY, APP_SECRET, body)
    assert drain_notifications(uow, app, client).disputes_opened == 0
    with uow.read():
        after = {d.external_ref: d for d in uow.disputes.page(shop_id)}
        history = uow.disputes.history(r1.id)
    assert after[r1.external_ref].state.value == "refunded" and after[r1.external_ref].closed_at is not None
    assert after[c1.external_ref].state.value == "withdrawn"
    assert after[r2.external_ref].state.value == "open"
    assert [(h.actor, h.action, h.state.value) for h in history] == [("tiktok", "opened", "open"),
                                                                     ("tiktok", "state", "refunded")]
    assert history[1].detail == "TikTok return request R1: RETURN_OR_REFUND_REQUEST_COMPLETE (by buyer)"
