"""A buyer confirms a delivered parcel, or reports "not received", from the tracking page in Chromium after
proving the ZIP: reachable by role and label, the confirmation replaces the button or form, no serious
accessibility violation; screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import MOBILE, SCREENSHOTS, serious_violations
from tests.parcels import DELIVERED, DEST_ZIP, make_parcels


@pytest.fixture(scope="module")
def parcels(site):
    return make_parcels(site.engine, name="Fern & Loom")


def test_a_buyer_says_the_parcel_came_and_the_shop_has_the_confirmation(site, parcels, guarded):
    page = guarded(MOBILE).page()
    page.goto(f"{site.url}/track/{DELIVERED}")
    expect(page.get_by_role("button", name="Yes, I have it")).to_have_count(0)  # not before proof
    page.get_by_label("Delivery ZIP code").fill(DEST_ZIP)
    page.get_by_role("button", name="Show").click()
    received = page.get_by_role("region", name="Got your parcel?")
    expect(received).to_be_visible()
    assert serious_violations(page) == []
    received.get_by_role("button", name="Yes, I have it").click()
    expect(received.get_by_role("status")).to_contain_text("You confirmed on")
    expect(received.get_by_role("button", name="Yes, I have it")).to_have_count(0)
    assert serious_violations(page) == []
    received.screenshot(path=SCREENSHOTS / "buyer-received-mobile.png")
    from parceltrail.store import UnitOfWork

    uow = UnitOfWork(site.engine)
    with uow.read():
        assert uow.proofs.confirmation(parcels.ids["delivered"]).via == "tracking_page"


def test_a_buyer_reports_a_missing_parcel_and_the_shop_gets_it(site, parcels, guarded):
    page = guarded(MOBILE).page()
    page.goto(f"{site.url}/track/{DELIVERED}")
    expect(page.get_by_role("heading", name="Report a problem")).to_have_count(0)  # not before proof
    page.get_by_label("Delivery ZIP code").fill(DEST_ZIP)
    page.get_by_role("button", name="Show").click()
    report = page.get_by_role("region", name="Report a problem")
    expect(report).to_be_visible()
    report.get_by_label("I didn't receive it").check()
    report.get_by_label("What happened").fill("The porch was empty and the neighbours have nothing.")
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "buyer-report-form-mobile.png", full_page=True)
    report.get_by_role("button", name="Send report").click()
    expect(report.get_by_role("status")).to_contain_text("You reported “I didn't receive it”")
    expect(report.get_by_role("status")).to_contain_text("Fern & Loom has your report")
    expect(page.get_by_role("button", name="Send report")).to_have_count(0)
    from parceltrail.store import UnitOfWork

    uow = UnitOfWork(site.engine)
    with uow.read():
        found = uow.disputes.for_packages([parcels.ids["delivered"]])[parcels.ids["delivered"]]
    assert [(d.source, d.kind.value) for d in found] == [("buyer", "not_received")]
