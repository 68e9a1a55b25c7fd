"""The buyer page over real HTTP, on SQLite and PostgreSQL: proof by ZIP, no PII without it, CSRF, throttling."""

from __future__ import annotations

import re

import httpx
import pytest

from parceltrail.store import UnitOfWork
from tests.parcels import DELIVERED, DEST_ZIP, EXCEPTION, LATE, make_parcels

PRIVATE = ("Denver", "Columbus", "New York", "80202", "MM-DEL-1042", "Chicago")


@pytest.fixture
def parcels(engine):
    return make_parcels(engine)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def open_page(client: httpx.Client, number: str, **params) -> httpx.Response:
    return client.get(f"/track/{number}", params=params)


def test_without_proof_the_page_shows_status_and_carrier_but_no_place_name_or_order(api, parcels):
    with httpx.Client(base_url=api.url) as client:
        page = open_page(client, DELIVERED)
    assert page.status_code == 200
    assert "Delivered" in page.text and "UPS" in page.text and "Maple &amp; Moss" in page.text
    assert "https://www.ups.com/track?tracknum=1Z999AA10123456784" in page.text
    for private in PRIVATE:
        assert private not in page.text, private


def test_a_wrong_zip_reveals_nothing_more_and_a_right_one_shows_the_journey(api, parcels):
    with httpx.Client(base_url=api.url) as client:
        token = csrf_of(open_page(client, DELIVERED).text)
        wrong = client.post(f"/track/{DELIVERED}/verify", data={"postal_code": "10001", "csrf_token": token})
        assert wrong.status_code == 200 and "doesn&#39;t match" in wrong.text
        for private in PRIVATE:
            assert private not in wrong.text, private
        right = client.post(f"/track/{DELIVERED}/verify", data={"postal_code": f" {DEST_ZIP}-1234 ", "csrf_token": token})
        assert right.status_code == 303 and right.headers["location"] == f"/track/{DELIVERED}"
        assert DEST_ZIP not in right.headers["location"]
        page = open_page(client, DELIVERED)
    assert "Denver, CO 80202" in page.text and "MM-DEL-1042" in page.text and "Columbus, OH" in page.text
    assert "<svg" in page.text and "Route so far: New York, NY" in page.text
    # each scan in its own zone: New York pickup in Eastern time, Denver delivery in Mountain time
    assert "EST</time> · New York, NY" in page.text and "MST</time> · Denver, CO" in page.text


def test_proof_of_one_parcel_does_not_open_another(api, parcels):
    with httpx.Client(base_url=api.url) as client:
        token = csrf_of(open_page(client, DELIVERED).text)
        client.post(f"/track/{DELIVERED}/verify", data={"postal_code": DEST_ZIP, "csrf_token": token})
        other = open_page(client, LATE)
    assert "Columbus" not in other.text and "See the full journey" in other.text


def test_a_form_without_the_csrf_token_or_from_another_site_is_refused(api, parcels):
    with httpx.Client(base_url=api.url) as client:
        token = csrf_of(open_page(client, DELIVERED).text)
        missing = client.post(f"/track/{DELIVERED}/verify", data={"postal_code": DEST_ZIP})
        forged = client.post(f"/track/{DELIVERED}/verify", data={"postal_code": DEST_ZIP, "csrf_token": "0" * 64})
        foreign = client.post(f"/track/{DELIVERED}/verify", data={"postal_code": DEST_ZIP, "csrf_token": token},
                              headers={"Origin": "https://evil.example"})
    for response in (missing, forged, foreign):
        assert response.status_code == 403 and "pt_proof" not in response.headers.get("set-cookie", "")
        assert "This form has expired" in response.text


def test_zip_guesses_are_throttled_per_tracking_number(api, parcels):
    with httpx.Client(base_url=api.url) as client:
        token = csrf_of(open_page(client, EXCEPTION).text)
        codes = [client.post(f"/track/{EXCEPTION}/verify", data={"postal_code": f"{10000 + i}", "csrf_token": token})
                 .status_code for i in range(11)]
        right = client.post(f"/track/{EXCEPTION}/verify", data={"postal_code": DEST_ZIP, "csrf_token": token})
    assert codes[:10] == [200] * 10 and codes[10] == 429
    assert right.status_code == 429 and "Too many tries" in right.text


def test_late_and_exception_parcels_say_so_in_plain_words(api, parcels):
    with httpx.Client(base_url=api.url) as client:
        late = open_page(client, LATE).text
        damaged = open_page(client, EXCEPTION).text
        spanish = open_page(client, EXCEPTION, lang="es").text
    assert "Later than first expected" in late and ("running late" in late or "overdue" in late)
    assert "There&#39;s a problem" in damaged and "The carrier reports the parcel damaged." in damaged
    assert "take photos of the box" in damaged
    assert '<html lang="es">' in spanish and "Hay un problema" in spanish


def test_lookup_form_normalises_the_number_and_says_when_it_is_unknown(api, parcels):
    with httpx.Client(base_url=api.url) as client:
        token = csrf_of(client.get("/track").text)
        found = client.post("/track", data={"tracking_number": "1z 999 aa1 0123 4567 84", "csrf_token": token})
        unknown = client.post("/track", data={"tracking_number": "1Z999AA10000000000", "csrf_token": token})
        bad = client.post("/track", data={"tracking_number": "!!", "csrf_token": token})
    assert found.status_code == 303 and found.headers["location"] == f"/track/{DELIVERED}"
    assert unknown.status_code == 404 and "We don&#39;t know tracking number 1Z999AA10000000000" in unknown.text
    assert bad.status_code == 422


def test_secure_cookies_when_served_over_https(settings, engine, parcels):
    from fastapi.testclient import TestClient

    from parceltrail.api import create_app

    with TestClient(create_app(settings, engine), base_url="https://track.example") as client:
        page = client.get(f"/track/{DELIVERED}")
        proof = client.post(f"/track/{DELIVERED}/verify", follow_redirects=False,
                            data={"postal_code": DEST_ZIP, "csrf_token": csrf_of(page.text)})
    assert "secure" in page.headers["set-cookie"].lower() and "httponly" in page.headers["set-cookie"].lower()
    assert "secure" in proof.headers["set-cookie"].lower()
    assert page.headers["strict-transport-security"].startswith("max-age=")


def test_shop_brand_command_sets_what_buyers_see_and_refuses_a_bad_logo(api, parcels, tmp_path, settings, monkeypatch):
    import json

    from typer.testing import CliRunner

    from parceltrail.cli.main import app
    from parceltrail.settings import get_settings

    monkeypatch.setenv("PARCELTRAIL_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    svg = tmp_path / "logo.svg"
    svg.write_text("<svg onload='alert(1)'/>")
    runner = CliRunner()
    try:
        ok = runner.invoke(app, ["shop", "brand", "--shop", parcels.shop_id, "--name", "Maple Home",
                                 "--colour", "#FFCC00", "--logo", str(png), "--json"])
        bad = runner.invoke(app, ["shop", "brand", "--shop", parcels.shop_id, "--logo", str(svg)])
    finally:
        get_settings.cache_clear()
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output) == {"shop_id": parcels.shop_id, "display_name": "Maple Home", "colour": "#ffcc00",
                                     "support_email": "help@maple.example", "logo": True}
    assert "logo: expected a PNG, JPEG, GIF or WebP image" in str(bad.exception)
    with httpx.Client(base_url=api.url) as client:
        page = client.get(f"/track/{DELIVERED}")
        logo = client.get(f"/track/logo/{parcels.shop_id}")
    assert "Maple Home" in page.text and "--brand: #ffcc00; --on-brand: #000000" in page.text
    assert logo.headers["content-type"] == "image/png" and logo.content == png.read_bytes()


def test_a_number_two_shops_follow_names_neither_shop_until_the_link_or_the_proof_says_which(api, parcels, engine):
    from parceltrail.core import Address
    from parceltrail.services import create_shop, register_package
    from parceltrail.services.branding import set_branding

    other = create_shop(UnitOfWork(engine), "Rival Goods")
    set_branding(UnitOfWork(engine), other.shop.id, display_name="Rival Goods")
    register_package(UnitOfWork(engine), other.shop.id, DELIVERED, "ups",
                     destination=Address(postal_code="30301", country="US"))
    with httpx.Client(base_url=api.url) as client:
        neutral = open_page(client, DELIVERED).text
        linked = open_page(client, DELIVERED, shop=parcels.shop_id).text
        token = csrf_of(neutral)
        client.post(f"/track/{DELIVERED}/verify", data={"postal_code": "30301", "csrf_token": token})
        proved = open_page(client, DELIVERED).text
    assert "Maple &amp; Moss" not in neutral and "Rival Goods" not in neutral
    assert "Maple &amp; Moss" in linked and "Rival Goods" not in linked
    assert "Rival Goods" in proved and "Atlanta, GA 30301" in proved


def test_how_sure_quotes_the_shops_own_record_on_lanes_of_this_length_once_it_has_fifty(api, engine):
    """55 deliveries 1,500+ km long, 1 in 10 after its order-time window: a new order on such a lane says 9 in 10."""
    from datetime import UTC, datetime, timedelta

    from parceltrail.core import Address, Location, TrackingEvent
    from parceltrail.services import create_shop, record_scans, register_package
    from parceltrail.services.buyer_page import _RECORDS
    from parceltrail.services.clock import ManualClock, WallClock, set_clock

    uow = UnitOfWork(engine)
    start = datetime.now(UTC) - timedelta(days=30)  # late deliveries land some 22 days on: still in the past
    set_clock(ManualClock(start))
    try:
        shop = create_shop(uow, "Steady Co")
        lane = {"destination": Address(postal_code="80202", country="US"), "origin": Address(postal_code="10001", country="US")}
        ids = [register_package(uow, shop.shop.id, f"1Z999AA1{i:010d}", "ups", force=True, **lane).package.id
               for i in range(55)]
        pickup = TrackingEvent.create(start + timedelta(hours=20), "in_transit", "picked_up", "", None,
                                      Location("New York", "NY", "10001", "US"))
        record_scans(uow, shop.shop.id, {i: [pickup] for i in ids}, source="api", now=start + timedelta(hours=21))
        batches = {}
        for n, package_id in enumerate(ids):
            with uow.read():
                told = uow.estimates.history(package_id)[0]  # what the buyer was told at order time
            day = told.likely if n % 10 else told.latest + timedelta(days=2)  # 1 in 10 arrives after the window
            at = datetime(day.year, day.month, day.day, 18, 0, tzinfo=UTC)
            batches[package_id] = [TrackingEvent.create(at, "delivered", "delivered", "", None,
                                                        Location("Denver", "CO", "80202", "US"))]
        record_scans(uow, shop.shop.id, batches, source="api", now=start + timedelta(days=28))  # after every delivery
        set_clock(ManualClock(start + timedelta(days=29)))
        register_package(uow, shop.shop.id, "1Z999AA19999999999", "ups", force=True, **lane)  # just ordered: a window
    finally:
        set_clock(WallClock())
    _RECORDS.clear()
    with httpx.Client(base_url=api.url) as client:
        page = client.get("/track/1Z999AA19999999999").text
    assert "9 in 10 of Steady Co&#39;s parcels on routes like this arrived within their window (last 30 days, 55 parcels)" in page
