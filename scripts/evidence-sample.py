"""Writes the evidence sample docs/delivery-proof.md links to (docs/samples/): a UPS parcel delivered to
Denver that the buyer says never came, as the seller would attach it to a TikTok appeal: PDF, its JSON
sibling and page 1 as PNG. A throwaway SQLite database; the scans, proof and dispute go through the same
services as live data. Run: .venv/bin/python scripts/evidence-sample.py"""

from __future__ import annotations

import json
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from parceltrail.carriers.proof import DeliveryProof
from parceltrail.core import Address, Location, TrackingEvent
from parceltrail.reports import render_evidence
from parceltrail.services import create_shop, record_scans, register_package
from parceltrail.services.branding import set_branding
from parceltrail.services.clock import ManualClock, WallClock, set_clock
from parceltrail.services.delivery import keep_proofs
from parceltrail.services.disputes import open_dispute, update_dispute
from parceltrail.services.evidence import build_evidence
from parceltrail.store import UnitOfWork, make_engine, migrate

OUT = Path(__file__).resolve().parents[1] / "docs" / "samples"
NUMBER = "1Z999AA10123456784"


def scan(at: datetime, status: str, sub: str, text: str, code: str, city: str, region: str, zip_code: str):
    return TrackingEvent.create(at, status, sub, text, code, Location(city, region, zip_code, "US"))


def main() -> None:
    start = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)
    clock = ManualClock(start)
    set_clock(clock)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/sample.db")
        migrate(engine)
        uow = UnitOfWork(engine)
        try:
            shop = create_shop(uow, "Lantern & Co").shop
            set_branding(uow, shop.id, display_name="Lantern & Co", colour="#1f4e79")
            package = register_package(uow, shop.id, NUMBER, "ups", order_ref="578123456789012345",
                                       destination=Address(postal_code="80202", country="US"),
                                       origin=Address(postal_code="60606", country="US"), service="ground").package
            t = start + timedelta(hours=3)
            scans = [scan(t, "info_received", "label_created", "Shipper created a label", "MP", "Chicago", "IL", "60606"),
                     scan(t + timedelta(hours=5), "in_transit", "picked_up", "Pickup Scan", "PU", "Chicago", "IL", "60606"),
                     scan(t + timedelta(hours=9), "in_transit", "arrived_at_facility", "Arrived at Facility", "AR",
                          "Hodgkins", "IL", "60525"),
                     scan(t + timedelta(days=1, hours=2), "in_transit", "departed_facility", "Departed from Facility",
                          "DP", "Hodgkins", "IL", "60525"),
                     scan(t + timedelta(days=2, hours=8), "in_transit", "arrived_at_facility", "Arrived at Facility",
                          "AR", "Commerce City", "CO", "80022"),
                     scan(t + timedelta(days=3), "out_for_delivery", "out_for_delivery", "Out For Delivery Today",
                          "OT", "Denver", "CO", "80202"),
                     scan(t + timedelta(days=3, hours=6), "delivered", "left_at_door", "Delivered", "KB",
                          "Denver", "CO", "80202")]
            for i in range(len(scans)):
                clock.advance(scans[i].occurred_at + timedelta(minutes=4) - clock.now())
                record_scans(uow, shop.id, {package.id: [scans[i]]}, source="poll")
            delivered = scans[-1].occurred_at
            keep_proofs(uow, shop.id, {package.id: DeliveryProof(
                "ups", NUMBER, delivered, location="Front Door", facility="UPS facility SLIC 8021",
                raw={"trackingNumber": NUMBER, "deliveryInformation": {"location": "Front Door", "receivedBy": ""}})},
                "poll")
            clock.advance(timedelta(days=2))
            dispute = open_dispute(uow, shop.id, package.id, "not_received", "tiktok",
                                   "Buyer says the porch was empty when she got home", "R-5510042")
            clock.advance(timedelta(hours=3))
            update_dispute(uow, shop.id, dispute.dispute.id, state="investigating",
                           note="Sent the buyer UPS's delivery record", steps={"answer_buyer": True, "send_proof": True})
            clock.advance(timedelta(hours=1))
            doc = build_evidence(uow, shop.id, package.id)
        finally:
            set_clock(WallClock())
            engine.dispose()
    OUT.mkdir(parents=True, exist_ok=True)
    pdf = OUT / "evidence-not-received.pdf"
    pdf.write_bytes(render_evidence(doc))
    pdf.with_suffix(".json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(pdf.with_suffix(""))], check=True)
    print(f"wrote {pdf} (+ .json, .png)")


if __name__ == "__main__":
    main()
