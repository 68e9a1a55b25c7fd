"""The worker's flag evaluation (``services.exceptions.evaluate_packages``) against reading its inputs alone.

A shop of --packages TikTok orders, each with a UPS parcel to a different US ZIP and 2 to 9 scans (a
quarter stopped moving days ago, some never scanned), on a fresh SQLite file. Timed: one scheduled pass
over every parcel at a later moment (what ``evaluate_due`` does when they all come due): read the
timelines, orders, estimates and open flags, run the detector, open/update/close flags with history,
sync cases, schedule the next look, one transaction per 200 parcels. The baseline, in the same run, is
the same transactions doing only the reads. Prints JSON: parcels per second for both and the ratio
(median of --repeat passes; each pass moves the clock an hour, so flags really change).

    .venv/bin/python bench/flags_live.py [--packages 2000] [--repeat 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py (named by issue 3) would shadow the standard library's numbers module: drop this folder.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from parceltrail.core import Address, Location, TrackingEvent
from parceltrail.core.orders import Buyer, Deadlines, Order, OrderPackage, OrderStatus
from parceltrail.numbers import generate
from parceltrail.services import create_shop, record_scans
from parceltrail.services.clock import ManualClock, set_clock
from parceltrail.services.exceptions import BATCH, evaluate_packages
from parceltrail.services.orders import upsert_orders
from parceltrail.store import UnitOfWork, make_engine, migrate

T0 = datetime(2025, 12, 1, 14, tzinfo=UTC)  # Mon Dec 1 2025
HUBS = [Location("Newark", "NJ", "07102", "US"), Location("Louisville", "KY", "40213", "US"),
        Location("Chicago", "IL", "60607", "US"), Location("Dallas", "TX", "75201", "US"),
        Location("Denver", "CO", "80202", "US"), Location("Atlanta", "GA", "30303", "US")]
ZIPS = ["02108", "10001", "19103", "30303", "33101", "44114", "48201", "60601", "63101", "75201", "80202",
        "85004", "90012", "94103", "97204", "98101"]


def build(uow: UnitOfWork, packages: int, seed: int) -> tuple[str, list[str]]:
    rng = random.Random(seed)
    set_clock(ManualClock(T0))
    shop = create_shop(uow, "Bench flags").shop
    orders = []
    for i in range(packages):
        placed = T0 - timedelta(hours=rng.uniform(0, 48))
        orders.append(Order(shop.id, f"5761{i:014d}", OrderStatus.AWAITING_COLLECTION, placed, placed,
                            buyer=Buyer("Bench buyer", Address(postal_code=rng.choice(ZIPS), country="US")),
                            packages=(OrderPackage(f"P{i}", generate("ups", None, rng), "ups"),),
                            deadlines=Deadlines(ship_by=placed + timedelta(days=2), deliver_by=placed + timedelta(days=8),
                                                auto_cancel_at=placed + timedelta(days=4))))
    for start in range(0, packages, 500):
        upsert_orders(uow, shop.id, orders[start:start + 500], "sync")
    with uow.read():
        ids = {order.external_id: uow.orders.get(shop.id, order.external_id).package_ids[f"P{i}"]
               for i, order in enumerate(orders)}
    now = T0 + timedelta(days=3)
    batches: dict[str, list[TrackingEvent]] = {}
    for order in orders:
        scans = rng.choice([0, 2, 4, 6, 9])
        stopped = rng.random() < 0.25
        at = order.created_at + timedelta(hours=rng.uniform(4, 30))
        events = []
        for k in range(scans):
            status, sub = ("in_transit", "picked_up") if k == 0 else ("in_transit", "arrived_at_facility")
            events.append(TrackingEvent.create(at, status, sub, "", None, HUBS[k % len(HUBS)]))
            at += timedelta(hours=rng.uniform(3, 14) if not stopped else rng.uniform(20, 40))
        if events:
            batches[ids[order.external_id]] = [e for e in events if e.occurred_at <= now]
    items = list(batches.items())
    for start in range(0, len(items), 100):
        record_scans(uow, shop.id, dict(items[start:start + 100]), "bench", now)
    return shop.id, list(ids.values())


def reads_only(uow: UnitOfWork, ids: list[str]) -> None:
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        with uow:
            packages = uow.packages.get_any(chunk)
            uow.events.timelines(list(packages))
            uow.orders.for_packages(list(packages))
            uow.estimates.firsts(list(packages))
            uow.flags.open_for(list(packages))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        engine = make_engine(f"sqlite:///{Path(root) / 'flags.db'}")
        migrate(engine)
        uow = UnitOfWork(engine)
        _, ids = build(uow, args.packages, args.seed)
        evaluate, baseline, changed = [], [], []
        moment = T0 + timedelta(days=3)
        for _ in range(args.repeat):
            moment += timedelta(hours=1)
            started = time.perf_counter()
            done = evaluate_packages(uow, ids, moment)
            evaluate.append(time.perf_counter() - started)
            changed.append(done.opened + done.closed + done.updated)
            started = time.perf_counter()
            reads_only(uow, ids)
            baseline.append(time.perf_counter() - started)
        with uow.read():
            open_flags = sum(len(v) for v in uow.flags.open_for(ids).values())
    per_s = args.packages / statistics.median(evaluate)
    floor = args.packages / statistics.median(baseline)
    print(json.dumps({
        "packages": args.packages, "repeat": args.repeat, "open_flags": open_flags, "flag_changes_per_pass": changed,
        "evaluated_per_s": round(per_s, 1), "baseline_reads_only_per_s": round(floor, 1),
        "ratio_to_reads_only": round(per_s / floor, 3),
    }))


if __name__ == "__main__":
    main()
