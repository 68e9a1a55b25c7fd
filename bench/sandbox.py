"""How fast the sandbox network computes a journey from its number, against parsing the answer it serves.

A sandbox number encodes everything (ship minute, service, scenario, seed), and any process answers for
any number by computing ``journey(number)``: route, hub scans, delivery, proof. The network does it on
every fetch of a number it has not seen, so its cost bounds how fast the demo and the load tests can
poll. ``--journeys`` numbers (every service and scenario) are computed with the cache cleared; the
baseline, in the same run and interleaved, is the sandbox adapter parsing the very bodies those journeys
serve once complete (JSON decoding included): what the client pays for the same parcel. Medians of
``--repeat`` runs; the ratio is the median of per-run ratios (parse time / journey time: above 1 means a
journey costs less than reading it). Prints JSON.

    .venv/bin/python bench/sandbox.py [--journeys 200] [--repeat 7]
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
from parceltrail.carriers.sandbox import Scenario, Service, encode, journey
from parceltrail.carriers.sandbox.body import encode_body, tracking_body
from parceltrail.carriers.sandbox.geography import zip_pool

START = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)
LATER = START + timedelta(days=400)


def numbers(count: int) -> list[str]:
    return [encode(START + timedelta(minutes=k), Service(k % 3), Scenario(k % len(Scenario)), 500_000 + k)
            for k in range(count)]


def run(found: list[str], bodies: list[bytes]) -> tuple[float, float]:
    journey.cache_clear()
    began = time.perf_counter()
    for number in found:
        journey(number)
    computed = time.perf_counter() - began
    parse = CARRIERS["sandbox"].parse
    began = time.perf_counter()
    for body in bodies:
        parse(body)
    return computed, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    zip_pool()  # the one-off load of the ZIP table is not part of a journey
    found = numbers(args.journeys)
    bodies = [encode_body(tracking_body(n, LATER)) for n in found]
    scans = sum(len(journey(n).scans) for n in found)
    runs = [run(found, bodies) for _ in range(args.repeat)]
    journey_s = statistics.median(c for c, _ in runs)
    parse_s = statistics.median(p for _, p in runs)
    print(json.dumps({
        "journeys": args.journeys, "scans": scans, "repeat": args.repeat,
        "journeys_s": round(journey_s, 4), "per_journey_ms": round(journey_s / args.journeys * 1000, 3),
        "parse_s": round(parse_s, 4), "per_body_ms": round(parse_s / args.journeys * 1000, 3),
        "ratio_parse_to_journey": round(statistics.median(p / c for c, p in runs), 2),
    }, indent=1))


if __name__ == "__main__":
    main()
