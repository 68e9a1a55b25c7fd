"""Proof of delivery and payment release in Chromium: an order delivered 40 km from the buyer's ZIP shows
at risk on the release page with its reason; its package page says how far and by which point, the
evidence PDF downloads, and the buyer's word recorded by staff turns the verdict to confirmed and the
order safe. Another shop's package is a 404, its evidence too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from parceltrail.core import Address, Location, TrackingEvent
from parceltrail.core.orders import Buyer, Order, OrderPackage, OrderStatus
from parceltrail.services import create_shop, record_scans, register_package
from parceltrail.services.orders import upsert_orders
from parceltrail.services.staff import create_staff
from parceltrail.store import UnitOfWork
from tests.browser.conftest import DESKTOP, MOBILE, SCREENSHOTS, serious_violations

PASSWORD = "correct horse battery"
FAR, NEAR = "1Z999AA10000000006", "1Z999AA10000000015"


def _delivered(uow, shop_id: str, package_id: str, at: datetime, city: str, region: str, postal: str) -> None:
    record_scans(uow, shop_id, {package_id: [
        TrackingEvent.create(at - timedelta(days=2), "in_transit", "picked_up", "Picked up", None,
                             Location("Chicago", "IL", "60607", "US")),
        TrackingEvent.create(at, "delivered", "left_at_door", "Delivered, front door", None,
                             Location(city, region, postal, "US"))]}, source="api")


@pytest.fixture(scope="module")
def shop(site):
    uow = UnitOfWork(site.engine)
    made = create_shop(uow, "Birch & Bloom").shop
    create_staff(uow, made.id, "owner@birch.example", PASSWORD, "owner")
    now = datetime.now(UTC)
    for external, number in (("5760009", FAR), ("5760010", NEAR)):
        upsert_orders(uow, made.id, [Order(
            shop_id=made.id, external_id=external, status=OrderStatus.IN_TRANSIT,
            created_at=now - timedelta(days=60), updated_at=now - timedelta(days=59),
            buyer=Buyer("Ana Ruiz", Address(postal_code="80202", country="US", city="Denver", region="CO")),
            packages=(OrderPackage(f"p-{number}", number, "ups"),))], "api")
    with uow.read():
        far = uow.orders.get(made.id, "5760009").package_ids[f"p-{FAR}"]
        near = uow.orders.get(made.id, "5760010").package_ids[f"p-{NEAR}"]
    _delivered(uow, made.id, far, now - timedelta(days=40), "Boulder", "CO", "80302")  # ~40 km from 80202
    _delivered(uow, made.id, near, now - timedelta(days=3), "Denver", "CO", "80202")
    other = create_shop(uow, "Someone else").shop
    stranger = register_package(uow, other.id, "1Z999AA10000000024", "ups",
                                destination=Address(postal_code="10001", country="US")).package
    return {"far": far, "near": near, "stranger": stranger.id}


def sign_in(page, site):
    page.goto(f"{site.url}/app")
    page.get_by_label("E-mail").fill("owner@birch.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Packages")


def test_a_far_delivery_is_at_risk_until_staff_record_the_buyer_and_the_evidence_downloads(site, shop, guarded):
    page = guarded(DESKTOP).page()
    sign_in(page, site)
    page.get_by_role("link", name="Payment release").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment release")
    page.get_by_label("Show").select_option("at_risk")
    page.get_by_role("button", name="Show", exact=True).click()
    risky = page.locator("ol.release > li")
    expect(risky).to_have_count(1)
    expect(risky).to_contain_text("5760009")
    expect(risky).to_contain_text("At risk")
    expect(risky).to_contain_text("km from the address (the delivery scan's place)")
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "dashboard-release.png", full_page=True)

    page.get_by_role("link", name=FAR).click()
    card = page.locator("section", has=page.get_by_role("heading", name="Proof of delivery"))
    expect(card).to_contain_text("Delivered far from the address; the buyer has not confirmed")
    expect(card).to_contain_text("by the delivery scan's place (coarser than GPS)")
    assert 35 < float(card.inner_text().split(" km from the destination")[0].split()[-1]) < 45
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "dashboard-proof.png", full_page=True)
    with page.expect_download() as got:
        page.get_by_role("link", name="Download the evidence (PDF)").click()
    pdf = got.value
    assert pdf.suggested_filename == f"evidence-{FAR}.pdf"
    assert Path(pdf.path()).read_bytes()[:5] == b"%PDF-"

    page.get_by_role("button", name="The buyer told us they have it").click()
    expect(card).to_contain_text("Delivered and confirmed by the buyer")
    expect(card).to_contain_text("recorded by the shop")
    expect(page.get_by_role("button", name="The buyer told us they have it")).to_have_count(0)
    page.goto(f"{site.url}/app/release?state=settled_safe")
    expect(page.locator("ol.release > li")).to_contain_text("5760009")
    page.goto(f"{site.url}/app/release?state=waiting")
    expect(page.locator("ol.release > li")).to_contain_text("5760010")
    expect(page.locator("ol.release > li")).to_contain_text("safe from")


def test_another_shops_package_and_evidence_are_not_found_and_a_bad_state_is_named(site, shop, guarded):
    page = guarded(MOBILE).page()
    sign_in(page, site)
    assert page.request.get(f"{site.url}/app/packages/{shop['stranger']}/evidence.pdf").status == 404
    assert page.request.get(f"{site.url}/app/packages/{shop['stranger']}").status == 404
    page.goto(f"{site.url}/app/release?state=soon")
    expect(page.get_by_role("alert")).to_contain_text("state")
    expect(page.get_by_role("alert")).to_contain_text("settled_safe")
    page.goto(f"{site.url}/app/packages/{shop['near']}")
    expect(page.get_by_role("heading", name="Proof of delivery")).to_be_visible()
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "dashboard-proof-phone.png", full_page=True)
