"""DHL: every fixture parsed event by event, plus what the body says beyond the events."""

from __future__ import annotations

import json

import pytest

from parceltrail.carriers import CarrierShapeError, dhl
from tests.unit.carriers.conftest import SCENARIOS, body, timeline

# The journey most scenarios share: label, pickup, hub scans, out for delivery.
BASE = [
    ("2026-11-16T13:21:00+00:00", "info_received", "label_created", "pre-transit", None),
    ("2026-11-16T17:02:00+00:00", "in_transit", "picked_up", "transit", "Bonn"),
    ("2026-11-16T21:47:00+00:00", "in_transit", "arrived_at_facility", "transit", "Köln"),
    ("2026-11-17T04:31:00+00:00", "in_transit", "arrived_at_facility", "transit", "Berlin"),
    ("2026-11-17T07:12:00+00:00", "out_for_delivery", "out_for_delivery", "transit", "Berlin"),
]

# scenario: (tracking number, status, substatus, [(UTC time, status, substatus, carrier code, city), ...])
EXPECTED = {
    "delivered": (
        "00340434161094042557",
        "delivered",
        "signed",
        [
            *BASE,
            ("2026-11-17T12:40:00+00:00", "delivered", "signed", "delivered", "Berlin"),
        ],
    ),
    "out_for_delivery": (
        "00340434161094042557",
        "out_for_delivery",
        "out_for_delivery",
        [
            *BASE,
        ],
    ),
    "exception": (
        "00340434161094042618",
        "exception",
        "address_issue",
        [
            *BASE,
            ("2026-11-17T09:05:00+00:00", "exception", "address_issue", "failure", "Berlin"),
        ],
    ),
    "failed_attempt": (
        "00340434161094042724",
        "delivery_failed",
        "recipient_unavailable",
        [
            *BASE,
            ("2026-11-17T10:26:00+00:00", "delivery_failed", "recipient_unavailable", "failure", "Berlin"),
        ],
    ),
    "return_to_sender": (
        "00340434161094042830",
        "returned",
        "returned_to_sender",
        [
            *BASE,
            ("2026-11-18T10:02:00+00:00", "delivery_failed", "recipient_unavailable", "failure", "Berlin"),
            ("2026-11-25T08:15:00+00:00", "returning", "return_to_sender", "transit", "Berlin"),
            ("2026-11-25T20:40:00+00:00", "returning", "return_to_sender", "transit", "Berlin"),
            ("2026-11-26T11:20:00+00:00", "returned", "returned_to_sender", "delivered", "Bonn"),
        ],
    ),
    "pickup_point": (
        "00340434161094042953",
        "available_for_pickup",
        "at_locker",
        [
            *BASE[:4],
            ("2026-11-17T08:48:00+00:00", "available_for_pickup", "at_locker", "transit", "Berlin"),
        ],
    ),
    "customs": (
        "4827195530",
        "in_transit",
        "customs_cleared",
        [
            ("2026-11-12T21:35:00+00:00", "in_transit", "picked_up", "transit", "New York"),
            ("2026-11-13T01:10:00+00:00", "in_transit", "arrived_at_facility", "transit", "Leipzig"),
            ("2026-11-13T03:55:00+00:00", "in_transit", "customs_started", "transit", "Leipzig"),
            ("2026-11-13T08:20:00+00:00", "exception", "customs_hold", "transit", "Leipzig"),
            ("2026-11-14T09:03:00+00:00", "in_transit", "customs_cleared", "transit", "Leipzig"),
        ],
    ),
    "pre_transit": (
        "00340434161094043011",
        "info_received",
        "label_created",
        [
            ("2026-11-16T13:21:00+00:00", "info_received", "label_created", "pre-transit", None),
        ],
    ),
    "not_found": (None, "pending", "pending", []),
    "multi_piece": (
        "7318840261",
        "delivered",
        "signed",
        [
            ("2026-11-18T14:10:00+00:00", "in_transit", "picked_up", "transit", "Hamburg"),
            ("2026-11-18T20:44:00+00:00", "in_transit", "arrived_at_facility", "transit", "Leipzig"),
            ("2026-11-19T06:30:00+00:00", "out_for_delivery", "out_for_delivery", "transit", "Berlin"),
            ("2026-11-19T11:18:00+00:00", "delivered", "signed", "delivered", "Berlin"),
        ],
    ),
}


def test_every_scenario_has_a_fixture_and_an_expectation():
    assert set(EXPECTED) == set(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_dhl_fixture_parses_event_by_event(scenario):
    number, status, substatus, events = EXPECTED[scenario]
    result = dhl.parse(body("dhl", scenario))
    assert result.carrier == "dhl"
    assert result.tracking_number == number
    assert (str(result.status), str(result.substatus)) == (status, substatus)
    assert timeline(result) == events


def test_signer_and_proof_of_delivery_time_are_kept():
    result = dhl.parse(body("dhl", "delivered"))
    assert (result.signed_by, result.delivered_at.isoformat()) == ("K. Brandt", "2026-11-17T12:40:00+00:00")


def test_estimated_time_frame_keeps_its_offsets():
    assert dhl.parse(body("dhl", "out_for_delivery")).estimated_delivery.to_dict() == {
        "earliest": "2026-11-17T11:00:00+01:00",
        "latest": "2026-11-17T14:00:00+01:00",
    }


def test_zone_less_times_in_a_one_offset_country_get_that_offset():
    """Express sends Leipzig times without an offset; Germany has one offset at any instant."""
    events = dhl.parse(body("dhl", "customs")).events
    assert events[1].occurred_at.isoformat() == "2026-11-13T01:10:00+00:00"


def test_zone_less_time_at_a_us_zip_takes_the_zone_of_the_zip():
    data = json.loads(body("dhl", "customs"))
    data["shipments"][0]["events"][-1]["timestamp"] = "2026-11-12T16:35:00"  # New York 10001, no offset
    first = dhl.parse(data).events[0]
    assert (first.occurred_at.isoformat(), first.time_basis) == ("2026-11-12T21:35:00+00:00", "zone_from_place")


def test_zone_less_time_in_a_many_zone_country_is_dropped_and_reported():
    """New York without a ZIP or state: the US has many zones, and the German scans and route are not the US."""
    data = json.loads(body("dhl", "customs"))
    data["shipments"][0]["events"][-1]["timestamp"] = "2026-11-12T16:35:00"
    del data["shipments"][0]["events"][-1]["location"]["address"]["postalCode"]
    result = dhl.parse(data)
    assert len(result.events) == 4
    assert result.unmapped == ("time without zone: 2026-11-12T16:35:00 (Shipment picked up)",)


def test_multi_piece_counts_pieces_and_relates_the_other_service():
    result = dhl.parse(body("dhl", "multi_piece"))
    assert (result.piece_count, result.signed_by) == (3, "Jonas Weber")
    [older] = result.related
    assert (older.tracking_number, older.status, older.events[0].occurred_at.year) == (
        "7318840261",
        "delivered",
        2024,
    )


def test_unmatched_text_falls_back_on_the_coarse_status_code_and_is_reported():
    data = json.loads(body("dhl", "pre_transit"))
    data["shipments"][0]["events"][0].update(statusCode="failure", description="Unusual occurrence")
    result = dhl.parse(data)
    assert (result.status, result.substatus, result.unmapped) == (
        "exception",
        "other",
        ("Unusual occurrence",),
    )


def test_a_dhl_problem_body_that_is_not_404_is_a_shape_error():
    with pytest.raises(CarrierShapeError, match="no shipments: this is not a DHL unified tracking body"):
        dhl.parse({"title": "Unauthorized", "status": 401})
