"""The polling schedule follows the package's phase."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.core import Status
from parceltrail.services.schedule import next_check, retry_after_failure

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
H = timedelta(hours=1)


def interval(status: Status, created_ago: timedelta = H, delivered_ago: timedelta | None = None) -> timedelta | None:
    delivered = NOW - delivered_ago if delivered_ago is not None else None
    at = next_check(status, NOW, NOW - created_ago, delivered, random.Random(3))
    return None if at is None else at - NOW


@pytest.mark.parametrize(("status", "hours"), [
    (Status.PENDING, 4), (Status.INFO_RECEIVED, 4), (Status.IN_TRANSIT, 6), (Status.OUT_FOR_DELIVERY, 1),
    (Status.EXCEPTION, 2), (Status.DELIVERY_FAILED, 2), (Status.RETURNING, 12),
])
def test_interval_follows_the_phase_within_jitter(status, hours):
    got = interval(status)
    assert 0.9 * hours * H <= got <= 1.1 * hours * H


def test_label_only_slows_down_after_the_pre_transit_grace():
    assert interval(Status.INFO_RECEIVED, created_ago=50 * H) > 10 * H
    assert interval(Status.INFO_RECEIVED, created_ago=20 * H) < 5 * H


def test_delivered_gets_one_last_look_then_stops():
    assert interval(Status.DELIVERED, delivered_ago=2 * H) == 10 * H
    assert interval(Status.DELIVERED, delivered_ago=13 * H) is None


@pytest.mark.parametrize("status", [Status.RETURNED, Status.EXPIRED, Status.CANCELLED])
def test_finished_packages_are_not_polled(status):
    assert interval(status) is None


def test_failures_back_off_and_honour_retry_after():
    rng = random.Random(1)
    waits = [retry_after_failure(n, NOW, rng) - NOW for n in (1, 2, 3, 10)]
    assert waits[0] < waits[1] < waits[2] and waits[3] <= 24 * H * 1.1
    assert retry_after_failure(1, NOW, rng, carrier_says=7200) - NOW >= 2 * H * 0.9


def test_jitter_spreads_packages_registered_together():
    rng = random.Random(5)
    times = {next_check(Status.IN_TRANSIT, NOW, NOW, None, rng) for _ in range(50)}
    assert len(times) == 50


def test_the_interval_factor_scales_every_wait_but_not_the_carriers_grace():
    from parceltrail.services.schedule import PRE_TRANSIT_GRACE

    for status in (Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY, Status.PENDING):
        full = next_check(status, NOW, NOW, None, random.Random(7)) - NOW
        half = next_check(status, NOW, NOW, None, random.Random(7), factor=0.5) - NOW
        assert abs(half - full / 2) < timedelta(seconds=1)
    assert retry_after_failure(2, NOW, random.Random(1), factor=0.25) - NOW < timedelta(minutes=9)
    late = NOW - PRE_TRANSIT_GRACE - timedelta(minutes=1)  # still the same grace under any factor
    assert next_check(Status.PENDING, NOW, late, None, random.Random(7), factor=0.5) - NOW < timedelta(hours=6.6)
