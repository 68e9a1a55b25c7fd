"""The sandbox network's own Pusher against a running server: what a carrier with push really does,
including forgetting what it sent (a restart) and re-sending it, and pushing with the wrong secret."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from parceltrail.carriers.sandbox import Pusher, SandboxNetwork, Scenario
from parceltrail.services import create_shop, get_package, register_package
from parceltrail.services.hooks import drain_inbox
from tests.conftest import HUNG
from tests.integration.push.helpers import SECRET

START = datetime(2026, 10, 5, 14, 30, tzinfo=UTC)  # a Monday afternoon, weeks before any test run


class SetClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def network(uow):
    """Four parcels shipped two weeks ago, each followed by a shop."""
    clock = SetClock(START)
    net = SandboxNetwork(clock, seed=3)
    shop = create_shop(uow, "Pushed").shop
    packages = {}
    for scenario in (Scenario.NORMAL, Scenario.WEATHER_DELAY, Scenario.LOST, Scenario.RETURN_TO_SENDER):
        number = net.ship("ground", scenario)
        packages[number] = register_package(uow, shop.id, number, "sandbox").package.id
    return net, clock, shop.id, packages


def inbox(uow) -> dict[str, int]:
    with uow:
        return uow.hooks.counts()


def test_pushes_as_the_journey_unfolds_leave_every_package_in_its_journeys_state(push_api, uow, network):
    net, clock, shop_id, packages = network
    with httpx.Client(timeout=HUNG) as client:
        pusher = Pusher(net, f"{push_api.url}/v1/hooks/sandbox", SECRET, client)
        seen = dict.fromkeys(packages, 0)
        deliveries = 0
        for day in (1, 3, 14):
            clock.at = START + timedelta(days=day)
            changed = {n for n in packages if len(net.journey(n).visible(clock.at)) != seen[n]}
            seen.update({n: len(net.journey(n).visible(clock.at)) for n in changed})
            assert pusher.push_due() == len(changed)
            deliveries += len(changed)
        assert pusher.push_due() == 0  # nothing new to say

        restarted = Pusher(net, f"{push_api.url}/v1/hooks/sandbox", SECRET, client)
        assert restarted.push_due() == 4  # re-sent under the same ids: the server answers "duplicate"
    assert deliveries >= 8
    assert inbox(uow) == {"pending": deliveries}

    assert drain_inbox(uow).done == deliveries

    for number, package_id in packages.items():
        scans = net.journey(number).visible(clock.at)
        state = get_package(uow, shop_id, package_id).package.state
        assert (state.status, state.substatus, state.event_count) == (
            scans[-1].status,
            scans[-1].substatus,
            len(scans),
        ), number


def test_a_pusher_with_the_wrong_secret_is_refused_and_leaves_nothing(push_api, uow, network):
    net, clock, _, _ = network
    clock.at = START + timedelta(days=14)
    with httpx.Client(timeout=HUNG) as client:
        wrong = "whsec_" + base64.b64encode(b"not the endpoint secret").decode()
        pusher = Pusher(net, f"{push_api.url}/v1/hooks/sandbox", wrong, client, attempts=1)
        assert pusher.push_due() == 0
    assert pusher.failures == 4
    assert inbox(uow) == {}
