"""Properties every sandbox number keeps, over ship times from 2020 to 2039, all services and scenarios."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from parceltrail.carriers.sandbox import Scenario, Service, decode, encode, journey, parse, tracking_body
from parceltrail.carriers.sandbox.numbering import EPOCH, MINUTES_MAX, SEED_MAX
from parceltrail.carriers.sandbox.timing import closed_days
from parceltrail.core import Status

EXPECTED_END = {
    Scenario.NORMAL: {Status.DELIVERED},
    Scenario.ADDRESS_ISSUE: {Status.DELIVERED},
    Scenario.WEATHER_DELAY: {Status.DELIVERED},
    Scenario.FAILED_ATTEMPT_THEN_SUCCESS: {Status.DELIVERED},
    Scenario.LOST: {Status.EXCEPTION},
    Scenario.RETURN_TO_SENDER: {Status.RETURNED},
    Scenario.STALE: {Status.IN_TRANSIT},
    Scenario.DAMAGED: {Status.DELIVERED},
}
ON_THE_DOORSTEP = (Status.OUT_FOR_DELIVERY, Status.DELIVERED, Status.DELIVERY_FAILED)

numbers = st.builds(
    lambda minute, service, scenario, seed: encode(
        EPOCH + timedelta(minutes=minute), service, scenario, seed
    ),
    st.integers(0, MINUTES_MAX - 60 * 24 * 40),  # leave room for the journey itself before 2039
    st.sampled_from(list(Service)),
    st.sampled_from(list(Scenario)),
    st.integers(0, SEED_MAX),
)


@settings(max_examples=150, deadline=None)
@given(numbers)
def test_every_number_is_a_consistent_journey(number):
    fields = decode(number)
    assert decode(fields.text()) == fields and number == fields.text()
    j = journey(number)
    times = [s.occurred_at for s in j.scans]
    assert times[0] == fields.shipped_at and times == sorted(times) and len(set(times)) == len(times)
    assert times[-1] - times[0] < timedelta(days=30)
    assert j.outcome[0] in EXPECTED_END[fields.scenario]
    for s in j.scans:
        if s.status in ON_THE_DOORSTEP:
            day = s.occurred_at.astimezone(s.place.zone).date()
            assert day.weekday() != 6 and day not in closed_days(day.year)


@settings(max_examples=60, deadline=None)
@given(numbers, st.floats(0, 1))
def test_parse_of_the_body_at_any_moment_is_the_visible_part_of_the_journey(number, share):
    j = journey(number)
    now = j.shipped_at + (j.last_scan_at - j.shipped_at) * share
    result = parse(tracking_body(number, now))
    visible = j.visible(now)
    assert [(e.occurred_at, e.carrier_code, e.status, e.substatus) for e in result.events] == [
        (s.occurred_at, s.code, s.status, s.substatus) for s in visible
    ]
    assert (result.status, result.substatus) == (visible[-1].status, visible[-1].substatus)


def test_a_label_made_at_the_last_minute_the_number_can_hold_still_works():
    last = EPOCH + timedelta(minutes=MINUTES_MAX)
    j = journey(encode(last, Service.GROUND, Scenario.NORMAL, 1))
    assert j.shipped_at == last and j.outcome[0] is Status.DELIVERED
    assert last < datetime(2040, 1, 1, tzinfo=UTC)
