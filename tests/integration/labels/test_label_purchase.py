"""Buying a UPS label through the Shipping API, against a local server that plays UPS (fake_ups_ship.py):
the number UPS sold is tracked, its GIF label prints in the batch PDF and scans back, refusals carry
UPS's words and store nothing."""

from __future__ import annotations

import json
import subprocess

import httpx
import pytest

from parceltrail.services import create_shop
from tests.integration.carriers.conftest import CLIENT_ID, CLIENT_SECRET, CarrierServer
from tests.integration.labels.conftest import SEATTLE
from tests.integration.labels.fake_ups_ship import ACCOUNT, ups_shipping

zxingcpp = pytest.importorskip("zxingcpp")

NY = {"name": "Jordan Rivera", "line1": "350 5th Ave", "city": "New York", "region": "NY", "postal_code": "10118"}


@pytest.fixture
def ups(monkeypatch):
    server = CarrierServer()
    sold = ups_shipping(server)
    monkeypatch.setenv("PARCELTRAIL_UPS_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("PARCELTRAIL_UPS_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("PARCELTRAIL_UPS_BASE_URL", server.url)
    yield server, sold
    server.close()


def test_a_ups_label_is_bought_tracked_and_printed(api, uow, ups, tmp_path):
    server, sold = ups
    made = create_shop(uow, "UPS shop")
    with httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {made.api_key}"}, timeout=30) as http:
        http.put("/v1/shipping", json={"ship_from": SEATTLE})
        no_account = http.post("/v1/orders/o-1/labels", json={"ship_to": NY, "weight": "2 lb", "size": "12x10x8 in",
                                                              "carrier": "ups", "service": "ground"})
        assert no_account.status_code == 422 and "no ups shipper account number" in no_account.text
        assert http.put("/v1/shipping", json={"accounts": {"ups": "ZZ9999"}}).status_code == 200
        refused = http.post("/v1/orders/o-1/labels", json={"ship_to": NY, "weight": "2 lb", "carrier": "ups",
                                                           "service": "ground"})
        assert refused.status_code == 422 and "Missing or invalid shipper number" in refused.text
        assert http.get("/v1/labels").json() == [] and http.get("/v1/packages").json()["items"] == []
        http.put("/v1/shipping", json={"accounts": {"ups": ACCOUNT}})
        bought = http.post("/v1/orders/o-1/labels", json={"ship_to": NY, "weight": "2 lb", "size": "12x10x8 in",
                                                          "carrier": "ups", "service": "ground"})
        assert bought.status_code == 201, bought.text
        label = bought.json()
        assert label["tracking_number"] == sold[-1] and label["source"] == "carrier"
        assert label["price"] == pytest.approx(11.5) and label["currency"] == "USD"
        request = json.loads(server.requests_to("/api/shipments")[-1].body)["ShipmentRequest"]["Shipment"]
        assert request["Shipper"]["ShipperNumber"] == ACCOUNT and request["Service"]["Code"] == "03"
        assert request["ShipTo"]["Address"] == {"AddressLine": ["350 5TH AVE"], "City": "NEW YORK",
                                                "StateProvinceCode": "NY", "PostalCode": "10118", "CountryCode": "US"}
        assert request["Package"]["Dimensions"] == {"UnitOfMeasurement": {"Code": "IN"}, "Length": "12",
                                                    "Width": "10", "Height": "8"}
        package = http.get(f"/v1/packages/{label['package_id']}").json()
        assert (package["carrier"], package["tracking_number"]) == ("ups", sold[-1])
        ours = http.post("/v1/orders/o-2/labels", json={"ship_to": NY, "weight": "1 lb", "carrier": "sandbox",
                                                        "service": "ground"}).json()
        batch = http.post("/v1/labels/print", json={"ids": [label["id"], ours["id"]]})
        assert batch.status_code == 200
        (tmp_path / "b.pdf").write_bytes(batch.content)
        subprocess.run(["pdftoppm", "-r", "300", "-png", str(tmp_path / "b.pdf"), str(tmp_path / "p")], check=True)
        from PIL import Image

        pages = [{r.text for r in zxingcpp.read_barcodes(Image.open(p))} for p in sorted(tmp_path.glob("p-*.png"))]
        assert sold[-1] in pages[0] and ours["tracking_number"] in pages[1]
        as_zpl = http.post("/v1/labels/print", json={"ids": [label["id"]], "format": "zpl"})
        assert as_zpl.status_code == 422 and "print" in as_zpl.text
