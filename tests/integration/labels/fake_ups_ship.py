"""A UPS Shipping API on 127.0.0.1, playing the published ShipmentRequest / ShipmentResponse shapes.

It checks what UPS checks before selling a label (a Bearer token it issued, transId and transactionSrc,
a shipper number that is the account's, a known service code, a ship-to postal code) and answers with a
ShipmentResponse shaped like the one karrio captured from UPS's test environment
(karrioapi/karrio, modules/connectors/ups/tests/ups/test_shipment.py, LGPL-3.0: shape only, values
our own): a valid 1Z number of the account and a GIF label image with that number in Code 128."""

from __future__ import annotations

import base64
import io
import json
import random

from parceltrail.numbers import generate
from tests.integration.carriers.conftest import CLIENT_ID, CLIENT_SECRET, CarrierServer, Reply, Seen, basic, form

ACCOUNT = "A1B2C3"
KNOWN_SERVICES = {"01", "02", "03", "12", "13"}


def label_gif(number: str) -> bytes:
    """A 4x6 label image (landscape, as UPS sends GIF labels) holding ``number`` in Code 128."""
    import subprocess
    import tempfile
    from pathlib import Path

    from PIL import Image
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.units import inch
    from reportlab.pdfgen.canvas import Canvas

    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "label.pdf"
        canvas = Canvas(str(pdf), pagesize=(6 * inch, 4 * inch))
        canvas.drawString(0.3 * inch, 3.5 * inch, "UPS GROUND")
        Code128(number, barHeight=1.2 * inch, barWidth=0.02 * inch).drawOn(canvas, 0.3 * inch, 1.2 * inch)
        canvas.save()
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(pdf.with_suffix(""))], check=True)
        out = io.BytesIO()
        Image.open(pdf.with_suffix(".png")).convert("L").save(out, format="GIF")
    return out.getvalue()


def ups_shipping(server: CarrierServer, rng: random.Random | None = None) -> list[str]:
    """Route the token and ship endpoints; returns the list the sold tracking numbers are appended to."""
    rng = rng or random.Random(3)
    sold: list[str] = []

    def token(seen: Seen) -> Reply:
        if seen.headers.get("authorization") != basic(CLIENT_ID, CLIENT_SECRET) or \
                form(seen).get("grant_type") != "client_credentials":
            return Reply(401, {"error": "invalid_client"})
        return Reply(200, server.issue_token())

    def error(code: str, message: str, status: int = 400) -> Reply:
        return Reply(status, {"response": {"errors": [{"code": code, "message": message}]}})

    def ship(seen: Seen) -> Reply:
        if not server.bearer_ok(seen):
            return error("250002", "Invalid Authentication Information.", 401)
        if not seen.headers.get("transid") or seen.headers.get("transactionsrc") != "parceltrail":
            return error("10001", "Missing transId")
        try:
            shipment = json.loads(seen.body)["ShipmentRequest"]["Shipment"]
            shipper_number = shipment["Shipper"]["ShipperNumber"]
            service = shipment["Service"]["Code"]
            postal = shipment["ShipTo"]["Address"]["PostalCode"]
            weight = float(shipment["Package"]["PackageWeight"]["Weight"])
        except (ValueError, KeyError, TypeError):
            return error("9120200", "Missing or invalid shipment fields")
        if shipper_number != ACCOUNT:
            return error("120100", "Missing or invalid shipper number")
        if service not in KNOWN_SERVICES:
            return error("120200", "Invalid service code")
        if not postal:
            return error("120208", "Missing or invalid ship to postal code")
        number = "1ZA1B2C3" + generate("ups", "ups", rng)[8:]
        number = _with_check(number)
        sold.append(number)
        return Reply(200, {"ShipmentResponse": {
            "Response": {"ResponseStatus": {"Code": "1", "Description": "Success"}},
            "ShipmentResults": {
                "ShipmentCharges": {"TotalCharges": {"CurrencyCode": "USD", "MonetaryValue": f"{9.5 + weight:.2f}"}},
                "BillingWeight": {"UnitOfMeasurement": {"Code": "LBS"}, "Weight": f"{weight:.1f}"},
                "ShipmentIdentificationNumber": number,
                "PackageResults": {"TrackingNumber": number,
                                   "ShippingLabel": {"ImageFormat": {"Code": "GIF", "Description": "GIF"},
                                                     "GraphicImage": base64.b64encode(label_gif(number)).decode()}},
            }}})

    server.route("POST", "/security/v1/oauth/token", token)
    server.route("POST", "/api/shipments/v2409/ship", ship)
    return sold


def _with_check(number: str) -> str:
    from parceltrail.numbers import catalogue

    fmt = catalogue().format("ups", "ups")
    match = fmt.pattern.fullmatch(number[:-1] + "0")
    return number[:-1] + fmt.checksum.expected(fmt.payload(match))
