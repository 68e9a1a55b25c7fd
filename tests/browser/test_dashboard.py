"""The seller dashboard in Chromium: sign-in, CSRF refusal, packages search, a package with its estimate
chart and notes, settings; no serious accessibility violation; screenshots for docs/web.md."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from parceltrail.services.staff import create_staff
from parceltrail.store import UnitOfWork
from tests.browser.conftest import DESKTOP, SCREENSHOTS, serious_violations
from tests.parcels import DELIVERED, EXCEPTION, LATE, make_parcels

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def shop(site):
    parcels = make_parcels(site.engine, name="Oak & Ash")
    create_staff(UnitOfWork(site.engine), parcels.shop_id, "owner@oak.example", PASSWORD, "owner")
    create_staff(UnitOfWork(site.engine), parcels.shop_id, "packer@oak.example", PASSWORD, "staff")
    return parcels


def sign_in(page, site, email="owner@oak.example", password=PASSWORD):
    page.goto(f"{site.url}/app")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_refuses_a_wrong_password_then_lets_the_owner_in(site, shop, guarded):
    page = guarded(DESKTOP).page()
    sign_in(page, site, password="not the password")
    expect(page.get_by_role("alert")).to_have_text("That e-mail and password don't match an account.")
    assert serious_violations(page) == []
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Packages")
    rows = page.locator("table.packages tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_role("link", name=DELIVERED)).to_be_visible()
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "dashboard-packages.png", full_page=True)


def test_a_form_with_a_forged_csrf_token_is_refused(site, shop, guarded):
    page = guarded(DESKTOP).page()
    sign_in(page, site)
    expect(page.get_by_role("heading", level=1)).to_have_text("Packages")
    page.locator("form.filters input[name=csrf_token]").evaluate("input => input.value = 'forged'")
    page.get_by_label("Search").fill(LATE)
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This form has expired")
    page.go_back()
    page.reload()
    page.get_by_label("Search").fill(LATE)
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("table.packages tbody tr")).to_have_count(1)
    assert LATE not in page.url


def test_search_filter_and_a_package_with_its_estimate_history_and_notes(site, shop, guarded):
    page = guarded(DESKTOP).page()
    sign_in(page, site)
    page.get_by_label("Status").select_option("exception")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("table.packages tbody tr")).to_have_count(1)
    page.get_by_role("link", name=EXCEPTION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EXCEPTION)
    expect(page.get_by_role("img", name="How the delivery estimate moved")).to_be_visible()
    page.get_by_label("Add a note for your team").fill("Buyer asked for a replacement; claim opened with USPS.")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator(".notes li").first).to_contain_text("claim opened with USPS")
    expect(page.locator(".notes li").first).to_contain_text("owner@oak.example")
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "dashboard-package.png", full_page=True)


def test_staff_cannot_change_settings_and_the_owner_can_create_a_key(site, shop, guarded):
    packer = guarded(DESKTOP).page()
    sign_in(packer, site, "packer@oak.example")
    packer.goto(f"{site.url}/app/settings")
    expect(packer.get_by_role("button", name="Create an API key")).to_have_count(0)
    owner = guarded(DESKTOP).page()
    sign_in(owner, site)
    owner.get_by_role("link", name="Settings").click()
    owner.get_by_role("button", name="Create an API key").click()
    expect(owner.get_by_role("status")).to_contain_text("pt_")
    expect(owner.get_by_role("heading", level=1)).to_have_text("API keys")  # the keys page answers
    assert serious_violations(owner) == []
    owner.get_by_role("link", name="Settings", exact=True).click()
    owner.get_by_role("link", name="Add, see and remove the URLs").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Webhook endpoints")
    assert serious_violations(owner) == []
    owner.get_by_role("button", name="Sign out", exact=True).click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Sign in")
    owner.goto(f"{site.url}/app/packages")
    expect(owner.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_csv_import_shows_progress_then_the_report_and_the_imported_packages(site, shop, guarded, tmp_path):
    from tests.integration.orders.test_orders_import import GOOD_AND_BAD

    export = tmp_path / "seller-center-orders.csv"
    export.write_text(GOOD_AND_BAD)
    page = guarded(DESKTOP).page()
    sign_in(page, site)
    page.get_by_role("link", name="Import orders").click()
    page.get_by_label("Seller Center export (CSV)").set_input_files(export)
    page.get_by_label("Time zone of the export's times").select_option("America/Los_Angeles")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("progressbar", name="Import progress")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Done — 9 of 9 rows", timeout=20_000)
    expect(page.get_by_text("4 problems (those orders were left out whole)")).to_be_visible()
    expect(page.locator("table.packages tbody tr").first).to_contain_text("Created Time")
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "dashboard-import.png", full_page=True)
    page.get_by_role("link", name="Packages").click()
    page.get_by_label("Search").fill("576461413038785752")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("table.packages tbody tr")).to_have_count(1)
    expect(page.locator("table.packages tbody tr")).to_contain_text("1Z5R89390357567127")
