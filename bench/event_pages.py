"""A package with 30,000 events costs what a normal parcel costs: reading it, and adding a scan to it.

One `parceltrail serve --no-worker` process on a fresh SQLite file. A normal parcel (12 events) and a
busy one (--events, 30,000 by default) in the same shop. Timed over HTTP, alternating request by
request so both see the same load: `GET /v1/packages/{id}` (the detail) and `POST .../events` with one
new scan. Baseline: the same call on the normal parcel. Ratios near 1 mean the busy package's size
does not show; before issue 25 item 8 the detail sent every event (6 MB in 2 s) and each ingest read
every stored fingerprint.

Prints JSON; medians of --requests calls.

    .venv/bin/python bench/event_pages.py [--events 30000] [--requests 200]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py (named by issue 3) would shadow the standard library's numbers module: drop this folder.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import json
import os
import socket
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta

import httpx

from parceltrail.core import Location, TrackingEvent
from parceltrail.services import create_shop, ingest_many, register_package
from parceltrail.store import UnitOfWork, make_engine, migrate

T0 = datetime(2026, 10, 1, tzinfo=UTC)


def scans(n: int, start: int = 0) -> list[TrackingEvent]:
    return [TrackingEvent.create(T0 + timedelta(minutes=start + i), "in_transit", "arrived_at_facility",
                                 f"scan {start + i}", "AR", Location(city="Memphis", region="TN", country="US"))
            for i in range(n)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(database_url: str, root: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url,
           "PARCELTRAIL_QUEUE_URL": f"sqlite:///{root / 'queue.db'}"}
    process = subprocess.Popen([sys.executable, "-m", "parceltrail", "serve", "--no-worker", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def timed(call) -> float:
    started = time.perf_counter()
    answer = call()
    elapsed = time.perf_counter() - started
    answer.raise_for_status()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=30_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url = f"sqlite:///{root / 'events.db'}"
        engine = make_engine(url)
        migrate(engine)
        uow = UnitOfWork(engine)
        shop = create_shop(uow, "Bench")
        normal = register_package(uow, shop.shop.id, "1Z999AA10123456784", "ups").package.id
        busy = register_package(uow, shop.shop.id, "1Z999AA10123456790", "ups").package.id
        ingest_many(uow, shop.shop.id, {normal: scans(12)})
        for start in range(0, args.events, 1000):
            ingest_many(uow, shop.shop.id, {busy: scans(min(1000, args.events - start), start)})
        engine.dispose()
        process, base = serve(url, root)
        try:
            client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {shop.api_key}"}, timeout=60)
            size = len(client.get(f"/v1/packages/{busy}").content)
            read = {normal: [], busy: []}
            write = {normal: [], busy: []}
            for i in range(args.requests):
                for pid in (normal, busy):
                    read[pid].append(timed(lambda pid=pid: client.get(f"/v1/packages/{pid}")))
                    scan = scans(1, args.events + i)[0]
                    body = {"events": [{"occurred_at": scan.occurred_at.isoformat(), "status": "in_transit",
                                        "carrier_code": "AR", "description": scan.description}]}
                    write[pid].append(timed(lambda pid=pid, body=body: client.post(f"/v1/packages/{pid}/events",
                                                                                    json=body)))
        finally:
            process.terminate()
            process.wait(timeout=30)
    ms = lambda xs: round(statistics.median(xs) * 1000, 2)
    print(json.dumps({
        "events": args.events, "requests": args.requests, "detail_bytes": size,
        "detail_ms": {"busy": ms(read[busy]), "normal": ms(read[normal])},
        "detail_ratio": round(statistics.median(read[busy]) / statistics.median(read[normal]), 2),
        "post_ms": {"busy": ms(write[busy]), "normal": ms(write[normal])},
        "post_ratio": round(statistics.median(write[busy]) / statistics.median(write[normal]), 2),
    }))


if __name__ == "__main__":
    main()
