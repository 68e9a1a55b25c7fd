"""Settings → API keys in Chromium: the owner creates a key (shown once), rolls one with a grace period
(the old key works until it ends) and revokes one (refused by the API at once); staff see the keys but no
button that changes them and are refused if they post; a forged form is refused. No serious accessibility
violation; screenshots for docs/web.md."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from parceltrail.services.staff import create_staff
from parceltrail.store import UnitOfWork
from tests.browser.conftest import DESKTOP, MOBILE, SCREENSHOTS, serious_violations
from tests.browser.test_dashboard import PASSWORD, sign_in
from tests.parcels import make_parcels


@pytest.fixture(scope="module")
def shop(site):
    parcels = make_parcels(site.engine, name="Alder & Sons")
    create_staff(UnitOfWork(site.engine), parcels.shop_id, "owner@alder.example", PASSWORD, "owner")
    create_staff(UnitOfWork(site.engine), parcels.shop_id, "packer@alder.example", PASSWORD, "staff")
    return parcels


def works(site, key: str) -> bool:
    return httpx.get(f"{site.url}/v1/packages", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def shown_key(page) -> str:
    return re.search(r"pt_[A-Za-z0-9_-]{20,}", page.get_by_role("status").inner_text())[0]


def test_the_owner_creates_rolls_and_revokes_keys(site, shop, guarded):
    page = guarded(DESKTOP).page()
    sign_in(page, site, "owner@alder.example")
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="See, revoke and roll the shop's API keys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API keys")
    original = shop.api_key[:12]  # the first characters the list shows
    expect(page.get_by_role("listitem").filter(has_text=original)).to_contain_text("active")
    expect(page.locator("body")).not_to_contain_text(shop.api_key)  # only its first characters, ever
    page.get_by_role("button", name="Create an API key").click()
    made = shown_key(page)
    assert works(site, made)
    page.reload()
    expect(page.locator("body")).not_to_contain_text(made)  # shown once
    row = page.get_by_role("listitem").filter(has_text=original)
    row.get_by_label("Old key works for").select_option("1h")
    row.get_by_role("button", name=f"Roll the key {original}").click()
    rolled = shown_key(page)
    expect(page.get_by_role("listitem").filter(has_text=original)).to_contain_text("expiring")
    expect(page.get_by_role("listitem").filter(has_text=original)).to_contain_text("works until")
    assert works(site, rolled) and works(site, shop.api_key)  # the old key has its grace hour
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "dashboard-api-keys-desktop.png", full_page=True)
    page.get_by_role("button", name=f"Revoke the key {original}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Key {original}… revoked: requests with it are refused")
    expect(page.get_by_role("listitem").filter(has_text=original)).to_contain_text("revoked")
    expect(page.get_by_role("button", name=f"Revoke the key {original}")).to_have_count(0)
    assert not works(site, shop.api_key) and works(site, rolled) and works(site, made)
    page.locator("form[action='/app/settings/keys'] input[name=csrf_token]").evaluate("i => i.value = 'forged'")
    page.get_by_role("button", name="Create an API key").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This form has expired")


def test_staff_see_the_keys_on_a_phone_but_change_nothing(site, shop, guarded):
    page = guarded(MOBILE).page()
    sign_in(page, site, "packer@alder.example")
    page.goto(f"{site.url}/app/settings/keys")
    expect(page.get_by_role("heading", level=1)).to_have_text("API keys")
    expect(page.get_by_role("listitem").first).to_contain_text("pt_")
    expect(page.get_by_role("button", name=re.compile("Revoke|Roll|Create"))).to_have_count(0)
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "dashboard-api-keys-mobile.png", full_page=True)
    token = page.locator("input[name=csrf_token]").first.input_value()
    refused = page.request.post(f"{site.url}/app/settings/keys", form={"csrf_token": token})
    assert refused.status == 403 and "Only the shop&#39;s owner can change this" in refused.text()
