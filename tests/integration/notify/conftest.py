"""Shared set-up for notification tests: a manual clock, a shop, a sender on the guarded client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.mailcatcher import MailCatcher
from parceltrail.outbound import guarded_client
from parceltrail.services import create_shop
from parceltrail.services.clock import ManualClock, WallClock, set_clock
from parceltrail.services.people import PeopleChannels
from parceltrail.services.planner import plan_due
from parceltrail.services.sender import Sender
from parceltrail.services.webhook_endpoints import Guard
from parceltrail.store import UnitOfWork
from tests.conftest import HUNG

SECRET_KEY = "test-server-key-never-in-a-log"
START = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=60)
GUARD = Guard(allow_private=True)


@pytest.fixture
def clock():
    manual = ManualClock(START)
    set_clock(manual)
    yield manual
    set_clock(WallClock())


@pytest.fixture
def shop(uow):
    return create_shop(uow, "Notify shop").shop


@pytest.fixture
def sender():
    with guarded_client(allow_private=True, timeout=HUNG) as http:
        yield Sender(http, SECRET_KEY, concurrency=4)


@pytest.fixture
def mail():
    with MailCatcher() as catcher:
        yield catcher


@pytest.fixture
def people_sender(mail):
    """A sender that also reaches people: email to the mail catcher; links on a made-up public URL."""
    channels = PeopleChannels(mail.url, "Parcels <parcels@shop.example>", "https://parcels.shop.example",
                              SECRET_KEY, allow_private=True)
    with guarded_client(allow_private=True, timeout=HUNG) as http:
        yield Sender(http, SECRET_KEY, concurrency=4, people=channels)


def run_until_quiet(engine, sender: Sender, rounds: int = 20) -> list:
    """Plan and send until a round finds nothing to do; returns every round's send report."""
    reports = []
    for _ in range(rounds):
        email = sender.people is not None and bool(sender.people.smtp_url)
        planned = plan_due(UnitOfWork(engine), sender.clock(), WINDOW, email=email)
        report = sender.send_due(UnitOfWork(engine))
        reports.append(report)
        if not planned and not report.claimed:
            return reports
    raise AssertionError("notifications did not settle")
