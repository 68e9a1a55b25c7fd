"""The exception queue in Chromium, acting on a case as a person does: acknowledge it from the queue, open
it, resolve it with an outcome and a note, see the trail; the flags on the package page; no serious
accessibility violation; screenshots for docs/web.md."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from parceltrail.services.exceptions import evaluate_due
from parceltrail.services.staff import create_staff
from parceltrail.store import UnitOfWork
from tests.browser.conftest import DESKTOP, MOBILE, SCREENSHOTS, serious_violations
from tests.browser.test_dashboard import PASSWORD, sign_in
from tests.parcels import EXCEPTION, LATE, make_parcels


@pytest.fixture(scope="module")
def flagged(site):
    parcels = make_parcels(site.engine, name="Elm & Fern")
    create_staff(UnitOfWork(site.engine), parcels.shop_id, "owner@elm.example", PASSWORD, "owner")
    evaluate_due(UnitOfWork(site.engine), datetime.now(UTC))
    return parcels


def test_the_queue_acts_on_a_case_then_the_case_is_resolved_with_its_trail(site, flagged, guarded):
    page = guarded(DESKTOP).page()
    sign_in(page, site, "owner@elm.example")
    page.get_by_role("link", name="Exceptions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exceptions")
    expect(page.get_by_role("status")).to_have_text("2 parcels with open problems.")
    damaged = page.locator("ol.queue > li").filter(has_text=EXCEPTION)
    expect(damaged).to_contain_text("Package damaged, carrier reviewing")
    expect(page.locator("ol.queue > li").filter(has_text=LATE)).to_contain_text("Lost")
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "dashboard-exceptions.png", full_page=True)
    damaged.get_by_role("button", name=f"Acknowledge the case of {EXCEPTION}").first.click()
    damaged = page.locator("ol.queue > li").filter(has_text=EXCEPTION)
    expect(damaged.locator(".case-line").filter(has_text="Carrier exception")).to_contain_text("Acknowledged")
    damaged.locator(".case-line").filter(has_text="Carrier exception").get_by_role("link", name="Open case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case: Carrier exception")
    page.get_by_label("Move to").select_option("resolved")
    page.get_by_label("Outcome (needed to resolve)").select_option("claim_filed")
    page.get_by_label("Note for the trail").fill("USPS claim 4471 filed with photos of the box.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved to the case's trail.")
    expect(page.locator(".facts")).to_contain_text("Resolved · Claim filed")
    trail = page.locator("ol.trail > li")
    expect(trail).to_have_count(3)
    expect(trail.last).to_contain_text("USPS claim 4471 filed with photos of the box.")
    expect(trail.last).to_contain_text("owner@elm.example")
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "dashboard-case.png", full_page=True)


def test_a_refused_move_is_explained_and_the_package_page_shows_its_flags(site, flagged, guarded):
    page = guarded(MOBILE).page()
    sign_in(page, site, "owner@elm.example")
    page.goto(f"{site.url}/app/exceptions?type=lost")
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "dashboard-exceptions-mobile.png", full_page=True)
    lost = page.locator("ol.queue > li").filter(has_text=LATE)
    lost.locator(".case-line").filter(has_text="Not moving").get_by_role("link", name="Open case").click()
    page.get_by_label("Move to").select_option("resolved")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("resolving needs an outcome")
    page.get_by_role("link", name=LATE).click()
    problems = page.get_by_role("region", name="Problems")
    expect(problems).to_contain_text("Lost")
    expect(problems.get_by_role("link", name="Not moving")).to_be_visible()
    assert serious_violations(page) == []
