"""The buyer page as a buyer sees it in Chromium: right and wrong ZIP, delivered, late and damaged parcels,
no serious accessibility violation, no request leaving the machine; screenshots for docs/web.md."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, MOBILE, SCREENSHOTS, serious_violations
from tests.parcels import DELIVERED, DEST_ZIP, EXCEPTION, LATE, make_parcels


@pytest.fixture(scope="module")
def parcels(site):
    return make_parcels(site.engine)


def verify(page, zip_code: str) -> None:
    page.get_by_label("Delivery ZIP code").fill(zip_code)
    page.get_by_role("button", name="Show").click()


def test_lookup_with_the_right_zip_shows_the_journey_and_map(site, parcels, guarded):
    page = guarded(MOBILE).page()
    page.goto(f"{site.url}/track")
    page.get_by_label("Tracking number").fill("1z999aa1 0123456784")
    page.get_by_label("Delivery ZIP code").fill(DEST_ZIP)
    page.get_by_role("button", name="Track").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delivered")
    assert page.url == f"{site.url}/track/{DELIVERED}"
    expect(page.get_by_text("Going to Denver, CO 80202")).to_be_visible()
    expect(page.get_by_role("img", name="Route so far: New York, NY → Columbus, OH")).to_be_visible()
    expect(page.locator(".timeline li")).to_have_count(7)
    expect(page.locator(".timeline li").first).to_contain_text("MST · Denver, CO")
    expect(page.get_by_role("heading", name="Delivered but you can't find it?")).to_be_visible()
    expect(page.locator(".progress li[aria-current=step]")).to_have_text("Delivered")
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "buyer-delivered-mobile.png", full_page=True)


def test_a_wrong_zip_leaks_nothing(site, parcels, guarded):
    page = guarded(MOBILE).page()
    page.goto(f"{site.url}/track/{DELIVERED}")
    verify(page, "10001")
    expect(page.get_by_role("alert")).to_have_text("That ZIP code doesn't match this parcel. Check it and try again.")
    text = page.locator("body").inner_text()
    for private in ("Denver", "Columbus", "New York", "80202", "MM-DEL-1042"):
        assert private not in text
    expect(page.locator(".timeline")).to_have_count(0)
    expect(page.locator("svg.route")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Delivered")
    assert "10001" not in page.url and "postal" not in page.url


def test_a_late_parcel_says_it_is_late_and_what_to_do(site, parcels, guarded):
    page = guarded(DESKTOP).page()
    page.goto(f"{site.url}/track/{LATE}")
    expect(page.get_by_text("Later than first expected")).to_be_visible()
    expect(page.get_by_role("heading", name="It's overdue")).to_be_visible()
    expect(page.locator(".progress li[aria-current=step]")).to_have_text("In transit")
    verify(page, DEST_ZIP)
    expect(page.get_by_role("heading", name="Journey")).to_be_visible()
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "buyer-late-desktop.png", full_page=True)


def test_a_damaged_parcel_in_spanish_explains_the_problem(site, parcels, guarded):
    page = guarded(MOBILE).page()
    page.goto(f"{site.url}/track/{EXCEPTION}?lang=es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hay un problema")
    expect(page.get_by_text("El transportista indica que el paquete está dañado.")).to_be_visible()
    expect(page.get_by_role("heading", name="Paquete dañado")).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("There's a problem")
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "buyer-exception-mobile.png", full_page=True)


def test_the_page_works_without_javascript(site, parcels, chromium):
    context = chromium.new_context(java_script_enabled=False, viewport=MOBILE)
    try:
        page = context.new_page()
        page.goto(f"{site.url}/track/{DELIVERED}")
        verify(page, DEST_ZIP)
        expect(page.get_by_role("heading", name="Journey")).to_be_visible()
        page.get_by_text("Can I change the delivery address?").click()
        expect(page.get_by_text("Only the shop or the carrier can.")).to_be_visible()
    finally:
        context.close()


def test_form_page_is_accessible_and_photographed_on_desktop(site, parcels, guarded):
    page = guarded(DESKTOP).page()
    page.goto(f"{site.url}/track/{DELIVERED}")
    verify(page, DEST_ZIP)
    expect(page.get_by_role("heading", name="Route")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "buyer-delivered-desktop.png", full_page=True)
    page.goto(f"{site.url}/track")
    assert serious_violations(page) == []
