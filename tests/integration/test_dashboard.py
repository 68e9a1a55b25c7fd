"""The seller dashboard over real HTTP on SQLite and PostgreSQL: accounts, sessions, throttling, CSRF,
roles, one shop never seeing another's packages."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from parceltrail.services import create_shop
from parceltrail.services.staff import create_staff
from parceltrail.store import UnitOfWork
from parceltrail.store.staff import staff as staff_table
from tests.conftest import HUNG
from tests.parcels import DELIVERED, make_parcels

PASSWORD = "correct horse battery"


@pytest.fixture
def shop(engine):
    parcels = make_parcels(engine)
    create_staff(UnitOfWork(engine), parcels.shop_id, "Owner@Maple.example", PASSWORD, "owner")
    create_staff(UnitOfWork(engine), parcels.shop_id, "packer@maple.example", PASSWORD, "staff")
    return parcels


def token(client: httpx.Client, path: str = "/app/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def signed_in(api, email="owner@maple.example", password=PASSWORD) -> httpx.Client:
    client = httpx.Client(base_url=api.url)
    response = client.post("/app/login", data={"email": email, "password": password, "csrf_token": token(client)})
    assert response.status_code == 303, response.text
    return client


def test_staff_create_prompts_for_the_password_and_stores_only_an_argon2_hash(engine, settings, monkeypatch):
    from typer.testing import CliRunner

    from parceltrail.cli.main import app
    from parceltrail.settings import get_settings

    shop = create_shop(UnitOfWork(engine), "Prompted")
    monkeypatch.setenv("PARCELTRAIL_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["staff", "create", "--shop", shop.shop.id, "--email", "a@b.example", "--json"],
                                    input="a long passphrase\na long passphrase\n")
        short = CliRunner().invoke(app, ["staff", "create", "--shop", shop.shop.id, "--email", "c@b.example"],
                                   input="short\nshort\n")
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "Password for a@b.example" in result.output and "a long passphrase" not in result.output
    assert '"role": "owner"' in result.output
    assert "password: expected at least 10 characters" in str(short.exception)
    with engine.connect() as connection:
        stored = connection.execute(select(staff_table.c.password_hash).where(staff_table.c.email == "a@b.example")).scalar()
    assert stored.startswith("$argon2id$") and "passphrase" not in stored


def test_pages_need_a_session_and_sign_in_sets_a_signed_httponly_cookie(api, shop):
    with httpx.Client(base_url=api.url) as anonymous:
        assert anonymous.get("/app/packages").headers["location"] == "/app/login"
    client = signed_in(api, "OWNER@maple.example ")
    cookie = next(c for c in client.cookies.jar if c.name == "pt_session")
    assert cookie.path == "/app" and cookie.has_nonstandard_attr("HttpOnly")
    page = client.get("/app/packages")
    assert page.status_code == 200 and DELIVERED in page.text
    client.cookies.set("pt_session", cookie.value[:-2] + "xx", path="/app")
    assert client.get("/app/packages").status_code == 303


def test_login_is_throttled_after_five_wrong_passwords_for_an_email(api, shop):
    with httpx.Client(base_url=api.url) as client:
        csrf = token(client)
        codes = [client.post("/app/login", data={"email": "owner@maple.example", "password": f"guess {i}",
                                                 "csrf_token": csrf}).status_code for i in range(6)]
        right = client.post("/app/login", data={"email": "owner@maple.example", "password": PASSWORD, "csrf_token": csrf})
    assert codes == [401] * 5 + [429]
    assert right.status_code == 429 and "Too many sign-in attempts" in right.text


def test_login_without_a_csrf_token_is_refused(api, shop):
    with httpx.Client(base_url=api.url) as client:
        client.get("/app/login")
        response = client.post("/app/login", data={"email": "owner@maple.example", "password": PASSWORD})
    assert response.status_code == 403 and "pt_session" not in response.headers.get("set-cookie", "")


def test_sign_out_everywhere_ends_other_sessions(api, shop):
    laptop, phone = signed_in(api), signed_in(api)
    assert phone.get("/app/packages").status_code == 200
    laptop.post("/app/logout", data={"csrf_token": token(laptop, "/app/settings"), "everywhere": "1"})
    assert phone.get("/app/packages").status_code == 303


def test_one_shop_never_sees_another_shops_package(api, shop, engine):
    other = make_parcels(engine, name="Other shop")
    create_staff(UnitOfWork(engine), other.shop_id, "them@other.example", PASSWORD)
    client = signed_in(api)
    assert client.get(f"/app/packages/{other.ids['delivered']}").status_code == 404
    note = client.post(f"/app/packages/{other.ids['delivered']}/notes",
                       data={"body": "hello", "csrf_token": token(client, "/app/packages")})
    assert note.status_code == 404
    listed = client.get("/app/packages").text
    assert other.ids["delivered"] not in listed and shop.ids["delivered"] in listed


def test_search_pages_by_cursor_and_staff_cannot_create_keys(api, shop):
    client = signed_in(api)
    csrf = token(client, "/app/packages")
    first = client.post("/app/packages", data={"csrf_token": csrf, "sort": "oldest"}).text
    assert first.count("/app/packages/pkg_") == 3
    found = client.post("/app/packages", data={"csrf_token": csrf, "q": "mm-del-1042"}).text
    assert found.count("/app/packages/pkg_") == 1 and shop.ids["delivered"] in found
    bad = client.post("/app/packages", data={"csrf_token": csrf, "cursor": "not-a-cursor"})
    assert bad.status_code == 422 and "follow the page" in bad.text
    packer = signed_in(api, "packer@maple.example")
    refused = packer.post("/app/settings/keys", data={"csrf_token": token(packer, "/app/settings")})
    assert refused.status_code == 403 and "pt_" not in refused.text


@pytest.mark.parametrize("sort", ["newest", "oldest", "updated"])
def test_cursor_paging_visits_every_package_once_in_each_sort(uow, shop, sort):
    from parceltrail.services.dashboard import find_packages

    seen, cursor = [], None
    while True:
        page = find_packages(uow, shop.shop_id, sort=sort, cursor=cursor, limit=2)
        seen += [p.id for p in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(shop.ids.values()) and len(seen) == 3
    if sort == "oldest":
        assert seen == sorted(seen)


def test_orders_link_in_search_by_buyer_name_the_package_page_and_the_buyers_page(api, shop, engine):
    from datetime import UTC, datetime

    from parceltrail.core import Address
    from parceltrail.core.orders import Buyer, Deadlines, Order, OrderPackage, OrderStatus
    from parceltrail.services.orders import upsert_orders

    placed = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    order = Order(shop.shop_id, "576461413038785752", OrderStatus.IN_TRANSIT, placed, placed,
                  buyer=Buyer("Ana Gómez", Address(postal_code="80202", country="US", city="Denver")),
                  packages=(OrderPackage("1152921", "1Z999AA10123456700", "ups"),),
                  deadlines=Deadlines(ship_by=datetime(2026, 11, 22, 23, 0, tzinfo=UTC)))
    upsert_orders(UnitOfWork(engine), shop.shop_id, [order], source="api")
    client = signed_in(api)
    csrf = token(client, "/app/packages")
    found = client.post("/app/packages", data={"csrf_token": csrf, "q": "gómez"}).text
    assert found.count("/app/packages/pkg_") == 1 and "1Z999AA10123456700" in found
    assert client.post("/app/packages", data={"csrf_token": csrf, "q": "576461413038785752"}).text.count(
        "/app/packages/pkg_") == 1
    package_id = re.search(r"/app/packages/(pkg_\w+)", found).group(1)
    detail = client.get(f"/app/packages/{package_id}").text
    assert "TikTok Shop order 576461413038785752" in detail and "Ana Gómez" in detail and "Ship by" in detail
    assert "In transit" in detail and "IN_TRANSIT" not in detail
    with httpx.Client(base_url=api.url) as buyer:
        page = buyer.get("/track/1Z999AA10123456700").text
        assert "Ana" not in page and "Gómez" not in page
        proof = buyer.post("/track/1Z999AA10123456700/verify",
                           data={"postal_code": "80202", "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)})
        assert proof.status_code == 303
        proved = buyer.get("/track/1Z999AA10123456700").text
    assert "for Ana" in proved and "Gómez" not in proved


def test_the_demo_owner_gets_a_fresh_password_each_start_and_the_old_one_stops_working(uow, shop):
    from parceltrail.services.staff import demo_owner, sign_in

    first = demo_owner(uow, shop.shop_id, "demo@parceltrail.invalid")
    second = demo_owner(uow, shop.shop_id, "demo@parceltrail.invalid")
    assert first != second and len(second) >= 10
    assert sign_in(uow, "demo@parceltrail.invalid", first) is None
    member = sign_in(uow, "demo@parceltrail.invalid", second)
    assert member is not None and member.role == "owner" and member.shop_id == shop.shop_id


def test_csv_import_runs_with_progress_is_private_to_the_shop_and_refuses_a_file_that_is_no_export(api, shop, engine):
    import time

    from tests.integration.orders.test_orders_import import GOOD_AND_BAD

    client = signed_in(api)
    csrf = token(client, "/app/import")
    started = client.post("/app/import", data={"csrf_token": csrf, "timezone": "America/Los_Angeles"},
                          files={"file": ("orders.csv", GOOD_AND_BAD.encode(), "text/csv")})
    assert started.status_code == 303 and started.headers["location"].startswith("/app/import/imp_")
    job_url = started.headers["location"]
    deadline = time.monotonic() + HUNG
    while "Done —" not in (page := client.get(job_url).text):
        assert time.monotonic() < deadline, page
        assert 'http-equiv="refresh"' in page  # a running import's page reloads itself, no script needed
        time.sleep(0.2)
    assert "9 of 9 rows" in page and "3 new, 0 updated" in page and 'http-equiv="refresh"' not in page
    assert "&#39;two&#39; is not a whole number of items" in page
    other = make_parcels(engine, name="Nosy shop")
    create_staff(UnitOfWork(engine), other.shop_id, "nosy@other.example", PASSWORD)
    assert signed_in(api, "nosy@other.example").get(job_url).status_code == 404
    refused = client.post("/app/import", data={"csrf_token": csrf},
                          files={"file": ("notes.csv", b"hello,world\n1,2\n", "text/csv")})
    deadline = time.monotonic() + HUNG
    while "Refused" not in (failed := client.get(refused.headers["location"]).text):
        assert time.monotonic() < deadline, failed
        time.sleep(0.2)
    assert 'role="alert"' in failed
    no_token = client.post("/app/import", files={"file": ("orders.csv", GOOD_AND_BAD.encode(), "text/csv")})
    assert no_token.status_code == 403


def test_owner_sets_branding_from_settings_and_a_bad_colour_is_named(api, shop):
    client = signed_in(api)
    csrf = token(client, "/app/settings")
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    saved = client.post("/app/settings/branding", files={"logo": ("logo.png", png, "image/png")},
                        data={"csrf_token": csrf, "display_name": "Maple Home", "colour": "#112233",
                              "support_email": "care@maple.example"})
    assert saved.status_code == 200 and "Saved." in saved.text
    bad = client.post("/app/settings/branding", data={"csrf_token": csrf, "colour": "blue"})
    assert bad.status_code == 422 and "colour: expected a hex colour like #1a73e8" in bad.text
    with httpx.Client(base_url=api.url) as buyer:
        page = buyer.get(f"/track/{DELIVERED}").text
        assert "Maple Home" in page and "--brand: #112233" in page and "mailto:care@maple.example" in page
        assert buyer.get(f"/track/logo/{shop.shop_id}").content == png
    packer = signed_in(api, "packer@maple.example")
    refused = packer.post("/app/settings/branding", data={"csrf_token": token(packer, "/app/settings"), "colour": "#000000"})
    assert refused.status_code == 403


def test_owner_adds_and_removes_a_webhook_endpoint_and_sees_its_secret_once(settings, engine, shop):
    from pydantic import SecretStr

    from parceltrail.api import create_app
    from tests.conftest import LiveServer

    served = settings.model_copy(update={"secret_key": SecretStr("k" * 32), "webhooks_allow_private": True})
    with LiveServer(create_app(served, engine)) as site:
        client = signed_in(site)
        csrf = token(client, "/app/settings/webhooks")
        made = client.post("/app/settings/webhooks", data={"csrf_token": csrf, "url": "http://127.0.0.1:9/hook",
                                                           "description": "ERP", "events": ["package.delivered"]})
        assert made.status_code == 200, made.text
        secret = re.search(r'<code class="mono">(whsec_[^<]+)</code>', made.text).group(1)
        listed = client.get("/app/settings/webhooks").text
        assert "http://127.0.0.1:9/hook" in listed and "package.delivered" in listed and secret not in listed
        bad = client.post("/app/settings/webhooks", data={"csrf_token": csrf, "url": "ftp://example.com/x"})
        assert bad.status_code == 422 and "url" in bad.text
        endpoint_id = re.search(r"/app/settings/webhooks/(ep_\w+)/delete", listed).group(1)
        packer = signed_in(site, "packer@maple.example")
        assert packer.post(f"/app/settings/webhooks/{endpoint_id}/delete",
                           data={"csrf_token": token(packer, "/app/settings")}).status_code == 403
        gone = client.post(f"/app/settings/webhooks/{endpoint_id}/delete", data={"csrf_token": csrf})
        assert gone.status_code == 303 and "No endpoints yet." in client.get("/app/settings/webhooks").text


def test_an_endpoints_deliveries_show_the_failed_attempt_and_send_again_retries(settings, engine, shop):
    from datetime import UTC, datetime, timedelta

    from pydantic import SecretStr

    from parceltrail.api import create_app
    from parceltrail.outbound import guarded_client
    from parceltrail.services import register_package
    from parceltrail.services.clock import ManualClock, WallClock, set_clock
    from parceltrail.services.sender import Sender
    from tests.conftest import LiveServer
    from tests.integration.notify.conftest import SECRET_KEY, run_until_quiet
    from tests.receivers import Receiver

    served = settings.model_copy(update={"secret_key": SecretStr(SECRET_KEY), "webhooks_allow_private": True})
    clock = ManualClock(datetime.now(UTC))
    set_clock(clock)
    try:
        with Receiver() as receiver, guarded_client(allow_private=True, timeout=HUNG) as http, \
                LiveServer(create_app(served, engine)) as site:
            receiver.script = [503]
            client = signed_in(site)
            csrf = token(client, "/app/settings/webhooks")
            client.post("/app/settings/webhooks", data={"csrf_token": csrf, "url": receiver.url,
                                                        "events": ["package.created"]})
            register_package(UnitOfWork(engine), shop.shop_id, "PT0000000000000101", "ups", force=True)
            sender = Sender(http, SECRET_KEY, concurrency=1)
            run_until_quiet(engine, sender)
            endpoint_id = re.search(r"/app/settings/webhooks/(ep_\w+)", client.get("/app/settings/webhooks").text).group(1)
            page = client.get(f"/app/settings/webhooks/{endpoint_id}").text
            assert "package.created" in page and "503" in page and "retry 1 of 7" in page
            delivery_id = re.search(r"/deliveries/(\w+)/retry", page).group(1)
            again = client.post(f"/app/settings/webhooks/{endpoint_id}/deliveries/{delivery_id}/retry", data={"csrf_token": csrf})
            assert again.status_code == 200 and "Queued to send again" in again.text
            clock.advance(timedelta(seconds=5))
            run_until_quiet(engine, sender)
            assert [r.headers["webhook-id"] for r in receiver.requests].count(delivery_id) >= 2  # same webhook-id again
            assert ">sent<" in client.get(f"/app/settings/webhooks/{endpoint_id}").text
            packer = signed_in(site, "packer@maple.example")
            assert packer.post(f"/app/settings/webhooks/{endpoint_id}/deliveries/{delivery_id}/retry",
                               data={"csrf_token": token(packer, "/app/settings")}).status_code == 403
    finally:
        set_clock(WallClock())
