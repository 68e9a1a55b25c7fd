"""The carriers' label answers read by the ship modules, on bodies the carriers wrote (tests/fixtures/labels,
sources in its README), and the requests they build: account shapes, service codes, USPS's machinable
rule, DHL's problem details, a batch PDF that turns a landscape carrier page upright."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from parceltrail.carriers.ship import LabelPurchase, PurchaseError, sellers
from parceltrail.carriers.ship import dhl, fedex, ups, usps
from parceltrail.core.address import PostalAddress

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "labels"
SEATTLE = PostalAddress("Lantern & Co", None, "400 BROAD ST", None, "SEATTLE", "WA", "98109")
BUYER = PostalAddress("Avery Chen", None, "1 N BROADWAY", "APT 4", "PORTLAND", "OR", "97209-1234", phone="(503) 555-0134")


def read(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def purchase(carrier: str, service: str, account, sides=(12.0, 10.0, 8.0), weight=2.0, fmt="pdf") -> LabelPurchase:
    found, problems = sellers()[carrier].account_of(account)
    assert problems == []
    return LabelPurchase(found, service, SEATTLE, BUYER, weight, sides, "576461413038785760", fmt)


def test_fedex_reads_its_captured_answer():
    label = fedex.parse_ship_response(read("fedex/ship_response_karrio.json"))
    assert (label.tracking_number, label.document_type) == ("794791341818", "pdf")
    assert label.document.startswith(b"%PDF") and (label.price, label.currency) == (4448.19, "USD")
    assert any(note.startswith("EVENTNOTIFICATION.EMAILADDRESS.MISSING") for note in label.notes)


def test_usps_reads_both_multipart_answers_and_the_vendor_json():
    example = usps.parse_ship_response(read("usps/label_response_usps_example.multipart"),
                                       "multipart/form-data; boundary=726UYUDSQB6JWJXFDY")
    assert (example.tracking_number, example.document_type, example.price) == ("9205590109769900012613", "pdf", 7.64)
    assert example.shipment_id == "420631182628"  # the routing code: 420 + ZIP+4
    captured = usps.parse_ship_response(read("usps/label_response_karrio.multipart"), "")  # boundary from the body
    assert (captured.tracking_number, captured.price) == ("9234690361980900000142", 18.76)
    vendor = usps.parse_ship_response(read("usps/label_response_vendor_json_usps_spec.json"),
                                      "application/vnd.usps.labels+json")
    assert vendor.document_type == "png" and vendor.price == pytest.approx(10.99 + 3.99 + 2.99 + 1.23)


def test_dhl_reads_its_sdk_fixture_and_refuses_a_label_that_is_no_image():
    with pytest.raises(PurchaseError, match="neither PDF, PNG, GIF nor ZPL"):
        dhl.parse_ship_response(read("dhl/label_response_netresearch.json"))
    body = json.loads(read("dhl/label_response_netresearch.json"))
    body["labels"][0]["labelData"] = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="
    label = dhl.parse_ship_response(body)
    assert (label.tracking_number, label.shipment_id, label.document_type, label.price) == \
        ("987654321", "918273645", "png", None)


def test_dhl_refusal_words_come_from_its_problem_details():
    import httpx

    response = httpx.Response(400, content=read("dhl/error_validation_netresearch.json"))
    assert dhl._words(response) == "Static Validation Failed; returnAddress: required key [returnAddress] not found"


def test_ups_answer_without_a_label_is_refused_naming_what_was_expected():
    with pytest.raises(PurchaseError, match="not a ShipmentResponse with a label"):
        ups.parse_ship_response({"ShipmentResponse": {"ShipmentResults": {"PackageResults": {}}}})


def test_account_numbers_are_checked_per_carrier():
    assert sellers()["ups"].account_of("A1B2C3") == ({"account_number": "A1B2C3"}, [])
    assert sellers()["fedex"].account_of("12345")[1] == [("account_number", "expected the 9-digit FedEx account "
                                                                            "number, e.g. 740561073")]
    _, problems = sellers()["usps"].account_of({"account_number": "1000123456", "mid": "12345", "typo": "1"})
    assert [name for name, _ in problems] == ["typo", "crid", "mid"]
    assert sellers()["dhl"].credentials == "dhl_ecommerce" and sellers()["usps"].needs_size


def test_usps_request_machinable_or_not_and_its_payment_roles():
    small = usps.ship_request(purchase("usps", "priority", {"account_number": "1000123456", "crid": "56982563",
                                                            "mid": "902712345"}))
    assert small["packageDescription"]["processingCategory"] == "MACHINABLE"
    assert small["packageDescription"]["mailClass"] == "PRIORITY_MAIL"
    assert small["toAddress"] == {"firstName": "Avery", "lastName": "Chen", "streetAddress": "1 N BROADWAY",
                                  "city": "PORTLAND", "state": "OR", "ZIPCode": "97209", "secondaryAddress": "APT 4",
                                  "ZIPPlus4": "1234", "phone": "5035550134"}
    long_box = usps.ship_request(purchase("usps", "ground_advantage", {"account_number": "1000123456",
                                                                       "crid": "56982563", "mid": "902712345"},
                                          sides=(24.0, 10.0, 8.0)))
    assert long_box["packageDescription"]["processingCategory"] == "NONSTANDARD"
    roles = usps.payment_request(purchase("usps", "priority", {"account_number": "1000123456", "crid": "56982563",
                                                               "mid": "902712345"}))["roles"]
    assert [r["roleName"] for r in roles] == ["PAYER", "LABEL_OWNER"]
    assert roles[1]["manifestMID"] == "902712345" and roles[0]["accountType"] == "EPS"


def test_label_formats_map_to_each_carriers_word():
    account = {"pickup": "5320037", "distribution_center": "USMCO1"}
    assert dhl.ship_request(purchase("dhl", "ecommerce", account))["orderedProductId"] == "GND"
    assert fedex.ship_request(purchase("fedex", "2day", "740561073", fmt="zpl"))["requestedShipment"][
        "labelSpecification"]["imageType"] == "ZPLII"
    assert ups.ship_request(purchase("ups", "ground", "A1B2C3", fmt="zpl"))["ShipmentRequest"][
        "LabelSpecification"]["LabelImageFormat"]["Code"] == "ZPL"


def test_a_landscape_carrier_pdf_prints_upright_on_a_4x6_page():
    from pypdf import PdfReader
    from reportlab.lib.units import inch
    from reportlab.pdfgen.canvas import Canvas

    from parceltrail.labels.batch import CarrierDocument, batch_pdf

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(8.5 * inch, 5.5 * inch))
    canvas.drawString(72, 72, "HALF LETTER LANDSCAPE")
    canvas.save()
    fedex_label = fedex.parse_ship_response(read("fedex/ship_response_karrio.json")).document
    pages = PdfReader(io.BytesIO(batch_pdf([CarrierDocument(out.getvalue(), "pdf", "lbl_a"),
                                            CarrierDocument(fedex_label, "pdf", "lbl_b")]))).pages
    # FedEx's label comes with its two airway-bill copies for the pouch: every page of a carrier's PDF is kept
    assert [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages] == [(288, 432)] * 4
    assert "HALF LETTER LANDSCAPE" in pages[0].extract_text()
