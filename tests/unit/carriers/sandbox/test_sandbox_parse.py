"""The sandbox tracking body and its parser: what a poll or a push shows at each moment of a journey."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from parceltrail.carriers import CARRIERS, CarrierShapeError, get_carrier
from parceltrail.carriers.sandbox import Scenario, Service, encode, journey, parse, parse_many, tracking_body
from parceltrail.carriers.sandbox.body import encode_body
from parceltrail.core import Status, Substatus

START = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)
FOREVER = datetime(2030, 1, 1, tzinfo=UTC)


def number(scenario=Scenario.NORMAL, service=Service.GROUND, seed=4242, shipped=START) -> str:
    return encode(shipped, service, scenario, seed)


@pytest.mark.parametrize("scenario", list(Scenario))
def test_parsing_the_full_body_gives_back_every_scan_of_the_journey(scenario):
    n = number(scenario)
    j = journey(n)
    result = parse(encode_body(tracking_body(n, FOREVER)))
    assert result.carrier == "sandbox" and result.tracking_number == n
    assert [(e.occurred_at, e.status, e.substatus, e.carrier_code) for e in result.events] == [
        (s.occurred_at, s.status, s.substatus, s.code) for s in j.scans
    ]
    assert [e.location.postal_code for e in result.events] == [s.place.postal_code for s in j.scans]
    assert (result.status, result.substatus) == j.outcome
    assert result.unmapped == ()


def test_only_scans_that_have_happened_are_shown_newest_first_with_local_offsets():
    n = number()
    j = journey(n)
    now = j.scans[3].occurred_at + timedelta(minutes=5)
    body = tracking_body(n, now)
    assert [e["code"] for e in body["events"]] == [s.code for s in reversed(j.scans[:4])]
    first = body["events"][-1]
    assert datetime.fromisoformat(first["occurred_at"]) == j.shipped_at
    assert first["occurred_at"].endswith(("-05:00", "-06:00", "-07:00", "-08:00"))
    assert first["location"] == {
        "city": j.origin.city,
        "region": j.origin.region,
        "postal_code": j.origin.postal_code,
        "country": "US",
    }
    assert parse(body).status is Status.IN_TRANSIT


def test_the_same_moment_gives_the_same_bytes_so_a_repeated_push_is_a_duplicate():
    n = number(Scenario.WEATHER_DELAY)
    later = START + timedelta(days=2)
    assert encode_body(tracking_body(n, later)) == encode_body(tracking_body(n, later))


@pytest.mark.parametrize(
    "text",
    ["PT36225030500042420", "1Z5R89390357567127", "not a number", number(shipped=START + timedelta(hours=1))],
)
def test_an_unknown_invalid_or_not_yet_labelled_number_has_no_record(text):
    body = tracking_body(text, START)
    assert body == {"tracking_number": text, "found": False, "message": body["message"], "events": []}
    result = parse(body)
    assert (result.status, result.events, result.tracking_number) == (Status.PENDING, (), text)


def test_the_carrier_estimate_is_the_promise_until_something_goes_wrong_then_the_real_day():
    n = number(Scenario.FAILED_ATTEMPT_THEN_SUCCESS)
    j = journey(n)
    failed = next(s for s in j.scans if s.code == "DF")
    before = parse(tracking_body(n, failed.occurred_at - timedelta(minutes=1))).estimated_delivery
    after = parse(tracking_body(n, failed.occurred_at)).estimated_delivery
    assert before is not None and before.earliest == before.latest == j.promised
    delivered_day = j.delivered_at.astimezone(j.destination.zone).date()
    assert after is not None and after.earliest == after.latest == delivered_day != j.promised


def test_economy_promises_a_two_day_window():
    n = number(service=Service.ECONOMY)
    estimate = parse(tracking_body(n, START)).estimated_delivery
    assert estimate is not None and estimate.earliest == journey(n).promised < estimate.latest


@pytest.mark.parametrize("scenario", [Scenario.LOST, Scenario.RETURN_TO_SENDER])
def test_no_estimate_once_the_parcel_will_not_arrive(scenario):
    result = parse(tracking_body(number(scenario), FOREVER))
    assert result.estimated_delivery is None


def test_a_delivered_body_carries_proof_of_delivery():
    for seed in range(40):
        n = number(service=Service.EXPRESS, seed=seed)
        if journey(n).scans[-1].code == "DS":
            break
    j = journey(n)
    result = parse(tracking_body(n, FOREVER))
    assert result.status is Status.DELIVERED and result.substatus is Substatus.SIGNED
    assert result.delivered_at == j.delivered_at and result.signed_by == j.signed_by
    assert result.estimated_delivery is None


def test_a_batch_answer_gives_every_shipment_in_order_and_parse_returns_the_first_with_the_rest_related():
    numbers = [number(seed=s) for s in (1, 2, 3)] + ["PT00000000000000001"]
    body = json.dumps({"shipments": [tracking_body(x, FOREVER) for x in numbers]}).encode()
    many = parse_many(body)
    assert [r.tracking_number for r in many] == numbers
    assert [r.status for r in many] == [Status.DELIVERED] * 3 + [Status.PENDING]
    first = parse(body)
    assert first.tracking_number == numbers[0] and first.related == tuple(many[1:])
    assert parse_many(tracking_body(numbers[0], FOREVER)) == [many[0]]
    assert parse({"shipments": []}).status is Status.PENDING


def test_an_unknown_code_falls_back_and_is_reported():
    body = tracking_body(number(), START + timedelta(days=1))
    body["events"][0]["code"] = "ZZ"
    result = parse(body)
    assert "ZZ" in result.unmapped


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<html>Bad Gateway</html>", "body is not JSON"),
        ({"trackResponse": {"shipment": []}}, "no tracking_number"),
        ({"shipments": {"x": 1}}, "shipments should be list"),
        (
            {
                "tracking_number": "PT1",
                "found": True,
                "events": [{"code": "AR", "occurred_at": "2026-11-20T10:00:00"}],
            },
            "has no UTC offset",
        ),
    ],
)
def test_a_body_of_the_wrong_shape_is_a_sandbox_shape_error(body, problem):
    with pytest.raises(CarrierShapeError, match=f"^sandbox: .*{problem}"):
        parse(body)


def test_the_sandbox_is_registered_like_every_carrier():
    carrier = get_carrier("sandbox")
    assert CARRIERS["sandbox"] is carrier and carrier.parse is parse
    assert carrier.lookup == "tracking_number" and carrier.base_url == "http://127.0.0.1:8000/sandbox"
    assert carrier.credentials_type() is not None
    assert date.fromisoformat(tracking_body(number(), START)["estimated_delivery"]["earliest"])


def test_the_example_body_in_the_docs_is_what_the_network_serves():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[4] / "docs" / "carriers.md").read_text(encoding="utf-8")
    start = doc.index("```json\n", doc.index("A ground parcel (failed_attempt_then_success)")) + len(
        "```json\n"
    )
    shown = json.loads(doc[start : doc.index("```", start)])
    n = shown["tracking_number"]
    attempt = next(s for s in journey(n).scans if s.code == "DF")
    served = tracking_body(n, attempt.occurred_at + timedelta(minutes=1))
    assert served == shown | {"events": served["events"]}
    assert served["events"][: len(shown["events"])] == shown["events"]
