"""UPS, FedEx, USPS and DHL eCommerce selling labels on 127.0.0.1 (one ``CarrierServer`` each).

Each checks what the carrier checks before it sells (a token it issued, the shipper's account, a known
service, the addresses and the parcel), refuses in the carrier's own words, and answers in the carrier's
shape. FedEx and USPS answer with bodies captured from their test environments and published examples
(``tests/fixtures/labels``, sources and licences in its README): their labels are the carriers' own. UPS
and DHL answer with the published shape and values of ours: a valid number and a label image drawn here
holding it in Code 128 (UPS: shaped like the ShipmentResponse karrio captured, karrioapi/karrio
modules/connectors/ups/tests/ups/test_shipment.py, LGPL-3.0; DHL: netresearch/dhl-sdk-api-ecom-us, MIT).
"""

from __future__ import annotations

import base64
import io
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from parceltrail.numbers import catalogue, generate
from tests.integration.carriers.conftest import CarrierServer, Reply, Seen
from tests.integration.carriers.fakes import _token_endpoint

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "labels"
UPS_ACCOUNT, FEDEX_ACCOUNT = "A1B2C3", "740561073"
USPS_ACCOUNT = {"account_number": "1000123456", "crid": "56982563", "mid": "902712345"}
DHL_ACCOUNT = {"pickup": "5320037", "distribution_center": "USMCO1"}


@dataclass
class Sold:
    """What a fake carrier sold: tracking numbers in order, and the last request body it accepted."""

    numbers: list[str] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def label_image(numbers: list[str], kind: str = "GIF", title: str = "LABEL") -> bytes:
    """A label image (landscape, as UPS sends GIF labels; PNG for DHL) with each number in Code 128."""
    import subprocess
    import tempfile

    from PIL import Image
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.units import inch
    from reportlab.pdfgen.canvas import Canvas

    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "label.pdf"
        canvas = Canvas(str(pdf), pagesize=(6 * inch, 4 * inch))
        canvas.drawString(0.3 * inch, 3.6 * inch, title)
        for n, number in enumerate(numbers):
            Code128(number, barHeight=0.9 * inch, barWidth=0.018 * inch).drawOn(canvas, 0.3 * inch,
                                                                               (2.3 - 1.5 * n) * inch)
        canvas.save()
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(pdf.with_suffix(""))],
                       check=True)
        out = io.BytesIO()
        Image.open(pdf.with_suffix(".png")).convert("L").save(out, format=kind)
    return out.getvalue()


def _with_check(number: str, carrier: str, fmt: str) -> str:
    found = catalogue().format(carrier, fmt)
    match = found.pattern.fullmatch(number[:-1] + "0")
    return number[:-1] + found.checksum.expected(found.payload(match))


def _body(seen: Seen) -> dict:
    try:
        return json.loads(seen.body)
    except ValueError:
        return {}


# -- UPS ----------------------------------------------------------------------------------------------

def ups_shipping(server: CarrierServer, rng: random.Random | None = None) -> Sold:
    rng = rng or random.Random(3)
    sold = Sold()

    def error(code: str, message: str, status: int = 400) -> Reply:
        return Reply(status, {"response": {"errors": [{"code": code, "message": message}]}})

    def ship(seen: Seen) -> Reply:
        if not server.bearer_ok(seen):
            return error("250002", "Invalid Authentication Information.", 401)
        if not seen.headers.get("transid") or seen.headers.get("transactionsrc") != "parceltrail":
            return error("10001", "Missing transId")
        try:
            shipment = _body(seen)["ShipmentRequest"]["Shipment"]
            shipper_number, service = shipment["Shipper"]["ShipperNumber"], shipment["Service"]["Code"]
            postal = shipment["ShipTo"]["Address"]["PostalCode"]
            weight = float(shipment["Package"]["PackageWeight"]["Weight"])
        except (KeyError, TypeError, ValueError):
            return error("9120200", "Missing or invalid shipment fields")
        if shipper_number != UPS_ACCOUNT:
            return error("120100", "Missing or invalid shipper number")
        if service not in {"01", "02", "03", "12", "13"}:
            return error("120200", "Invalid service code")
        if not postal:
            return error("120208", "Missing or invalid ship to postal code")
        number = _with_check("1ZA1B2C3" + generate("ups", "ups", rng)[8:], "ups", "ups")
        sold.numbers.append(number)
        sold.requests.append(_body(seen))
        return Reply(200, {"ShipmentResponse": {
            "Response": {"ResponseStatus": {"Code": "1", "Description": "Success"}},
            "ShipmentResults": {
                "ShipmentCharges": {"TotalCharges": {"CurrencyCode": "USD", "MonetaryValue": f"{9.5 + weight:.2f}"}},
                "BillingWeight": {"UnitOfMeasurement": {"Code": "LBS"}, "Weight": f"{weight:.1f}"},
                "ShipmentIdentificationNumber": number,
                "PackageResults": {"TrackingNumber": number,
                                   "ShippingLabel": {"ImageFormat": {"Code": "GIF", "Description": "GIF"},
                                                     "GraphicImage": base64.b64encode(
                                                         label_image([number], "GIF", "UPS GROUND")).decode()}},
            }}})

    server.route("POST", "/security/v1/oauth/token", _token_endpoint(server, basic_auth=True))
    server.route("POST", "/api/shipments/v2409/ship", ship)
    return sold


# -- FedEx --------------------------------------------------------------------------------------------

FEDEX_SERVICES = {"FEDEX_GROUND", "GROUND_HOME_DELIVERY", "FEDEX_2_DAY", "STANDARD_OVERNIGHT"}


def fedex_shipping(server: CarrierServer) -> Sold:
    """Sells the captured label (master tracking number 794791341818) to the right account."""
    sold = Sold()

    def error(status: int, code: str, message: str) -> Reply:
        return Reply(status, {"transactionId": "624deea6-b709-470c-8c39-4b5511281492",
                              "errors": [{"code": code, "message": message}]})

    def ship(seen: Seen) -> Reply:
        if not server.bearer_ok(seen):
            return error(401, "NOT.AUTHORIZED.ERROR", "Access token expired. Please modify your request and try again.")
        body = _body(seen)
        shipment = body.get("requestedShipment") or {}
        payor = (((shipment.get("shippingChargesPayment") or {}).get("payor") or {}).get("responsibleParty") or {})
        if (body.get("accountNumber") or {}).get("value") != FEDEX_ACCOUNT or \
                (payor.get("accountNumber") or {}).get("value") != FEDEX_ACCOUNT:
            return Reply(400, fixture("fedex/error_account_fedex_spec.json"))
        try:
            recipient = shipment["recipients"][0]["address"]
            package = shipment["requestedPackageLineItems"][0]
            ok = shipment["serviceType"] in FEDEX_SERVICES and recipient["postalCode"] and \
                package["weight"]["units"] == "LB" and package["weight"]["value"] > 0 and \
                shipment["labelSpecification"]["imageType"] in {"PDF", "ZPLII", "PNG"}
        except (KeyError, IndexError, TypeError):
            ok = False
        if not ok:
            return error(400, "INVALID.INPUT.EXCEPTION", "Invalid field value in the input")
        sold.numbers.append("794791341818")
        sold.requests.append(body)
        return Reply(200, fixture("fedex/ship_response_karrio.json"))

    server.route("POST", "/oauth/token", _token_endpoint(server, basic_auth=False))
    server.route("POST", "/ship/v1/shipments", ship)
    return sold


# -- USPS ---------------------------------------------------------------------------------------------

USPS_CLASSES = {"USPS_GROUND_ADVANTAGE", "PRIORITY_MAIL"}
USPS_EXAMPLE = "usps/label_response_usps_example.multipart"


def usps_as_vendor_json(multipart: bytes) -> dict:
    """USPS's example answer as ``application/vnd.usps.labels+json``: the metadata with the label inside."""
    parts = [p for p in multipart.split(b"--726UYUDSQB6JWJXFDY") if p.strip(b"-\r\n")]
    metadata = json.loads(re.split(rb"\r?\n\r?\n", parts[0].lstrip(b"\r\n"), maxsplit=1)[1])
    image = re.split(rb"\r?\n\r?\n", parts[1].lstrip(b"\r\n"), maxsplit=1)[1]
    return {**metadata, "labelImage": re.sub(rb"\s+", b"", image).decode()}


def usps_shipping(server: CarrierServer) -> Sold:
    """Payments 3.0 then Labels 3.0; sells USPS's example label (9205590109769900012613)."""
    sold = Sold()
    payment_tokens: set[str] = set()

    def error(status: int, title: str, detail: str, parameter: str) -> Reply:
        return Reply(status, {"apiVersion": "/labels/v3", "error": {"code": str(status), "message": title, "errors": [
            {"status": str(status), "title": title, "detail": detail, "source": {"parameter": parameter}}]}})

    def authorize(seen: Seen) -> Reply:
        if not server.bearer_ok(seen):
            return Reply(401, {"error": {"code": "401", "message": "Unauthorized"}})
        roles = {r.get("roleName"): r for r in _body(seen).get("roles") or []}
        payer = roles.get("PAYER") or {}
        if payer.get("accountNumber") != USPS_ACCOUNT["account_number"]:
            words = fixture("usps/payment_error_usps_inventory.json").replace(
                b"%s", str(payer.get("accountNumber")).encode())
            return Reply(400, words)
        owner = roles.get("LABEL_OWNER") or {}
        if payer.get("CRID") != USPS_ACCOUNT["crid"] or owner.get("MID") != USPS_ACCOUNT["mid"] or \
                payer.get("accountType") != "EPS" or not owner.get("manifestMID"):
            return Reply(400, {"apiVersion": "/payments/v3", "error": {"code": "400", "message": "LABEL_OWNER requires MID"}})
        token = f"pay-{len(payment_tokens) + 1}"
        payment_tokens.add(token)
        return Reply(200, {"paymentAuthorizationToken": token})

    def label(seen: Seen) -> Reply:
        if not server.bearer_ok(seen):
            return Reply(401, {"error": {"code": "401", "message": "Unauthorized"}})
        if seen.headers.get("x-payment-authorization-token") not in payment_tokens:
            return error(403, "Forbidden", "Invalid payment authorization token", "X-Payment-Authorization-Token")
        body = _body(seen)
        package = body.get("packageDescription") or {}
        if package.get("mailClass") not in USPS_CLASSES:
            return error(400, "Bad Request", "mailClass is not valid", "packageDescription.mailClass")
        for name in ("rateIndicator", "processingCategory", "length", "width", "height", "weight", "mailingDate"):
            if package.get(name) in (None, ""):
                return error(400, "Bad Request", f"{name} is required", f"packageDescription.{name}")
        if not (body.get("toAddress") or {}).get("ZIPCode") or not (body.get("fromAddress") or {}).get("ZIPCode"):
            return error(400, "Bad Request", "ZIPCode is required", "toAddress.ZIPCode")
        sold.numbers.append("9205590109769900012613")
        sold.requests.append(body)
        captured = fixture(USPS_EXAMPLE)
        if seen.headers.get("accept") == "application/vnd.usps.labels+json":
            return Reply(200, usps_as_vendor_json(captured), {"Content-Type": "application/vnd.usps.labels+json"})
        return Reply(200, captured, {"Content-Type": "multipart/form-data; boundary=726UYUDSQB6JWJXFDY"})

    server.route("POST", "/oauth2/v3/token", _token_endpoint(server, basic_auth=False))
    server.route("POST", "/payments/v3/payment-authorization", authorize)
    server.route("POST", "/labels/v3/label", label)
    return sold


# -- DHL eCommerce Americas ---------------------------------------------------------------------------

def dhl_zpl(numbers: list[str]) -> bytes:
    fields = "".join(f"^FO50,{80 + 260 * n}^BY3^BCN,180,Y,N,N^FD{number}^FS" for n, number in enumerate(numbers))
    return f"^XA^PW812^LL1218{fields}^XZ".encode()


def dhl_shipping(server: CarrierServer, rng: random.Random | None = None) -> Sold:
    """Label API v4 in the shape of DHL eCommerce's SDK fixture; values (numbers, image) ours."""
    rng = rng or random.Random(5)
    sold = Sold()

    def label(seen: Seen) -> Reply:
        if not server.bearer_ok(seen):
            return Reply(401, {"type": "https://api-sandbox.dhlecs.com/docs/errors/401.0000002",
                               "title": "Access token invalid"})
        body = _body(seen)
        if "returnAddress" not in body:
            return Reply(400, fixture("dhl/error_validation_netresearch.json"))
        if (body.get("pickup"), body.get("distributionCenter")) != (DHL_ACCOUNT["pickup"],
                                                                    DHL_ACCOUNT["distribution_center"]):
            return Reply(400, {"type": "https://api-sandbox.dhlecs.com/docs/errors/400.0204009",
                               "title": "Downstream Validation Failed", "invalidParams": [{"reason": "unprocessed"}]})
        package = body.get("packageDetail") or {}
        if body.get("orderedProductId") not in {"GND", "EXP"} or not package.get("packageId") or \
                (package.get("weight") or {}).get("unitOfMeasure") != "LB" or \
                not (body.get("consigneeAddress") or {}).get("postalCode"):
            return Reply(400, {"type": "https://api-sandbox.dhlecs.com/docs/errors/400.0204003",
                               "title": "Static Validation Failed",
                               "invalidParams": [{"name": "packageDetail", "path": "/", "reason": "invalid"}]})
        dhl_id, last_mile = f"GM{rng.randrange(10**17, 10**18)}", generate("usps", "usps_impb_c", rng)
        fmt = seen.query.get("format", "PNG")
        image = dhl_zpl([dhl_id, last_mile]) if fmt == "ZPL" else label_image([dhl_id, last_mile], "PNG", "DHL GND")
        answer = json.loads(fixture("dhl/label_response_netresearch.json"))
        answer.update(pickup=body["pickup"], distributionCenter=body["distributionCenter"],
                      orderedProductId=body["orderedProductId"])
        answer["labels"][0].update(packageId=package["packageId"], dhlPackageId=dhl_id, trackingId=last_mile,
                                   labelData=base64.b64encode(image).decode(), format=fmt)
        sold.numbers.append(dhl_id)
        sold.requests.append(body)
        return Reply(200, answer)

    server.route("POST", "/auth/v4/accesstoken", _token_endpoint(server, basic_auth=True))
    server.route("POST", "/shipping/v4/label", label)
    return sold
