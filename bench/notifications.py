"""Notifications: how soon a webhook arrives after the change that caused it, and how many one worker sends.

Latency: N packages are delivered one at a time (``record_scans`` of one scan each, a few ms apart) with
the notification loop running as in ``parceltrail worker`` (default settings: idle poll every 0.25 s,
8 sends at once). The endpoint subscribes to ``package.delivered`` (sent at once; status_changed waits
out the coalescing window by design). Latency is from ``record_scans`` returning (the change and its
outbox row committed) to the receiver reading the request; p50 and p99.

Throughput: a burst of M packages delivered in one batch of scans; messages/s is M over the time from
the burst being accepted to the last delivery received, planning and signing included. Baseline, in the
same run against the same receiver: a bare loop of signed HTTP POSTs of the same bodies, on the same
number of threads, with nothing stored (what sending alone costs). The ratio is what the outbox, claims
and attempt records cost on top.

Prints JSON; medians of --repeat runs, each on a fresh database.

    .venv/bin/python bench/notifications.py [--latency 200] [--burst 1000] [--repeat 3] [--database-url URL]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py (named by issue 3) would shadow the standard library's numbers module: drop this folder.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import json
import logging
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pydantic import SecretStr

from parceltrail.carriers.webhooks import new_secret
from parceltrail.core import Package, PackageState, TrackingEvent
from parceltrail.notify.channels.webhook import deliver
from parceltrail.outbound import guarded_client
from parceltrail.services import create_shop, record_scans
from parceltrail.services.webhook_endpoints import Guard, create_endpoint
from parceltrail.settings import Settings
from parceltrail.store import UnitOfWork, make_engine, migrate
from parceltrail.store.ids import new_id
from parceltrail.worker.notify import NotifyLoop, build_sender

KEY = "bench-secret-key"


class Receiver:
    """A webhook receiver on a free port: notes when each delivery's package arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.count = 0
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                at = time.perf_counter()
                package = json.loads(body).get("data", {}).get("package", {}).get("id", "")
                with owner.lock:
                    owner.arrived.setdefault(package, at)
                    owner.count += 1
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int, timeout: float = 300) -> float:
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                if len(self.arrived) >= count:
                    return max(self.arrived.values())
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.arrived)} of {count} deliveries arrived")
            time.sleep(0.002)


def packages(uow: UnitOfWork, shop_id: str, count: int) -> list[str]:
    now = datetime.now(UTC)
    ids = [new_id("pkg") for _ in range(count)]
    with uow:
        for i, pid in enumerate(ids):
            uow.packages.add(Package(pid, shop_id, f"PTBENCH{i:010d}", "ups", now, now, state=PackageState()))
        uow.commit()
    return ids


def delivered(minutes_ago: int = 5) -> TrackingEvent:
    return TrackingEvent.create(datetime.now(UTC) - timedelta(minutes=minutes_ago), "delivered", carrier_code="DL")


def one_run(database_url: str | None, latency_n: int, burst_n: int) -> dict:
    folder = tempfile.mkdtemp(prefix="pt-bench-notify-")
    url = database_url or f"sqlite:///{folder}/bench.db"
    engine = make_engine(url)
    migrate(engine)
    settings = Settings(database_url=url, secret_key=SecretStr(KEY), webhooks_allow_private=True)
    uow = UnitOfWork(engine)
    shop = create_shop(uow, f"Bench {new_id('s')}").shop
    receiver = Receiver()
    create_endpoint(uow, shop.id, receiver.url, ["package.delivered"], None, KEY, Guard(allow_private=True))
    loop = NotifyLoop(engine, build_sender(settings), settings.notify_every_seconds,
                      timedelta(seconds=settings.notify_coalesce_seconds))
    loop.start()
    try:
        ids = packages(uow, shop.id, latency_n + burst_n)
        accepted: dict[str, float] = {}
        for pid in ids[:latency_n]:
            record_scans(uow, shop.id, {pid: [delivered()]}, "api")
            accepted[pid] = time.perf_counter()
            time.sleep(0.005)
        receiver.wait(latency_n)
        waits = sorted((receiver.arrived[pid] - accepted[pid]) * 1000 for pid in ids[:latency_n])
        burst = ids[latency_n:]
        start = time.perf_counter()
        record_scans(uow, shop.id, {pid: [delivered()] for pid in burst}, "api")
        last = receiver.wait(latency_n + burst_n)
        worker_rate = burst_n / (last - start)
    finally:
        loop.stop()
    baseline = bare_posts(receiver.url, burst_n, settings.notify_concurrency)
    receiver.server.shutdown()
    engine.dispose()
    return {"p50_ms": statistics.median(waits), "p99_ms": waits[min(len(waits) - 1, int(len(waits) * 0.99))],
            "worker_msgs_per_s": worker_rate, "bare_posts_per_s": baseline, "ratio": worker_rate / baseline}


def bare_posts(url: str, count: int, threads: int) -> float:
    """The baseline: the same signed POSTs on the same number of threads, nothing stored."""
    secret = new_secret()
    body = json.dumps({"type": "package.delivered", "timestamp": "2026-11-24T15:00:00Z",
                       "data": {"package": {"id": "pkg_baseline", "status": "delivered"}}}).encode()
    with guarded_client(allow_private=True) as http:
        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(lambda i: deliver(http, url, f"msg_base{i}", body, [secret]), range(count)))
        took = time.perf_counter() - start
    assert all(r.ok for r in results)
    return count / took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=int, default=200, help="packages delivered one at a time")
    parser.add_argument("--burst", type=int, default=1000, help="packages delivered in one batch")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file per run")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    runs = [one_run(args.database_url, args.latency, args.burst) for _ in range(args.repeat)]
    result = {key: round(statistics.median(r[key] for r in runs), 3) for key in runs[0]}
    print(json.dumps({"bench": "notifications", "latency_events": args.latency, "burst": args.burst,
                      "repeat": args.repeat, "database": "postgresql" if args.database_url else "sqlite",
                      "baseline": "bare signed POST loop, same receiver, same thread count, nothing stored",
                      **result, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
