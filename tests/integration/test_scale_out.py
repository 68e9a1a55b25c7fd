"""Scale-out for real (issue 25 item 10): 2 API processes and 2 workers on PostgreSQL + Redis, killed midway.

``parceltrail serve --no-worker --workers 2`` (two API processes on one port) and two ``parceltrail
worker`` processes, all on the test's PostgreSQL and a throwaway Redis (Huey's Redis storage), with the
sandbox carrier network served by this test on a clock that runs 8 days of journeys in about 90 s, then
stops. 1,000 parcels are registered through the API; the workers poll the network (at the operator's
``PARCELTRAIL_SANDBOX_BASE_URL``) and 60% of the parcels are also pushed, signed, to the API. Midway a
worker and an API process are killed with SIGKILL; the worker is started again, uvicorn's supervisor
replaces the API process. Then, once the clock has stopped and everything visible has arrived:

- every parcel holds exactly the scans the carrier shows (none lost, none twice), and its state is the
  re-fold of its stored events;
- no claim on a package was taken while another worker's claim on it still held (a trigger logs every
  claim in PostgreSQL itself);
- every push is processed, no request was answered 5xx, every process still answers;
- the shop's webhook endpoint heard ``package.delivered`` once for every delivered parcel: no parcel's
  delivery under two webhook-ids (a webhook the killed worker held may be resent under its own id).

Runs in the PostgreSQL pass of ``make test`` only, where ``scripts/with-redis`` provides Redis.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.conftest import HUNG, LiveServer, free_port

pytestmark = pytest.mark.slow

PARCELS = 1000
PUSHED = 0.6
JOURNEY_DAYS = 8
CLOCK_SECONDS = 90  # real seconds for JOURNEY_DAYS of carrier time
LEASE_SECONDS = 15
SECRET = "whsec_" + "c2NhbGUtb3V0LXRlc3Qtc2VjcmV0LTAxMjM0NTY3"
SERVER_KEY = "scale-out-test-server-key"


class StoppingClock:
    """Carrier time from ``end - JOURNEY_DAYS`` running fast until ``end`` (now, at the start), then still.

    Every scan is therefore in the past for the workers (who use the wall clock), and what the network
    shows at ``end`` is final: the test compares the database with it.
    """

    def __init__(self) -> None:
        self.end = datetime.now(UTC).replace(microsecond=0)
        self.start = self.end - timedelta(days=JOURNEY_DAYS)
        self.speed = JOURNEY_DAYS * 86400 / CLOCK_SECONDS
        self.real_start: float | None = None

    def run(self) -> None:
        """Start the clock (it shows ``start`` until then)."""
        self.real_start = time.monotonic()

    def now(self) -> datetime:
        if self.real_start is None:
            return self.start
        return min(self.end, self.start + timedelta(seconds=(time.monotonic() - self.real_start) * self.speed))


class Fleet:
    """The processes under test, each started (and stopped, and killed) by its own pid."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env, self.port = root, env, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self._logs: list = []

    def _start(self, name: str, *args: str) -> subprocess.Popen:
        log = (self.root / f"{name}.log").open("ab")
        self._logs.append(log)
        return subprocess.Popen([sys.executable, "-m", "parceltrail", *args], env=self.env, stdout=log,
                                stderr=subprocess.STDOUT)

    def start_api(self) -> None:
        self.api = self._start("api", "serve", "--no-worker", "--workers", "2", "--port", str(self.port))

    def start_worker(self, n: int) -> subprocess.Popen:
        worker = self._start(f"worker{n}", "worker")
        if n < len(self.workers):
            self.workers[n] = worker
        else:
            self.workers.append(worker)
        return worker

    def api_children(self) -> list[int]:
        """The API processes uvicorn's supervisor runs (not its multiprocessing resource tracker)."""
        assert self.api is not None
        pids = Path(f"/proc/{self.api.pid}/task/{self.api.pid}/children").read_text().split()
        return [int(p) for p in pids if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=10).status_code == 200 and len(self.api_children()) == 2:
                    return
            except (httpx.TransportError, OSError):
                pass
            assert self.api is not None and self.api.poll() is None, self.tail("api")
            time.sleep(0.5)
        raise AssertionError("the API processes did not start\n" + self.tail("api"))

    def tail(self, name: str, lines: int = 40) -> str:
        path = self.root / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop(self) -> None:
        for process in [p for p in (self.api, *self.workers) if p is not None]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [p for p in (self.api, *self.workers) if p is not None]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self._logs:
            log.close()


class Traffic:
    """The shop's and the carrier's side: registrations through the API, pushes from two pushers."""

    def __init__(self, url: str, key: str) -> None:
        self.url, self.key = url, key
        self.server_errors: list[str] = []
        self.lock = threading.Lock()

    def call(self, client: httpx.Client, method: str, path: str, **kwargs) -> httpx.Response:
        """One call, retried while the API process behind the port is being replaced."""
        for _ in range(120):
            try:
                answer = client.request(method, path, **kwargs)
            except httpx.TransportError:
                time.sleep(0.5)
                continue
            if answer.status_code >= 500:
                with self.lock:
                    self.server_errors.append(f"{method} {path}: {answer.status_code} {answer.text[:200]}")
            return answer
        raise AssertionError(f"{method} {path}: no API process answered for a minute")

    def register(self, numbers: list[str]) -> dict[str, str]:
        def one(number: str) -> tuple[str, str]:
            with httpx.Client(base_url=self.url, timeout=60,
                              headers={"Authorization": f"Bearer {self.key}"}) as client:
                answer = self.call(client, "POST", "/v1/packages", json={
                    "tracking_number": number, "carrier": "sandbox",
                    "destination": {"postal_code": "40213", "country": "US"}})
                assert answer.status_code in (200, 201), answer.text
                return number, answer.json()["id"]

        with ThreadPoolExecutor(8) as pool:
            return dict(pool.map(one, numbers))


def claim_audit(engine) -> None:
    """Log every claim PostgreSQL applies to a package, with the claim it replaced."""
    with engine.begin() as c:
        c.execute(text("CREATE TABLE claim_log (package_id text, old_token text, old_until timestamptz, "
                       "new_token text, new_until timestamptz)"))
        c.execute(text("""
            CREATE FUNCTION log_claim() RETURNS trigger AS $$ BEGIN
              IF NEW.claim_token IS NOT NULL AND NEW.claim_token IS DISTINCT FROM OLD.claim_token THEN
                INSERT INTO claim_log VALUES (NEW.id, OLD.claim_token, OLD.claimed_until,
                                              NEW.claim_token, NEW.claimed_until);
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql"""))
        c.execute(text("CREATE TRIGGER claim_audit BEFORE UPDATE ON packages FOR EACH ROW EXECUTE FUNCTION log_claim()"))


def expected_scans(numbers: list[str], at: datetime) -> dict[str, set[str]]:
    from parceltrail.carriers.sandbox import parse, tracking_body
    from parceltrail.core import fingerprint

    return {n: {fingerprint("sandbox", n, e) for e in parse(tracking_body(n, at)).events} for n in numbers}


def stored_scans(engine, ids: dict[str, str]) -> dict[str, list[str]]:
    by_id = {pid: number for number, pid in ids.items()}
    out: dict[str, list[str]] = {n: [] for n in ids}
    with engine.connect() as c:
        for pid, fp in c.execute(text("SELECT package_id, fingerprint FROM events")):
            out[by_id[pid]].append(fp)
    return out


def test_two_api_processes_and_two_workers_killed_midway_lose_and_double_nothing(engine, database_url, tmp_path):
    from parceltrail.carriers.sandbox import Pusher, SandboxNetwork, Service, create_network_app, journey
    from parceltrail.services import create_shop
    from parceltrail.services.webhook_endpoints import Guard, create_endpoint
    from parceltrail.store import UnitOfWork
    from tests.receivers import Receiver

    redis_url = os.environ.get("PARCELTRAIL_TEST_REDIS_URL")
    if engine.dialect.name != "postgresql" or not redis_url:
        pytest.skip("the scale-out test runs on PostgreSQL with Redis (the second pass of make test: "
                    "scripts/with-postgres scripts/with-redis)")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    claim_audit(engine)
    clock = StoppingClock()
    network = SandboxNetwork(clock, seed=25, exception_share=0.3)
    numbers = [network.ship(service=[Service.GROUND, Service.EXPRESS, Service.ECONOMY][i % 3]) for i in range(PARCELS)]
    pushed = numbers[: int(PARCELS * PUSHED)]
    shop = create_shop(UnitOfWork(engine), "Scale-out Shop")
    receiver = Receiver().__enter__()
    endpoint = create_endpoint(UnitOfWork(engine), shop.shop.id, receiver.url, ["package.delivered"], None,
                               SERVER_KEY, Guard(allow_private=True))

    with LiveServer(create_network_app(network, requests_per_second=None)) as carrier:
        env = {"PARCELTRAIL_SECRET_KEY": SERVER_KEY, "PARCELTRAIL_WEBHOOKS_ALLOW_PRIVATE": "1",
               "PARCELTRAIL_NOTIFY_COALESCE_SECONDS": "1", "PARCELTRAIL_NOTIFY_LEASE_SECONDS": str(LEASE_SECONDS),
               **os.environ, "PARCELTRAIL_DATABASE_URL": database_url, "PARCELTRAIL_QUEUE_URL": redis_url,
               "PARCELTRAIL_SANDBOX_BASE_URL": carrier.url, "PARCELTRAIL_HOOK_SECRETS": json.dumps({"sandbox": SECRET}),
               "PARCELTRAIL_POLL_EVERY_SECONDS": "1", "PARCELTRAIL_POLL_INTERVAL_FACTOR": "0.0002",
               "PARCELTRAIL_POLL_LEASE_SECONDS": str(LEASE_SECONDS), "PARCELTRAIL_POLL_BATCH": "200",
               # one shop's key and one address drive 1,000 parcels as fast as answers come: the operator's
               # rate limits (docs/operations.md) are not what this test is about, so they are off
               "PARCELTRAIL_RATE_LIMIT_PER_KEY": "0", "PARCELTRAIL_RATE_LIMIT_PUSH": "0"}
        fleet = Fleet(tmp_path, env)
        traffic = Traffic(fleet.url, shop.api_key)
        stop_pushing = threading.Event()
        try:
            fleet.start_api()
            fleet.start_worker(0)
            fleet.start_worker(1)
            fleet.wait_ready()
            clock.run()
            pushers = []
            for half in (pushed[::2], pushed[1::2]):
                own = SandboxNetwork(clock, seed=1)
                own.remember(half)
                pushers.append(Pusher(own, f"{fleet.url}/v1/hooks/sandbox", SECRET, httpx.Client(timeout=30),
                                      attempts=20, backoff=0.5))

            def push_loop(pusher: Pusher) -> None:
                while not stop_pushing.is_set():
                    pusher.push_due()
                    stop_pushing.wait(0.5)

            push_threads = [threading.Thread(target=push_loop, args=(p,), daemon=True) for p in pushers]
            for thread in push_threads:
                thread.start()
            killed: dict[str, int] = {}
            killer = threading.Timer(CLOCK_SECONDS * 0.4, lambda: killed.update(kill_midway(fleet)))
            killer.start()
            ids = traffic.register(numbers)
            registered = time.monotonic() - clock.real_start
            assert len(set(ids.values())) == PARCELS
            killer.join()
            fleet.workers[0].wait()
            fleet.start_worker(0)  # a supervisor (systemd, compose) starts a dead worker again

            while clock.now() < clock.end:
                time.sleep(1)
            expected = expected_scans(numbers, clock.end)
            visible = {n: len(journey(n).visible(clock.end)) for n in pushed}
            deadline, arrived_after = time.monotonic() + 300, float("nan")
            while time.monotonic() < deadline:
                stored = stored_scans(engine, ids)
                arrived = all(len(stored[n]) >= len(expected[n]) for n in numbers)
                pushes_taken = all(p.pushed.get(n, 0) == visible[n] for p in pushers for n in p.network.shipments)
                if arrived and pushes_taken and inbox_states(engine) == {"done"} and \
                        webhooks_settled(engine, receiver, endpoint.endpoint.id):
                    arrived_after = time.monotonic() - clock.real_start
                    break
                time.sleep(2)
            stop_pushing.set()
            for thread in push_threads:
                thread.join(timeout=60)
            for process in fleet.workers:
                assert process.poll() is None, fleet.tail("worker0") + fleet.tail("worker1")
            assert killed["api"] not in fleet.api_children() and len(fleet.api_children()) == 2
            assert httpx.get(f"{fleet.url}/healthz", timeout=HUNG).status_code == 200
        finally:
            stop_pushing.set()
            fleet.stop()
            receiver.__exit__(None, None, None)

    assert traffic.server_errors == []
    stored = stored_scans(engine, ids)
    lost = {n: len(expected[n] - set(stored[n])) for n in numbers if expected[n] - set(stored[n])}
    extra = {n: len(set(stored[n]) - expected[n]) for n in numbers if set(stored[n]) - expected[n]}
    doubled = [n for n in numbers if len(stored[n]) != len(set(stored[n]))]
    assert (lost, extra, doubled) == ({}, {}, []), \
        f"lost in {len(lost)}, unexpected in {len(extra)} parcels\n" + fleet.tail("worker0") + fleet.tail("worker1")
    assert sum(len(e) for e in expected.values()) > 5 * PARCELS, "journeys moved"
    assert_states_are_refolds(engine, ids)
    with engine.connect() as c:
        claims, overlapping = c.execute(text(
            "SELECT count(*), count(*) FILTER (WHERE old_token IS NOT NULL AND "
            "old_until > new_until - make_interval(secs => :lease)) FROM claim_log"),
            {"lease": LEASE_SECONDS}).one()
        done = c.execute(text("SELECT count(*) FROM hook_inbox WHERE state = 'done'")).scalar_one()
    print(f"scale-out: {sum(len(e) for e in expected.values())} scans of {PARCELS} parcels, {claims} claims, "
          f"{done} pushes processed; registered in {registered:.0f} s, all arrived {arrived_after:.0f} s after "
          f"the clock started")
    assert claims > 2 * PARCELS and overlapping == 0, (claims, overlapping)
    assert inbox_states(engine) == {"done"} and done >= len(pushed), (inbox_states(engine), done)
    delivered = delivered_packages(engine)
    heard = delivery_webhooks(receiver, endpoint.secret)
    twice = {pid: ids_ for pid, ids_ in heard.items() if len(ids_) > 1}
    assert delivered and delivered <= set(heard) and twice == {}, \
        f"every delivered parcel's package.delivered arrives under exactly one webhook-id: {len(delivered - set(heard))} " \
        f"missing, {len(twice)} under two"


def kill_midway(fleet: Fleet) -> dict[str, int]:
    """SIGKILL the first worker and one API process; the caller starts the worker again."""
    os.kill(fleet.workers[0].pid, signal.SIGKILL)
    api = fleet.api_children()[0]
    os.kill(api, signal.SIGKILL)
    return {"worker": fleet.workers[0].pid, "api": api}


def delivered_packages(engine) -> set[str]:
    with engine.connect() as c:
        return set(c.execute(text("SELECT id FROM packages WHERE status = 'delivered'")).scalars())


def delivery_webhooks(receiver, secret: str) -> dict[str, set[str]]:
    """package id -> the webhook-ids its package.delivered arrived under.

    Each signature is checked as the receiver would have checked it on arrival (the 5-minute timestamp
    tolerance against the arrival time: on a busy machine the run outlasts it). A request the killed
    worker cut short (a body shorter than its Content-Length) was never delivered; the message is resent.
    """
    from standardwebhooks import Webhook

    verifier, heard = Webhook(secret), {}
    for request in list(receiver.requests):
        if len(request.body) < int(request.headers.get("content-length") or 0):
            continue
        signed_at = int(request.headers["webhook-timestamp"])
        assert abs(request.at - signed_at) < 300, "a webhook arrived outside the timestamp tolerance"
        expected = verifier.sign(request.headers["webhook-id"], datetime.fromtimestamp(signed_at, UTC), request.body)
        assert expected in request.headers["webhook-signature"].split(), "a webhook's signature does not match"
        body = json.loads(request.body)
        heard.setdefault(body["data"]["package"]["id"], set()).add(request.headers["webhook-id"])
    return heard


def webhooks_settled(engine, receiver, endpoint_id: str) -> bool:
    """Every delivered parcel's webhook has arrived and no message to the endpoint is still waiting."""
    with engine.connect() as c:
        waiting = c.execute(text("SELECT count(*) FROM notifications WHERE endpoint_id = :e AND state NOT IN "
                                 "('sent', 'skipped')"), {"e": endpoint_id}).scalar_one()
    heard = {r.headers.get("webhook-id") for r in list(receiver.requests)}
    return waiting == 0 and len(heard) >= len(delivered_packages(engine))


def inbox_states(engine) -> set[str]:
    with engine.connect() as c:
        return set(c.execute(text("SELECT DISTINCT state FROM hook_inbox")).scalars())


def assert_states_are_refolds(engine, ids: dict[str, str]) -> None:
    from parceltrail.core import fold_events
    from parceltrail.store import UnitOfWork

    uow = UnitOfWork(engine)
    with uow.read():
        packages = uow.packages.get_any(list(ids.values()))
        timelines = uow.events.timelines(list(ids.values()))
    wrong = [pid for pid, p in packages.items()
             if p.state != fold_events(timelines[pid], "sandbox", p.tracking_number)]
    assert wrong == [], f"{len(wrong)} packages' state is not the fold of their events"
