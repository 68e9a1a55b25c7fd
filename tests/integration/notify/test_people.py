"""Messages to buyers over real SMTP (aiosmtpd) and a real SMS gateway over HTTP, through Apprise:
a journey sends exactly the expected messages, quiet hours defer in the buyer's zone, the unsubscribe
link works, preferences and coalescing say why a message was not sent."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr

from parceltrail.api import create_app
from parceltrail.core import Address, TrackingEvent
from parceltrail.outbound import guarded_client
from parceltrail.services import record_scans, register_package
from parceltrail.services.notification_channels import set_channel
from parceltrail.services.notification_log import list_notifications, resend
from parceltrail.services.people import PeopleChannels
from parceltrail.services.planner import plan_due
from parceltrail.services.recipients import RecipientInput
from parceltrail.services.sender import Sender
from parceltrail.store import UnitOfWork
from tests.conftest import HUNG, LiveServer
from tests.integration.notify.conftest import GUARD, SECRET_KEY, WINDOW, run_until_quiet
from tests.receivers import Receiver

CHICAGO_ZIP = "60601"  # START is 09:00 there


@pytest.fixture
def gateway():
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def site(settings, engine):
    changed = settings.model_copy(update={"secret_key": SecretStr(SECRET_KEY)})
    with LiveServer(create_app(changed, engine)) as live:
        yield live


@pytest.fixture
def people_sender(mail, site):
    """Links point at a live API (the unsubscribe link is followed)."""
    channels = PeopleChannels(mail.url, "Parcels <parcels@shop.example>", site.url, SECRET_KEY, allow_private=True)
    with guarded_client(allow_private=True, timeout=HUNG) as http:
        yield Sender(http, SECRET_KEY, concurrency=4, people=channels)


def buyer(**values) -> RecipientInput:
    return RecipientInput(**values, set_fields=set(values))


def scan(clock, status: str, substatus: str | None = None, description: str = "") -> TrackingEvent:
    return TrackingEvent.create(clock.now() - timedelta(minutes=1), status, substatus, description or status,
                                f"{status}:{substatus}")


def step(uow, engine, sender, clock, shop, package, status, substatus=None, wait=WINDOW):
    record_scans(uow, shop.id, {package.id: [scan(clock, status, substatus)]}, "api")
    clock.advance(wait)
    run_until_quiet(engine, sender)


def log(uow, shop, package, channel=None, kinds=("estimate_changed",)):
    """The package's messages on ``channel``, oldest first, without those about new dates (unless asked)."""
    items, _ = list_notifications(uow, shop.id, package.id, channel=channel, limit=100)
    return [m for m in reversed(items) if m.kind not in kinds]


def test_a_journey_sends_exactly_the_expected_emails_and_texts(uow, engine, clock, shop, people_sender, mail,
                                                                gateway):
    set_channel(uow, shop.id, "sms", f"json://127.0.0.1:{gateway.port}/sms/{{to}}", SECRET_KEY, GUARD)
    package = register_package(uow, shop.id, "1Z999AA10123456784", "ups", destination=Address(CHICAGO_ZIP, "US"),
                               recipient=buyer(name="Ana", email="ana@example.com", phone="+1 (555) 123-4567",
                                               channels=["email", "sms"])).package
    run_until_quiet(engine, people_sender)
    for status, substatus in (("info_received", "label_created"), ("in_transit", "picked_up"),
                              ("in_transit", "departed_facility"), ("out_for_delivery", None),
                              ("delivered", "left_at_door")):
        step(uow, engine, people_sender, clock, shop, package, status, substatus, wait=timedelta(hours=1))
    subjects = [m.subject for m in mail.messages]
    assert subjects == ["Your parcel from Notify shop is on its way",
                        "Out for delivery today: your parcel from Notify shop",
                        "Delivered: your parcel from Notify shop"]
    assert all(m.rcpt_tos == ["ana@example.com"] for m in mail.messages)
    delivered = mail.messages[-1]
    text, html = delivered.part("text/plain"), delivered.part("text/html")
    assert "Your parcel is delivered, left at your door." in text and "Your parcel is delivered" in html
    assert f"/track/{package.tracking_number}" in text  # the plain part keeps the link
    assert delivered.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    texts = [json.loads(r.body)["message"] for r in gateway.requests]
    assert [r.path for r in gateway.requests] == ["/sms/+15551234567"] * 3
    assert [t.split(":")[1].strip().split(".")[0] for t in texts] == [
        "Your parcel is on its way", "Your parcel is out for delivery today", "Your parcel is delivered, left at your door"]
    sent = [(m.channel, m.kind, m.state) for m in log(uow, shop, package, kinds=()) if m.state == "sent"]
    assert sorted(sent) == sorted((c, k, "sent") for k in ("shipped", "out_for_delivery", "delivered")
                                  for c in ("email", "sms"))
    # the new delivery dates each scan brought rode on the status messages instead of coming on their own
    assert all(m.reason.endswith("says it too") for m in log(uow, shop, package, kinds=())
               if m.kind == "estimate_changed")


def test_quiet_hours_defer_to_the_morning_in_the_buyers_zone_never_drop(uow, engine, clock, shop, people_sender, mail):
    package = register_package(uow, shop.id, "1Z999AA10123456702", "ups", destination=Address(CHICAGO_ZIP, "US"),
                               recipient=buyer(email="ana@example.com")).package
    clock.advance(timedelta(hours=14, minutes=10))  # 23:10 in Chicago
    record_scans(uow, shop.id, {package.id: [scan(clock, "out_for_delivery")]}, "api")
    clock.advance(WINDOW)
    run_until_quiet(engine, people_sender)
    (message,) = log(uow, shop, package, "email")
    assert message.state == "pending" and mail.messages == []
    assert message.reason == "quiet hours 21:00-08:00 (America/Chicago): deferred to 2026-11-25 08:00"
    clock.advance(timedelta(hours=8, minutes=48))  # 07:59 there
    run_until_quiet(engine, people_sender)
    assert mail.messages == []
    clock.advance(timedelta(minutes=1))
    run_until_quiet(engine, people_sender)
    assert [m.subject for m in mail.messages] == ["Out for delivery today: your parcel from Notify shop"]


def test_what_happens_during_quiet_hours_comes_as_one_message_in_the_morning(uow, engine, clock, shop,
                                                                            people_sender, mail):
    package = register_package(uow, shop.id, "1Z999AA10123456775", "ups", destination=Address(CHICAGO_ZIP, "US"),
                               recipient=buyer(email="ana@example.com")).package
    clock.advance(timedelta(hours=14, minutes=10))  # 23:10 in Chicago
    step(uow, engine, people_sender, clock, shop, package, "out_for_delivery")
    clock.advance(timedelta(hours=8, minutes=20))  # 07:30
    step(uow, engine, people_sender, clock, shop, package, "delivered", "left_at_door")
    assert mail.messages == []
    clock.advance(timedelta(minutes=30))
    run_until_quiet(engine, people_sender)
    assert [m.subject for m in mail.messages] == ["Delivered: your parcel from Notify shop"]
    assert [(m.kind, m.state) for m in log(uow, shop, package, "email")] == [
        ("out_for_delivery", "skipped"), ("delivered", "sent")]


def test_the_unsubscribe_link_asks_and_one_click_opts_out(uow, engine, clock, shop, people_sender, mail, site):
    package = register_package(uow, shop.id, "1Z999AA10123456711", "ups", destination=Address(CHICAGO_ZIP, "US"),
                               recipient=buyer(email="ana@example.com")).package
    step(uow, engine, people_sender, clock, shop, package, "in_transit", "picked_up")
    (first,) = mail.messages
    link = re.search(r"(http://\S+/unsubscribe/[\w-]+)", first.part("text/plain")).group(1)
    assert link.startswith(site.url) and first.message["List-Unsubscribe"] == f"<{link}>"
    for _ in range(2):  # opening the link (a mail scanner, a preview, the buyer) only asks
        page = httpx.get(link)
        assert page.status_code == 200 and "Stop messages from Notify shop?" in page.text
        assert "ana@example.com" in page.text and f'action="/unsubscribe/{link.rsplit("/", 1)[1]}"' in page.text
    step(uow, engine, people_sender, clock, shop, package, "out_for_delivery")
    assert len(mail.messages) == 2
    done = httpx.post(link)  # the page's button
    assert done.status_code == 200 and "You are unsubscribed" in done.text and "ana@example.com" in done.text
    assert "You are unsubscribed" in httpx.get(link).text  # the link now says so, and offers to resubscribe
    step(uow, engine, people_sender, clock, shop, package, "available_for_pickup")
    assert len(mail.messages) == 2
    last = log(uow, shop, package, "email")[-1]
    assert (last.state, last.reason) == ("skipped", "opted out (unsubscribe link)")
    # the same address on another parcel of the shop is opted out too
    other = register_package(uow, shop.id, "1Z999AA10123456720", "ups", destination=Address(CHICAGO_ZIP, "US"),
                             recipient=buyer(email="ana@example.com")).package
    step(uow, engine, people_sender, clock, shop, other, "in_transit", "picked_up")
    assert len(mail.messages) == 2 and log(uow, shop, other, "email")[-1].state == "skipped"
    # mail clients' RFC 8058 POST answers too, and resubscribing brings messages back
    assert httpx.post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    back = httpx.post(link + "/resubscribe")
    assert back.status_code == 200 and "subscribed again" in back.text
    step(uow, engine, people_sender, clock, shop, package, "delivered")
    assert [m.subject for m in mail.messages][-1] == "Delivered: your parcel from Notify shop"
    assert httpx.get(site.url + "/unsubscribe/not-a-token").status_code == 404


def test_out_for_delivery_then_delivered_within_the_window_is_one_message(uow, engine, clock, shop, people_sender,
                                                                          mail):
    package = register_package(uow, shop.id, "1Z999AA10123456739", "ups", destination=Address(CHICAGO_ZIP, "US"),
                               recipient=buyer(email="ana@example.com", events=["out_for_delivery", "delivered"])
                               ).package
    step(uow, engine, people_sender, clock, shop, package, "in_transit", "picked_up")  # not chosen
    step(uow, engine, people_sender, clock, shop, package, "out_for_delivery", wait=timedelta(seconds=20))
    step(uow, engine, people_sender, clock, shop, package, "delivered")
    assert [m.subject for m in mail.messages] == ["Delivered: your parcel from Notify shop"]
    states = [(m.kind, m.state, (m.reason or "").split(" msg_")[0]) for m in log(uow, shop, package, "email")]
    assert states == [("shipped", "skipped", "preference: shipped is not among the chosen events"),
                      ("out_for_delivery", "skipped", "coalesced into"), ("delivered", "sent", "")]


def test_a_buyer_in_spanish_gets_spanish(uow, engine, clock, shop, people_sender, mail):
    package = register_package(uow, shop.id, "1Z999AA10123456748", "ups", destination=Address(CHICAGO_ZIP, "US"),
                               recipient=buyer(email="ana@example.com", locale="es-MX")).package
    step(uow, engine, people_sender, clock, shop, package, "out_for_delivery")
    (only,) = mail.messages
    assert only.subject == "En reparto hoy: tu paquete de Notify shop"
    assert "Tu paquete está en reparto hoy." in only.part("text/plain")


def email_due(uow, engine, clock, shop, number: str, status: str):
    """A buyer's package whose email about ``status`` is planned and due."""
    package = register_package(uow, shop.id, number, "ups", destination=Address(CHICAGO_ZIP, "US"),
                               recipient=buyer(email="ana@example.com")).package
    record_scans(uow, shop.id, {package.id: [scan(clock, status)]}, "api")
    clock.advance(WINDOW)
    plan_due(UnitOfWork(engine), clock.now(), WINDOW, email=True)
    return package


def claim_and_die(engine, clock, started: bool):
    """A sender claims the due email and vanishes (killed), after starting to send it or before."""
    with UnitOfWork(engine) as dead:
        (claimed,) = [m for m in dead.sending.claim_due(clock.now(), 10, timedelta(minutes=2), "dead")
                      if m.channel == "email"]
        if started:
            dead.sending.start(claimed.id, "dead", clock.now())
        dead.commit()
    return claimed


def test_an_email_whose_sender_died_mid_send_is_uncertain_not_resent_until_a_person_says(
        uow, engine, clock, shop, people_sender, mail):
    package = email_due(uow, engine, clock, shop, "1Z999AA10123456757", "out_for_delivery")
    claimed = claim_and_die(engine, clock, started=True)
    clock.advance(timedelta(minutes=3))
    run_until_quiet(engine, people_sender)
    (message,) = log(uow, shop, package, "email")
    assert message.id == claimed.id and message.state == "uncertain" and mail.messages == []
    assert message.history[-1].outcome == "uncertain"
    resend(uow, shop.id, message.id)
    run_until_quiet(engine, people_sender)
    assert [m.subject for m in mail.messages] == ["Out for delivery today: your parcel from Notify shop"]
    assert log(uow, shop, package, "email")[0].state == "sent"


def test_an_email_claimed_but_not_started_by_a_dead_sender_is_sent_by_the_next(
        uow, engine, clock, shop, people_sender, mail):
    package = email_due(uow, engine, clock, shop, "1Z999AA10123456766", "delivered")
    claim_and_die(engine, clock, started=False)
    run_until_quiet(engine, people_sender)
    assert mail.messages == []  # its lease still runs
    clock.advance(timedelta(minutes=3))
    run_until_quiet(engine, people_sender)
    assert [m.subject for m in mail.messages] == ["Delivered: your parcel from Notify shop"]
    assert log(uow, shop, package, "email")[0].state == "sent"


def test_an_sms_gateway_on_a_private_address_is_refused_unless_allowed(uow, shop):
    from parceltrail.services import InvalidInput
    from parceltrail.services.webhook_endpoints import Guard

    with pytest.raises(InvalidInput) as caught:
        set_channel(uow, shop.id, "sms", "json://169.254.169.254/latest/{to}", SECRET_KEY, Guard())
    assert caught.value.errors[0].field == "url" and "link-local" in caught.value.errors[0].message
    with pytest.raises(InvalidInput) as caught:
        set_channel(uow, shop.id, "chat", "nosuchservice://x", SECRET_KEY, Guard())
    assert "Apprise does not know the service 'nosuchservice'" in caught.value.errors[0].message
    stored = set_channel(uow, shop.id, "chat", "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", SECRET_KEY,
                         Guard())
    assert stored.service == "Slack" and "TIiajkdnlazkcOXrIdevi7FQ" not in stored.shown_url
    assert "TIiajkdnlazkcOXrIdevi7FQ" not in stored.ciphertext
