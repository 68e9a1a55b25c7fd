"""Carrier push: how fast the API takes a signed delivery in, and how fast the worker drains the inbox.

Accept: N sandbox tracking bodies (one parcel each, ~8-12 scans) POSTed signed to ``/v1/hooks/sandbox``
on a real uvicorn server over a fresh SQLite file, one request at a time. Baseline, interleaved request
by request on the same server so both see the same load: ``POST /v1/packages/{id}/events`` with the
same scans, i.e. doing the ingest (and estimate revision) inside the request, which push avoids.

Drain: N more deliveries stored 25 at a time, each 25 drained by ``drain_inbox`` (parse, find packages,
``record_scans``, mark done). Baseline, chunk by chunk in turn: parse + ``record_scans`` of as many
bodies with no inbox (what polling does per answer) into another shop's packages on the same database.
The ratio is what the inbox costs on top of the ingest.

Prints JSON; medians of --repeat runs, each on a fresh database.

    .venv/bin/python bench/push.py [--parcels 300] [--repeat 3]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Self

# bench/numbers.py (named by issue 3) would shadow the standard library's numbers module: drop this folder.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import base64
import json
import logging
import secrets
import socket
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
from pydantic import SecretStr

from parceltrail.carriers import sandbox
from parceltrail.carriers.base import event_to_dict
from parceltrail.services import create_shop, record_scans, register_package
from parceltrail.services.hook_signatures import STANDARD_WEBHOOKS
from parceltrail.services.hooks import drain_inbox, receive_push
from parceltrail.settings import Settings
from parceltrail.store import UnitOfWork, make_engine, migrate

SHIPPED = datetime(2026, 10, 5, 14, 30, tzinfo=UTC)
SEEN_AT = SHIPPED + timedelta(days=5)
CHUNK = 25


class Server:
    """The parceltrail API (no worker) on a free 127.0.0.1 port in a background thread."""

    def __init__(self, app) -> None:
        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def parcels(n: int, seed: int) -> list[str]:
    return [
        sandbox.encode(SHIPPED, sandbox.Service.GROUND, sandbox.Scenario.NORMAL, seed * 100_000 + i)
        for i in range(n)
    ]


def body(number: str) -> bytes:
    return json.dumps(sandbox.tracking_body(number, SEEN_AT)).encode()


def one_run(root: Path, n: int) -> dict:
    from parceltrail.api import create_app

    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    settings = Settings(
        database_url=f"sqlite:///{root / 'push.db'}",
        queue_url=f"sqlite:///{root / 'queue.db'}",
        hook_secrets={"sandbox": SecretStr(secret)},
    )
    engine = make_engine(settings.database_url)
    migrate(engine)
    uow = UnitOfWork(engine)
    pushed_shop, posted_shop, polled_shop = (
        create_shop(uow, name) for name in ("pushed", "posted", "polled")
    )
    pushed, posted, polled = parcels(n, 1), parcels(n, 2), parcels(n, 3)
    for shop, numbers in ((pushed_shop, pushed), (polled_shop, polled)):
        for number in numbers:
            register_package(uow, shop.shop.id, number, "sandbox")
    posted_ids = [
        register_package(uow, posted_shop.shop.id, number, "sandbox").package.id for number in posted
    ]
    push_bodies = [body(number) for number in pushed]
    event_bodies = [
        {"events": [event_to_dict(e) for e in sandbox.parse(body(number)).events]} for number in posted
    ]
    auth = {"Authorization": f"Bearer {posted_shop.api_key}"}

    accept, inline = [], []
    with (
        Server(create_app(settings, engine)) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        for i in range(n):
            headers = STANDARD_WEBHOOKS.headers(secret, f"msg_{i}", datetime.now(UTC), push_bodies[i])
            started = time.perf_counter()
            response = client.post(
                "/v1/hooks/sandbox",
                content=push_bodies[i],
                headers={"content-type": "application/json", **headers},
            )
            accept.append(time.perf_counter() - started)
            assert response.status_code == 202, response.text
            started = time.perf_counter()
            response = client.post(f"/v1/packages/{posted_ids[i]}/events", json=event_bodies[i], headers=auth)
            inline.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text

    report = drain_inbox(uow)  # the accepted deliveries: checked, not timed (the load differs from below)
    assert report.done == n and report.failed == 0, report

    # Drain vs direct, chunk by chunk in turn so both see the same machine load.
    drained = 0
    drain_s = direct_s = 0.0
    events = 0
    queued, polled_bodies = parcels(n, 4), [body(number) for number in polled]
    for number in queued:
        register_package(uow, pushed_shop.shop.id, number, "sandbox")
    with uow:
        polled_ids = {number: uow.packages.tracked_by("sandbox", number)[0].id for number in polled}
    for start in range(0, n, CHUNK):
        for i, number in enumerate(queued[start : start + CHUNK], start=start):
            payload = body(number)
            headers = STANDARD_WEBHOOKS.headers(secret, f"queued_{i}", datetime.now(UTC), payload)
            receive_push(uow, "sandbox", headers, payload, settings.hook_secrets)
        started = time.perf_counter()
        report = drain_inbox(uow)
        drain_s += time.perf_counter() - started
        drained += report.done
        events += report.events
        started = time.perf_counter()
        for i in range(start, min(start + CHUNK, n)):
            tracking = sandbox.parse(polled_bodies[i])
            record_scans(uow, polled_shop.shop.id, {polled_ids[polled[i]]: tracking.events}, source="poll")
        direct_s += time.perf_counter() - started
    assert drained == n
    engine.dispose()
    return {
        "accept_p50_ms": statistics.median(accept) * 1000,
        "accept_p95_ms": statistics.quantiles(accept, n=20)[18] * 1000,
        "inline_ingest_p50_ms": statistics.median(inline) * 1000,
        "drain_per_s": n / drain_s,
        "direct_per_s": n / direct_s,
        "events_per_delivery": events / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as root:
            runs.append(one_run(Path(root), args.parcels))
    for r in runs:  # ratios within a run share its load; their median is steadier than a ratio of medians
        r["accept_vs_inline_ingest"] = r["accept_p50_ms"] / r["inline_ingest_p50_ms"]
        r["drain_vs_direct"] = r["drain_per_s"] / r["direct_per_s"]
    median = {key: round(statistics.median(r[key] for r in runs), 3) for key in runs[0]}
    print(
        json.dumps(
            {
                "parcels": args.parcels,
                "repeat": args.repeat,
                **median,
                "runs": [{k: round(v, 3) for k, v in r.items()} for r in runs],
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
