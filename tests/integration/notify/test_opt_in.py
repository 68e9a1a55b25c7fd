"""Buyers opting in from the tracking page, double opt-in, over real SMTP and a real SMS gateway: the
address gets one confirmation; opening its link changes nothing until the button is pressed; then the
parcel's news reaches the address. The page cannot be used to mail strangers or to take over the
address a seller gave, and a forged link confirms nothing."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import httpx
import pytest

from parceltrail.core import Address
from parceltrail.services import InvalidInput, NotFound, record_scans, register_package
from parceltrail.services.errors import Conflict
from parceltrail.services.notification_channels import set_channel
from parceltrail.services.opt_ins import PER_PARCEL_PER_DAY, request_opt_in
from parceltrail.services.recipients import get_package_recipient
from tests.integration.notify.conftest import GUARD, SECRET_KEY, run_until_quiet
from tests.integration.notify.test_people import buyer, log, people_sender, scan, site  # noqa: F401 (fixtures)
from tests.receivers import Receiver

LINK = re.compile(r"https?://[^\s\"<>]+/opt-in/[A-Za-z0-9_.=-]+")


def ask(uow, package, channel="email", address="ana@example.com", locale=None, email_enabled=True):
    return request_opt_in(uow, package.id, channel, address, locale, SECRET_KEY, email_enabled)


def test_a_buyer_opts_in_from_the_page_confirms_by_email_and_then_hears_about_the_parcel(
        uow, engine, clock, shop, people_sender, mail):  # noqa: F811
    package = register_package(uow, shop.id, "1Z999AA10123456784", "ups", destination=Address("60601", "US")).package
    assert ask(uow, package, address="Ana@Example.com", locale="es-MX").state == "sent"
    run_until_quiet(engine, people_sender)
    [confirmation] = mail.messages
    assert confirmation.rcpt_tos == ["Ana@Example.com"]
    assert confirmation.subject == "Confirma los avisos sobre tu paquete de Notify shop"
    assert "List-Unsubscribe" not in confirmation.message  # not a subscription yet: nothing to leave
    link = LINK.search(confirmation.part("text/plain")).group(0)
    assert link in confirmation.part("text/html")

    page = httpx.get(link, timeout=30)  # what a mail scanner does: changes nothing
    assert page.status_code == 200 and 'method="post"' in page.text and "Ana@Example.com" in page.text
    with pytest.raises(NotFound):
        get_package_recipient(uow, shop.id, package.id)
    done = httpx.post(link, timeout=30)
    assert done.status_code == 200 and "Recibirás avisos" in done.text
    recipient = get_package_recipient(uow, shop.id, package.id)
    assert (recipient["email"], recipient["channels"], recipient["locale"], recipient["time_zone"]) == (
        "Ana@Example.com", ["email"], "es", "America/Chicago")
    assert httpx.post(link, timeout=30).status_code == 200  # a second press is harmless

    record_scans(uow, shop.id, {package.id: [scan(clock, "out_for_delivery")]}, "api")
    clock.advance(timedelta(minutes=2))
    run_until_quiet(engine, people_sender)
    news = mail.messages[-1]
    assert news.subject == "En reparto hoy: tu paquete de Notify shop" and news.rcpt_tos == ["Ana@Example.com"]
    assert news.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert ask(uow, package, address="ana@example.com").state == "subscribed"
    kinds = [(m.kind, m.state) for m in log(uow, shop, package, "email")]
    assert kinds == [("opt_in_confirm", "sent"), ("out_for_delivery", "sent")]


def test_the_page_cannot_mail_strangers_take_over_an_address_or_confirm_with_a_forged_link(
        uow, engine, clock, shop, people_sender, mail, site):  # noqa: F811
    package = register_package(uow, shop.id, "1Z999AA10123456702", "ups").package
    assert ask(uow, package, address="a@example.com").state == "sent"
    assert ask(uow, package, address="A@example.com").state == "already"  # one confirmation a day
    for i in range(1, PER_PARCEL_PER_DAY):
        ask(uow, package, address=f"b{i}@example.com")
    with pytest.raises(Conflict, match="sign-ups today"):
        ask(uow, package, address="one-too-many@example.com")
    run_until_quiet(engine, people_sender)
    assert len(mail.messages) == PER_PARCEL_PER_DAY
    clock.advance(timedelta(days=1, minutes=1))
    assert ask(uow, package, address="one-too-many@example.com").state == "sent"  # a new day

    seller_set = register_package(uow, shop.id, "1Z999AA10123456711", "ups",
                                  recipient=buyer(email="real-buyer@example.com")).package
    with pytest.raises(Conflict, match="ask the shop"):
        ask(uow, seller_set, address="someone-else@example.com")
    with pytest.raises(InvalidInput) as bad:
        ask(uow, package, address="not an address")
    assert bad.value.errors[0].field == "email"
    with pytest.raises(InvalidInput) as no_sms:
        ask(uow, package, channel="sms", address="+15551234567")
    assert no_sms.value.errors[0].field == "channel"
    with pytest.raises(NotFound):
        request_opt_in(uow, "pkg_nope", "email", "a@example.com", None, SECRET_KEY, True)

    token = LINK.search(mail.messages[0].part("text/plain")).group(0).rsplit("/", 1)[1]
    opt_in_id, mac = token.split(".", 1)
    forged = f"{opt_in_id}.{'A' * len(mac)}"
    assert httpx.post(f"{site.url}/opt-in/{forged}", timeout=30).status_code == 404
    with pytest.raises(NotFound):
        get_package_recipient(uow, shop.id, package.id)


def test_an_sms_opt_in_is_confirmed_from_a_text(uow, engine, clock, shop, people_sender, site):  # noqa: F811
    with Receiver() as gateway:
        set_channel(uow, shop.id, "sms", f"json://127.0.0.1:{gateway.port}/sms/{{to}}", SECRET_KEY, GUARD)
        package = register_package(uow, shop.id, "1Z999AA10123456720", "ups").package
        assert ask(uow, package, "sms", "+1 (555) 123-4567", email_enabled=False).state == "sent"
        run_until_quiet(engine, people_sender)
        [text] = [json.loads(r.body)["message"] for r in gateway.requests]
        assert gateway.requests[0].path == "/sms/+15551234567"
        assert text.startswith("Notify shop: Confirm updates about parcel 1Z999AA10123456720: ")
        assert httpx.post(LINK.search(text).group(0), timeout=30).status_code == 200
        recipient = get_package_recipient(uow, shop.id, package.id)
        assert (recipient["phone"], recipient["channels"]) == ("+15551234567", ["sms"])
