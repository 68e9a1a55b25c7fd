"""What reading proof of delivery adds to polling, and what an evidence PDF costs, each against a baseline
measured in the same run.

- **Proof on parse**: polling and push decode a carrier's answer once and hand it to the parser and to
  ``with_proofs``, which reads the delivered parcel's proof node. For delivered bodies of UPS, FedEx, USPS
  and DHL (the project's fixtures, plus the FedEx answer for a reused number under
  tests/fixtures/proof/published), ``--rounds`` passes of decode + parse + ``with_proofs`` against parse
  of the bytes alone (the baseline: what polling paid before proofs). The ratio is the median of
  per-run ratios (with proof / parse alone): 1.0 would be free.
- **Evidence**: ``render_evidence`` of an evidence document for a delivered parcel with ``--scans`` scans
  and a dispute, against ``json.dumps`` of the same document (its JSON sibling; the baseline). Median
  milliseconds per document.

Medians of ``--repeat`` runs. Prints JSON.

    .venv/bin/python bench/proof.py [--rounds 300] [--scans 12] [--repeat 7]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's numbers module: drop this folder.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import json
import statistics
import time
from datetime import UTC, datetime, timedelta

from parceltrail.carriers import CARRIERS
from parceltrail.carriers.proof import with_proofs
from parceltrail.carriers.reading import load_body
from parceltrail.reports import render_evidence

ROOT = Path(__file__).resolve().parents[1]
BODIES = [("ups", ROOT / "tests/fixtures/carriers/ups/delivered.json"),
          ("fedex", ROOT / "tests/fixtures/carriers/fedex/delivered.json"),
          ("usps", ROOT / "tests/fixtures/carriers/usps/delivered.json"),
          ("dhl", ROOT / "tests/fixtures/carriers/dhl/delivered.json"),
          ("fedex", ROOT / "tests/fixtures/proof/published/fedex_track_two_shipments.json")]


def proof_run(bodies: list[tuple[str, bytes]], rounds: int) -> tuple[float, float]:
    began = time.perf_counter()
    for _ in range(rounds):
        for code, body in bodies:
            CARRIERS[code].parse(body)
    parse_only = time.perf_counter() - began
    began = time.perf_counter()
    for _ in range(rounds):
        for code, body in bodies:
            decoded = load_body(code, body)
            with_proofs(code, decoded, [CARRIERS[code].parse(decoded)])
    return parse_only, time.perf_counter() - began


def document(scans: int) -> dict:
    """An evidence document as services.evidence builds it: a delivered UPS parcel, ``scans`` scans, a dispute."""
    start = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)
    places = [("Chicago", "IL", "60606", 41.88, -87.64), ("Hodgkins", "IL", "60525", 41.77, -87.86),
              ("Des Moines", "IA", "50313", 41.64, -93.62), ("Commerce City", "CO", "80022", 39.81, -104.91),
              ("Denver", "CO", "80202", 39.75, -104.99)]
    rows = []
    for i in range(scans):
        city, region, zip_code, lat, lon = places[min(i * len(places) // scans, len(places) - 1)]
        at = start + timedelta(hours=7 * i)
        last = i == scans - 1
        rows.append({"occurred_at": at.isoformat(), "local_time": at.isoformat(), "zone": "CST",
                     "status": "delivered" if last else "in_transit", "substatus": "left_at_door" if last else
                     "arrived_at_facility", "description": "Delivered" if last else "Arrived at Facility",
                     "carrier_code": "KB" if last else "AR", "place": f"{city}, {region}",
                     "location": {"city": city, "region": region, "postal_code": zip_code, "country": "US"},
                     "lat": lat, "lon": lon, "source": "poll", "recorded_at": at.isoformat()})
    delivered = rows[-1]
    window = {"key": "ups_loss", "party": "carrier", "title": "UPS lost-package claim notice", "state": "open",
              "opens_at": None, "closes_at": "2027-01-19T00:00:00+00:00", "days_left": 40, "waiting_for": None,
              "basis": "60 days after the scheduled delivery", "source": "UPS Terms"}
    return {
        "schema": "parceltrail.evidence/1", "generated_at": "2026-11-22T04:04:00Z", "generator": "bench",
        "shop": {"id": "shop_bench", "name": "Lantern & Co"},
        "package": {"id": "pkg_bench", "tracking_number": "1Z999AA10123456784", "carrier": "ups",
                    "carrier_name": "UPS", "service": "ground", "tracking_url": None, "status": "delivered",
                    "substatus": "left_at_door", "registered_at": start.isoformat(),
                    "delivered_at": delivered["occurred_at"], "delivered_at_local": delivered["local_time"],
                    "destination_zone": "America/Denver", "order_ref": "578123456789012345",
                    "origin": {"city": "Chicago", "region": "IL", "postal_code": "60606", "country": "US",
                               "lat": 41.88, "lon": -87.64},
                    "destination": {"city": "Denver", "region": "CO", "postal_code": "80202", "country": "US",
                                    "lat": 39.75, "lon": -104.99}},
        "orders": [], "labels": [], "scans": rows,
        "proof_of_delivery": {"delivered_at": delivered["occurred_at"], "local_time": delivered["local_time"],
                              "zone": "CST", "place": "Denver, CO", "description": "Delivered", "carrier_code": "KB",
                              "verdict": "carrier_delivered", "signed_by": None, "location": "Front Door",
                              "facility": "UPS facility SLIC 8021", "gps": None, "distance": None, "images": None,
                              "buyer_confirmation": None, "raw_sha256": "0" * 64},
        "estimates": [], "notes": [], "messages": [],
        "disputes": [{"id": "dsp_bench", "kind": "not_received", "state": "open", "source": "tiktok",
                      "description": "Porch was empty", "opened_at": "2026-11-22T00:04:00+00:00",
                      "next_deadline": window, "deadlines": [window],
                      "history": [{"at": "2026-11-22T00:04:00+00:00", "actor": "tiktok", "action": "opened",
                                   "detail": "not_received"}]}],
        "sha256": "0" * 64,
    }


def evidence_run(doc: dict, count: int) -> tuple[float, float]:
    began = time.perf_counter()
    for _ in range(count):
        json.dumps(doc, indent=1, ensure_ascii=False)
    as_json = time.perf_counter() - began
    began = time.perf_counter()
    for _ in range(count):
        render_evidence(doc)
    return as_json, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--scans", type=int, default=12)
    parser.add_argument("--documents", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    bodies = [(code, path.read_bytes()) for code, path in BODIES]
    doc = document(args.scans)
    render_evidence(doc)  # fonts registered once per process, as in a server
    proofs = [proof_run(bodies, args.rounds) for _ in range(args.repeat)]
    evidence = [evidence_run(doc, args.documents) for _ in range(args.repeat)]
    per_body = len(bodies) * args.rounds
    print(json.dumps({
        "bodies": len(bodies), "rounds": args.rounds, "repeat": args.repeat,
        "parse_ms_per_body": round(statistics.median(p for p, _ in proofs) / per_body * 1000, 4),
        "parse_and_proof_ms_per_body": round(statistics.median(q for _, q in proofs) / per_body * 1000, 4),
        "ratio_parse_and_proof_to_parse": round(statistics.median(q / p for p, q in proofs), 3),
        "scans": args.scans, "documents": args.documents,
        "json_ms_per_document": round(statistics.median(j for j, _ in evidence) / args.documents * 1000, 3),
        "pdf_ms_per_document": round(statistics.median(r for _, r in evidence) / args.documents * 1000, 2),
        "ratio_pdf_to_json": round(statistics.median(r / j for j, r in evidence), 1),
    }, indent=1))


if __name__ == "__main__":
    main()
