"""Draining the push inbox on a real database: failures are kept and retried with backoff, then given up;
one bad delivery never holds up the others; every number a body names is followed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import update

from parceltrail.core import Status
from parceltrail.services import create_shop, get_package, register_package
from parceltrail.services.clock import AcceleratedClock, get_clock, set_clock, utcnow
from parceltrail.services.hook_signatures import PushRefused
from parceltrail.services.hooks import (
    KEEP_DONE,
    MAX_ATTEMPTS,
    drain_inbox,
    prune_inbox,
    receive_push,
    retry_delay,
)
from parceltrail.store.tables import hook_inbox
from tests.integration.push.helpers import SECRET, UPS_NUMBER, signed_headers, ups_body

SECRETS = {"ups": SecretStr(SECRET)}


class StoppedClock:
    """A process clock that moves when told to, and by a microsecond each time it is read (so the order
    things happened in shows in their times)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        self.at += timedelta(microseconds=1)
        return self.at


@pytest.fixture
def clock():
    previous = get_clock()
    stopped = StoppedClock(datetime.now(UTC).replace(microsecond=0))
    set_clock(stopped)
    yield stopped
    set_clock(previous)


def deliver(uow, body: bytes, delivery_id: str) -> int:
    headers = signed_headers(body, delivery_id)  # signed on real time, as senders do
    return receive_push(uow, "ups", headers, body, SECRETS).id


def stored(uow, inbox_id: int):
    with uow:
        return uow.hooks.get(inbox_id)


def test_a_body_the_carrier_parser_refuses_is_kept_retried_with_backoff_then_given_up(uow, clock):
    inbox_id = deliver(uow, b'{"not": "a UPS answer"}', "msg_bad")

    assert drain_inbox(uow).failed == 1
    first = stored(uow, inbox_id)
    assert (first.state, first.attempts) == ("failed", 1)
    assert first.error.startswith("CarrierShapeError: ups:")
    assert first.body == b'{"not": "a UPS answer"}'

    clock.at += retry_delay(1) - timedelta(seconds=1)
    assert drain_inbox(uow).failed == 0  # not yet due
    clock.at += timedelta(seconds=1)
    assert drain_inbox(uow).failed == 1
    assert stored(uow, inbox_id).attempts == 2

    gave_up = 0
    for attempts in range(2, MAX_ATTEMPTS):
        clock.at += retry_delay(attempts)
        gave_up += drain_inbox(uow).given_up
    clock.at += timedelta(days=30)
    assert drain_inbox(uow).failed == 0  # given up for good

    final = stored(uow, inbox_id)
    assert (final.state, final.attempts, gave_up) == ("failed", MAX_ATTEMPTS, 1)


def test_window_follows_real_time_while_an_accelerated_demo_clock_lags_hours_behind(uow):
    previous = get_clock()
    set_clock(AcceleratedClock(speed=500, lag=timedelta(hours=6)))
    try:
        body = ups_body("delivered")
        fresh = receive_push(uow, "ups", signed_headers(body, "msg_now"), body, SECRETS)
        with pytest.raises(PushRefused, match="window"):
            stamped_on_demo_time = signed_headers(body, "msg_demo", sent_at=utcnow())
            receive_push(uow, "ups", stamped_on_demo_time, body, SECRETS)
        received_at = stored(uow, fresh.id).received_at
    finally:
        set_clock(previous)
    assert received_at < datetime.now(UTC) - timedelta(hours=5)  # the inbox's own times are demo times


def test_backoff_doubles_from_one_minute():
    assert [retry_delay(n) for n in range(1, MAX_ATTEMPTS)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]


def test_one_bad_delivery_does_not_hold_up_the_ones_after_it(uow, clock):
    shop = create_shop(uow, "Shop").shop
    package = register_package(uow, shop.id, UPS_NUMBER, "ups", force=True).package
    deliver(uow, b"not json", "msg_1")
    deliver(uow, ups_body("delivered"), "msg_2")

    report = drain_inbox(uow)

    assert (report.done, report.failed) == (1, 1)
    assert get_package(uow, shop.id, package.id).package.state.status is Status.DELIVERED


def test_a_push_for_a_number_nobody_follows_is_done_without_events(uow, clock):
    inbox_id = deliver(uow, ups_body("exception"), "msg_stranger")

    report = drain_inbox(uow)

    assert (report.done, report.events) == (1, 0)
    assert stored(uow, inbox_id).state == "done"


def test_every_piece_of_a_multi_piece_body_reaches_its_own_package(uow, clock):
    shop = create_shop(uow, "Pieces").shop
    lead = register_package(uow, shop.id, "1Z4F28Y10395000020", "ups", force=True).package
    sibling = register_package(uow, shop.id, "1Z4F28Y10395000011", "ups", force=True).package
    deliver(uow, ups_body("multi_piece"), "msg_pieces")

    assert drain_inbox(uow).events == 14

    assert get_package(uow, shop.id, lead.id).package.state.status is Status.IN_TRANSIT
    assert get_package(uow, shop.id, sibling.id).package.state.status is Status.DELIVERED


def test_the_inbox_drains_in_batches_oldest_first(uow, clock):
    shop = create_shop(uow, "Batches").shop
    package = register_package(uow, shop.id, UPS_NUMBER, "ups", force=True).package
    ids = [
        deliver(uow, ups_body("out_for_delivery" if n % 2 else "delivered"), f"msg_{n}")
        for n in range(7)
    ]

    report = drain_inbox(uow, batch=3)

    assert report.done == 7
    with uow:
        assert uow.hooks.counts() == {"done": 7}
        processed = [uow.hooks.get(i).processed_at for i in ids]
    assert processed == sorted(processed) and len(set(processed)) == 7
    assert get_package(uow, shop.id, package.id).package.state.status is Status.DELIVERED


def test_a_configured_secret_that_is_not_base64_says_push_is_not_set_up(uow, clock):
    from parceltrail.services.hooks import PushNotSetUp

    body = ups_body("delivered")
    with pytest.raises(PushNotSetUp, match="not usable"):
        receive_push(uow, "ups", signed_headers(body, "msg_1"), body, {"ups": SecretStr("whsec_***")})
    with uow:
        assert uow.hooks.counts() == {}


def test_a_delivery_processed_but_not_marked_done_before_a_crash_changes_nothing_when_redone(
    uow, engine, clock
):
    shop = create_shop(uow, "Redo").shop
    package = register_package(uow, shop.id, UPS_NUMBER, "ups", force=True).package
    inbox_id = deliver(uow, ups_body("delivered"), "msg_redo")
    assert drain_inbox(uow).events == 8
    with engine.begin() as connection:  # as if the worker died between the ingest and marking it done
        connection.execute(update(hook_inbox).where(hook_inbox.c.id == inbox_id).values(state="pending"))

    report = drain_inbox(uow)

    assert (report.done, report.events) == (1, 0)
    assert get_package(uow, shop.id, package.id).package.state.event_count == 8


def test_pruning_forgets_deliveries_processed_long_ago_and_keeps_the_rest(uow, clock):
    old_done = deliver(uow, ups_body("delivered"), "msg_old")
    old_failed = deliver(uow, b"not json", "msg_old_bad")
    drain_inbox(uow)
    clock.at += KEEP_DONE + timedelta(minutes=1)
    recent_done = deliver(uow, ups_body("delivered"), "msg_recent")
    drain_inbox(uow)
    pending = deliver(uow, ups_body("delivered"), "msg_pending")

    assert prune_inbox(uow) == 1

    assert stored(uow, old_done) is None
    assert [stored(uow, i).state for i in (old_failed, recent_done, pending)] == ["failed", "done", "pending"]
