"""The scorecards page in Chromium: charts a person can read on a desktop and a phone, the filters, and
no serious accessibility violation; screenshots for docs/web.md."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from parceltrail.services import create_shop
from parceltrail.services.staff import create_staff
from parceltrail.store import UnitOfWork
from tests.browser.conftest import DESKTOP, MOBILE, SCREENSHOTS, serious_violations
from tests.browser.test_dashboard import PASSWORD, sign_in
from tests.lanes import ship_lanes

SWIFT_OREGON = "Swift Parcel (simulated) · ground · 981 → OR"


@pytest.fixture(scope="module")
def lanes(site):
    shop_id = create_shop(UnitOfWork(site.engine), "Lantern & Co").shop.id
    create_staff(UnitOfWork(site.engine), shop_id, "owner@lantern.example", PASSWORD, "owner")
    ship_lanes(site.engine, shop_id)
    return shop_id


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (MOBILE, "mobile")])
def test_scorecards_show_three_charts_and_every_group(site, lanes, guarded, viewport, name):
    page = guarded(viewport).page()
    sign_in(page, site, "owner@lantern.example")
    page.get_by_role("link", name="Scorecards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scorecards")
    table = page.get_by_role("region", name="Every scorecard")
    expect(table.get_by_role("row")).to_have_count(4)  # by carrier first
    page.get_by_label("Group by").select_option("lane")
    page.get_by_role("button", name="Show").click()
    for title in ("Share of parcels delivered by their promised day", "Median days from handoff to delivery",
                  "Parcels with at least one exception scan per 100"):
        expect(page.get_by_role("figure", name=title)).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(5)
    expect(table.get_by_role("rowheader").first).to_have_text(SWIFT_OREGON)
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / f"dashboard-scorecards-{name}.png", full_page=True)


def test_grouping_by_carrier_from_the_form(site, lanes, guarded):
    page = guarded(DESKTOP).page()
    sign_in(page, site, "owner@lantern.example")
    page.goto(f"{site.url}/app/scorecards")
    page.get_by_label("Group by").select_option("carrier")
    page.get_by_label("Carrier", exact=True).select_option("sandbox_thrift")
    page.get_by_role("button", name="Show").click()
    table = page.get_by_role("region", name="Every scorecard")
    expect(table.get_by_role("rowheader")).to_have_text(["Thrift Post (simulated)"])
    expect(page.get_by_role("status")).to_contain_text("8 parcels in 1 groups")
    assert "carrier=sandbox_thrift" in page.url
