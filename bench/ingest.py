"""Ingest throughput through the service layer vs raw SQLite executemany of the same rows.

100,000 events (1,000 packages x 100 events) in batches of 500 events (5 packages a batch), each batch
one `ingest_many` transaction on a fresh SQLite file in WAL mode. The baseline inserts the very same
rows (same table, same indexes, same batch commits) with sqlite3's executemany and nothing else.
Prints JSON: {"events_per_s","raw_insert_per_s","ratio", ...}; median of --repeat runs.

    .venv/bin/python bench/ingest.py [--packages 1000] [--events 100] [--batch 500] [--repeat 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py (named by issue 3) would shadow the standard library's numbers module: drop this folder.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from parceltrail.core import Location, TrackingEvent, fingerprint
from parceltrail.services import create_shop, ingest_many, register_package
from parceltrail.store import UnitOfWork, make_engine, migrate

T0 = datetime(2026, 11, 1, tzinfo=UTC)
KINDS = [("in_transit", "arrived_at_facility", "AR"), ("in_transit", "departed_facility", "DP")]


def make_events(n: int, seed: int) -> list[TrackingEvent]:
    out = []
    for i in range(n):
        status, sub, code = KINDS[i % 2]
        out.append(TrackingEvent.create(
            T0 + timedelta(minutes=37 * i + seed), status, sub, f"Scan {i}", code,
            Location(city="Memphis", region="TN", postal_code="38118", country="US"),
        ))
    return out


def service_run(root: Path, packages: int, per_package: int, batch: int) -> tuple[float, list[tuple]]:
    engine = make_engine(f"sqlite:///{root / 'service.db'}")
    migrate(engine)
    uow = UnitOfWork(engine)
    shop = create_shop(uow, "Bench").shop
    pkgs = [register_package(uow, shop.id, f"BENCH{i:08d}", "ups", force=True).package for i in range(packages)]
    per_batch = max(1, batch // per_package)
    work = [{p.id: make_events(per_package, k) for k, p in enumerate(pkgs[s:s + per_batch], start=s)}
            for s in range(0, packages, per_batch)]
    started = time.perf_counter()
    for chunk in work:
        ingest_many(uow, shop.id, chunk, source="bench")
    elapsed = time.perf_counter() - started
    numbers = {p.id: p.tracking_number for p in pkgs}
    rows = [(pid, fingerprint("ups", numbers[pid], e), e) for chunk in work for pid, events in chunk.items()
            for e in events]
    engine.dispose()
    return elapsed, rows


def raw_run(root: Path, rows: list[tuple], batch: int) -> float:
    """The same rows into the same schema with sqlite3.executemany, one commit per batch."""
    engine = make_engine(f"sqlite:///{root / 'raw.db'}")
    migrate(engine)
    engine.dispose()
    con = sqlite3.connect(root / "raw.db", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("INSERT INTO shops VALUES ('shop_b', 'b', '2026-11-01 00:00:00')")
    pids = sorted({r[0] for r in rows})
    con.executemany(
        "INSERT INTO packages (id, shop_id, tracking_number, carrier, carrier_key, status, substatus, event_count,"
        " created_at, updated_at) VALUES (?, 'shop_b', ?, 'ups', 'ups', 'pending', 'pending', 0,"
        " '2026-11-01 00:00:00', '2026-11-01 00:00:00')", [(p, p) for p in pids])
    now = f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S.%f}"
    params = [
        (pid, fp, f"{e.occurred_at:%Y-%m-%d %H:%M:%S.%f}", e.status.value, e.substatus.value,
         e.description, e.carrier_code, e.location.city, e.location.region, e.location.postal_code,
         e.location.country, "bench", now)
        for pid, fp, e in rows
    ]
    sql = ("INSERT INTO events (package_id, fingerprint, occurred_at, status, substatus, description, carrier_code,"
           " city, region, postal_code, country, source, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
    started = time.perf_counter()
    for s in range(0, len(params), batch):
        con.execute("BEGIN")
        con.executemany(sql, params[s:s + batch])
        con.execute("COMMIT")
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=1000)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    total = args.packages * args.events
    service_rates, raw_rates = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            service_s, rows = service_run(Path(tmp), args.packages, args.events, args.batch)
            raw_s = raw_run(Path(tmp), rows, args.batch)
        service_rates.append(total / service_s)
        raw_rates.append(total / raw_s)
    events_per_s = statistics.median(service_rates)
    raw_per_s = statistics.median(raw_rates)
    print(json.dumps({
        "events": total, "batch": args.batch, "repeat": args.repeat,
        "events_per_s": round(events_per_s), "raw_insert_per_s": round(raw_per_s),
        "ratio": round(events_per_s / raw_per_s, 3),
    }))


if __name__ == "__main__":
    main()
