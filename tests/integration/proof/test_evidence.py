"""The evidence PDF and its JSON sibling for a delivered, a disputed and a lost package, through the real
API and CLI: pages rendered to images with pdftoppm, the key facts read back from the PDF's text with
pypdf, the JSON's digest printed on the PDF, another shop refused."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

from parceltrail.carriers.proof import read_proofs
from parceltrail.core import Location, TrackingEvent
from parceltrail.services import create_shop, record_scans
from parceltrail.services.clock import utcnow
from parceltrail.services.delivery import buyer_confirms, keep_proofs
from parceltrail.services.disputes import open_dispute, update_dispute
from parceltrail.services.evidence import digest
from parceltrail.services.planner import plan_due
from parceltrail.services.staff import add_note, create_staff
from parceltrail.services.webhook_endpoints import Guard, create_endpoint
from parceltrail.store import UnitOfWork
from tests.parcels import DELIVERED, EXCEPTION, LATE, make_parcels
from tests.unit.carriers.conftest import body

SECRET = "evidence-test-secret-key"


@pytest.fixture
def parcels(engine):
    made = make_parcels(engine)
    uow = UnitOfWork(engine)
    lost = TrackingEvent.create(utcnow() - timedelta(days=3), "exception", "lost", "Package lost in transit",
                                "LO", Location("Columbus", "OH", "43215", "US"))
    record_scans(uow, made.shop_id, {made.ids["late"]: [lost]}, source="poll")
    owner = create_staff(uow, made.shop_id, "ops@maple.example", "a long enough password", "owner")
    add_note(uow, owner, made.ids["exception"], "Buyer sent photos of a crushed corner; claim being filed.")
    create_endpoint(uow, made.shop_id, "https://hooks.maple.example/pt", None, None, SECRET,
                    Guard(allow_private=True, resolver=lambda host, port: ["127.0.0.1"]))
    record_scans(uow, made.shop_id, {made.ids["exception"]: [TrackingEvent.create(
        utcnow() - timedelta(days=1), "returning", "return_to_sender", "Returning to sender", "RS",
        Location("Chicago", "IL", "60607", "US"))]}, source="push")
    plan_due(uow, utcnow() + timedelta(minutes=5), timedelta(seconds=0))
    (ups,) = read_proofs("ups", body("ups", "delivered")).values()  # the UPS answer's deliveryInformation
    with uow.read():
        delivered_at = uow.packages.get(made.shop_id, made.ids["delivered"]).state.delivered_at
    keep_proofs(uow, made.shop_id, {made.ids["delivered"]: replace(ups, tracking_number=DELIVERED,
                                                                   delivered_at=delivered_at)}, "poll")
    buyer_confirms(uow, made.shop_id, made.ids["delivered"], "tracking_page")
    damaged = open_dispute(uow, made.shop_id, made.ids["exception"], "damaged", "seller", "Mug arrived in pieces")
    update_dispute(uow, made.shop_id, damaged.dispute.id, state="submitted", note="USPS claim 7781 filed",
                   steps={"ask_photos": True})
    return made


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def images(data: bytes, folder: Path, name: str) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: scripts/need-poppler installs Debian's poppler-utils (make test does)")
    source = folder / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(source), str(folder / name)], check=True, timeout=60)
    return sorted(folder.glob(f"{name}*.png"))


@pytest.fixture
def http(api, parcels):
    with httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {parcels.api_key}"}, timeout=30) as c:
        yield c


def fetch(http, package_id: str) -> tuple[bytes, dict]:
    pdf = http.get(f"/v1/packages/{package_id}/evidence.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf", pdf.text[:300]
    assert "attachment" in pdf.headers["content-disposition"]
    return pdf.content, http.get(f"/v1/packages/{package_id}/evidence.json").json()


def test_a_delivered_package_shows_the_delivery_in_denver_time_and_utc_and_every_scan(http, parcels, tmp_path):
    data, doc = fetch(http, parcels.ids["delivered"])
    text, pages = pdf_text(data)
    pngs = images(data, tmp_path, "delivered")
    assert len(pngs) == pages >= 1 and all(p.stat().st_size > 2000 for p in pngs)
    delivered = next(s for s in doc["scans"] if s["status"] == "delivered")
    assert delivered["zone"] == "MST" and delivered["place"] == "Denver, CO"
    assert delivered["source"] == "api" and delivered["recorded_at"]
    pickup = next(s for s in doc["scans"] if s["substatus"] == "picked_up")
    assert pickup["zone"] == "EST" and pickup["place"] == "New York, NY"
    for fact in ("Delivery evidence", "Maple & Moss", DELIVERED, "DELIVERED — left at door", "MST", "UTC",
                 "Delivered, front door", "Denver, CO", "Every scan (7)", "New York, NY → ", "MM-DEL-1042",
                 "Delivery estimates given"):
        assert fact in text, fact
    flat = " ".join(text.split())
    for fact in ("Left at Front Door", "Delivering facility UPS facility SLIC 7724",
                 "delivered by the carrier and confirmed by the buyer", "the buyer confirmed receipt",
                 f"Carrier's answer kept SHA-256 {doc['proof_of_delivery']['raw_sha256']}"):
        assert fact in flat, fact
    assert doc["proof_of_delivery"]["carrier_proof"]["facility"] == "UPS facility SLIC 7724"
    utc = delivered["occurred_at"][:16].replace("T", " ")
    assert utc in text  # the delivery's UTC minute is printed beside its local time
    assert doc["proof_of_delivery"]["place"] == "Denver, CO"
    # the PDF prints the digest of the JSON it was drawn from: this JSON, made a moment later, differs only
    # in its generated_at, so with the PDF's moment it has the PDF's digest
    assert doc["sha256"] == digest(doc)
    generated = re.search(r"generated (\S+Z) from", text).group(1)
    printed = re.search(r"JSON SHA-256 ([0-9a-f]{64})", text).group(1)
    assert digest({**doc, "generated_at": generated}) == printed
    assert f"page 1 of {pages}" in text


def test_a_disputed_package_carries_the_dispute_its_deadlines_sources_notes_and_messages(http, parcels, tmp_path):
    data, doc = fetch(http, parcels.ids["exception"])
    text, pages = pdf_text(data)
    assert len(images(data, tmp_path, "disputed")) == pages
    flat = " ".join(text.split())
    (dispute,) = doc["disputes"]
    assert dispute["kind"] == "damaged" and dispute["state"] == "submitted"
    assert {w["key"] for w in dispute["deadlines"]} == {"tiktok_refund", "tiktok_guarantee", "usps_damage"}
    for fact in (EXCEPTION, "Disputes", "damaged", "submitted", "USPS damage or missing contents claim",
                 "Mug arrived in pieces", "USPS claim 7781 filed", "uspstrackingpoint.com",
                 "Buyer sent photos of a crushed corner", "ops@maple.example", "Messages sent about this parcel",
                 "hooks.maple.example", "Returning to sender"):
        assert fact in flat, fact
    assert doc["messages"] and all("/" not in m["to"] for m in doc["messages"])  # a webhook shows its host only
    assert {s["source"] for s in doc["scans"]} == {"api", "push"}


def test_a_lost_package_says_it_was_not_delivered_and_maps_the_way_still_to_go(http, parcels, tmp_path):
    data, doc = fetch(http, parcels.ids["late"])
    text, pages = pdf_text(data)
    assert len(images(data, tmp_path, "lost")) == pages
    flat = " ".join(text.split())
    assert doc["package"]["status"] == "exception" and doc["proof_of_delivery"] is None
    for fact in (LATE, "EXCEPTION — lost", "not delivered", "The carrier has not reported a delivery",
                 "Package lost in transit", "the dashed line is the way still to go"):
        assert fact in flat, fact


def test_the_cli_writes_the_pdf_and_its_json_sibling_and_another_shop_gets_404(api, parcels, uow, database_url, cli,
                                                                              tmp_path):
    out = tmp_path / "case 1" / "evidence.pdf"
    out.parent.mkdir()
    code, printed, err = cli({"PARCELTRAIL_DATABASE_URL": database_url}, "evidence", parcels.ids["delivered"],
                             "--out", str(out))
    assert code == 0, err
    doc = json.loads(out.with_suffix(".json").read_text())
    assert out.read_bytes().startswith(b"%PDF") and doc["sha256"] == digest(doc) and doc["sha256"] in printed
    code, _, err = cli({"PARCELTRAIL_DATABASE_URL": database_url}, "evidence", "pkg_missing", "--out", str(out))
    assert code == 1 and err.strip() == "error: no package with id 'pkg_missing'"
    other = create_shop(uow, "Someone else")
    with httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {other.api_key}"}) as stranger:
        assert stranger.get(f"/v1/packages/{parcels.ids['delivered']}/evidence.pdf").status_code == 404
        assert stranger.get(f"/v1/packages/{parcels.ids['delivered']}/evidence.json").status_code == 404


def test_a_labelled_package_shows_its_label_with_weight_and_both_ends(uow):
    import random

    from parceltrail.carriers.sandbox.network import mint_label
    from parceltrail.reports import render_evidence
    from parceltrail.services.evidence import build_evidence
    from parceltrail.services.labels import LabelRequest, create_label
    from parceltrail.services.shipping import update_settings

    shop_id = create_shop(uow, "Label shop").shop.id
    update_settings(uow, shop_id, ship_from={"name": "Lantern & Co", "line1": "400 Broad St", "city": "Seattle",
                                             "region": "WA", "postal_code": "98109"})
    created = create_label(uow, shop_id, LabelRequest(
        ship_to={"name": "A Buyer", "line1": "1 N Broadway", "city": "Portland", "region": "OR",
                 "postal_code": "97209"}, weight="2 lb", size="12x10x8 in", carrier="sandbox_swift",
        service="ground", tracking_number=mint_label("sandbox_swift", "ground", "98109", "97209", utcnow(),
                                                     random.Random(3), 0)))
    doc = build_evidence(uow, shop_id, created.package.id)
    (label,) = doc["labels"]
    assert (label["weight_lb"], label["ship_from"]["region"], label["ship_to"]["postal_code"]) == (2.0, "WA", "97209")
    flat = " ".join(pdf_text(render_evidence(doc))[0].split())
    assert "SANDBOX_SWIFT ground" in flat and "2.0 lb" in flat and "Seattle, WA 98109 → Portland, OR 97209" in flat
    assert doc["proof_of_delivery"] is None and "not delivered" in flat
