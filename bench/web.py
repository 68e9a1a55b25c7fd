"""The buyer tracking page: server time for a parcel with 50 scans, against the JSON API read of it.

One package with 50 scans across 25 US ZIPs (so the page draws a 25-stop route and a 50-row timeline,
each scan in its own time zone), on a real uvicorn server over a fresh SQLite file. Interleaved request
by request on the same server, so both see the same load:

- page: ``GET /track/{number}`` with the recipient's proof cookie (the full page: timeline, route SVG,
  window with the shop's track record, advice), and the same page without proof;
- baseline: ``GET /v1/packages/{id}`` with the shop's API key (the same package, its 50 events and its
  estimate history as JSON).

Times are client round trips on 127.0.0.1 (HTTP/1.1 keep-alive), i.e. server time plus loopback.
Prints JSON: p50/p95 milliseconds of each and the ratio of medians (page ÷ JSON); --repeat runs, medians.

    .venv/bin/python bench/web.py [--requests 300] [--repeat 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py (named by issue 3) would shadow the standard library's numbers module: drop this folder.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import json
import logging
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

import httpx

from parceltrail.core import Address, Location, TrackingEvent
from parceltrail.geo import all_us_zips
from parceltrail.services import create_shop, record_scans, register_package
from parceltrail.services.clock import ManualClock, WallClock, set_clock
from parceltrail.settings import Settings
from parceltrail.store import UnitOfWork, make_engine, migrate

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.conftest import LiveServer

SCANS = 50
NUMBER = "1Z999AA10123456784"


def route(n: int) -> list:
    """``n`` ZIPs from New York westwards to Denver, one per step of longitude."""
    places = sorted((z for z in all_us_zips() if 38.5 < z.lat < 41.5 and -105 < z.lon < -74 and z.timezone),
                    key=lambda z: -z.lon)
    step = len(places) / n
    return [places[int(i * step)] for i in range(n)]


def build(root: Path) -> tuple[Settings, object, str, str, str]:
    settings = Settings(database_url=f"sqlite:///{root / 'web.db'}", queue_url=f"sqlite:///{root / 'q.db'}")
    engine = make_engine(settings.database_url)
    migrate(engine)
    uow = UnitOfWork(engine)
    start = datetime.now(UTC) - timedelta(days=6)
    set_clock(ManualClock(start))
    try:
        shop = create_shop(uow, "Bench shop")
        stops = route(SCANS // 2)
        package = register_package(uow, shop.shop.id, NUMBER, "ups", order_ref="B-1",
                                   destination=Address(postal_code=stops[-1].zip_code, country="US"),
                                   origin=Address(postal_code=stops[0].zip_code, country="US")).package
        events = []
        for i in range(SCANS):
            stop = stops[min(i // 2, len(stops) - 1)]
            sub = "arrived_at_facility" if i % 2 == 0 else "departed_facility"
            events.append(TrackingEvent.create(start + timedelta(hours=2 * i + 1), "in_transit", sub,
                                               sub.replace("_", " ").capitalize(), None,
                                               Location(stop.city, stop.state, stop.zip_code, "US")))
        record_scans(uow, shop.shop.id, {package.id: events}, source="api", now=start + timedelta(hours=2 * SCANS))
    finally:
        set_clock(WallClock())
    return settings, engine, shop.api_key, package.id, stops[-1].zip_code


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def one_run(n: int) -> dict:
    from parceltrail.api import create_app

    with tempfile.TemporaryDirectory() as folder:
        settings, engine, api_key, package_id, zip_code = build(Path(folder))
        with LiveServer(create_app(settings, engine)) as server:
            proved = httpx.Client(base_url=server.url)
            token = re.search(r'name="csrf_token" value="([^"]+)"', proved.get(f"/track/{NUMBER}").text).group(1)
            answer = proved.post(f"/track/{NUMBER}/verify", data={"postal_code": zip_code, "csrf_token": token})
            assert answer.status_code == 303, answer.text
            anonymous = httpx.Client(base_url=server.url)
            api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {api_key}"})
            checks = {"page": proved.get(f"/track/{NUMBER}").text, "json": api.get(f"/v1/packages/{package_id}").json()}
            assert checks["page"].count("<li>") >= SCANS and len(checks["json"]["events"]) == SCANS
            times: dict[str, list[float]] = {"page": [], "anonymous": [], "json": []}
            for _ in range(10):  # warm up: templates compiled, ZIP table loaded, track record cached
                proved.get(f"/track/{NUMBER}"), anonymous.get(f"/track/{NUMBER}"), api.get(f"/v1/packages/{package_id}")
            for _ in range(n):
                for name, client, path in (("page", proved, f"/track/{NUMBER}"), ("anonymous", anonymous, f"/track/{NUMBER}"),
                                           ("json", api, f"/v1/packages/{package_id}")):
                    began = time.perf_counter()
                    response = client.get(path)
                    times[name].append((time.perf_counter() - began) * 1000)
                    assert response.status_code == 200
            for client in (proved, anonymous, api):
                client.close()
        engine.dispose()
    out = {f"{k}_p50_ms": round(p(v, 0.5), 2) for k, v in times.items()}
    out |= {f"{k}_p95_ms": round(p(v, 0.95), 2) for k, v in times.items()}
    out["page_over_json"] = round(out["page_p50_ms"] / out["json_p50_ms"], 2)
    out["anonymous_over_json"] = round(out["anonymous_p50_ms"] / out["json_p50_ms"], 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    runs = [one_run(args.requests) for _ in range(args.repeat)]
    result = {"bench": "web_buyer_page", "scans": SCANS, "requests": args.requests, "runs": runs}
    result |= {f"median_{k}": statistics.median(r[k] for r in runs) for k in runs[0]}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
