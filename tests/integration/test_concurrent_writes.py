"""Concurrent writes to one package over real HTTP (issue 25 item 1): 8 clients at once, never a 500.

On PostgreSQL (the second pass of ``make test``) requests really run side by side in the server's
thread pool; the state must still equal a re-fold of the events stored, the same event posted by
everyone at once is stored once, and identical registrations give one package.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.parcels import valid_number

pytestmark = pytest.mark.slow  # scheduled first in make test's parallel run (docs/testing.md)

CLIENTS = 8
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
KINDS = [("in_transit", "arrived_at_facility", "AR"), ("in_transit", "departed_facility", "DP"),
         ("out_for_delivery", "out_for_delivery", "OD")]


@pytest.fixture
def key(uow) -> str:
    from parceltrail.services import create_shop

    return create_shop(uow, "Concurrent Shop").api_key


def event(i: int) -> dict:
    status, sub, code = KINDS[i % len(KINDS)]
    return {"occurred_at": (T0 + timedelta(minutes=7 * i)).isoformat(), "status": status, "substatus": sub,
            "description": f"scan {i}", "carrier_code": code,
            "location": {"city": "Memphis", "region": "TN", "postal_code": "38118", "country": "US"}}


def at_once(calls: list[Callable[[httpx.Client], httpx.Response]], url: str, key: str) -> list[httpx.Response]:
    """Run ``calls`` on CLIENTS threads, each with its own keep-alive connection, released together."""
    start = threading.Barrier(CLIENTS)
    clients = [httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60)
               for _ in range(CLIENTS)]

    def run(n: int) -> list[httpx.Response]:
        start.wait()
        return [call(clients[n]) for call in calls[n::CLIENTS]]

    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            return [r for batch in pool.map(run, range(CLIENTS)) for r in batch]
    finally:
        for client in clients:
            client.close()


def register(url: str, key: str, number: str = "1Z999AA10123456784") -> str:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as client:
        created = client.post("/v1/packages", json={"tracking_number": number, "carrier": "ups"})
        assert created.status_code == 201, created.text
        return created.json()["id"]


def assert_state_is_a_refold(uow, package_id: str) -> int:
    from parceltrail.core import fold_events
    from parceltrail.store.tables import events

    with uow.read():
        package = uow.packages.get_any([package_id])[package_id]
        timeline = uow.events.timeline(package_id)
        stored = uow._connection.execute(events.select().where(events.c.package_id == package_id)).all()
    refold = fold_events(timeline, package.carrier, package.tracking_number)
    assert package.state == refold
    assert package.state.event_count == len(stored) == len(timeline)
    return len(stored)


def test_eight_clients_posting_distinct_events_to_one_package_lose_nothing(api, key, uow):
    package_id = register(api.url, key)
    calls = [(lambda c, i=i: c.post(f"/v1/packages/{package_id}/events", json={"events": [event(i)]}))
             for i in range(400)]
    responses = at_once(calls, api.url, key)
    assert sorted({r.status_code for r in responses}) == [200], {r.status_code: r.text for r in responses}
    assert sum(r.json()["accepted"] for r in responses) == 400
    assert assert_state_is_a_refold(uow, package_id) == 400


def test_the_same_event_posted_by_everyone_at_once_is_stored_once(api, key, uow):
    package_id = register(api.url, key)
    batch = {"events": [event(i) for i in range(5)]}
    for round_ in range(3):
        calls = [(lambda c: c.post(f"/v1/packages/{package_id}/events", json=batch))] * CLIENTS
        responses = at_once(calls, api.url, key)
        assert sorted({r.status_code for r in responses}) == [200], [r.text for r in responses]
        accepted = sum(r.json()["accepted"] for r in responses)
        assert accepted == (5 if round_ == 0 else 0)
        assert sum(r.json()["duplicates"] for r in responses) == 5 * CLIENTS - accepted
    assert assert_state_is_a_refold(uow, package_id) == 5


def test_identical_registrations_at_once_give_one_package(api, key, uow):
    from parceltrail.store.tables import packages

    for n in range(5):
        number = valid_number("ups", n)
        body = {"tracking_number": number, "carrier": "ups", "order_ref": f"ORDER-{n}"}
        responses = at_once([(lambda c, body=body: c.post("/v1/packages", json=body))] * (CLIENTS * 2), api.url, key)
        codes = sorted(r.status_code for r in responses)
        assert codes == [200] * (2 * CLIENTS - 1) + [201], [r.text for r in responses if r.status_code >= 300]
        assert len({r.json()["id"] for r in responses}) == 1
    with uow.read():
        count = uow._connection.execute(packages.select()).all()
    assert len(count) == 5


def test_batches_over_the_same_packages_in_any_order_never_deadlock_or_drift(uow, engine):
    """Poller, push drain and API write batches of several packages at once, each in its own order."""
    import random

    from parceltrail.core import TrackingEvent
    from parceltrail.services import create_shop, ingest_many, register_package
    from parceltrail.store import UnitOfWork

    def scan(i: int) -> TrackingEvent:
        status, sub, code = KINDS[i % len(KINDS)]
        return TrackingEvent.create(T0 + timedelta(minutes=7 * i), status, sub, f"scan {i}", code)

    shop = create_shop(uow, "Batch Shop").shop
    ids = [register_package(uow, shop.id, valid_number("ups", 10 + n), "ups").package.id for n in range(5)]

    def writer(seed: int) -> int:
        own = UnitOfWork(engine)  # a unit of work is one transaction at a time: one per thread, as per request
        rng = random.Random(seed)
        accepted = 0
        for round_ in range(15):
            chosen = rng.sample(ids, 3)
            batches = {pid: [scan(rng.randrange(60)) for _ in range(4)] for pid in chosen}
            accepted += sum(r.accepted for r in ingest_many(own, shop.id, batches, source="poll").values())
        return accepted

    with ThreadPoolExecutor(CLIENTS) as pool:
        total = sum(pool.map(writer, range(CLIENTS)))
    assert total == sum(assert_state_is_a_refold(uow, pid) for pid in ids)
