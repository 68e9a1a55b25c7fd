"""Proof of delivery read from carrier bodies, one test per carrier that has proof fields: the published
samples under tests/fixtures/proof/published (see SOURCES.md there), the project's own fixtures and the
sandbox network's answer. TikTok Shop's tracking carries no proof fields: its proof is what the parser
read (the place words)."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from parceltrail.carriers.proof import read_proofs, with_proofs
from parceltrail.carriers.registry import CARRIERS
from parceltrail.carriers.sandbox import Scenario, Service, encode, journey
from parceltrail.carriers.sandbox.body import tracking_body
from parceltrail.core.flags.model import Point
from parceltrail.core.flags.timeline import km
from tests.unit.carriers.conftest import body

PUBLISHED = Path(__file__).resolve().parents[2] / "fixtures" / "proof" / "published"


def published(name: str) -> bytes:
    return (PUBLISHED / name).read_bytes()


def proofs(code: str, raw: bytes) -> list:
    parsed = CARRIERS[code].parse(raw)
    return [t.proof for top in with_proofs(code, raw, [parsed]) for t in (top, *top.related) if t.proof]


def test_ups_delivery_information_the_docs_sample_and_an_inline_signature_image():
    (sample,) = read_proofs("ups", published("ups_track_docs_sample.json")).values()
    assert (sample.signed_by, sample.location) == ("163000", "DEL")
    assert sample.images == ()  # UPS's placeholder "encoding Base64" is not an image
    own = json.loads(body("ups", "delivered"))
    (proof,) = proofs("ups", json.dumps(own).encode())
    assert proof.location == "Front Door" and proof.signed_by is None
    assert proof.facility == "UPS facility SLIC 7724" and proof.address.city == "AUSTIN"
    assert proof.raw["trackingNumber"] == "1Z4F28Y10392746618"
    image = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
    info = own["trackResponse"]["shipment"][0]["package"][0]["deliveryInformation"]
    info["signature"]["image"] = base64.b64encode(image).decode()
    info["deliveryPhoto"] = {"photo": base64.b64encode(image[::-1]).decode(), "photoDispositionCode": "V"}
    (proof,) = proofs("ups", json.dumps(own).encode())
    signature, photo = proof.images
    assert (signature.kind, signature.sha256, signature.size) == ("signature", hashlib.sha256(image).hexdigest(), 208)
    assert (photo.kind, photo.note) == ("photo", "photo viewable")


def test_fedex_delivery_details_of_the_delivered_shipment_of_a_reused_number():
    raw = published("fedex_track_two_shipments.json")
    found = proofs("fedex", raw)
    assert len(found) == 1  # the other shipment under the same number is still in transit
    (proof,) = found
    assert (proof.signed_by, proof.location, proof.attempts) == ("D.HERRERA", "Residence", 0)
    assert proof.facility == "delivery location FATA"
    assert [i.kind for i in proof.images] == ["signature"] and "SIGNATURE_PROOF_OF_DELIVERY" in proof.images[0].note
    assert proof.delivered_at == datetime(2024, 4, 26, 16, 26, tzinfo=UTC)
    assert proof.raw["deliveryDetails"]["receivedByName"] == "D.HERRERA"
    (own,) = proofs("fedex", body("fedex", "delivered"))
    assert (own.signed_by, own.location) == ("M.ALVAREZ", "Front Door")


def test_usps_the_delivery_events_place_words_and_where():
    (proof,) = proofs("usps", published("usps_v3_parcel_locker.json"))
    assert proof.location == "Parcel Locker" and proof.tracking_number == "9400109104250532908587"
    assert (proof.address.city, proof.address.region, proof.address.postal_code) == ("HERNANDO", "FL", "34442")
    (own,) = proofs("usps", body("usps", "delivered"))
    assert own.location == "In/At Mailbox" and own.address.postal_code == "98103"


def test_dhl_proof_of_delivery_signer_document_and_signature_urls():
    (sample,) = read_proofs("dhl", published("dhl_unified_docs_sample.json")).values()
    assert sample.signed_by == "John Doe"
    assert [(i.kind, i.url) for i in sample.images] == [("document", "https://webpod.dhl.com/webPOD/DHLePODRequest")]
    (own,) = proofs("dhl", body("dhl", "delivered"))
    assert own.signed_by == "K. Brandt"
    assert [(i.kind, i.url) for i in own.images] == [
        ("signature", "https://www.dhl.de/int-verfolgen/pod?piececode=00340434161094042557")]


def test_the_sandbox_gives_a_gps_fix_near_the_destination_and_the_delivering_station():
    shipped = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)
    number = encode(shipped, Service.GROUND, Scenario.NORMAL, 4242)
    trip = journey(number)
    raw = json.dumps(tracking_body(number, trip.delivered_at + timedelta(hours=1))).encode()
    (proof,) = proofs("sandbox", raw)
    dest = trip.destination
    assert 0.05 <= km(Point(dest.lat, dest.lon), Point(proof.lat, proof.lon)) <= 0.65
    assert proof.facility.startswith("Sandbox delivery station ") and proof.location
    assert proofs("sandbox", raw)[0] == proof  # the same number always gives the same fix
    moving = json.dumps(tracking_body(number, trip.delivered_at - timedelta(hours=3))).encode()
    assert proofs("sandbox", moving) == []


def test_tiktok_has_no_proof_fields_so_the_proof_is_what_the_parser_read():
    (proof,) = proofs("tiktok", body("tiktok", "delivered"))
    assert proof.raw is None and proof.images == () and proof.gps is None


def test_a_body_the_reader_cannot_read_keeps_the_parsers_proof_and_the_scans():
    parsed = CARRIERS["fedex"].parse(body("fedex", "delivered"))
    (kept,) = with_proofs("fedex", b"not json", [parsed])
    assert kept.events == parsed.events and kept.proof.signed_by == "M.ALVAREZ" and kept.proof.raw is None
