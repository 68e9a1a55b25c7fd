"""A buyer asks for a parcel's news from the tracking page in Chromium, without a line of script needed:
the form only after proving the ZIP, a wrong address refused next to its field (in Spanish too), one
confirmation over real SMTP (aiosmtpd) and a real SMS gateway, and the link in that mail confirmed in the
browser. Refusals: no proof, an expired form (CSRF). No serious accessibility violation; screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from parceltrail.mailcatcher import MailCatcher
from parceltrail.outbound import guarded_client
from parceltrail.services.notification_channels import set_channel
from parceltrail.services.people import PeopleChannels
from parceltrail.services.recipients import get_package_recipient
from parceltrail.services.sender import Sender
from parceltrail.services.webhook_endpoints import Guard
from parceltrail.store import UnitOfWork
from tests.browser.conftest import DESKTOP, MOBILE, SCREENSHOTS, serious_violations, serve_site
from tests.conftest import HUNG
from tests.integration.notify.conftest import run_until_quiet
from tests.parcels import DELIVERED, DEST_ZIP, LATE, make_parcels
from tests.receivers import Receiver

SECRET_KEY = "a browser test key long enough to use"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/opt-in/[A-Za-z0-9_.=-]+")


@pytest.fixture(scope="module")
def mail():
    with MailCatcher() as catcher:
        yield catcher


@pytest.fixture(scope="module")
def gateway():
    with Receiver() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def site(tmp_path_factory, mail):
    with serve_site(tmp_path_factory.mktemp("updates"), secret_key=SECRET_KEY, smtp_url=mail.url) as server:
        yield server


@pytest.fixture(scope="module")
def parcels(site, gateway):
    made = make_parcels(site.engine, name="Wren & Reed")
    set_channel(UnitOfWork(site.engine), made.shop_id, "sms", f"json://127.0.0.1:{gateway.port}/sms/{{to}}",
                SECRET_KEY, Guard(allow_private=True))
    return made


def send(site, mail) -> None:
    """What the server's worker does: plan and send the outbox, over SMTP and the SMS gateway."""
    people = PeopleChannels(mail.url, "Wren & Reed <parcels@wren.example>", site.url, SECRET_KEY, allow_private=True)
    with guarded_client(allow_private=True, timeout=HUNG) as http:
        run_until_quiet(site.engine, Sender(http, SECRET_KEY, concurrency=2, people=people))


def prove(page, site, number: str = LATE, query: str = "") -> None:
    page.goto(f"{site.url}/track/{number}{query}")
    page.locator("#postal_code").fill(DEST_ZIP)
    page.locator("form[action*='/verify'] button").click()


def test_a_proved_buyer_asks_by_email_and_confirms_from_the_link(site, parcels, mail, guarded):
    page = guarded(MOBILE).page()
    page.goto(f"{site.url}/track/{LATE}")
    expect(page.get_by_role("region", name="Get news of this parcel")).to_have_count(0)  # not before proof
    prove(page, site)
    updates = page.get_by_role("region", name="Get news of this parcel")
    expect(updates).to_be_visible()
    expect(updates.get_by_label("E-mail address")).to_have_attribute("type", "email")
    expect(updates.get_by_label("Mobile number")).to_have_attribute("type", "tel")
    assert serious_violations(page) == []
    updates.get_by_label("E-mail address").fill("ana at example")
    updates.get_by_role("button", name="E-mail me").click()
    expect(updates.get_by_role("alert")).to_have_text(
        "E-mail address: that isn't an e-mail address. Type it like ana@example.com.")
    expect(updates.get_by_label("E-mail address")).to_have_attribute("aria-invalid", "true")
    expect(updates.get_by_label("E-mail address")).to_have_value("ana at example")
    assert serious_violations(page) == []
    updates.get_by_label("E-mail address").fill("ana@example.com")
    updates.get_by_role("button", name="E-mail me").click()
    expect(updates.get_by_role("status")).to_have_text(
        "We sent a link to ana@example.com. Open it and press the button to start the updates.")
    page.screenshot(path=SCREENSHOTS / "buyer-updates-mobile.png", full_page=True)

    send(site, mail)
    [confirmation] = [m for m in mail.messages if m.rcpt_tos == ["ana@example.com"]]
    page.goto(LINK.search(confirmation.part("text/plain")).group(0))
    expect(page.get_by_role("heading", level=1)).to_contain_text(LATE)
    assert serious_violations(page) == []
    button = page.get_by_role("button", name="Yes, send me updates")
    expect(button).to_have_css("background-color", "rgb(11, 92, 173)")  # its own policy lets mail's styles in
    page.screenshot(path=SCREENSHOTS / "buyer-updates-confirm-mobile.png", full_page=True)
    button.click()
    expect(page.locator("body")).to_contain_text("ana@example.com")
    recipient = get_package_recipient(UnitOfWork(site.engine), parcels.shop_id, parcels.ids["late"])
    assert (recipient["email"], recipient["channels"]) == ("ana@example.com", ["email"])
    page.goto(f"{site.url}/track/{LATE}")  # the proof is still in its cookie
    updates.get_by_label("E-mail address").fill("ANA@example.com")
    updates.get_by_role("button", name="E-mail me").click()
    expect(updates.get_by_role("status")).to_have_text("ana@example.com already gets this parcel's news.")


def test_in_spanish_a_wrong_number_is_named_then_a_text_goes_out(site, parcels, mail, gateway, guarded):
    page = guarded(DESKTOP).page()
    prove(page, site, query="?lang=es")
    updates = page.get_by_role("region", name="Recibe avisos de este paquete")
    updates.get_by_label("Número de móvil").fill("303-555")
    updates.get_by_role("button", name="Avísame por SMS").click()
    expect(updates.get_by_role("alert")).to_contain_text("Número de móvil: no es un número al que podamos enviar SMS")
    assert "lang=es" in page.url
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "buyer-updates-es-desktop.png", full_page=True)
    updates.get_by_label("Número de móvil").fill("+1 303 555 0100")
    updates.get_by_role("button", name="Avísame por SMS").click()
    expect(updates.get_by_role("status")).to_have_text(
        "Enviamos un enlace a +13035550100. Ábrelo y pulsa el botón para empezar a recibir avisos.")
    send(site, mail)
    [text] = [r for r in gateway.wait_for(1) if r.path == "/sms/+13035550100"]
    assert LINK.search(text.body.decode())


def test_no_proof_or_an_expired_form_is_refused_and_nothing_is_sent(site, parcels, mail, guarded):
    context = guarded(MOBILE)
    page = context.page()
    prove(page, site)
    expect(page.get_by_role("region", name="Delivered but you can't find it?")).to_have_count(0)
    updates = page.get_by_role("region", name="Get news of this parcel")
    updates.locator("input[name=csrf_token]").first.evaluate("input => input.value = 'forged'")
    updates.get_by_label("E-mail address").fill("forged@example.com")
    updates.get_by_role("button", name="E-mail me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This form has expired")
    page.go_back()
    page.reload()
    context.context.clear_cookies(name="pt_proof")  # the proof ran out while the page was open
    page.get_by_label("E-mail address").fill("noproof@example.com")
    page.get_by_role("button", name="E-mail me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the delivery ZIP code first")
    page.goto(f"{site.url}/track/{DELIVERED}")
    prove(page, site, DELIVERED)
    expect(page.get_by_role("region", name="Get news of this parcel")).to_have_count(0)  # delivered: no news left
    send(site, mail)
    assert not [m for m in mail.messages if m.rcpt_tos[0] in ("forged@example.com", "noproof@example.com")]
