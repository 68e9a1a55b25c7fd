"""Settings pages in Chromium: carrier accounts (choose a carrier, its fields, keep them in the environment,
remove); no serious accessibility violation; screenshots for docs/web.md."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from parceltrail.services.accounts import env_namespace
from parceltrail.services.staff import create_staff
from parceltrail.store import UnitOfWork
from tests.browser.conftest import DESKTOP, MOBILE, SCREENSHOTS, serious_violations
from tests.browser.test_dashboard import PASSWORD, sign_in
from tests.parcels import make_parcels


@pytest.fixture(scope="module")
def shop(site):
    parcels = make_parcels(site.engine, name="Birch & Co")
    create_staff(UnitOfWork(site.engine), parcels.shop_id, "owner@birch.example", PASSWORD, "owner")
    return parcels


def test_carrier_accounts_choose_a_carrier_keep_it_in_the_environment_then_remove_it(site, shop, guarded):
    page = guarded(DESKTOP).page()
    sign_in(page, site, "owner@birch.example")
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Add, replace and remove the shop's carrier accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carrier accounts")
    page.get_by_label("Carrier").select_option("fedex")
    page.get_by_role("button", name="Choose").click()
    expect(page.get_by_role("heading", level=3)).to_have_text("FedEx")
    expect(page.get_by_label("client_secret")).to_have_attribute("type", "password")
    expect(page.get_by_text("This server has no PARCELTRAIL_SECRET_KEY")).to_be_visible()
    expect(page.get_by_label("in the server's environment variables")).to_be_checked()
    prefix = env_namespace(shop.shop_id) + "FEDEX_"  # a shop's prefixes lie in its own namespace
    page.get_by_label("Environment variable prefix").fill("BIRCH_FEDEX_")
    page.get_by_role("button", name="Save account").click()
    expect(page.get_by_role("alert")).to_contain_text("env_prefix: expected a prefix starting with")
    page.get_by_label("in the server's environment variables").check()
    page.get_by_label("Environment variable prefix").fill(prefix)
    page.get_by_role("button", name="Save account").click()
    expect(page.get_by_role("status")).to_have_text("FedEx account saved. Polling uses it from the next check.")
    expect(page.locator(".items li")).to_contain_text(f"read from the server's environment: {prefix}*")
    assert serious_violations(page) == []
    page.get_by_label("Carrier").select_option("ups")
    page.get_by_role("button", name="Choose").click()
    page.screenshot(path=SCREENSHOTS / "dashboard-carrier-accounts.png", full_page=True)
    page.get_by_role("button", name="Remove the FedEx account").click()
    expect(page.get_by_text("No carrier accounts")).to_be_visible()


def test_carrier_accounts_on_a_phone(site, shop, guarded):
    page = guarded(MOBILE).page()
    sign_in(page, site, "owner@birch.example")
    page.goto(f"{site.url}/app/settings/carriers?carrier=dhl")
    expect(page.get_by_label("api_key")).to_be_visible()
    assert serious_violations(page) == []
