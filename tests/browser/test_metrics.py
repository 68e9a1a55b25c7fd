"""The TikTok metric guard in Chromium on the guard tests' hand-made shop: three rates against TikTok's
limits with their trend, the orders that move them, thresholds changed from the form; no serious
accessibility violation; screenshots for docs/web.md."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from parceltrail.services.clock import ManualClock, WallClock, set_clock
from parceltrail.services.staff import create_staff
from parceltrail.store import UnitOfWork
from tests.browser.conftest import DESKTOP, MOBILE, SCREENSHOTS, serious_violations
from tests.browser.test_dashboard import PASSWORD, sign_in
from tests.integration.exceptions import test_metric_guard as hand_made


@pytest.fixture(scope="module")
def guard_shop(site):
    generator = hand_made.shop.__wrapped__(UnitOfWork(site.engine))
    made = next(generator)
    create_staff(UnitOfWork(site.engine), made.shop.id, "owner@guard.example", PASSWORD, "owner")
    set_clock(ManualClock(hand_made.NOW))
    yield made
    set_clock(WallClock())


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (MOBILE, "mobile")])
def test_the_guard_shows_each_rate_against_its_limit_with_its_trend(site, guard_shop, guarded, viewport, name):
    page = guarded(viewport).page()
    sign_in(page, site, "owner@guard.example")
    page.get_by_role("link", name="TikTok metrics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("TikTok metrics")
    ldr = page.get_by_role("region", name="Late Dispatch Rate")
    expect(ldr.locator(".metric-value")).to_have_text("20.0%")
    expect(ldr).to_contain_text("Outside TikTok's limit now.")
    expect(ldr.get_by_role("figure")).to_be_visible()
    expect(page.get_by_role("region", name="On-Time Delivery Rate").locator(".metric-value")).to_have_text("50.0%")
    expect(page.get_by_role("region", name="Orders TikTok may cancel")).to_contain_text("ORD-2")
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / f"dashboard-metrics-{name}.png", full_page=True)


def test_thresholds_changed_from_the_form(site, guard_shop, guarded):
    page = guarded(DESKTOP).page()
    sign_in(page, site, "owner@guard.example")
    page.goto(f"{site.url}/app/metrics")
    page.get_by_text("Thresholds and windows").click()
    page.get_by_label("Late dispatch: at most (%)").fill("30")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("region", name="Late Dispatch Rate")).to_contain_text("Within TikTok's limit")
    page.get_by_text("Thresholds and windows").click()
    page.get_by_label("Late dispatch: at most (%)").fill("300")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("ldr_max: expected a percentage from 0 to 100")
