"""UPS: every fixture parsed event by event, plus what the body says beyond the events."""

from __future__ import annotations

import json

import pytest

from parceltrail.carriers import UNMAPPED, CarrierShapeError, ups
from tests.unit.carriers.conftest import SCENARIOS, body, timeline

# The journey most scenarios share: label, pickup, hub scans, out for delivery.
BASE = [
    ("2026-11-16T22:02:11+00:00", "info_received", "label_created", "MP", "ATLANTA"),
    ("2026-11-17T02:40:00+00:00", "in_transit", "picked_up", "OR", "ATLANTA"),
    ("2026-11-17T07:15:00+00:00", "in_transit", "departed_facility", "DP", "ATLANTA"),
    ("2026-11-18T02:05:00+00:00", "in_transit", "arrived_at_facility", "AR", "HODGKINS"),
    ("2026-11-18T10:30:00+00:00", "in_transit", "departed_facility", "DP", "HODGKINS"),
    ("2026-11-20T05:12:00+00:00", "in_transit", "arrived_at_facility", "AR", "AUSTIN"),
    ("2026-11-20T14:47:00+00:00", "out_for_delivery", "out_for_delivery", "OT", "AUSTIN"),
]

# scenario: (tracking number, status, substatus, [(UTC time, status, substatus, carrier code, city), ...])
EXPECTED = {
    "delivered": (
        "1Z4F28Y10392746618",
        "delivered",
        "left_at_door",
        [
            *BASE,
            ("2026-11-20T20:05:00+00:00", "delivered", "left_at_door", "KB", "AUSTIN"),
        ],
    ),
    "out_for_delivery": (
        "1Z4F28Y10392746618",
        "out_for_delivery",
        "out_for_delivery",
        [
            *BASE,
        ],
    ),
    "exception": (
        "1Z4F28Y10392811540",
        "exception",
        "weather_delay",
        [
            *BASE[:3],
            ("2026-11-18T06:40:00+00:00", "in_transit", "arrived_at_facility", "AR", "DENVER"),
            ("2026-11-18T16:20:00+00:00", "exception", "weather_delay", "WE", "DENVER"),
        ],
    ),
    "failed_attempt": (
        "1Z4F28Y10393015224",
        "delivery_failed",
        "recipient_unavailable",
        [
            *BASE,
            ("2026-11-20T22:48:00+00:00", "delivery_failed", "recipient_unavailable", "48", "AUSTIN"),
        ],
    ),
    "return_to_sender": (
        "1Z4F28Y10393344098",
        "returning",
        "return_to_sender",
        [
            ("2026-11-16T22:02:11+00:00", "info_received", "label_created", "MP", "ATLANTA"),
            ("2026-11-17T02:40:00+00:00", "in_transit", "picked_up", "OR", "ATLANTA"),
            ("2026-11-20T05:12:00+00:00", "in_transit", "arrived_at_facility", "AR", "AUSTIN"),
            ("2026-11-20T14:47:00+00:00", "out_for_delivery", "out_for_delivery", "OT", "AUSTIN"),
            ("2026-11-20T22:48:00+00:00", "delivery_failed", "recipient_unavailable", "48", "AUSTIN"),
            ("2026-11-23T21:30:00+00:00", "delivery_failed", "recipient_unavailable", "48", "AUSTIN"),
            ("2026-11-24T21:02:00+00:00", "delivery_failed", "recipient_unavailable", "48", "AUSTIN"),
            ("2026-11-25T01:10:00+00:00", "returning", "return_to_sender", "KP", "AUSTIN"),
            ("2026-11-25T12:55:00+00:00", "returning", "return_to_sender", "DP", "AUSTIN"),
        ],
    ),
    "pickup_point": (
        "1Z4F28Y10393502117",
        "available_for_pickup",
        "at_pickup_point",
        [
            *BASE,
            ("2026-11-20T17:36:00+00:00", "available_for_pickup", "at_pickup_point", "2Q", "AUSTIN"),
        ],
    ),
    "customs": (
        "1Z4F28Y16692145530",
        "in_transit",
        "customs_cleared",
        [
            ("2026-11-12T02:05:00+00:00", "info_received", "label_created", "MP", "SHENZHEN"),
            ("2026-11-12T11:30:00+00:00", "in_transit", "picked_up", "OR", "SHENZHEN"),
            ("2026-11-12T18:10:00+00:00", "in_transit", "departed_facility", "DP", "SHENZHEN"),
            ("2026-11-13T14:45:00+00:00", "in_transit", "arrived_at_facility", "AR", "ANCHORAGE"),
            ("2026-11-14T03:50:00+00:00", "in_transit", "arrived_at_facility", "AR", "LOUISVILLE"),
            ("2026-11-14T06:12:00+00:00", "in_transit", "customs_started", "CP", "LOUISVILLE"),
            ("2026-11-14T14:40:00+00:00", "in_transit", "customs_cleared", "CI", "LOUISVILLE"),
        ],
    ),
    "pre_transit": (
        "1Z4F28Y10394120075",
        "info_received",
        "label_created",
        [
            ("2026-11-24T18:22:48+00:00", "info_received", "label_created", "MP", "ATLANTA"),
        ],
    ),
    "not_found": ("1Z4F28Y10399999990", "pending", "pending", []),
    "multi_piece": (
        "1Z4F28Y10395000020",
        "in_transit",
        "arrived_at_facility",
        [
            *BASE[:5],
            ("2026-11-20T05:40:00+00:00", "in_transit", "arrived_at_facility", "AR", "AUSTIN"),
        ],
    ),
}


def test_every_scenario_has_a_fixture_and_an_expectation():
    assert set(EXPECTED) == set(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_ups_fixture_parses_event_by_event(scenario):
    number, status, substatus, events = EXPECTED[scenario]
    result = ups.parse(body("ups", scenario))
    assert result.carrier == "ups"
    assert result.tracking_number == number
    assert (str(result.status), str(result.substatus)) == (status, substatus)
    assert timeline(result) == events


def test_delivered_body_keeps_proof_of_delivery_and_full_location():
    result = ups.parse(body("ups", "delivered"))
    assert result.delivery_location == "Front Door"
    assert result.delivered_at.isoformat() == "2026-11-20T20:05:00+00:00"
    place = result.events[-1].location
    assert (place.city, place.region, place.postal_code, place.country) == ("AUSTIN", "TX", "78744", "US")


def test_scheduled_delivery_day_is_a_date_because_ups_gives_no_zone():
    estimate = ups.parse(body("ups", "out_for_delivery")).estimated_delivery
    assert estimate.to_dict() == {"earliest": "2026-11-20", "latest": "2026-11-20"}


def test_multi_piece_answers_for_the_number_asked_and_lists_the_sibling():
    result = ups.parse(body("ups", "multi_piece"))
    assert result.piece_count == 2
    [sibling] = result.related
    assert (sibling.tracking_number, sibling.status, sibling.substatus) == (
        "1Z4F28Y10395000011",
        "delivered",
        "left_at_door",
    )


def test_gmt_pair_is_used_when_the_offset_is_missing():
    data = json.loads(body("ups", "pre_transit"))
    activity = data["trackResponse"]["shipment"][0]["package"][0]["activity"][0]
    del activity["gmtOffset"]
    assert ups.parse(data).events[0].occurred_at.isoformat() == "2026-11-24T18:22:48+00:00"


def test_activity_without_any_gmt_field_is_placed_in_its_zip_zone_and_marked_inferred():
    """Issue 17 item 1: UPS's v1 API sent no GMT fields for a while; 13:22:48 in Atlanta 30336 is EST."""
    data = json.loads(body("ups", "pre_transit"))
    activity = data["trackResponse"]["shipment"][0]["package"][0]["activity"][0]
    for key in ("gmtOffset", "gmtDate", "gmtTime"):
        del activity[key]
    first = ups.parse(data).events[0]
    assert (first.occurred_at.isoformat(), first.time_basis) == ("2026-11-24T18:22:48+00:00", "zone_from_place")


def test_gmt_time_written_without_colons_or_leading_zero_is_read():
    """UPS's own OpenAPI example writes gmtTime as "74700" (07:47:00)."""
    data = json.loads(body("ups", "pre_transit"))
    activity = data["trackResponse"]["shipment"][0]["package"][0]["activity"][0]
    del activity["gmtOffset"]
    activity.update(gmtDate="20261124", gmtTime="74700")
    first = ups.parse(data).events[0]
    assert (first.occurred_at.isoformat(), first.time_basis) == ("2026-11-24T07:47:00+00:00", "exact")


def test_unknown_status_code_falls_back_on_the_activity_type_and_is_reported(caplog):
    data = json.loads(body("ups", "pre_transit"))
    data["trackResponse"]["shipment"][0]["package"][0]["activity"][0]["status"] = {
        "type": "X",
        "code": "QQ",
        "statusCode": "170",
        "description": "Something new",
    }
    before = UNMAPPED[("ups", "X/QQ")]
    result = ups.parse(data)
    assert (result.status, result.substatus, result.unmapped) == ("exception", "other", ("X/QQ",))
    assert result.events[0].unknown_code and result.events[0].description == "Something new"
    assert UNMAPPED[("ups", "X/QQ")] == before + 1


def test_ups_error_body_meaning_no_record_is_pending():
    error = {"response": {"errors": [{"code": "151044", "message": "No tracking information available"}]}}
    assert ups.parse(error).status == "pending"


def test_ups_other_error_body_is_a_shape_error_that_says_so():
    error = {"response": {"errors": [{"code": "151018", "message": "Invalid tracking number"}]}}
    with pytest.raises(CarrierShapeError, match="UPS answered an error, not tracking"):
        ups.parse(error)
