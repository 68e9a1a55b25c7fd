"""Sandbox journeys: what each scenario does, when scans happen, and that the number is the journey."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.carriers.sandbox import NotASandboxNumber, Scenario, Service, decode, encode, journey
from parceltrail.carriers.sandbox.geography import HUB_ZIPS, hubs, zip_pool
from parceltrail.carriers.sandbox.journey import Journey
from parceltrail.carriers.sandbox.timing import closed_days, is_business_day
from parceltrail.core import Status, Substatus
from parceltrail.numbers import detect

START = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)  # a Monday, ten days before Thanksgiving


def sample(scenario: Scenario, service: Service | None = None, count: int = 30) -> list[Journey]:
    """``count`` journeys of one scenario, spread over services, hours of the week and seeds."""
    out = []
    for k in range(count):
        svc = service if service is not None else Service(k % 3)
        shipped = START + timedelta(hours=7 * k, minutes=13 * k)
        out.append(journey(encode(shipped, svc, scenario, 1_000_003 * k % 9_999_999)))
    return out


def codes(j: Journey) -> list[str]:
    return [s.code for s in j.scans]


def local(scan):
    return scan.occurred_at.astimezone(scan.place.zone)


def test_the_number_round_trips_its_fields_and_passes_the_sandbox_checksum():
    shipped = datetime(2026, 11, 20, 15, 42, 31, tzinfo=UTC)
    number = encode(shipped, Service.EXPRESS, Scenario.LOST, 7_654_321)
    assert number.startswith("PT") and len(number) == 19
    fields = decode(number)
    assert fields.shipped_at == shipped.replace(second=0)
    assert (fields.service, fields.scenario, fields.seed) == (Service.EXPRESS, Scenario.LOST, 7_654_321)
    found = detect(number)
    assert found.valid and found.carrier == "sandbox"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("PT36225030500042420", "check digit"),
        ("PT3622503050004242", "17 digits"),
        ("1Z5R89390357567127", "17 digits"),
    ],
)
def test_text_that_is_not_a_sandbox_number_is_refused_with_the_reason(text, why):
    with pytest.raises(NotASandboxNumber, match=why):
        decode(text)


def test_digits_naming_no_service_or_scenario_are_not_journeys():
    from parceltrail.carriers.sandbox.numbering import check_digit

    for serial, why in (("3622503900004242", "service"), ("3622503080004242", "scenario")):
        with pytest.raises(NotASandboxNumber, match=why):
            journey(f"PT{serial}{check_digit(serial)}")


def test_the_same_number_gives_the_same_journey_even_after_the_cache_is_cleared():
    number = encode(START, Service.GROUND, Scenario.WEATHER_DELAY, 31337)
    first = journey(number)
    journey.cache_clear()
    again = journey(number)
    assert again is not first and again == first
    assert journey(number.lower()) == first


def test_endpoints_are_distinct_real_zips_and_hubs_are_real_zips():
    pool = {p.postal_code for p in zip_pool()}
    assert len(pool) > 25_000
    assert {z for z, _ in HUB_ZIPS} <= pool and len(hubs()) == len(HUB_ZIPS)
    for j in sample(Scenario.NORMAL, count=40):
        assert j.origin != j.destination
        assert {j.origin.postal_code, j.destination.postal_code} <= pool
        assert set(j.hubs) <= set(hubs())


@pytest.mark.parametrize("scenario", list(Scenario))
def test_scan_times_strictly_increase_and_start_at_the_label(scenario):
    for j in sample(scenario):
        times = [s.occurred_at for s in j.scans]
        assert times == sorted(times) and len(set(times)) == len(times)
        assert j.scans[0].code == "MP" and j.scans[0].occurred_at == j.shipped_at
        assert all(t.tzinfo is not None for t in times)


def test_normal_parcels_are_picked_up_then_delivered_in_the_afternoon_after_a_morning_round():
    for j in sample(Scenario.NORMAL, count=60):
        assert codes(j)[:3] == ["MP", "PU", "AR"] and codes(j)[-2] == "OD"
        assert j.outcome[0] is Status.DELIVERED
        pickup = j.scans[1]
        assert pickup.occurred_at - j.shipped_at >= timedelta(hours=1)
        assert pickup.occurred_at - j.shipped_at <= timedelta(days=5)
        assert is_business_day(local(pickup).date()) and 15 <= local(pickup).hour < 19
        out, done = j.scans[-2], j.scans[-1]
        assert 7 <= local(out).hour < 10 and 9 <= local(done).hour < 19
        assert local(done).hour >= 11 or j.service is Service.EXPRESS
        assert local(done).date() == local(out).date()


def test_no_delivery_or_delivery_round_on_a_sunday_or_a_carrier_holiday():
    rounds = [
        s
        for scenario in Scenario
        for j in sample(scenario, count=40)
        for s in j.scans
        if s.status in (Status.OUT_FOR_DELIVERY, Status.DELIVERED, Status.DELIVERY_FAILED)
    ]
    assert len(rounds) > 300
    for s in rounds:
        day = local(s).date()
        assert day.weekday() != 6, s
        assert day not in closed_days(day.year), s


def test_ground_never_delivers_on_thanksgiving_or_sunday_over_the_holiday_week():
    delivered = [
        local(j.scans[-1]).date()
        for j in sample(Scenario.NORMAL, Service.GROUND, count=80)
        if j.outcome[0] is Status.DELIVERED
    ]
    assert delivered and all(d.weekday() != 6 and str(d) != "2026-11-26" for d in delivered)


def business_days_between(first, last) -> int:
    days, day = 0, first
    while day < last:
        day += timedelta(days=1)
        days += is_business_day(day)
    return days


def test_express_is_faster_than_ground_and_ground_faster_than_economy():
    spans, worst = {}, {}
    for service in Service:
        found = sample(Scenario.NORMAL, service, count=60)
        totals = sorted((j.delivered_at - j.shipped_at).total_seconds() for j in found)
        spans[service] = totals[len(totals) // 2]
        worst[service] = max(
            business_days_between(local(j.scans[1]).date(), local(j.scans[-1]).date()) for j in found
        )
    assert spans[Service.EXPRESS] < spans[Service.GROUND] < spans[Service.ECONOMY]
    assert worst[Service.EXPRESS] <= 3 and worst[Service.GROUND] <= 5 and worst[Service.ECONOMY] <= 7


def test_economy_hands_over_to_a_postal_partner_for_the_last_mile():
    for j in sample(Scenario.NORMAL, Service.ECONOMY, count=10):
        assert "HP" in codes(j) and codes(j).index("HP") < codes(j).index("OD")


def test_address_issue_is_corrected_then_delivered_later():
    for j in sample(Scenario.ADDRESS_ISSUE):
        c = codes(j)
        assert c[-4:-2] == ["EX-ADDR", "AC"] and c[-2:] == ["OD", j.scans[-1].code]
        assert j.outcome[0] is Status.DELIVERED
        assert j.scans[c.index("AC")].substatus is Substatus.PROBLEM_RESOLVED
        assert local(j.scans[-1]).date() > local(j.scans[c.index("EX-ADDR")]).date()


def test_weather_holds_the_parcel_at_a_hub_for_a_day_or_more_and_makes_it_late():
    late = 0
    for j in sample(Scenario.WEATHER_DELAY):
        i = codes(j).index("EX-WX")
        held, resumed = j.scans[i], j.scans[i + 1]
        assert held.substatus is Substatus.WEATHER_DELAY and resumed.code == "DP"
        assert resumed.place == held.place and resumed.occurred_at - held.occurred_at >= timedelta(hours=24)
        assert j.outcome[0] is Status.DELIVERED
        late += local(j.scans[-1]).date() > j.promised
    assert late >= 25


def test_failed_attempt_is_followed_by_delivery_on_the_next_delivery_day():
    for j in sample(Scenario.FAILED_ATTEMPT_THEN_SUCCESS):
        c = codes(j)
        assert c[-4:-1] == ["OD", "DF", "OD"]
        failed = j.scans[c.index("DF")]
        assert failed.substatus is Substatus.RECIPIENT_UNAVAILABLE
        assert j.outcome[0] is Status.DELIVERED
        assert local(j.scans[-1]).date() > local(failed).date()


def test_lost_parcels_go_quiet_mid_route_then_are_declared_lost_days_later():
    for j in sample(Scenario.LOST):
        assert j.outcome == (Status.EXCEPTION, Substatus.LOST)
        assert "OD" not in codes(j) and codes(j)[-2] == "DP"
        assert j.scans[-1].occurred_at - j.scans[-2].occurred_at >= timedelta(days=7)


def test_returned_parcels_are_refused_or_unknown_then_travel_back_to_the_sender():
    reasons = Counter()
    for j in sample(Scenario.RETURN_TO_SENDER):
        c = codes(j)
        i = c.index("RS")
        reasons[c[i - 1]] += 1
        assert c[i - 2] == "OD" and c[i - 1] in ("EX-RFSD", "EX-ADDR")
        assert all(s.status is Status.RETURNING for s in j.scans[i:-1])
        assert j.outcome == (Status.RETURNED, Substatus.RETURNED_TO_SENDER)
        assert j.scans[-1].place == j.origin
    assert set(reasons) == {"EX-RFSD", "EX-ADDR"}


def test_stale_parcels_stop_in_transit_and_never_scan_again():
    for j in sample(Scenario.STALE):
        assert j.outcome[0] is Status.IN_TRANSIT and j.scans[-1].code == "AR"
        assert j.scans[-1].place in j.hubs and j.delivered_at is None


def test_visible_scans_are_those_that_have_happened():
    j = journey(encode(START, Service.GROUND, Scenario.NORMAL, 99))
    assert j.visible(START - timedelta(minutes=1)) == ()
    assert [s.code for s in j.visible(START)] == ["MP"]
    middle = j.scans[4].occurred_at
    assert j.visible(middle) == j.scans[:5]
    assert j.visible(middle - timedelta(seconds=1)) == j.scans[:4]
    assert j.visible(START + timedelta(days=400)) == j.scans


def test_two_hundred_journeys_of_every_service_and_scenario_are_the_same_when_computed_again():
    """Their speed is bench/sandbox.py's figure (docs/benchmarks.md), not a timed test."""
    numbers = [
        encode(START + timedelta(minutes=k), Service(k % 3), Scenario(k % 7), 500_000 + k) for k in range(200)
    ]
    journey.cache_clear()
    first = [journey(n) for n in numbers]
    journey.cache_clear()
    assert [journey(n) for n in numbers] == first
    assert all(j.scans and j.scans[0].occurred_at >= decode(n).shipped_at for j, n in zip(first, numbers, strict=True))
    assert {(decode(n).service, decode(n).scenario) for n in numbers} == {(Service(k % 3), Scenario(k % 7))
                                                                         for k in range(21)}
