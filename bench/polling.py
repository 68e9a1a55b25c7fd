"""Polling at scale: one scheduler tick's claim over 100,000 packages, and one worker's sustained poll rate.

Setup: a fresh SQLite file (WAL) with ``--packages`` sandbox packages bulk-inserted straight into the
``packages`` table (registering each through the service would also compute an estimate per package and
take minutes; polling reads nothing else). ``--due-share`` of them are due at NOW, 30% are no longer
polled (next_check_at NULL: delivered or returned), the rest come due over the next 24 hours.

Claim: ``uow.polling.claim_due(now, --claim-limit, LEASE, token)`` in its own transaction, exactly as
``Poller.tick`` opens it (BEGIN IMMEDIATE, UPDATE .. RETURNING, COMMIT); the claim is released (untimed)
between runs so every run claims the same rows. Baseline, interleaved run by run: the plain indexed
``SELECT id .. WHERE next_check_at <= ? ORDER BY next_check_at LIMIT n`` of the same due ids with sqlite3.

Throughput: the sandbox network app served by uvicorn on 127.0.0.1 (rate limit OFF, and the poller's
own per-carrier pacing made a no-op, so this measures us, not a limiter; the sandbox's real limit is 20
requests/s x 25 numbers), a ``Poller`` pointed at it ticking (``--claim-limit`` a tick) until ``--poll``
freshly due packages are done: claim, fetch in batches of 25, parse, ``record_scans`` (ingest + estimate
revision), reschedule. "first look" packages have never been polled, so every visible scan is new;
"re-look" polls the same packages again 6 simulated hours later, when about one in four has a new scan
(the steady state). Baseline, interleaved run by run: raw ``fetch_many`` of the same numbers with the
same client, no parse, no database.
By default the network runs in a thread of this process (so it shares the GIL with the worker, as in the
demo); ``--server process`` runs it in a child process, on the machine's other core.

Prints one JSON object: medians of --repeat runs; ratios are medians of per-run ratios.

    .venv/bin/python bench/polling.py [--packages 100000] [--poll 2000] [--repeat 5] [--server thread|process]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py (named by issue 3) would shadow the standard library's numbers module: drop this folder.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import json
import random
import secrets
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, insert, update

from parceltrail.carriers.sandbox import (
    MAX_NUMBERS_PER_REQUEST,
    SandboxCredentials,
    Scenario,
    Service,
    encode,
    fetch_many,
)
from parceltrail.services import create_shop
from parceltrail.services.adapters import RateLimiter
from parceltrail.services.polling import LEASE, Poller
from parceltrail.store import UnitOfWork, make_engine, migrate
from parceltrail.store.tables import packages

NOW = datetime(2026, 11, 12, 15, 0, tzinfo=UTC)
"""A fixed Thursday afternoon: parcels shipped over the 10 days before it are at every stage of their trip."""
RELOOK_AFTER = timedelta(hours=6)
STOPPED_SHARE = 0.3
WARM_UP = 100
SERVICES = [Service.GROUND] * 12 + [Service.ECONOMY] * 5 + [Service.EXPRESS] * 3
SCENARIOS = [Scenario.NORMAL] * 9 + [s for s in Scenario if s is not Scenario.NORMAL]


class Moment:
    """The sandbox network's clock: stands still at whatever the bench sets, so both sides agree on "now"."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


# -- the database ------------------------------------------------------------------------------------------


def build_database(
    root: Path, count: int, due_share: float, rng: random.Random
) -> tuple[object, str, list[dict]]:
    """A migrated SQLite file with ``count`` sandbox packages; returns (engine, shop id, the rows)."""
    engine = make_engine(f"sqlite:///{root / 'polling.db'}")
    migrate(engine)
    shop_id = create_shop(UnitOfWork(engine), "Bench shop").shop.id
    rows, seen = [], set()
    for i in range(count):
        shipped = NOW - timedelta(minutes=rng.randrange(10 * 24 * 60))
        while True:
            number = encode(shipped, rng.choice(SERVICES), rng.choice(SCENARIOS), rng.randrange(10_000_000))
            if number not in seen:
                seen.add(number)
                break
        draw = rng.random()
        if draw < due_share:
            next_check = NOW - timedelta(seconds=rng.randrange(1, 3600))
        elif draw < due_share + STOPPED_SHARE:
            next_check = None
        else:
            next_check = NOW + timedelta(seconds=rng.randrange(60, 24 * 3600))
        rows.append(
            {
                "id": f"pkg_bench{i:08d}",
                "shop_id": shop_id,
                "tracking_number": number,
                "carrier": "sandbox",
                "carrier_key": "sandbox",
                "status": "pending",
                "substatus": "pending",
                "event_count": 0,
                "created_at": shipped,
                "updated_at": shipped,
                "service": None,
                "next_check_at": next_check,
                "check_failures": 0,
            }
        )
    with engine.begin() as connection:
        for start in range(0, len(rows), 10_000):
            connection.execute(insert(packages), rows[start : start + 10_000])
    return engine, shop_id, rows


def add_places(engine, rows: list[dict]) -> None:
    """Origin, destination and service of the packages the throughput runs poll, as the demo registers them.

    Only for those: a journey costs about a millisecond. The journey cache is emptied afterwards so the
    network computes each journey itself, as it would for a worker in another process.
    """
    from parceltrail.carriers.sandbox import journey

    values = []
    for r in rows:
        trip = journey(r["tracking_number"])
        values.append(
            {
                "pid": r["id"],
                "op": trip.origin.postal_code,
                "dp": trip.destination.postal_code,
                "sv": trip.service.name.lower(),
            }
        )
    journey.cache_clear()
    with engine.begin() as connection:
        connection.execute(
            update(packages)
            .where(packages.c.id == bindparam("pid"))
            .values(
                origin_postal_code=bindparam("op"),
                origin_country="US",
                dest_postal_code=bindparam("dp"),
                dest_country="US",
                service=bindparam("sv"),
            ),
            values,
        )


def release(engine, token: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(packages)
            .where(packages.c.claim_token == token)
            .values(claimed_until=None, claim_token=None)
        )


def arm(engine, ids: list[str], at: datetime) -> None:
    """Make exactly these packages due at ``at`` (and no others that were due before)."""
    with engine.begin() as connection:
        connection.execute(
            update(packages).where(packages.c.next_check_at <= at).values(next_check_at=at + LEASE)
        )
        for start in range(0, len(ids), 900):
            connection.execute(
                update(packages)
                .where(packages.c.id.in_(ids[start : start + 900]))
                .values(next_check_at=at - timedelta(minutes=1), claimed_until=None, claim_token=None)
            )


# -- (a) the claim -----------------------------------------------------------------------------------------


def time_claim(engine, limit: int) -> tuple[float, int]:
    uow, token = UnitOfWork(engine), secrets.token_hex(8)
    started = time.perf_counter()
    with uow:
        claimed = uow.polling.claim_due(NOW, limit, LEASE, token)
        uow.commit()
    elapsed = time.perf_counter() - started
    release(engine, token)
    return elapsed, len(claimed)


def time_select(connection: sqlite3.Connection, limit: int) -> tuple[float, int]:
    """The baseline: the same due ids by a plain indexed SELECT (no lock, no write, no commit)."""
    started = time.perf_counter()
    ids = connection.execute(
        "SELECT id FROM packages WHERE next_check_at <= ? ORDER BY next_check_at LIMIT ?",
        (f"{NOW.replace(tzinfo=None):%Y-%m-%d %H:%M:%S.%f}", limit),
    ).fetchall()
    return time.perf_counter() - started, len(ids)


def claim_bench(engine, path: Path, limit: int, repeat: int) -> dict:
    claims, selects = [], []
    connection = sqlite3.connect(path)  # opened once, as the engine's pool keeps its connections
    try:
        for _ in range(repeat):
            seconds, claimed = time_claim(engine, limit)
            claims.append(seconds)
            seconds, selected = time_select(connection, limit)
            selects.append(seconds)
    finally:
        connection.close()
    assert claimed == selected > 0, (claimed, selected)
    claim_ms, select_ms = statistics.median(claims) * 1e3, statistics.median(selects) * 1e3
    ratio = statistics.median(s / c for s, c in zip(selects, claims, strict=True))
    return {
        "claimed": claimed,
        "claim_ms": round(claim_ms, 2),
        "select_ms": round(select_ms, 2),
        "ratio_select_over_claim": round(ratio, 3),
    }


# -- (b) one worker's sustained rate -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_network(port: int, clock: Moment) -> object:
    """uvicorn serving the sandbox network (rate limit off) in a thread; returns the uvicorn server."""
    import uvicorn

    from parceltrail.carriers.sandbox import SandboxNetwork, create_network_app

    network = SandboxNetwork(clock, fetch_log_limit=1_000)
    app = create_network_app(network, requests_per_second=None)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the sandbox network did not start")
        time.sleep(0.02)
    return server


class Network:
    """The sandbox network at ``url``: in a thread of this process, or in a child process (``--server``).

    A child process cannot share the ``Moment`` object, so there the clock is set over stdin.
    """

    def __init__(self, mode: str) -> None:
        self.mode, self.port = mode, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.clock = Moment(NOW)
        if mode == "thread":
            self.server = serve_network(self.port, self.clock)
            return
        self.child = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(self.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self.child.stdout.readline().strip() != "ready":
            raise RuntimeError("the sandbox network process did not start")

    def set_time(self, at: datetime) -> None:
        self.clock.at = at
        if self.mode == "process":
            self.child.stdin.write(at.isoformat() + "\n")
            self.child.stdin.flush()
            if self.child.stdout.readline().strip() != "ok":
                raise RuntimeError("the sandbox network process did not take the time")

    def close(self) -> None:
        if self.mode == "thread":
            self.server.should_exit = True
        else:
            self.child.stdin.close()
            self.child.wait(timeout=10)


def child_main(port: int) -> None:
    """``--serve PORT``: run the network here; each stdin line sets its clock; EOF stops it."""
    clock = Moment(NOW)
    server = serve_network(port, clock)
    print("ready", flush=True)
    for line in sys.stdin:
        clock.at = datetime.fromisoformat(line.strip())
        print("ok", flush=True)
    server.should_exit = True


def raw_fetch(client, credentials, numbers: list[str]) -> float:
    """The baseline: the same numbers over the same HTTP client in batches of 25, bodies unread."""
    started = time.perf_counter()
    for start in range(0, len(numbers), MAX_NUMBERS_PER_REQUEST):
        fetch_many(numbers[start : start + MAX_NUMBERS_PER_REQUEST], credentials, client)
    return time.perf_counter() - started


def poll_all(engine, poller: Poller, at: datetime, expected: int) -> tuple[float, dict]:
    """Tick at ``at`` until the armed packages are all done; (seconds, summed tick report)."""
    uow, totals = (
        UnitOfWork(engine),
        {
            "claimed": 0,
            "fetched": 0,
            "requests": 0,
            "new_events": 0,
            "failed": 0,
            "status_changes": 0,
            "ticks": 0,
        },
    )
    started = time.perf_counter()
    while totals["claimed"] < expected:
        report = poller.tick(uow, at)
        if report.claimed == 0:
            break
        totals["ticks"] += 1
        for key in ("claimed", "fetched", "requests", "new_events", "failed", "status_changes"):
            totals[key] += getattr(report, key)
    elapsed = time.perf_counter() - started
    if totals["claimed"] != expected or totals["failed"]:
        raise RuntimeError(f"polling went wrong: {totals}, expected {expected} claimed and none failed")
    return elapsed, totals


def throughput_bench(engine, rows: list[dict], poll: int, repeat: int, mode: str, batch: int) -> dict:
    from parceltrail.carriers.transport import CarrierClient

    network = Network(mode)
    credentials = SandboxCredentials(base_url=network.url)
    runs: dict[str, list[float]] = {
        k: []
        for k in (
            "raw_fetch_per_s",
            "first_fetch_per_s",
            "first_events_per_s",
            "relook_fetch_per_s",
            "relook_events_per_s",
            "first_tick_seconds",
        )
    }
    events_per_package = []
    no_pacing = RateLimiter(sleep=lambda seconds: None)
    try:
        with CarrierClient(timeout=30) as client:
            poller = Poller(
                client=client,
                credentials_for=lambda shop_id, carrier: credentials,
                limiter=no_pacing,
                rng=random.Random(7),
                batch=batch,
            )
            warm = rows[-WARM_UP:]  # connections, the ZIP tables, the parsers: loaded once, not measured
            raw_fetch(client, credentials, [r["tracking_number"] for r in warm])
            arm(engine, [r["id"] for r in warm], NOW)
            poll_all(engine, poller, NOW, len(warm))
            for k in range(repeat):
                chosen = rows[k * poll : (k + 1) * poll]
                ids, numbers = [r["id"] for r in chosen], [r["tracking_number"] for r in chosen]
                network.set_time(NOW)
                runs["raw_fetch_per_s"].append(poll / raw_fetch(client, credentials, numbers))
                arm(engine, ids, NOW)
                seconds, first = poll_all(engine, poller, NOW, poll)
                runs["first_fetch_per_s"].append(first["fetched"] / seconds)
                runs["first_events_per_s"].append(first["new_events"] / seconds)
                events_per_package.append(first["new_events"] / poll)
                runs["first_tick_seconds"].append(seconds / first["ticks"])
                later = NOW + RELOOK_AFTER
                network.set_time(later)
                arm(engine, ids, later)
                seconds, again = poll_all(engine, poller, later, poll)
                runs["relook_fetch_per_s"].append(again["fetched"] / seconds)
                runs["relook_events_per_s"].append(again["new_events"] / seconds)
    finally:
        network.close()
    out: dict = {key: round(statistics.median(values)) for key, values in runs.items()}
    out["first_tick_seconds"] = round(statistics.median(runs["first_tick_seconds"]), 2)
    out["first_events_per_package"] = round(statistics.median(events_per_package), 2)
    out["relook_new_events_last_run"] = again["new_events"]
    for phase in ("first", "relook"):  # per-run ratios: each run's poll and raw fetch shared the same load
        ratios = [p / r for p, r in zip(runs[f"{phase}_fetch_per_s"], runs["raw_fetch_per_s"], strict=True)]
        out[f"ratio_{phase}_over_raw"] = round(statistics.median(ratios), 3)
    out["ticks_per_run"] = first["ticks"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=100_000)
    parser.add_argument("--due-share", type=float, default=0.02)
    parser.add_argument("--claim-limit", type=int, default=500, help="packages a tick claims (Poller.batch)")
    parser.add_argument("--poll", type=int, default=2_000, help="packages polled per throughput run")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--server", choices=("thread", "process"), default="thread")
    parser.add_argument("--seed", type=int, default=20261112)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        child_main(args.serve)
        return
    if args.poll * args.repeat + WARM_UP > args.packages:
        parser.error(
            "--poll x --repeat must not exceed --packages: every run polls packages never polled before"
        )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        engine, _, rows = build_database(root, args.packages, args.due_share, random.Random(args.seed))
        built = time.perf_counter() - started
        claim = claim_bench(engine, root / "polling.db", args.claim_limit, max(args.repeat, 9))
        due = UnitOfWork(engine)
        with due.read():
            due_now = due.polling.due_count(NOW)
        add_places(engine, rows[: args.poll * args.repeat] + rows[-WARM_UP:])
        poll = throughput_bench(engine, rows, args.poll, args.repeat, args.server, args.claim_limit)
        engine.dispose()
    print(
        json.dumps(
            {
                "packages": args.packages,
                "due_at_now": due_now,
                "build_seconds": round(built, 1),
                "claim": {"limit": args.claim_limit, **claim},
                "poll": {
                    "packages_per_run": args.poll,
                    "repeat": args.repeat,
                    "server": args.server,
                    "batch": MAX_NUMBERS_PER_REQUEST,
                    **poll,
                },
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
