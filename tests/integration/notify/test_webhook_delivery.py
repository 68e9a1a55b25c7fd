"""Standard Webhooks deliveries to a real receiver on 127.0.0.1: signed, typed, retried, disabled, deduped."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook

from parceltrail.core import Address, TrackingEvent
from parceltrail.notify.plan import RETRY_DELAYS
from parceltrail.services import NotFound, record_scans, register_package
from parceltrail.services.webhook_endpoints import (
    create_endpoint,
    get_endpoint,
    list_deliveries,
    retry_delivery,
    rotate_secret,
)
from parceltrail.store.outbox import outbox
from tests.integration.notify.conftest import GUARD, SECRET_KEY, WINDOW, run_until_quiet
from tests.receivers import Receiver


def scan(clock, status: str, substatus: str | None = None, minutes: int = 0) -> TrackingEvent:
    return TrackingEvent.create(clock.now() + timedelta(minutes=minutes), status, substatus,
                                carrier_code=f"{status}-{minutes}")


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def bodies(receiver) -> list[dict]:
    return [json.loads(r.body) for r in receiver.requests]


def test_a_journey_sends_each_type_once_signed_so_the_standardwebhooks_package_verifies(
        uow, engine, clock, shop, sender, receiver):
    made = create_endpoint(uow, shop.id, receiver.url + "/in", None, "ops", SECRET_KEY, GUARD)
    package = register_package(uow, shop.id, "PT0000000000000001", "ups", destination=Address("40213", "US"),
                               force=True).package
    run_until_quiet(engine, sender)
    for status, gap in (("in_transit", 0), ("out_for_delivery", 5), ("delivered", 10)):
        clock.advance(timedelta(hours=gap))
        record_scans(uow, shop.id, {package.id: [scan(clock, status)]}, "api")
        run_until_quiet(engine, sender)
        clock.advance(WINDOW)
        run_until_quiet(engine, sender)
    verifier = Webhook(made.secret)
    received = [verifier.verify(r.body, r.headers) for r in receiver.requests]
    types = [b["type"] for b in received if b["type"] != "package.estimate_changed"]
    # the specific types go at once; status_changed waits out the coalescing window
    assert types == ["package.created", "package.status_changed", "package.out_for_delivery",
                     "package.status_changed", "package.delivered", "package.status_changed"]
    for moved in (b for b in received if b["type"] == "package.estimate_changed"):
        window = ("earliest", "likely", "latest", "promise")
        before, after = moved["data"]["previous_estimate"], moved["data"]["package"]["estimated_delivery"]
        assert [before[k] for k in window] != [after[k] for k in window]
    delivered = next(b for b in received if b["type"] == "package.delivered")
    assert delivered["data"]["package"]["status"] == "delivered"
    assert delivered["data"]["previous"]["status"] == "out_for_delivery"
    assert delivered["data"]["scan"]["status"] == "delivered"
    assert delivered["data"]["package"]["estimated_delivery"] is None or "likely" in \
        delivered["data"]["package"]["estimated_delivery"]
    assert set(received[0]) == {"type", "timestamp", "data"}
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(set(ids)) == len(ids) and all(i.startswith("msg_") for i in ids)


def test_three_scans_in_a_minute_are_one_status_changed(uow, engine, clock, shop, sender, receiver):
    create_endpoint(uow, shop.id, receiver.url, ["package.status_changed"], None, SECRET_KEY, GUARD)
    package = register_package(uow, shop.id, "PT0000000000000002", "ups", force=True).package
    for i, (status, sub) in enumerate((("info_received", None), ("in_transit", "picked_up"),
                                       ("in_transit", "departed_facility"))):
        record_scans(uow, shop.id, {package.id: [scan(clock, status, sub, minutes=i)]}, "api")
        clock.advance(timedelta(seconds=20))
        run_until_quiet(engine, sender)
    assert receiver.requests == []
    clock.advance(WINDOW)
    run_until_quiet(engine, sender)
    (only,) = bodies(receiver)
    assert only["data"]["package"]["substatus"] == "departed_facility"
    log = list_deliveries(uow, shop.id, receiver_endpoint(uow, shop.id), None, None, 10)
    assert sorted(m.state for m in log) == ["sent", "skipped", "skipped"]
    assert all(m.reason.startswith("coalesced into msg_") for m in log if m.state == "skipped")


def receiver_endpoint(uow, shop_id):
    with uow.read():
        return uow.webhooks.list(shop_id)[0].id


def test_a_receiver_failing_three_times_gets_the_fourth_attempt_on_the_schedule(
        uow, engine, clock, shop, sender, receiver):
    made = create_endpoint(uow, shop.id, receiver.url, ["package.created"], None, SECRET_KEY, GUARD)
    receiver.script = [500, 503, 502]
    register_package(uow, shop.id, "PT0000000000000003", "ups", force=True)
    run_until_quiet(engine, sender)
    for delay in RETRY_DELAYS[:3]:
        clock.advance(timedelta(seconds=delay - 1))
        run_until_quiet(engine, sender)  # one second early: nothing goes
        clock.advance(timedelta(seconds=1))
        run_until_quiet(engine, sender)
    assert len(receiver.requests) == 4
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1  # one delivery, four attempts
    (delivery,) = list_deliveries(uow, shop.id, made.endpoint.id, None, None, 10)
    assert delivery.state == "sent"
    assert [(a.number, a.status_code, a.outcome) for a in delivery.history] == [
        (1, 500, "failed"), (2, 503, "failed"), (3, 502, "failed"), (4, 200, "sent")]


def test_after_the_last_retry_the_endpoint_is_disabled_and_the_shop_told(uow, engine, clock, shop, sender, receiver):
    made = create_endpoint(uow, shop.id, receiver.url, ["package.created"], None, SECRET_KEY, GUARD)
    receiver.script = [500] * 8
    register_package(uow, shop.id, "PT0000000000000004", "ups", force=True)
    run_until_quiet(engine, sender)
    for delay in RETRY_DELAYS:
        clock.advance(timedelta(seconds=delay))
        run_until_quiet(engine, sender)
    assert len(receiver.requests) == 1 + len(RETRY_DELAYS)
    endpoint = get_endpoint(uow, shop.id, made.endpoint.id)
    assert not endpoint.enabled and "failed on every attempt" in endpoint.disabled_reason
    (delivery,) = list_deliveries(uow, shop.id, made.endpoint.id, None, None, 10)
    assert delivery.state == "failed" and "gave up after 8 attempts" in delivery.reason
    with engine.connect() as connection:
        told = connection.execute(select(outbox.c.data).where(outbox.c.type == "webhook_endpoint.disabled")).scalars()
        (data,) = [json.loads(d) for d in told]
    assert data["endpoint"]["id"] == made.endpoint.id
    # A new package while disabled: nothing is sent to it.
    register_package(uow, shop.id, "PT0000000000000005", "ups", force=True)
    run_until_quiet(engine, sender)
    assert len(receiver.requests) == 1 + len(RETRY_DELAYS)


def test_a_manual_retry_resends_under_the_same_webhook_id(uow, engine, clock, shop, sender, receiver):
    made = create_endpoint(uow, shop.id, receiver.url, ["package.created"], None, SECRET_KEY, GUARD)
    register_package(uow, shop.id, "PT0000000000000006", "ups", force=True)
    run_until_quiet(engine, sender)
    (delivery,) = list_deliveries(uow, shop.id, made.endpoint.id, None, None, 10)
    retried = retry_delivery(uow, shop.id, made.endpoint.id, delivery.id)
    assert retried.state == "pending"
    run_until_quiet(engine, sender)
    assert [r.headers["webhook-id"] for r in receiver.requests] == [delivery.id, delivery.id]
    assert receiver.requests[0].body == receiver.requests[1].body


def test_after_rotation_both_secrets_sign_for_a_day(uow, engine, clock, shop, sender, receiver):
    made = create_endpoint(uow, shop.id, receiver.url, ["package.created"], None, SECRET_KEY, GUARD)
    rotated = rotate_secret(uow, shop.id, made.endpoint.id, SECRET_KEY)
    register_package(uow, shop.id, "PT0000000000000007", "ups", force=True)
    run_until_quiet(engine, sender)
    first = receiver.requests[-1]
    assert len(first.headers["webhook-signature"].split()) == 2
    Webhook(made.secret).verify(first.body, first.headers)
    Webhook(rotated.secret).verify(first.body, first.headers)
    clock.advance(timedelta(hours=25))
    register_package(uow, shop.id, "PT0000000000000008", "ups", force=True)
    run_until_quiet(engine, sender)
    later = receiver.requests[-1]
    assert len(later.headers["webhook-signature"].split()) == 1
    Webhook(rotated.secret).verify(later.body, later.headers)


def test_the_endpoint_secret_is_stored_encrypted(uow, shop):
    made = create_endpoint(uow, shop.id, "http://127.0.0.1:9/x", None, None, SECRET_KEY, GUARD)
    with uow.read():
        stored = uow.webhooks.get(shop.id, made.endpoint.id)
    assert made.secret.startswith("whsec_") and made.secret not in stored.secret
    assert made.secret.removeprefix("whsec_") not in stored.secret


def outbox_types(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(select(outbox.c.type).order_by(outbox.c.id)).scalars())


def test_outbox_rows_commit_with_the_change_or_not_at_all(uow, engine, clock, shop):
    package = register_package(uow, shop.id, "PT0000000000000009", "ups", force=True).package
    assert outbox_types(engine) == ["package.created"]
    with pytest.raises(NotFound):
        record_scans(uow, shop.id, {package.id: [scan(clock, "in_transit")], "pkg_missing": []}, "api")
    assert outbox_types(engine) == ["package.created"]
    record_scans(uow, shop.id, {package.id: [scan(clock, "in_transit")]}, "api")
    # the status change commits with its event; the estimate it moved commits with the revision
    assert outbox_types(engine)[:2] == ["package.created", "package.status_changed"]
    assert set(outbox_types(engine)[2:]) <= {"package.estimate_changed"}
