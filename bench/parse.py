"""Carrier parse throughput per carrier on the project's fixtures, against json.loads of the same bodies.

For each carrier, every fixture body under tests/fixtures/carriers/<carrier>/ is parsed ``--rounds``
times from bytes (JSON decoding included, as in production). The baseline is ``json.loads`` alone on
the very same bytes in the same run: the floor any parser pays. Reports events parsed per second, the
baseline's events per second and their ratio (median of the per-run ratios); medians of ``--repeat``
runs. Prints JSON.

    .venv/bin/python bench/parse.py [--rounds 200] [--repeat 5]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's ``numbers`` (statistics -> fractions -> decimal
# -> numbers) for a script run from this folder, so the folder leaves the import path first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import json
import logging
import statistics
import time

from parceltrail.carriers import CARRIERS

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "carriers"


def timed(function, bodies: list[bytes], rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        for raw in bodies:
            function(raw)
    return time.perf_counter() - started


def measure(code: str, rounds: int, repeat: int) -> dict:
    carrier = CARRIERS[code]
    bodies = [p.read_bytes() for p in sorted((FIXTURES / code).glob("*.json"))]
    events = sum(len(carrier.parse(raw).events) for raw in bodies) * rounds
    # Interleaved, so each ratio compares two runs made under the same machine load.
    runs = [(timed(carrier.parse, bodies, rounds), timed(json.loads, bodies, rounds)) for _ in range(repeat)]
    parsed = events / statistics.median(p for p, _ in runs)
    decoded = events / statistics.median(j for _, j in runs)
    ratio = statistics.median(j / p for p, j in runs)
    return {
        "fixtures": len(bodies),
        "events_per_round": events // rounds,
        "events_per_s": round(parsed),
        "json_loads_events_per_s": round(decoded),
        "ratio": round(ratio, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="passes over each carrier's fixtures per run")
    parser.add_argument("--repeat", type=int, default=5, help="runs; the median is reported")
    args = parser.parse_args()
    logging.getLogger("parceltrail.carriers").setLevel(
        logging.ERROR
    )  # fixtures exercise fallbacks on purpose
    with_fixtures = [code for code in CARRIERS if any((FIXTURES / code).glob("*.json"))]
    results = {code: measure(code, args.rounds, args.repeat) for code in with_fixtures}
    print(json.dumps({"rounds": args.rounds, "repeat": args.repeat, "carriers": results}, indent=2))


if __name__ == "__main__":
    main()
