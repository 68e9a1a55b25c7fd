"""Staff hear about exceptions in a digest (hourly or daily, their choice) instead of a message per
parcel, and about a webhook endpoint that was disabled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from parceltrail.core import Address, TrackingEvent
from parceltrail.notify.plan import RETRY_DELAYS
from parceltrail.outbound import guarded_client
from parceltrail.services import record_scans, register_package
from parceltrail.services.digests import queue_digests
from parceltrail.services.notification_log import list_notifications
from parceltrail.services.people import PeopleChannels
from parceltrail.services.recipients import RecipientInput, add_staff
from parceltrail.services.sender import Sender
from parceltrail.services.webhook_endpoints import create_endpoint
from parceltrail.store import UnitOfWork
from tests.conftest import HUNG
from tests.integration.notify.conftest import GUARD, SECRET_KEY, run_until_quiet
from tests.parcels import valid_number
from tests.receivers import Receiver

PUBLIC = "https://track.shop.example"


@pytest.fixture
def sender(mail):
    channels = PeopleChannels(mail.url, "Parcels <parcels@shop.example>", PUBLIC, SECRET_KEY, allow_private=True)
    with guarded_client(allow_private=True, timeout=HUNG) as http:
        yield Sender(http, SECRET_KEY, concurrency=2, people=channels)


def staff(uow, shop, **values):
    return add_staff(uow, shop.id, RecipientInput(**values, set_fields=set(values)))


def held_up(uow, shop, clock, count: int) -> list[str]:
    ids = []
    for i in range(count):
        package = register_package(uow, shop.id, valid_number("ups", i), "ups",
                                   destination=Address("60601", "US")).package
        scan = TrackingEvent.create(clock.now() - timedelta(hours=2), "exception", "address_issue", "Bad address",
                                    "AI")
        record_scans(uow, shop.id, {package.id: [scan]}, "api")
        ids.append(package.tracking_number)
    return ids


def test_a_daily_digest_lists_the_parcels_once_at_the_chosen_local_hour(uow, engine, clock, shop, sender, mail):
    # START is 15:00 UTC = 09:00 in Chicago
    staff(uow, shop, email="ops@shop.example", digest="daily", digest_hour=10, time_zone="America/Chicago")
    numbers = held_up(uow, shop, clock, 3)
    run_until_quiet(engine, sender)
    assert queue_digests(UnitOfWork(engine), clock.now(), PUBLIC, email=True) == 0  # 09:00 < 10:00
    clock.advance(timedelta(hours=1))
    assert queue_digests(UnitOfWork(engine), clock.now(), PUBLIC, email=True) == 1
    queue_digests(UnitOfWork(engine), clock.now() + timedelta(minutes=5), PUBLIC, email=True)  # the next run
    run_until_quiet(engine, sender)
    (digest,) = mail.messages
    assert digest.subject == "3 parcels need attention at Notify shop" and digest.rcpt_tos == ["ops@shop.example"]
    text = digest.part("text/plain")
    assert all(number in text for number in numbers) and f"{PUBLIC}/app" in text
    clock.advance(timedelta(days=1))
    queue_digests(UnitOfWork(engine), clock.now(), PUBLIC, email=True)
    run_until_quiet(engine, sender)
    assert len(mail.messages) == 2  # tomorrow's


def test_staff_get_no_message_per_parcel_and_an_empty_digest_is_not_sent(uow, engine, clock, shop, sender, mail):
    staff(uow, shop, email="ops@shop.example", digest="hourly", time_zone="UTC")
    assert queue_digests(UnitOfWork(engine), clock.now(), PUBLIC, email=True) == 0
    held_up(uow, shop, clock, 1)
    run_until_quiet(engine, sender)
    assert mail.messages == []
    assert queue_digests(UnitOfWork(engine), clock.now(), PUBLIC, email=True) == 1
    run_until_quiet(engine, sender)
    assert [m.subject for m in mail.messages] == ["1 parcel needs attention at Notify shop"]


def test_the_shop_is_told_when_an_endpoint_is_disabled(uow, engine, clock, shop, sender, mail):
    staff(uow, shop, email="dev@shop.example", digest="off", time_zone="UTC")
    with Receiver() as receiver:
        receiver.script = [500] * 8
        made = create_endpoint(uow, shop.id, receiver.url, ["package.created"], None, SECRET_KEY, GUARD)
        register_package(uow, shop.id, valid_number("ups", 99), "ups")
        run_until_quiet(engine, sender)
        for delay in RETRY_DELAYS:
            clock.advance(timedelta(seconds=delay))
            run_until_quiet(engine, sender)
    (notice,) = mail.messages
    assert notice.subject == "Webhook endpoint disabled at Notify shop"
    assert receiver.url in notice.part("text/plain") and made.endpoint.id in notice.part("text/plain")
    items, _ = list_notifications(uow, shop.id, channel="email")
    assert [(m.kind, m.state) for m in items] == [("endpoint_disabled", "sent")]
