"""Buying labels from UPS, FedEx, USPS and DHL eCommerce through one purchase flow, each against a local
server that plays the carrier (fake_ship.py): what the request carries (account, service, addresses,
weight and size), a refusal in the carrier's words that stores nothing, the sold number tracked and
linked to the order, and the carrier's label kept and scanned back from the batch PDF."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from parceltrail.services import authenticate, create_shop
from parceltrail.services.accounts import env_namespace
from parceltrail.services.orders import upsert_orders
from tests.integration.carriers.conftest import CLIENT_ID, CLIENT_SECRET, CarrierServer
from tests.integration.labels import fake_ship
from tests.integration.labels.conftest import SEATTLE, tiktok_order

zxingcpp = pytest.importorskip("zxingcpp")

ORDER = "576461413038785760"
PORTLAND = {"line1": "1 N BROADWAY", "city": "PORTLAND", "region": "OR", "postal_code": "97209"}


@pytest.fixture
def settings(database_url, tmp_path):
    """The test settings with a secret key, so shops can store carrier credentials encrypted."""
    from parceltrail.settings import Settings

    return Settings(database_url=database_url, queue_url=f"sqlite:///{tmp_path / 'queue.db'}",
                    secret_key="purchase-tests-secret-key-0123456789")


@pytest.fixture
def carrier():
    server = CarrierServer()
    yield server
    server.close()


@pytest.fixture
def shop(api, uow):
    """An API client for a shop shipping from Seattle with one stored SELLER-shipped order to Portland."""
    made = create_shop(uow, "Purchase shop")
    shop_id = authenticate(uow, made.api_key)
    upsert_orders(uow, shop_id, [tiktok_order(shop_id, ORDER, "SELLER", datetime(2026, 12, 9, 7, 59, tzinfo=UTC))],
                  source="test")
    with httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {made.api_key}"}, timeout=60) as http:
        assert http.put("/v1/shipping", json={"ship_from": SEATTLE}).status_code == 200
        http.shop_id = shop_id  # an env_prefix must lie in the shop's namespace (services.accounts.env_namespace)
        yield http


def env_account(monkeypatch, code: str, url: str) -> None:
    monkeypatch.setenv(f"PARCELTRAIL_{code}_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv(f"PARCELTRAIL_{code}_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv(f"PARCELTRAIL_{code}_BASE_URL", url)


def buy(http, carrier_code, service, **extra):
    return http.post(f"/v1/orders/{ORDER}/labels", json={"weight": "2 lb", "size": "12x10x8 in",
                                                         "carrier": carrier_code, "service": service, **extra})


def refused_then_bought(http, carrier_code: str, service: str, words: str, account) -> dict:
    """The carrier refuses (its words reach the seller, nothing is stored); with the right account it sells."""
    refused = buy(http, carrier_code, service)
    assert refused.status_code == 422 and words in refused.text, refused.text
    assert http.get("/v1/labels").json() == [] and http.get("/v1/packages").json()["items"] == []
    assert http.put("/v1/shipping", json={"accounts": {carrier_code: account}}).status_code == 200
    bought = buy(http, carrier_code, service)
    assert bought.status_code == 201, bought.text
    return bought.json()


def assert_tracked_and_linked(http, uow, label, carrier_code, number) -> None:
    package = http.get(f"/v1/packages/{label['package_id']}").json()
    assert (package["carrier"], package["tracking_number"]) == (carrier_code, number)
    with uow.read():
        [order] = uow.orders.for_packages([label["package_id"]])[label["package_id"]]
        due = uow.polling.due_count(datetime.now(UTC) + timedelta(minutes=5))
    assert due == 1  # its first check is scheduled: the poller asks the carrier
    assert order.order.external_id == ORDER
    assert order.package_ids == {"1153132168123859001": label["package_id"]}


def scan_batch(http, ids, tmp_path) -> list[set[str]]:
    from PIL import Image

    batch = http.post("/v1/labels/print", json={"ids": ids})
    assert batch.status_code == 200, batch.text
    (tmp_path / "b.pdf").write_bytes(batch.content)
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(tmp_path / "b.pdf"), str(tmp_path / "p")], check=True)
    return [{r.text for r in zxingcpp.read_barcodes(Image.open(p))} for p in sorted(tmp_path.glob("p-*.png"))]


def ours(http) -> dict:
    return http.post("/v1/orders/o-2/labels", json={"ship_to": {"name": "B Buyer", **PORTLAND}, "weight": "1 lb",
                                                    "carrier": "sandbox", "service": "ground"}).json()


def test_ups(shop, uow, carrier, monkeypatch, tmp_path):
    sold = fake_ship.ups_shipping(carrier)
    env_account(monkeypatch, "UPS", carrier.url)
    no_account = buy(shop, "ups", "ground")
    assert no_account.status_code == 422 and "no ups shipper account number" in no_account.text
    shop.put("/v1/shipping", json={"accounts": {"ups": "ZZ9999"}})
    label = refused_then_bought(shop, "ups", "ground", "Missing or invalid shipper number", fake_ship.UPS_ACCOUNT)
    assert label["tracking_number"] == sold.numbers[-1] and label["source"] == "carrier"
    assert (label["price"], label["currency"]) == (pytest.approx(11.5), "USD")
    shipment = sold.requests[-1]["ShipmentRequest"]["Shipment"]
    assert shipment["Shipper"]["ShipperNumber"] == fake_ship.UPS_ACCOUNT and shipment["Service"]["Code"] == "03"
    assert shipment["ShipTo"]["Address"] == {"AddressLine": ["1 N BROADWAY"], "City": "PORTLAND",
                                             "StateProvinceCode": "OR", "PostalCode": "97209", "CountryCode": "US"}
    assert shipment["Package"]["Dimensions"] == {"UnitOfMeasurement": {"Code": "IN"}, "Length": "12",
                                                 "Width": "10", "Height": "8"}
    assert_tracked_and_linked(shop, uow, label, "ups", sold.numbers[-1])
    mine = ours(shop)
    pages = scan_batch(shop, [label["id"], mine["id"]], tmp_path)
    assert sold.numbers[-1] in pages[0] and mine["tracking_number"] in pages[1]
    as_zpl = shop.post("/v1/labels/print", json={"ids": [label["id"]], "format": "zpl"})
    assert as_zpl.status_code == 422 and "print it as pdf" in as_zpl.text


def test_fedex(shop, uow, carrier, monkeypatch, tmp_path):
    """FedEx answers with the label its test environment sold (karrio's capture): 794791341818."""
    sold = fake_ship.fedex_shipping(carrier)
    env_account(monkeypatch, "FEDEX", carrier.url)
    shop.put("/v1/shipping", json={"accounts": {"fedex": "123456789"}})
    label = refused_then_bought(shop, "fedex", "ground", "Please enter a valid 9-digit FedEx account number",
                                fake_ship.FEDEX_ACCOUNT)
    assert label["tracking_number"] == "794791341818" == sold.numbers[-1]
    assert (label["price"], label["currency"]) == (pytest.approx(4448.19), "USD")  # FedEx's captured net charge
    request = sold.requests[-1]
    shipment = request["requestedShipment"]
    assert request["accountNumber"] == {"value": fake_ship.FEDEX_ACCOUNT}
    assert shipment["shippingChargesPayment"]["payor"]["responsibleParty"]["accountNumber"]["value"] == \
        fake_ship.FEDEX_ACCOUNT
    assert shipment["serviceType"] == "FEDEX_GROUND"
    assert shipment["recipients"][0]["address"] == {"streetLines": ["1 N BROADWAY"], "city": "PORTLAND",
                                                    "stateOrProvinceCode": "OR", "postalCode": "97209",
                                                    "countryCode": "US", "residential": True}
    assert shipment["shipper"]["address"]["postalCode"] == "98109"
    assert shipment["requestedPackageLineItems"][0]["weight"] == {"units": "LB", "value": 2.0}
    assert shipment["requestedPackageLineItems"][0]["dimensions"] == {"length": 12, "width": 10, "height": 8,
                                                                      "units": "IN"}
    assert shipment["labelSpecification"]["imageType"] == "PDF" and \
        shipment["labelSpecification"]["labelStockType"] == "STOCK_4X6"
    assert_tracked_and_linked(shop, uow, label, "fedex", "794791341818")
    mine = ours(shop)
    pages = scan_batch(shop, [mine["id"], label["id"]], tmp_path)
    assert mine["tracking_number"] in pages[0]
    assert any("7947913418180430" in text for text in pages[1])  # FedEx's PDF417 carries the number


def test_usps(shop, uow, carrier, monkeypatch, tmp_path):
    """Payments 3.0 then Labels 3.0 with the shop's own (encrypted) USPS account; USPS's example label."""
    sold = fake_ship.usps_shipping(carrier)
    monkeypatch.setenv("PARCELTRAIL_USPS_BASE_URL", carrier.url)  # endpoints are the operator's, not a shop's
    assert shop.put("/v1/carrier-accounts/usps", json={"credentials": {
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}}).status_code == 200
    incomplete = shop.put("/v1/shipping", json={"accounts": {"usps": {"account_number": "1000123456"}}})
    assert incomplete.status_code == 422 and "accounts.usps.crid" in incomplete.text
    shop.put("/v1/shipping", json={"accounts": {"usps": {**fake_ship.USPS_ACCOUNT, "account_number": "1000000000"}}})
    no_size = shop.post(f"/v1/orders/{ORDER}/labels", json={"weight": "2 lb", "carrier": "usps",
                                                             "service": "ground_advantage"})
    assert no_size.status_code == 422 and no_size.json()["errors"][0]["field"] == "size"
    label = refused_then_bought(shop, "usps", "ground_advantage",
                                "Could not find an EPS Account with number: 1000000000.", fake_ship.USPS_ACCOUNT)
    assert label["tracking_number"] == "9205590109769900012613" and label["price"] == pytest.approx(7.64)
    request = sold.requests[-1]
    assert request["toAddress"] == {"firstName": "Avery", "lastName": "Chen", "streetAddress": "1 N BROADWAY",
                                    "city": "PORTLAND", "state": "OR", "ZIPCode": "97209"}
    assert request["fromAddress"]["ZIPCode"] == "98109"
    package = request["packageDescription"]
    assert (package["mailClass"], package["rateIndicator"], package["processingCategory"]) == \
        ("USPS_GROUND_ADVANTAGE", "SP", "MACHINABLE")
    assert (package["weight"], package["length"], package["width"], package["height"]) == (2.0, 12, 10, 8)
    assert request["imageInfo"] == {"imageType": "PDF", "labelType": "4X6LABEL", "receiptOption": "NONE"}
    assert_tracked_and_linked(shop, uow, label, "usps", "9205590109769900012613")
    [page] = scan_batch(shop, [label["id"]], tmp_path)
    assert "(420)631182628(92)05590109769900012613" in page  # USPS's own IMpb, from the label it sent


def test_dhl_ecommerce(shop, uow, carrier, monkeypatch, tmp_path):
    """DHL eCommerce's own account (apart from DHL tracking), a PNG label in the batch PDF, a ZPL one for
    thermal printers, and the shop's rate table pricing it (DHL's label answer carries no price)."""
    sold = fake_ship.dhl_shipping(carrier)
    shop.put("/v1/shipping", json={"accounts": {"dhl": {**fake_ship.DHL_ACCOUNT, "pickup": "5999999"}},
                                   "rates": {"dhl/ecommerce": {"base": 4.1, "per_lb": 0.5}}})
    no_account = buy(shop, "dhl", "ecommerce")
    assert no_account.status_code == 422 and "PARCELTRAIL_DHL_ECOMMERCE_CLIENT_ID" in no_account.text
    prefix = env_namespace(shop.shop_id) + "DHL_"
    monkeypatch.setenv(prefix + "CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv(prefix + "CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("PARCELTRAIL_DHL_ECOMMERCE_BASE_URL", carrier.url)  # the operator's, not the shop's
    assert shop.put("/v1/carrier-accounts/dhl_ecommerce", json={"env_prefix": prefix}).status_code == 200
    label = refused_then_bought(shop, "dhl", "ecommerce", "Downstream Validation Failed; unprocessed",
                                fake_ship.DHL_ACCOUNT)
    assert label["tracking_number"] == sold.numbers[-1] and label["tracking_number"].startswith("GM")
    assert label["price"] == pytest.approx(4.6)  # base + one more billable pound, from the shop's table
    request = sold.requests[-1]
    assert (request["pickup"], request["distributionCenter"], request["orderedProductId"]) == \
        ("5320037", "USMCO1", "GND")
    assert request["consigneeAddress"] == {"name": "Avery Chen", "address1": "1 N BROADWAY", "city": "PORTLAND",
                                           "country": "US", "postalCode": "97209", "state": "OR"}
    assert request["returnAddress"]["postalCode"] == "98109"
    assert request["packageDetail"]["weight"] == {"value": 2.0, "unitOfMeasure": "LB"}
    assert request["packageDetail"]["dimension"] == {"length": 12.0, "width": 10.0, "height": 8.0,
                                                     "unitOfMeasure": "IN"}
    assert_tracked_and_linked(shop, uow, label, "dhl", sold.numbers[-1])
    [page] = scan_batch(shop, [label["id"]], tmp_path)
    assert sold.numbers[-1] in page
    thermal = shop.post("/v1/orders/o-3/labels", json={"ship_to": {"name": "C Buyer", **PORTLAND}, "weight": "1 lb",
                                                       "carrier": "dhl", "service": "ecommerce",
                                                       "label_format": "zpl"})
    assert thermal.status_code == 201, thermal.text
    zpl = shop.post("/v1/labels/print", json={"ids": [ours(shop)["id"], thermal.json()["id"]], "format": "zpl"})
    assert zpl.status_code == 200 and zpl.text.count("^XA") == 2
    assert f"^FD{thermal.json()['tracking_number']}^FS" in zpl.text
    as_pdf = shop.post("/v1/labels/print", json={"ids": [thermal.json()["id"]]})
    assert as_pdf.status_code == 422 and "print it as zpl" in as_pdf.text
