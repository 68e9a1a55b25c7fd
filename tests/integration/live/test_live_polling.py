"""The live loop end to end: two polling workers against the sandbox network over HTTP, 200 packages,
three weeks of simulated time stepped an hour at a time."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from parceltrail.carriers.sandbox import SandboxCredentials, Scenario, create_network_app, journey
from parceltrail.carriers.transport import CarrierClient
from parceltrail.core import Address, Status, Substatus
from parceltrail.services import create_shop, expire_quiet_packages, get_package, register_package
from parceltrail.services.clock import ManualClock, WallClock, set_clock
from parceltrail.services.polling import Poller
from parceltrail.worker.poller import PollLoop
from tests.conftest import HUNG, LiveServer

pytestmark = pytest.mark.slow  # scheduled first in make test's parallel run (docs/testing.md)

START = datetime(2026, 10, 5, 13, 0, tzinfo=UTC)
STEP = timedelta(hours=1)
DAYS = 21
# What each scenario must end as (stale parcels go quiet; the expiry rule then closes them).
EXPECTED = {
    Scenario.NORMAL: {Status.DELIVERED},
    Scenario.ADDRESS_ISSUE: {Status.DELIVERED},
    Scenario.WEATHER_DELAY: {Status.DELIVERED},
    Scenario.FAILED_ATTEMPT_THEN_SUCCESS: {Status.DELIVERED},
    Scenario.LOST: {Status.EXCEPTION},
    Scenario.RETURN_TO_SENDER: {Status.RETURNED},
    Scenario.STALE: {Status.EXPIRED},
    Scenario.DAMAGED: {Status.DELIVERED},
}
# The event each exception kind must leave in the timeline.
EXCEPTION_EVENT = {
    Scenario.ADDRESS_ISSUE: Substatus.ADDRESS_ISSUE,
    Scenario.WEATHER_DELAY: Substatus.WEATHER_DELAY,
    Scenario.FAILED_ATTEMPT_THEN_SUCCESS: Status.DELIVERY_FAILED,
    Scenario.LOST: Substatus.LOST,
    Scenario.RETURN_TO_SENDER: Status.RETURNING,
    Scenario.DAMAGED: Substatus.DAMAGED,
}


@pytest.fixture
def clock():
    manual = ManualClock(START)
    set_clock(manual)
    yield manual
    set_clock(WallClock())


def test_two_workers_follow_200_sandbox_packages_to_their_ends(uow, engine, clock):
    from parceltrail.carriers.sandbox import SandboxNetwork

    network = SandboxNetwork(clock, seed=7)
    shop = create_shop(uow, "Live").shop
    scenarios = list(Scenario)
    packages = {}
    for i in range(200):
        scenario = scenarios[i % len(scenarios)]
        number = network.ship(service=["ground", "express", "economy"][i % 3], scenario=scenario)
        trip = journey(number)
        package = register_package(uow, shop.id, number, destination=Address(trip.destination.postal_code, "US"),
                                   origin=Address(trip.origin.postal_code, "US"), service=trip.service.name.lower())
        assert package.package.carrier == "sandbox"
        packages[package.package.id] = (number, scenario)

    with LiveServer(create_network_app(network, requests_per_second=None)) as sandbox:
        credentials = SandboxCredentials(base_url=sandbox.url)
        loops = [PollLoop(engine, Poller(client=CarrierClient(timeout=HUNG), credentials_for=lambda s, c: credentials),
                          every_seconds=0.005) for _ in range(2)]
        for loop in loops:
            loop.start()
        try:
            for _ in range(int(timedelta(days=DAYS) / STEP)):
                seen = [loop.ticks for loop in loops]
                deadline = time.monotonic() + HUNG
                while any(loop.ticks < s + 2 for loop, s in zip(loops, seen)):  # each finished a whole tick
                    assert time.monotonic() < deadline, "a polling worker stopped ticking"
                    time.sleep(0.001)
                clock.advance(STEP)
        finally:
            for loop in loops:
                loop.stop()
    expire_quiet_packages(uow, after_days=7)

    # No package was fetched twice within one polling interval (the shortest is 1 h, -10% jitter).
    fetches = defaultdict(list)
    for number, at, _ in network.fetch_log:
        fetches[number].append(at)
    for number, times in fetches.items():
        gaps = [b - a for a, b in pairwise(times)]
        assert all(gap >= timedelta(minutes=54) for gap in gaps), f"{number} fetched twice in one interval"

    ends = Counter()
    for package_id, (number, scenario) in packages.items():
        detail = get_package(uow, shop.id, package_id)
        state = detail.package.state
        ends[(scenario.name, state.status.value)] += 1
        assert state.status in EXPECTED[scenario], f"{number} ({scenario.name}) ended {state.status}"
        if scenario in EXCEPTION_EVENT:
            wanted = EXCEPTION_EVENT[scenario]
            assert any(wanted in (e.status, e.substatus) for e in detail.events), f"{number}: no {wanted} event"
        handoff = min(e.occurred_at for e in detail.events if e.status is Status.IN_TRANSIT)
        revised = [e for e in detail.estimates if e.revised_at >= handoff and e.moment != "placed"]
        assert detail.estimates[0].moment == "placed" and revised, f"{number}: estimate not revised after handoff"
    assert sum(ends.values()) == 200
