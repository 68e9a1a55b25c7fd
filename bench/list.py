"""Listing at 10k, 100k and 1M: the first page and cursor pages deep in every list (issue 25 item 7).

For each size, a fresh SQLite file (WAL, the app's engine and migrations) holds one shop with that many
packages and as many TikTok orders (and a neighbour shop with a tenth as many), bulk-loaded, then
``store.engine.refresh_statistics`` runs as the app does at start and every hour. Timed in CPU time of the
process (other jobs on a shared machine do not count), the sizes interleaved round by round, each query
shape ``--reps`` times. Through the real app (in-process ASGI: routing, auth, the query, JSON):

- ``first``: ``GET /v1/packages``, the first page, newest first (the default sort);
- ``deep``: a page after a cursor at a random position (keyset paging: page N costs what page 1 costs);
- ``updated``: ``sort=updated_at&updated_since=...`` from a random point (how a sync pages);
- ``search``: ``q=`` a part of an order reference (a scan of the shop's packages, reported, not a goal);
- ``orders``: ``GET /v1/orders`` after a cursor at a random position;

and through the service the seller dashboard's page calls (``services.dashboard.find_packages``; the page
around it is HTML of 25 rows, the same at any size):

- ``dashboard``: sort "recently updated" after a cursor at a random position.

Baseline: the same shapes at the smallest size in the same run; prints JSON with p50 CPU ms and
``ratio_vs_smallest`` per size. Goal: p50 at 1M within 2x of 10k for first/deep/updated.

    .venv/bin/python bench/list.py [--sizes 10000,100000,1000000] [--reps 60] [--page 50]
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
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from parceltrail.api import create_app
from parceltrail.services import create_shop, cursors
from parceltrail.services.dashboard import find_packages
from parceltrail.settings import Settings
from parceltrail.store import UnitOfWork, make_engine, migrate
from parceltrail.store.engine import refresh_statistics
from parceltrail.store.ids import _b32
from parceltrail.store.orders import orders
from parceltrail.store.tables import packages

T0 = datetime(2026, 1, 1, tzinfo=UTC)
STATUSES = (("in_transit", "in_transit"), ("delivered", "delivered"), ("out_for_delivery", "out_for_delivery"),
            ("pending", "pending"), ("exception", "carrier_delay"))
ORDER_STATUSES = ("AWAITING_SHIPMENT", "AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED")


def load(engine, shop_id: str, count: int, seed: int) -> tuple[list[tuple[str, datetime]], list[str]]:
    """``count`` packages and ``count`` orders of one shop in chunks of one transaction each; returns the
    packages' (id, updated_at) and the orders' ids, in id order."""
    rng = random.Random(seed)
    keys: list[tuple[str, datetime]] = []
    order_ids: list[str] = []
    chunk = 50_000
    with engine.begin() as connection:
        for start in range(0, count, chunk):
            rows, bought = [], []
            for i in range(start, min(count, start + chunk)):
                created = T0 + timedelta(seconds=30 * i)
                updated = created + timedelta(hours=rng.uniform(0, 400))
                stamp = _b32(int(created.timestamp() * 1000), 10)
                package_id = f"pkg_{stamp}{_b32(rng.getrandbits(80), 16)}"
                status, substatus = STATUSES[i % len(STATUSES)]
                rows.append({
                    "id": package_id, "shop_id": shop_id, "tracking_number": f"1ZBENCH{i:011d}", "carrier": "ups",
                    "carrier_key": "ups", "order_ref": f"TT-{i:08d}", "status": status, "substatus": substatus,
                    "event_count": 3, "created_at": created, "updated_at": updated, "check_failures": 0,
                })
                keys.append((package_id, updated))
                order_id = f"ord_{stamp}{_b32(rng.getrandbits(80), 16)}"
                bought.append({
                    "id": order_id, "shop_id": shop_id, "platform": "tiktok", "external_id": f"57{seed:04d}{i:012d}",
                    "status": ORDER_STATUSES[i % len(ORDER_STATUSES)], "on_hold": False, "line_items": "[]",
                    "platform_times": "{}", "created_at": created, "platform_updated_at": created,
                    "recorded_at": created, "ship_by": created + timedelta(days=2), "updated_at": created,
                })
                order_ids.append(order_id)
            connection.execute(packages.insert(), rows)
            connection.execute(orders.insert(), bought)
    return keys, order_ids


def cursor(sort: str, package_id: str, updated: datetime | None) -> str:
    return cursors.encode(sort, updated.isoformat() if updated else "", package_id)


@dataclass
class Sized:
    """One size's database, app and keys, and what each query shape asks for on each round."""

    size: int
    loaded_s: float
    client: TestClient
    key: str
    shapes: dict[str, Callable[[], Callable[[], int]]]
    """Each shape draws its next request and answers it as a call that returns how many items it listed."""
    cpu_ms: dict[str, list[float]] = field(default_factory=dict)

    def get(self, path: str, params: dict) -> Callable[[], int]:
        def call() -> int:
            response = self.client.get(path, params=params, headers={"Authorization": f"Bearer {self.key}"})
            if response.status_code != 200:
                raise RuntimeError(f"{path} {params}: {response.status_code} {response.text[:200]}")
            return len(response.json()["items"])
        return call

    def ask(self, shape: str) -> None:
        call = self.shapes[shape]()
        started = time.process_time()
        listed = call()
        self.cpu_ms.setdefault(shape, []).append((time.process_time() - started) * 1000)
        if not listed and shape != "search":
            raise RuntimeError(f"{shape}: an empty page")


def build(size: int, page: int, root: Path, stack: ExitStack) -> Sized:
    url = f"sqlite:///{root / f'list-{size}.db'}"
    engine = make_engine(url)
    migrate(engine)
    shop = create_shop(UnitOfWork(engine), f"Bench {size}")
    other = create_shop(UnitOfWork(engine), "Neighbour")
    started = time.perf_counter()
    keys, order_ids = load(engine, shop.shop.id, size, seed=size)
    load(engine, other.shop.id, size // 10, seed=size + 1)
    loaded = time.perf_counter() - started
    refresh_statistics(engine)
    by_update = sorted(keys, key=lambda k: (k[1], k[0]))
    rng = random.Random(7)
    app = create_app(Settings(database_url=url, page_size_max=max(200, page), rate_limit_per_key="0"), engine)
    client = stack.enter_context(TestClient(app))
    stack.callback(engine.dispose)
    sized = Sized(size, loaded, client, shop.api_key, {})

    def updated() -> Callable[[], int]:
        package_id, moment = by_update[rng.randrange(0, size - page)]
        return sized.get("/v1/packages", {"limit": page, "sort": "updated_at", "updated_since": T0.isoformat(),
                                          "cursor": cursor("updated_at", package_id, moment)})

    def dashboard() -> Callable[[], int]:
        package_id, moment = by_update[rng.randrange(page, size)]
        after = cursors.encode(moment.isoformat(), package_id)
        return lambda: len(find_packages(UnitOfWork(engine), shop.shop.id, sort="updated", cursor=after).items)

    sized.shapes.update({
        "first": lambda: sized.get("/v1/packages", {"limit": page}),
        "deep": lambda: sized.get("/v1/packages", {"limit": page, "cursor": cursor(
            "-created_at", keys[rng.randrange(page, size)][0], None)}),
        "updated": updated,
        "search": lambda: sized.get("/v1/packages", {"limit": page, "q": f"tt-{rng.randrange(size):08d}"}),
        "orders": lambda: sized.get("/v1/orders", {"limit": page, "cursor": cursors.encode(
            order_ids[rng.randrange(0, size - page)])}),
        "dashboard": dashboard,
    })
    return sized


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--reps", type=int, default=60)
    parser.add_argument("--page", type=int, default=50)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="parceltrail-list-") as tmp, ExitStack() as stack:
        built = [build(size, args.page, Path(tmp), stack) for size in sizes]
        for sized in built:
            for shape in sized.shapes:
                sized.ask(shape)  # warm each database's cache once
            sized.cpu_ms.clear()
        for rep in range(args.reps):  # interleaved, so a burst of load on the machine hits every size alike
            for sized in built:
                for shape in sized.shapes:
                    if shape != "search" or rep % 6 == 0:
                        sized.ask(shape)
    base = {k: statistics.median(v) for k, v in built[0].cpu_ms.items()}
    runs = []
    for sized in built:
        p50 = {k: statistics.median(v) for k, v in sized.cpu_ms.items()}
        runs.append({"packages": sized.size, "load_s": round(sized.loaded_s, 1),
                     "p50_cpu_ms": {k: round(v, 2) for k, v in p50.items()},
                     "ratio_vs_smallest": {k: round(v / base[k], 2) for k, v in p50.items()}})
    print(json.dumps({"bench": "list", "page": args.page, "reps": args.reps, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
