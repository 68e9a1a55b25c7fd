"""parceltrail.numbers.detect against tracking-numbers 0.1.8, in one run, over the same inputs.

Inputs: every valid and invalid test number of the tracking_number_data spec (../shared/anchors),
exactly as the spec writes them (spaces included). Throughput: each library runs over all inputs
``--loops`` times per round, the two alternating within every round; time is the process's CPU time,
so other work on a shared machine does not count. Reported: the median round's numbers/s for each,
and the median of the per-round ratios. "parceltrail_with_json" also builds the full JSON object
(decoded fields included) for every number, which ``detect`` alone leaves until asked.
Accuracy, per library:
  valid: the spec's carrier is reported (ours: best candidate; "accepted": best, or among the
         candidates with ambiguous true, as the conformance test requires);
  invalid: the number is not reported as the format the spec lists it under.
TikTok Shop order ids (issue 26): ``--order-ids`` seeded ids of 18 digits beginning 57 or 58 (the shape
TikTok Shop order ids take); reported: the share the SSCC-18 check passes under the rule before issue 26
(mod 10 over container type + serial) and the published one (over the serial), the share ``detect``
offers as FedEx, the share that carries the ``looks_like_tiktok_order_id`` hint, the share accepted as a
tracking number without a word (a FedEx candidate and no hint), and tracking-numbers 0.1.8's answer.
Run: .venv/bin/python bench/numbers.py [--rounds 7] [--loops 20] [--order-ids 10000]   (one JSON object)
"""

from __future__ import annotations

import os
import sys

# Run as a script, this file's folder comes first on sys.path and this file would shadow the standard
# library's ``numbers`` module (which statistics, decimal and fractions import): drop that folder.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != _HERE]

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

SPEC = Path(__file__).resolve().parents[1].parent / "shared" / "anchors" / "tracking_number_data" / "couriers"
UNNAMED_FORMAT_IDS = {  # spec formats without an id, and parceltrail's id for them
    "LaserShip 1LS7 (18)": "lasership_1ls7_18",
    "Old Dominion": "old_dominion",
    "Old Dominion Guaranteed Shipment": "old_dominion_guaranteed",
    "UPS Waybill": "ups_waybill",
}


def load_cases() -> list[dict]:
    cases = []
    for path in sorted(SPEC.glob("*.json")):
        courier = json.loads(path.read_text("utf-8"))
        for spec in courier["tracking_numbers"]:
            for kind in ("valid", "invalid"):
                for number in spec["test_numbers"][kind]:
                    cases.append({
                        "number": number,
                        "kind": kind,
                        "courier": courier["courier_code"],
                        "format_id": spec.get("id") or UNNAMED_FORMAT_IDS[spec["name"]],
                        "format_name": spec["name"],
                    })
    return cases


def listed_carrier(candidate, courier: str) -> bool:
    return candidate.carrier == courier or (courier == "s10" and "s10" in candidate.format)


def ours_outcome(case: dict) -> tuple[bool, bool]:
    """(strict: best candidate right / invalid refused, accepted: the conformance criterion)."""
    from parceltrail.numbers import detect

    detection = detect(case["number"])
    if case["kind"] == "invalid":
        refused = case["format_id"] not in {c.format for c in detection.candidates}
        return refused, refused
    best = bool(detection.candidates) and listed_carrier(detection.candidates[0], case["courier"])
    among = detection.ambiguous and any(listed_carrier(c, case["courier"]) for c in detection.candidates)
    return best, best or among


def baseline_outcome(case: dict) -> bool:
    from tracking_numbers import get_tracking_number

    found = get_tracking_number(case["number"])
    if case["kind"] == "valid":
        return found is not None and found.courier.code == case["courier"]
    return not (found is not None and found.courier.code == case["courier"]
                and found.product.name == case["format_name"])


def order_id_outcomes(count: int, seed: int = 26) -> dict:
    """How 18-digit TikTok Shop-shaped order ids fare, under the old and the published SSCC-18 rule."""
    import random

    from tracking_numbers import get_tracking_number

    from parceltrail.numbers import detect
    from parceltrail.numbers.checksums import WeightedMod10

    rng = random.Random(seed)
    ids = [rng.choice(("57", "58")) + "".join(rng.choice("0123456789") for _ in range(16)) for _ in range(count)]
    gs1 = WeightedMod10((3, 1))
    outcomes = {"old_rule_passes": 0, "published_rule_passes": 0, "detect_offers_fedex": 0, "hinted": 0,
                "accepted_without_a_word": 0, "tracking_numbers_0_1_8_reports_a_carrier": 0}
    for number in ids:
        outcomes["old_rule_passes"] += gs1.expected(number[:17]) == number[17]
        outcomes["published_rule_passes"] += gs1.expected(number[2:17]) == number[17]
        detection = detect(number)
        fedex = any(c.carrier == "fedex" for c in detection.candidates)
        outcomes["detect_offers_fedex"] += fedex
        outcomes["hinted"] += bool(detection.hints)
        outcomes["accepted_without_a_word"] += bool(detection.candidates) and not detection.hints
        outcomes["tracking_numbers_0_1_8_reports_a_carrier"] += get_tracking_number(number) is not None
    return {"ids": count, "seed": seed, **{k: round(v / count, 4) for k, v in outcomes.items()}}


def throughput(function, numbers: list[str], loops: int) -> float:
    start = time.process_time()
    for _ in range(loops):
        for number in numbers:
            function(number)
    return loops * len(numbers) / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--loops", type=int, default=10)
    parser.add_argument("--order-ids", type=int, default=10_000)
    args = parser.parse_args()
    if not SPEC.is_dir():
        sys.exit(f"{SPEC} is absent: this benchmark reads the tracking_number_data spec from ../shared")

    import tracking_numbers
    from tracking_numbers import get_tracking_number

    from parceltrail.numbers import catalogue, detect

    cases = load_cases()
    numbers = [case["number"] for case in cases]
    catalogue()  # load and index the format files before timing
    def detect_json(number: str) -> dict:
        return detect(number).to_dict()

    ours_rates, json_rates, baseline_rates = [], [], []
    for _ in range(args.rounds):
        ours_rates.append(throughput(detect, numbers, args.loops))
        baseline_rates.append(throughput(get_tracking_number, numbers, args.loops))
        json_rates.append(throughput(detect_json, numbers, args.loops))
    ours_median, baseline_median = statistics.median(ours_rates), statistics.median(baseline_rates)
    ratios = [o / b for o, b in zip(ours_rates, baseline_rates, strict=True)]
    json_ratios = [o / b for o, b in zip(json_rates, baseline_rates, strict=True)]

    valid = [c for c in cases if c["kind"] == "valid"]
    invalid = [c for c in cases if c["kind"] == "invalid"]
    ours = {id(c): ours_outcome(c) for c in cases}
    base = {id(c): baseline_outcome(c) for c in cases}

    def share(rows: list[dict], ok) -> float:
        return round(sum(1 for row in rows if ok(row)) / len(rows), 4)

    book = catalogue()
    result = {
        "benchmark": "tracking-number detection",
        "inputs": {"numbers": len(cases), "valid": len(valid), "invalid": len(invalid), "source": str(SPEC)},
        "rounds": args.rounds,
        "loops_per_round": args.loops,
        "numbers_per_second": {
            "parceltrail": round(ours_median),
            "parceltrail_with_json": round(statistics.median(json_rates)),
            "tracking_numbers_0_1_8": round(baseline_median),
        },
        "ratio_parceltrail_over_baseline": round(statistics.median(ratios), 2),
        "ratio_parceltrail_with_json_over_baseline": round(statistics.median(json_ratios), 2),
        "ratio_range": [round(min(ratios), 2), round(max(ratios), 2)],
        "accuracy": {
            "parceltrail": {
                "valid_best_candidate": share(valid, lambda c: ours[id(c)][0]),
                "valid_accepted": share(valid, lambda c: ours[id(c)][1]),
                "invalid_refused": share(invalid, lambda c: ours[id(c)][0]),
                "all_accepted": share(cases, lambda c: ours[id(c)][1]),
            },
            "tracking_numbers_0_1_8": {
                "valid": share(valid, lambda c: base[id(c)]),
                "invalid_refused": share(invalid, lambda c: base[id(c)]),
                "all": share(cases, lambda c: base[id(c)]),
            },
        },
        "formats_checked": {
            "parceltrail": len(book.formats),
            "parceltrail_carriers": len(book.carriers),
            "tracking_numbers_0_1_8": len(tracking_numbers.DEFINITIONS),
        },
        "tiktok_order_ids": order_id_outcomes(args.order_ids),
        "python": platform.python_version(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
