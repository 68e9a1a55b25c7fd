"""SandboxNetwork: minting on its clock, the configured exception mix, and answering for any number."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.carriers.sandbox import Scenario, Service, decode, journey
from parceltrail.carriers.sandbox.network import SandboxNetwork


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


START = datetime(2026, 11, 16, 14, 7, 45, tzinfo=UTC)


def test_ship_mints_a_number_starting_at_the_clock_and_remembers_it():
    clock = FixedClock(START)
    network = SandboxNetwork(clock, seed=1)
    number = network.ship("express", "lost")
    fields = decode(number)
    assert fields.shipped_at == START.replace(second=0)
    assert (fields.service, fields.scenario) == (Service.EXPRESS, Scenario.LOST)
    assert network.shipments == (number,)
    body = network.tracking(number)
    assert body["found"] and [e["code"] for e in body["events"]] == ["MP"]
    clock.at = START + timedelta(days=30)
    assert network.tracking(number)["events"][0]["code"] == "EX-LOST"


def test_the_same_seed_mints_the_same_numbers():
    a, b = (SandboxNetwork(FixedClock(START), seed=7) for _ in range(2))
    assert [a.ship() for _ in range(20)] == [b.ship() for _ in range(20)]


def test_numbers_minted_in_the_same_minute_are_all_different():
    network = SandboxNetwork(FixedClock(START), seed=3)
    numbers = [network.ship("ground", "normal") for _ in range(500)]
    assert len(set(numbers)) == 500


def test_the_exception_share_and_weights_decide_the_scenario_mix():
    network = SandboxNetwork(
        FixedClock(START),
        seed=11,
        exception_share=0.4,
        scenario_weights={"weather_delay": 3, Scenario.LOST: 1},
    )
    mix = Counter(decode(network.ship()).scenario for _ in range(2000))
    assert set(mix) == {Scenario.NORMAL, Scenario.WEATHER_DELAY, Scenario.LOST}
    assert 0.35 < 1 - mix[Scenario.NORMAL] / 2000 < 0.45
    assert 2.4 < mix[Scenario.WEATHER_DELAY] / mix[Scenario.LOST] < 3.8


def test_by_default_every_exception_kind_appears_and_services_are_mostly_ground():
    network = SandboxNetwork(FixedClock(START), seed=5)
    shipped = [decode(network.ship()) for _ in range(1000)]
    assert set(Counter(s.scenario for s in shipped)) == set(Scenario)
    services = Counter(s.service for s in shipped)
    assert services.most_common(1)[0][0] is Service.GROUND and set(services) == set(Service)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"exception_share": 1.5}, "between 0 and 1"),
        ({"scenario_weights": {"normal": 1}}, "exception scenarios"),
        ({"scenario_weights": {"hurricane": 1}}, "unknown sandbox scenario 'hurricane'"),
        ({"scenario_weights": {"lost": 0}}, "weight 0"),
        ({"scenario_weights": {"lost": -1}}, "negative"),
    ],
)
def test_a_bad_configuration_is_refused_with_the_reason(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SandboxNetwork(FixedClock(START), **kwargs)


def test_numbers_from_elsewhere_are_answered_and_can_be_remembered_for_pushing():
    other = SandboxNetwork(FixedClock(START), seed=2).ship()
    network = SandboxNetwork(FixedClock(START + timedelta(days=20)), seed=9)
    assert network.tracking(other)["events"][-1]["code"] == "MP"
    network.remember([other.lower()])
    assert network.shipments == (other,) and network.journey(other) == journey(other)


def test_the_fetch_log_records_number_clock_time_and_real_time():
    network = SandboxNetwork(FixedClock(START), seed=1)
    network.record_fetch(["PT1", "PT2"])
    assert [(n, at) for n, at, _ in network.fetch_log] == [("PT1", START), ("PT2", START)]
    assert network.fetch_log[0][2] > 0


def test_the_fetch_log_keeps_only_the_newest_entries_past_its_limit():
    network = SandboxNetwork(FixedClock(START), seed=1, fetch_log_limit=100)
    for k in range(250):
        network.record_fetch([f"PT{k}"])
    assert 90 <= len(network.fetch_log) <= 100
    assert network.fetch_log[-1][0] == "PT249"
