"""USPS: every fixture parsed event by event, plus what the body says beyond the events."""

from __future__ import annotations

import json

import pytest

from parceltrail.carriers import CarrierShapeError, usps
from tests.unit.carriers.conftest import SCENARIOS, body, timeline

# The journey most scenarios share: label, pickup, hub scans, out for delivery.
BASE = [
    ("2026-11-16T15:31:00+00:00", "info_received", "label_created", "GX", "COLUMBUS"),
    ("2026-11-16T22:54:00+00:00", "in_transit", "picked_up", "03", "COLUMBUS"),
    (
        "2026-11-17T02:12:00+00:00",
        "in_transit",
        "arrived_at_facility",
        "10",
        "COLUMBUS OH DISTRIBUTION CENTER",
    ),
    ("2026-11-17T08:40:00+00:00", "in_transit", "departed_facility", "L1", "COLUMBUS OH DISTRIBUTION CENTER"),
    ("2026-11-18T07:00:00+00:00", "in_transit", "in_transit", "NT", "DENVER CO DISTRIBUTION CENTER"),
    (
        "2026-11-20T06:05:00+00:00",
        "in_transit",
        "arrived_at_facility",
        "A1",
        "SEATTLE WA DISTRIBUTION CENTER",
    ),
    ("2026-11-20T13:48:00+00:00", "in_transit", "arrived_at_facility", "07", "SEATTLE"),
    ("2026-11-20T15:10:00+00:00", "out_for_delivery", "out_for_delivery", "OF", "SEATTLE"),
]

# scenario: (tracking number, status, substatus, [(UTC time, status, substatus, carrier code, city), ...])
EXPECTED = {
    "delivered": (
        "9400111206213859476238",
        "delivered",
        "mailbox",
        [
            *BASE,
            ("2026-11-20T19:41:00+00:00", "delivered", "mailbox", "01", "SEATTLE"),
        ],
    ),
    "out_for_delivery": (
        "9400111206213859476238",
        "out_for_delivery",
        "out_for_delivery",
        [
            *BASE,
        ],
    ),
    "exception": (
        "9400111206213859476511",
        "exception",
        "carrier_delay",
        [
            *BASE[:5],
            (
                "2026-11-19T21:30:00+00:00",
                "exception",
                "carrier_delay",
                "08",
                "DENVER CO DISTRIBUTION CENTER",
            ),
        ],
    ),
    "failed_attempt": (
        "9400111206213859476726",
        "delivery_failed",
        "recipient_unavailable",
        [
            *BASE,
            ("2026-11-20T23:22:00+00:00", "delivery_failed", "recipient_unavailable", "02", "SEATTLE"),
        ],
    ),
    "return_to_sender": (
        "9400111206213859476993",
        "returning",
        "return_to_sender",
        [
            *BASE,
            ("2026-11-20T20:02:00+00:00", "exception", "customer_moved", "23", "SEATTLE"),
            ("2026-11-21T01:30:00+00:00", "returning", "return_to_sender", "09", "SEATTLE"),
            (
                "2026-11-22T04:15:00+00:00",
                "returning",
                "return_to_sender",
                "10",
                "SEATTLE WA DISTRIBUTION CENTER",
            ),
        ],
    ),
    "pickup_point": (
        "9400111206213859477112",
        "available_for_pickup",
        "held_at_post_office",
        [
            *BASE[:7],
            ("2026-11-20T17:03:00+00:00", "available_for_pickup", "held_at_post_office", "16", "SEATTLE"),
        ],
    ),
    "customs": (
        "LZ483920511CN",
        "in_transit",
        "customs_cleared",
        [
            ("2026-11-09T08:20:00+00:00", "in_transit", "in_transit", "ZA", "SHENZHEN"),
            (
                "2026-11-11T15:35:00+00:00",
                "in_transit",
                "arrived_destination_country",
                "IL",
                "ISC LOS ANGELES CA (USPS)",
            ),
            ("2026-11-11T17:05:00+00:00", "in_transit", "customs_started", "H0", "ISC LOS ANGELES CA (USPS)"),
            ("2026-11-12T22:48:00+00:00", "exception", "customs_hold", "H1", "ISC LOS ANGELES CA (USPS)"),
            ("2026-11-13T19:16:00+00:00", "in_transit", "customs_cleared", "H3", "ISC LOS ANGELES CA (USPS)"),
        ],
    ),
    "pre_transit": (
        "9400111206213859477440",
        "info_received",
        "label_created",
        [
            ("2026-11-24T18:05:00+00:00", "info_received", "label_created", "GX", "COLUMBUS"),
        ],
    ),
    "not_found": ("9400111206213859479999", "pending", "pending", []),
    "multi_piece": (
        "9400111206213859477628",
        "in_transit",
        "arrived_at_facility",
        [
            *BASE[:6],
        ],
    ),
}


def test_every_scenario_has_a_fixture_and_an_expectation():
    assert set(EXPECTED) == set(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_usps_fixture_parses_event_by_event(scenario):
    number, status, substatus, events = EXPECTED[scenario]
    result = usps.parse(body("usps", scenario))
    assert result.carrier == "usps"
    assert result.tracking_number == number
    assert (str(result.status), str(result.substatus)) == (status, substatus)
    assert timeline(result) == events


def test_delivered_substatus_and_place_come_from_the_usps_wording():
    result = usps.parse(body("usps", "delivered"))
    assert (result.delivery_location, result.delivered_at.isoformat()) == (
        "In/At Mailbox",
        "2026-11-20T19:41:00+00:00",
    )
    place = result.events[0].location
    assert (place.city, place.region, place.postal_code, place.country) == ("COLUMBUS", "OH", "43218", "US")


def test_international_event_country_name_is_not_taken_for_a_code():
    assert usps.parse(body("usps", "customs")).events[0].location.country is None


def test_expected_delivery_with_offset_is_a_time_and_predicted_day_is_a_date():
    assert usps.parse(body("usps", "customs")).estimated_delivery.to_dict() == {
        "earliest": "2026-11-18T20:00:00-08:00",
        "latest": "2026-11-18T20:00:00-08:00",
    }
    assert usps.parse(body("usps", "out_for_delivery")).estimated_delivery.to_dict() == {
        "earliest": "2026-11-20",
        "latest": "2026-11-20",
    }


def test_a_list_body_answers_with_the_first_and_relates_the_rest():
    result = usps.parse(body("usps", "multi_piece"))
    [other] = result.related
    assert (other.tracking_number, other.status, other.substatus) == (
        "9400111206213859477635",
        "delivered",
        "mailbox",
    )


def test_gmt_timestamp_is_used_when_the_offset_is_missing():
    data = json.loads(body("usps", "pre_transit"))
    del data["trackingEvents"][0]["GMTOffset"]
    assert usps.parse(data).events[0].occurred_at.isoformat() == "2026-11-24T18:05:00+00:00"


def test_documented_offset_without_leading_zero_is_read():
    """USPS's OpenAPI documents GMTOffset as "-7:00"."""
    data = json.loads(body("usps", "pre_transit"))
    data["trackingEvents"][0]["GMTOffset"] = "-7:00"  # 13:05 local
    assert usps.parse(data).events[0].occurred_at.isoformat() == "2026-11-24T20:05:00+00:00"


def test_pre_shipment_event_with_neither_gmt_field_is_placed_not_refused():
    data = json.loads(body("usps", "pre_transit"))
    for key in ("GMTOffset", "GMTTimestamp"):
        data["trackingEvents"][0].pop(key, None)
    first = usps.parse(data).events[0]  # 13:05 in Columbus, OH 43218
    assert (first.occurred_at.isoformat(), first.time_basis) == ("2026-11-24T18:05:00+00:00", "zone_from_place")


def test_unknown_code_is_read_from_the_wording_before_falling_back():
    data = json.loads(body("usps", "pre_transit"))
    data["trackingEvents"][0].update(eventCode="Z7", eventType="Departed Post Office")
    result = usps.parse(data)
    assert (result.status, result.substatus, result.unmapped) == ("in_transit", "departed_facility", ())


def test_the_code_fixture_reports_what_it_could_not_map():
    """The fixture's origin-post event once used EF, which USPS publishes as "Departed Sort Facility"."""
    assert usps.parse(body("usps", "customs")).unmapped == ("ZA",)


def test_usps_body_without_tracking_number_is_not_usps():
    with pytest.raises(CarrierShapeError, match="no trackingNumber: this is not a USPS Tracking v3 body"):
        usps.parse({"shipments": []})
