"""Orders TikTok ships get TikTok's own label, end to end against the local TikTok Shop: Get Package
Shipping Document (signed, through the shop's tokens), the PDF behind its doc_url stored and scanned
back, the package TikTok numbered tracked through TikTok and linked to the order, and nothing uploaded."""

from __future__ import annotations

import subprocess

import httpx
import pytest
from pydantic import SecretStr

from parceltrail.core.orders import OrderStatus
from parceltrail.services import create_shop
from parceltrail.services.tiktok import connect_shop
from parceltrail.services.tiktok_sync import sync_shop
from tests.conftest import LiveServer
from tests.integration.labels.conftest import SEATTLE
from tests.integration.orders.conftest import (  # noqa: F401  (fixtures)
    APP_KEY,
    APP_SECRET,
    SECRET_KEY,
    app,
    cli,
    client,
    days_ago,
    tiktok,
)

zxingcpp = pytest.importorskip("zxingcpp")


def scan(pdf: bytes, tmp_path) -> list[set[str]]:
    from PIL import Image

    (tmp_path / "t.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / "t.pdf"), str(tmp_path / "t")], check=True)
    return [{r.text for r in zxingcpp.read_barcodes(Image.open(p))} for p in sorted(tmp_path.glob("t-*.png"))]


@pytest.fixture
def seller(uow, settings, engine, tiktok, app, client):
    """A shop connected to the local TikTok Shop, its orders synced, and an API that knows TikTok."""
    from parceltrail.api import create_app

    remote = tiktok.add_shop("Sunny Crochet")
    made = create_shop(uow, "Sunny Crochet")
    connect_shop(uow, app, client, made.shop.id, tiktok.authorise(remote.id))
    orders = {}
    for name, status, shipping in (("shipped", OrderStatus.AWAITING_COLLECTION, "TIKTOK"),
                                   ("waiting", OrderStatus.AWAITING_SHIPMENT, "TIKTOK"),
                                   ("own", OrderStatus.AWAITING_SHIPMENT, "SELLER")):
        order = tiktok.new_order(remote, status, days_ago(1))
        order["shipping_type"] = shipping
        tiktok.put_order(remote, order)
        orders[name] = order
    sync_shop(uow, app, client, made.shop.id)
    configured = settings.model_copy(update={
        "tiktok_app_key": APP_KEY, "tiktok_app_secret": SecretStr(APP_SECRET), "secret_key": SecretStr(SECRET_KEY),
        "tiktok_api_url": tiktok.url, "tiktok_auth_url": tiktok.url})
    with LiveServer(create_app(configured, engine)) as server, \
            httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {made.api_key}"}, timeout=60) as http:
        http.put("/v1/shipping", json={"ship_from": SEATTLE})
        yield http, made.shop.id, orders


def test_a_tiktok_shipped_order_gets_tiktoks_label(seller, uow, tiktok, tmp_path):
    http, shop_id, orders = seller
    order = orders["shipped"]
    item = order["line_items"][0]
    with uow.read():
        synced = uow.orders.get(shop_id, order["id"]).package_ids[item["package_id"]]
    tiktok.fail_next("/fulfillment/202309/packages", "bad_signature")  # refused once, asked again
    made = http.post(f"/v1/orders/{order['id']}/labels", json={})
    assert made.status_code == 201, made.text
    label = made.json()
    assert (label["carrier"], label["service"], label["source"]) == ("tiktok", "tiktok_shipping", "tiktok")
    assert label["tracking_number"] == item["tracking_number"] and label["weight_lb"] is None
    assert label["package_id"] == synced  # the package the order sync already follows, now with its label
    assert label["ship_to"]["postal_code"] == order["recipient_address"]["postal_code"]
    path = f"/fulfillment/202309/packages/{item['package_id']}/shipping_documents"
    assert tiktok.calls.count(("GET", path)) == 2 and tiktok.document_requests[-1]["document_type"] == "SHIPPING_LABEL"
    assert tiktok.shipments == [] and not [c for c in tiktok.calls if c[0] == "POST" and "/fulfillment/" in c[1]]
    package = http.get(f"/v1/packages/{label['package_id']}").json()
    assert (package["carrier"], package["tracking_number"]) == ("tiktok", item["tracking_number"])
    with uow.read():
        [linked] = uow.orders.for_packages([label["package_id"]])[label["package_id"]]
    assert linked.order.external_id == order["id"] and linked.package_ids == {item["package_id"]: synced}
    ours = http.post("/v1/orders/o-9/labels", json={"ship_to": {"name": "B Buyer", "line1": "1 N Broadway",
                                                                "city": "Portland", "region": "OR",
                                                                "postal_code": "97209"},
                                                    "weight": "1 lb", "carrier": "sandbox", "service": "ground"}).json()
    batch = http.post("/v1/labels/print", json={"ids": [label["id"], ours["id"]]})
    pages = scan(batch.content, tmp_path)
    assert item["tracking_number"] in pages[0] and ours["tracking_number"] in pages[1]
    again = http.post(f"/v1/orders/{order['id']}/labels", json={})
    assert again.status_code == 422 and label["id"] in again.text


def test_refusals_name_the_reason_and_store_nothing(seller, uow, tiktok):
    http, shop_id, orders = seller
    waiting = http.post(f"/v1/orders/{orders['waiting']['id']}/labels", json={})
    assert waiting.status_code == 422
    assert "The package has no shipping label yet; arrange the shipment first. (code 21011035)" in waiting.text
    other = http.post(f"/v1/orders/{orders['shipped']['id']}/labels", json={"carrier": "ups", "service": "ground",
                                                                          "weight": "1 lb"})
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "carrier"
    unknown = http.post(f"/v1/orders/{orders['shipped']['id']}/labels", json={"package_id": "1"})
    assert unknown.status_code == 422 and orders["shipped"]["line_items"][0]["package_id"] in unknown.text
    own = http.post(f"/v1/orders/{orders['own']['id']}/labels", json={"weight": "1 lb"})
    assert own.status_code == 201 and own.json()["carrier"] != "tiktok"  # the seller ships it: the rule chose
    assert [x["id"] for x in http.get("/v1/labels").json()] == [own.json()["id"]]
    assert tiktok.shipments == []


def test_the_command_line_writes_tiktoks_label(seller, database_url, tiktok, cli, tmp_path):
    http, shop_id, orders = seller
    env = {"PARCELTRAIL_DATABASE_URL": database_url, "PARCELTRAIL_SECRET_KEY": SECRET_KEY,
           "PARCELTRAIL_TIKTOK_APP_KEY": APP_KEY, "PARCELTRAIL_TIKTOK_APP_SECRET": APP_SECRET,
           "PARCELTRAIL_TIKTOK_API_URL": tiktok.url, "PARCELTRAIL_TIKTOK_AUTH_URL": tiktok.url}
    code, out, err = cli(env, "labels", "create", "--shop", shop_id, "--order", orders["shipped"]["id"],
                         "--out", str(tmp_path / "tiktok.pdf"))
    assert code == 0, err
    number = orders["shipped"]["line_items"][0]["tracking_number"]
    assert f"TikTok's label for order {orders['shipped']['id']}, tracking number {number}" in out
    assert (tmp_path / "tiktok.pdf").read_bytes().startswith(b"%PDF")
    code, out, err = cli({**env, "PARCELTRAIL_TIKTOK_APP_KEY": None}, "labels", "create", "--shop", shop_id,
                         "--order", orders["waiting"]["id"], "--out", str(tmp_path / "w.pdf"))
    assert code == 1 and "PARCELTRAIL_TIKTOK_APP_KEY" in err and "Traceback" not in err
