"""Settings → notifications in Chromium: the owner adds the shop's SMS gateway, reads the messages, previews
a text of the example parcel and an e-mail of one of the shop's parcels in a sandboxed frame that runs no
script; staff see and preview but change nothing; a forged form is refused. No serious accessibility
violation; screenshots for docs/web.md."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from parceltrail.services.previews import PREVIEW_KINDS
from parceltrail.services.staff import create_staff
from parceltrail.store import UnitOfWork
from tests.browser.conftest import DESKTOP, MOBILE, SCREENSHOTS, serious_violations, serve_site
from tests.browser.test_dashboard import PASSWORD, sign_in
from tests.parcels import LATE, make_parcels

TWILIO = "twilio://ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@+15551234567"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serve_site(tmp_path_factory.mktemp("notify"), secret_key="a browser test key long enough to use",
                    smtp_url="smtp://127.0.0.1:9") as server:
        yield server


@pytest.fixture(scope="module")
def shop(site):
    parcels = make_parcels(site.engine, name="Linden & Co")
    create_staff(UnitOfWork(site.engine), parcels.shop_id, "owner@linden.example", PASSWORD, "owner")
    create_staff(UnitOfWork(site.engine), parcels.shop_id, "packer@linden.example", PASSWORD, "staff")
    return parcels


def test_the_owner_adds_a_text_gateway_and_previews_a_text_and_an_email(site, shop, guarded):
    page = guarded(DESKTOP).page()
    sign_in(page, site, "owner@linden.example")
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="E-mail, SMS and chat channels").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_text("sent through this server's SMTP relay")).to_be_visible()
    page.get_by_label("Channel", exact=True).select_option("sms")
    page.get_by_label("Apprise URL").fill(TWILIO)
    page.get_by_role("button", name="Save channel").click()
    expect(page.get_by_role("status")).to_have_text("SMS (buyers' texts) channel saved.")
    channels = page.get_by_role("region", name="Channels")
    expect(channels).to_contain_text("Twilio")
    expect(channels).not_to_contain_text("bbbbbbbbbbbbbbbb")
    messages = page.get_by_role("region", name="Messages")
    expect(messages.locator("tbody tr")).to_have_count(len(PREVIEW_KINDS))
    messages.get_by_role("link", name="Preview “Delivered” by SMS").click()
    preview = page.get_by_role("region", name="Preview a message")
    expect(preview.get_by_role("figure", name="The SMS message")).to_contain_text("Linden & Co: Your parcel is delivered")
    expect(preview).to_contain_text("characters, GSM-7, sent as")
    assert serious_violations(page) == []
    preview.get_by_label("Message", exact=True).select_option("out_for_delivery")
    preview.get_by_label("On", exact=True).select_option("email")
    preview.get_by_label("Parcel (optional)").fill(LATE.lower())
    preview.get_by_role("button", name="Preview").click()
    expect(preview).to_contain_text(f"parcel {LATE}")
    frame = page.frame_locator("iframe.mail-frame")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Your parcel is out for delivery")
    expect(frame.locator("body")).to_have_css("background-color", "rgb(243, 244, 246)")  # mail's inline styles
    expect(page.locator("iframe.mail-frame")).to_have_attribute("sandbox", "")  # every restriction
    assert frame.locator("body").evaluate("body => window.origin") == "null"  # an origin of its own: no cookies, no DOM
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "dashboard-notifications-desktop.png", full_page=True)
    page.locator("form[action$='/channels'] input[name=csrf_token]").evaluate("input => input.value = 'forged'")
    page.get_by_label("Apprise URL").fill(TWILIO)
    page.get_by_role("button", name="Save channel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This form has expired")


def test_staff_see_and_preview_on_a_phone_but_change_nothing(site, shop, guarded):
    page = guarded(MOBILE).page()
    sign_in(page, site, "packer@linden.example")
    page.goto(f"{site.url}/app/settings/notifications?kind=exception_digest&channel=chat#preview")
    expect(page.get_by_role("button", name="Save channel")).to_have_count(0)
    expect(page.get_by_role("button", name="Remove the SMS (buyers' texts) channel")).to_have_count(0)
    expect(page.get_by_text("Only the shop's owner adds and removes channels.")).to_be_visible()
    expect(page.get_by_role("figure", name="The Chat message")).to_contain_text("Linden & Co: Parcels that need attention")
    expect(page.get_by_role("region", name="Preview a message")).to_contain_text("this shop's parcels as they are now")
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "dashboard-notifications-mobile.png", full_page=True)
    token = page.locator("input[name=csrf_token]").first.input_value()
    refused = page.request.post(f"{site.url}/app/settings/notifications/channels/sms/delete",
                                form={"csrf_token": token})
    assert refused.status == 403 and "Only the shop&#39;s owner can change this" in refused.text()
