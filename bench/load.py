"""Mixed load against the service, and against a bare FastAPI app doing the same queries on the same database.

The workload (per request, drawn at random): 50% `GET /v1/packages/{id}`, 30% `GET /v1/packages?limit=50`
(the 80% reads), 10% `POST /v1/packages/{id}/events` with one new scan and 10% a signed sandbox push to
`POST /v1/hooks/sandbox` (the 20% writes), spread over 10 shops of 200 parcels with 10 scans each. Each
client is a thread with its own keep-alive connection, sending as fast as answers come, for --seconds
at 1, 8 and 32 clients. Targets, each a real server process on 127.0.0.1, all on one database:

- `service`: `parceltrail serve --no-worker` (the push inbox fills; nothing drains it during the run);
- `anchor`: bench/load_anchor.py, bare FastAPI with the same queries (the baseline the ratios use);
- `writers`: the service again with 8 clients sending only the two writes (write p99 / p50);
- `readers`: service and anchor with 8 clients sending only the two reads;
- `service x2`: `serve --no-worker --workers 2` at 32 clients, against the one-process service;
- `compare` (with --compare-src DIR): the service run from another source tree, e.g. an export of the commit
  a change starts from, measured beside the others so a change's before and after see the same machine.

SQLite by default (a fresh file); `--database-url postgresql+psycopg://...` (an empty database) for
PostgreSQL, e.g. `scripts/with-postgres sh -c '.venv/bin/python bench/load.py --database-url
"$PARCELTRAIL_TEST_DATABASE_URL"'`. Prints JSON: req/s, p50 and p99 per kind, the server processes' CPU
time per request (read from /proc: what a request costs whatever else the machine does), and the ratios.

    .venv/bin/python bench/load.py [--seconds 10] [--clients 1,8,32] [--repeat 3] [--database-url URL]
                                   [--compare-src DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py (named by issue 3) would shadow the standard library's numbers module: drop this folder.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import text

from parceltrail.carriers import sandbox
from parceltrail.carriers.sandbox.webhooks import sign
from parceltrail.core import Address, Package, PackageState
from parceltrail.services import create_shop, ingest_many
from parceltrail.services.estimates import revise_estimates
from parceltrail.store import UnitOfWork, make_engine, migrate
from parceltrail.store.ids import new_id

HERE = Path(__file__).resolve().parent
SECRET = "whsec_" + "bG9hZC1iZW5jaC1zZWNyZXQtMDEyMzQ1Njc4OWFi"
SHIPPED = datetime(2026, 10, 5, 14, 30, tzinfo=UTC)
SHOPS, PARCELS, SCANS = 10, 200, 10
READS = {"detail": 0.5, "list": 0.3}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(database_url: str) -> list[dict]:
    """Shops with sandbox parcels, their scans and estimates; returns each shop's key and parcels."""
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as c:
            c.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            c.execute(text("CREATE SCHEMA public"))
    migrate(engine)
    uow = UnitOfWork(engine)
    shops = []
    for s in range(SHOPS):
        made = create_shop(uow, f"Load shop {s}")
        now = datetime.now(UTC)
        numbers = [sandbox.encode(SHIPPED, sandbox.Service.GROUND, sandbox.Scenario.NORMAL, s * 10_000 + i)
                   for i in range(PARCELS)]
        parcels = [Package(new_id("pkg"), made.shop.id, n, "sandbox", now, now, state=PackageState(),
                           destination=Address(postal_code="40213", country="US")) for n in numbers]
        with uow:
            for p in parcels:
                uow.packages.add(p)
            uow.commit()
        at = SHIPPED + timedelta(days=5)
        ingest_many(uow, made.shop.id, {p.id: list(sandbox.parse(sandbox.tracking_body(p.tracking_number, at))
                                                   .events)[:SCANS] for p in parcels})
        revise_estimates(uow, [p.id for p in parcels], now)
        shops.append({"key": made.api_key, "parcels": [(p.id, p.tracking_number) for p in parcels]})
    engine.dispose()
    return shops


class Target:
    """One server process (or supervisor) under load, started and stopped by its pid."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [a.replace("{port}", str(self.port)) for a in args]
        self.process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/v1/packages", timeout=5)
                return
            except httpx.TransportError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{name} did not start")

    def cpu_seconds(self) -> float:
        """CPU time the server's processes have used (the supervisor and its API processes): what a
        request costs, whatever else the machine is doing meanwhile."""
        ticks, pending = 0, [self.process.pid]
        while pending:
            pid = pending.pop()
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
                pending += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
            except (OSError, IndexError, ValueError):
                continue
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Client(threading.Thread):
    """Sends the mix until told to stop; keeps (kind, seconds, status) of every answer."""

    def __init__(self, url: str, shops: list[dict], seed_: int, mix: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.http = httpx.Client(base_url=url, timeout=60)
        self.shops, self.rng, self.stop = shops, random.Random(seed_), stop
        self.low, self.span = {"mixed": (0.0, 1.0), "reads": (0.0, 0.8), "writes": (0.8, 0.2)}[mix]
        self.seen: list[tuple[str, float, int]] = []
        self.serial = (seed_ % 1000) * 100_000  # a second per scan: 32 clients stay within weeks, in the past
        self.run_id = uuid.uuid4().hex[:12]  # push ids never repeat across cells (a reused id is a 409)

    def run(self) -> None:
        while not self.stop.is_set():
            shop = self.rng.choice(self.shops)
            auth = {"Authorization": f"Bearer {shop['key']}"}
            pid, number = self.rng.choice(shop["parcels"])
            draw = self.low + self.rng.random() * self.span
            started = time.perf_counter()
            if draw < READS["detail"]:
                kind, answer = "read", self.http.get(f"/v1/packages/{pid}", headers=auth)
            elif draw < READS["detail"] + READS["list"]:
                kind, answer = "read", self.http.get("/v1/packages", params={"limit": 50}, headers=auth)
            elif draw < 0.9:
                kind, answer = "write", self.http.post(f"/v1/packages/{pid}/events", headers=auth, json=self.scan())
            else:
                kind, answer = "write", self.push(number)
            self.seen.append((kind, time.perf_counter() - started, answer.status_code))

    def scan(self) -> dict:
        self.serial += 1
        at = SHIPPED + timedelta(days=6, seconds=self.serial)
        code, sub = ("AR", "arrived_at_facility") if self.serial % 2 else ("DP", "departed_facility")
        return {"events": [{"occurred_at": at.isoformat(), "status": "in_transit", "substatus": sub,
                            "carrier_code": code, "description": "load scan",
                            "location": {"city": "Memphis", "region": "TN", "country": "US"}}]}

    def push(self, number: str) -> httpx.Response:
        self.serial += 1
        body = json.dumps(sandbox.tracking_body(number, SHIPPED + timedelta(days=5))).encode()
        headers = {**sign(body, SECRET, f"load_{self.run_id}_{self.serial}", int(time.time())), "Content-Type": "application/json"}
        return self.http.post("/v1/hooks/sandbox", content=body, headers=headers)


def measure(target: Target, shops: list[dict], clients: int, seconds: float, mix: str = "mixed") -> dict:
    stop = threading.Event()
    threads = [Client(target.url, shops, 1000 * clients + n, mix, stop) for n in range(clients)]
    cpu = target.cpu_seconds()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    cpu = target.cpu_seconds() - cpu
    seen = [s for t in threads for s in t.seen]
    out = {"clients": clients, "requests": len(seen), "rps": round(len(seen) / seconds, 1),
           "errors": sum(1 for _, _, status in seen if status >= 400),
           "error_statuses": dict(Counter(str(status) for _, _, status in seen if status >= 400)),
           "server_cpu_ms_per_request": round(cpu * 1000 / max(1, len(seen)), 2)}
    for kind in ("read", "write"):
        times = sorted(s for k, s, _ in seen if k == kind)
        if times:
            out[f"{kind}_rps"] = round(len(times) / seconds, 1)
            out[f"{kind}_p50_ms"] = round(statistics.median(times) * 1000, 1)
            out[f"{kind}_p99_ms"] = round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, 1)
    return out


def warm_up(target: Target, shops: list[dict]) -> None:
    """Unmeasured requests first: a fresh process fills its statement caches and connection pool on them."""
    measure(target, shops, 4, 2.0)


def one_run(url: str, env: dict[str, str], shops: list[dict], levels: list[int], seconds: float,
            compare_src: str | None = None) -> dict:
    """Every level against the service and the anchor (and the service built from ``compare_src``),
    interleaved so all see the machine's same load."""
    serve = [sys.executable, "-m", "parceltrail", "serve", "--no-worker", "--port", "{port}"]
    anchor_args = [sys.executable, str(HERE / "load_anchor.py"), "--port", "{port}", "--database-url", url,
                   "--hook-secret", SECRET]
    targets = {"service": Target("service", serve, env)}
    if compare_src:
        # the same command with another source tree first on the path (a worktree of the base commit)
        targets["compare"] = Target("compare", serve, {**env, "PYTHONPATH": str(Path(compare_src) / "src")})
    targets["anchor"] = Target("anchor", anchor_args, env)
    out: dict = {name: [] for name in targets}
    try:
        for target in targets.values():
            warm_up(target, shops)
        for clients in levels:
            for name, target in targets.items():
                out[name].append(measure(target, shops, clients, seconds))
        out["writers"] = measure(targets["service"], shops, 8, seconds, mix="writes")
        if "compare" in targets:
            out["writers_compare"] = measure(targets["compare"], shops, 8, seconds, mix="writes")
        out["readers"] = {name: measure(target, shops, 8, seconds, mix="reads") for name, target in targets.items()}
    finally:
        for target in targets.values():
            target.stop()
    two = Target("service x2", serve + ["--workers", "2"], env)
    try:
        warm_up(two, shops)
        out["service_x2"] = measure(two, shops, max(levels), seconds)
    finally:
        two.stop()
    for name in targets.keys() - {"anchor"}:
        suffix = "" if name == "service" else f"_{name}"
        readers = out["readers"]
        out["read_ratio_to_anchor" + suffix] = {
            str(s["clients"]): round(s["read_rps"] / a["read_rps"], 2)
            for s, a in zip(out[name], out["anchor"], strict=True)}
        out["reads_only_cpu_anchor_over_service" + suffix] = round(
            readers["anchor"]["server_cpu_ms_per_request"] / readers[name]["server_cpu_ms_per_request"], 2)
        out["cpu_per_request_anchor_over_service" + suffix] = {
            str(s["clients"]): round(a["server_cpu_ms_per_request"] / s["server_cpu_ms_per_request"], 2)
            for s, a in zip(out[name], out["anchor"], strict=True)}
    for key in ("writers", "writers_compare"):
        if key in out:
            out[key + "_p99_over_p50"] = round(out[key]["write_p99_ms"] / out[key]["write_p50_ms"], 1)
    out["two_processes_over_one"] = round(out["service_x2"]["rps"] / out["service"][-1]["rps"], 2)
    out["load_average_after"] = os.getloadavg()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--compare-src", default=None,
                        help="also run the service from this source tree (e.g. a checkout of the base commit), "
                             "interleaved with the others: a change's before and after under the same load")
    args = parser.parse_args()
    levels = sorted(int(c) for c in args.clients.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'load.db'}"
        shops = seed(url)
        env = {**os.environ, "PARCELTRAIL_DATABASE_URL": url, "PARCELTRAIL_QUEUE_URL": f"sqlite:///{Path(tmp) / 'q.db'}",
               "PARCELTRAIL_HOOK_SECRETS": json.dumps({"sandbox": SECRET}),
               # a load test is as fast as answers come from one address: rate limits off, as an operator
               # measuring capacity would set them (PARCELTRAIL_RATE_LIMIT_*, docs/operations.md)
               "PARCELTRAIL_RATE_LIMIT_PER_KEY": "0", "PARCELTRAIL_RATE_LIMIT_PUSH": "0"}
        runs = [one_run(url, env, shops, levels, args.seconds, args.compare_src) for _ in range(args.repeat)]
    median = lambda values: round(statistics.median(values), 2)
    summary = {"database": make_engine(url).dialect.name, "seconds": args.seconds, "repeat": args.repeat,
               "load_average": os.getloadavg()}
    for key in ("writers_p99_over_p50", "writers_compare_p99_over_p50", "two_processes_over_one"):
        if key in runs[0]:
            summary[key] = median([r[key] for r in runs])
    for key in [k for k in runs[0] if k.startswith(("read_ratio_to_anchor", "reads_only_cpu", "cpu_per_request"))]:
        first = runs[0][key]
        summary[key] = ({k: median([r[key][k] for r in runs]) for k in first} if isinstance(first, dict)
                        else median([r[key] for r in runs]))
    summary["medians"] = medians(runs)
    summary["runs"] = runs
    print(json.dumps(summary))


def medians(runs: list[dict]) -> dict:
    """Per target and level, the median over the runs of each figure (what docs/performance.md quotes)."""
    def merged(cells: list[dict]) -> dict:
        return {k: round(statistics.median([c[k] for c in cells if k in c]), 2) for k in cells[0]
                if k != "error_statuses"}
    out: dict = {}
    for name in ("service", "compare", "anchor"):
        if name in runs[0]:
            out[name] = [merged([r[name][i] for r in runs]) for i in range(len(runs[0][name]))]
    out["readers"] = {name: merged([r["readers"][name] for r in runs]) for name in runs[0]["readers"]}
    for key in ("writers", "writers_compare"):
        if key in runs[0]:
            out[key] = merged([r[key] for r in runs])
    out["service_x2"] = merged([r["service_x2"] for r in runs])
    return out


if __name__ == "__main__":
    main()
