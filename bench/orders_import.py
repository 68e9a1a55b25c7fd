"""Seller Center CSV import: 50,000 rows through ``import_orders_csv`` vs plain parsing + raw inserts.

The export has 25,000 orders of two line items each; a third of the orders carry a tracking number
(a generated UPS number), so the import also registers those parcels. Ours reads the file, validates
every row, groups orders, upserts them with their parcels in 500-order transactions and records status
history, on a fresh SQLite file. The baseline parses the same file with ``csv.reader`` and inserts every
row as it is into one table with sqlite3's ``executemany`` in one transaction: the floor for moving
those bytes into SQLite. Prints JSON; median of --repeat runs.

    .venv/bin/python bench/orders_import.py [--rows 50000] [--repeat 1]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import csv
import json
import random
import sqlite3
import statistics
import tempfile
import time

from parceltrail.numbers import generate
from parceltrail.services import create_shop
from parceltrail.services.orders_import import import_orders_csv
from parceltrail.store import UnitOfWork, make_engine, migrate

HEADER = ["Order ID", "Order Status", "Order Substatus", "SKU ID", "Seller SKU", "Product Name", "Quantity",
          "Created Time", "Paid Time", "Tracking ID", "Shipping Provider Name", "Package ID", "Recipient",
          "Zipcode", "Country", "State", "City", "Address Line 1"]


def write_export(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for i in range(rows // 2):
            order_id = str(576461413038700000 + i)
            shipped = i % 3 == 0
            number = generate("ups", None, rng) if shipped else ""
            status, sub = ("Shipped", "In transit") if shipped else ("To ship", "Awaiting shipment")
            day = 1 + i % 28
            for item in range(2):
                out.writerow([order_id, status, sub, str(1729000 + item), f"sku-{item}", "Crochet top", "1",
                              f"11/{day:02d}/2026 9:03:57 AM", f"11/{day:02d}/2026 9:04:31 AM", number,
                              "UPS" if shipped else "", str(1152321127278700000 + i) if shipped else "",
                              "Zay S.", "95110", "United States", "California", "San Jose", "1199 Coleman Ave"])


def ours(path: Path, folder: Path) -> float:
    engine = make_engine(f"sqlite:///{folder / 'ours.db'}")
    migrate(engine)
    uow = UnitOfWork(engine)
    shop = create_shop(uow, "Bench").shop
    start = time.perf_counter()
    with path.open(newline="") as handle:
        report = import_orders_csv(uow, shop.id, handle)
    elapsed = time.perf_counter() - start
    assert not report.row_errors and report.orders_created * 2 == report.rows, report.to_dict()
    engine.dispose()
    return elapsed


def baseline(path: Path, folder: Path) -> float:
    db = sqlite3.connect(folder / "raw.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"CREATE TABLE rows ({', '.join(f'c{i} TEXT' for i in range(len(HEADER)))})")
    start = time.perf_counter()
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        with db:
            db.executemany(f"INSERT INTO rows VALUES ({', '.join('?' * len(HEADER))})", reader)
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    ours_s, raw_s = [], []
    for run in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            path = folder / "export.csv"
            write_export(path, args.rows, seed=run + 1)
            ours_s.append(ours(path, folder))
            raw_s.append(baseline(path, folder))
    o, r = statistics.median(ours_s), statistics.median(raw_s)
    print(json.dumps({"rows": args.rows, "import_s": round(o, 2), "rows_per_s": round(args.rows / o),
                      "baseline": "csv.reader + sqlite3 executemany of the raw rows, one transaction",
                      "baseline_s": round(r, 3), "baseline_rows_per_s": round(args.rows / r),
                      "ratio": round(o / r, 1), "runs": args.repeat}))


if __name__ == "__main__":
    main()
