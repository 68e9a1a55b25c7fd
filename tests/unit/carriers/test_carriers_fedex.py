"""FedEx: every fixture parsed event by event, plus what the body says beyond the events."""

from __future__ import annotations

import json

import pytest

from parceltrail.carriers import CarrierShapeError, fedex
from tests.unit.carriers.conftest import SCENARIOS, body, timeline

# The journey most scenarios share: label, pickup, hub scans, out for delivery.
BASE = [
    ("2026-11-16T21:12:00+00:00", "info_received", "label_created", "OC", None),
    ("2026-11-17T02:40:00+00:00", "in_transit", "picked_up", "PU", "ONTARIO"),
    ("2026-11-17T05:05:00+00:00", "in_transit", "arrived_at_facility", "AR", "ONTARIO"),
    ("2026-11-17T11:30:00+00:00", "in_transit", "departed_facility", "DP", "ONTARIO"),
    ("2026-11-18T18:20:00+00:00", "in_transit", "in_transit", "IT", "PHOENIX"),
    ("2026-11-20T03:10:00+00:00", "in_transit", "arrived_at_facility", "AR", "NEWARK"),
    ("2026-11-20T10:42:00+00:00", "in_transit", "arrived_at_facility", "AF", "BROOKLYN"),
    ("2026-11-20T13:15:00+00:00", "out_for_delivery", "out_for_delivery", "OD", "BROOKLYN"),
]

# scenario: (tracking number, status, substatus, [(UTC time, status, substatus, carrier code, city), ...])
EXPECTED = {
    "delivered": (
        "794627189203",
        "delivered",
        "signed",
        [
            *BASE,
            ("2026-11-20T18:27:00+00:00", "delivered", "signed", "DL", "BROOKLYN"),
        ],
    ),
    "out_for_delivery": (
        "794627189203",
        "out_for_delivery",
        "out_for_delivery",
        [
            *BASE,
        ],
    ),
    "exception": (
        "794627190417",
        "exception",
        "damaged",
        [
            *BASE[:5],
            ("2026-11-18T21:02:00+00:00", "exception", "damaged", "SE", "PHOENIX"),
        ],
    ),
    "failed_attempt": (
        "794627190826",
        "delivery_failed",
        "recipient_unavailable",
        [
            *BASE,
            ("2026-11-20T22:48:00+00:00", "delivery_failed", "recipient_unavailable", "DE", "BROOKLYN"),
        ],
    ),
    "return_to_sender": (
        "794627191385",
        "returning",
        "return_to_sender",
        [
            *BASE,
            ("2026-11-20T17:05:00+00:00", "exception", "refused", "DE", "BROOKLYN"),
            ("2026-11-21T00:40:00+00:00", "returning", "return_to_sender", "RS", "BROOKLYN"),
            ("2026-11-22T14:13:00+00:00", "returning", "return_to_sender", "IT", "INDIANAPOLIS"),
        ],
    ),
    "pickup_point": (
        "794627191730",
        "available_for_pickup",
        "at_pickup_point",
        [
            *BASE[:7],
            ("2026-11-20T15:22:00+00:00", "available_for_pickup", "at_pickup_point", "HL", "BROOKLYN"),
        ],
    ),
    "customs": (
        "771920351284",
        "in_transit",
        "customs_cleared",
        [
            ("2026-11-10T01:30:00+00:00", "info_received", "label_created", "OC", None),
            ("2026-11-10T09:10:00+00:00", "in_transit", "picked_up", "PU", "GUANGZHOU"),
            ("2026-11-10T17:45:00+00:00", "in_transit", "departed_facility", "DP", "GUANGZHOU"),
            ("2026-11-11T22:20:00+00:00", "in_transit", "arrived_at_facility", "AR", "MEMPHIS"),
            ("2026-11-11T23:05:00+00:00", "in_transit", "customs_started", "CP", "MEMPHIS"),
            ("2026-11-12T01:30:00+00:00", "exception", "customs_delay", "CD", "MEMPHIS"),
            ("2026-11-12T14:55:00+00:00", "in_transit", "customs_cleared", "CC", "MEMPHIS"),
        ],
    ),
    "pre_transit": (
        "794627192251",
        "info_received",
        "label_created",
        [
            ("2026-11-24T22:44:00+00:00", "info_received", "label_created", "OC", None),
        ],
    ),
    "not_found": ("794627199998", "pending", "pending", []),
    "multi_piece": (
        "794627193016",
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
def test_fedex_fixture_parses_event_by_event(scenario):
    number, status, substatus, events = EXPECTED[scenario]
    result = fedex.parse(body("fedex", scenario))
    assert result.carrier == "fedex"
    assert result.tracking_number == number
    assert (str(result.status), str(result.substatus)) == (status, substatus)
    assert timeline(result) == events


def test_delivered_body_gives_signer_delivery_time_and_place():
    result = fedex.parse(body("fedex", "delivered"))
    assert (result.signed_by, result.delivery_location) == ("M.ALVAREZ", "Front Door")
    assert result.delivered_at.isoformat() == "2026-11-20T18:27:00+00:00"


def test_delivery_window_keeps_its_offsets():
    estimate = fedex.parse(body("fedex", "out_for_delivery")).estimated_delivery
    assert estimate.to_dict() == {
        "earliest": "2026-11-20T11:30:00-05:00",
        "latest": "2026-11-20T15:30:00-05:00",
    }


def test_date_only_estimate_stays_a_date():
    estimate = fedex.parse(body("fedex", "pre_transit")).estimated_delivery
    assert estimate.to_dict() == {"earliest": "2026-11-28", "latest": "2026-11-28"}


def test_exception_event_keeps_fedex_exception_words():
    result = fedex.parse(body("fedex", "exception"))
    assert result.events[-1].description == "Shipment exception: Package damaged, contents being inspected"


def test_reused_number_answers_with_the_current_shipment_and_keeps_the_old_one_related():
    result = fedex.parse(body("fedex", "multi_piece"))
    assert result.piece_count == 2
    old, child = result.related
    assert (old.tracking_number, old.status, old.events[-1].occurred_at.year) == (
        "794627193016",
        "delivered",
        2025,
    )
    assert (child.tracking_number, child.status) == ("794627193027", "in_transit")


def test_scan_time_without_offset_and_without_place_takes_the_shippers_zone():
    """The OC scan has no place at all; the shipper's address is the route end a label scan belongs to."""
    data = json.loads(body("fedex", "pre_transit"))
    result = data["output"]["completeTrackResults"][0]["trackResults"][0]
    result["scanEvents"][0]["date"] = "2026-11-24T16:44:00"
    result["shipperInformation"] = {"address": {"city": "MEMPHIS", "stateOrProvinceCode": "TN",
                                                "postalCode": "38118", "countryCode": "US"}}
    first = fedex.parse(data).events[0]
    assert (first.occurred_at.isoformat(), first.time_basis) == ("2026-11-24T22:44:00+00:00", "zone_from_route")


def test_scan_time_that_nothing_places_is_dropped_and_reported_not_guessed():
    data = json.loads(body("fedex", "pre_transit"))
    result = data["output"]["completeTrackResults"][0]["trackResults"][0]
    result["scanEvents"][0]["date"] = "2026-11-24T16:44:00"
    for key in ("shipperInformation", "originLocation", "recipientInformation", "destinationLocation"):
        result.pop(key, None)
    parsed = fedex.parse(data)
    assert parsed.events == ()
    assert parsed.unmapped == ("time without zone: 2026-11-24T16:44:00 (Shipment information sent to FedEx)",)


def test_unknown_exception_code_is_read_by_its_words_then_by_the_event_type():
    data = json.loads(body("fedex", "failed_attempt"))
    scan = data["output"]["completeTrackResults"][0]["trackResults"][0]["scanEvents"][0]
    scan["exceptionCode"] = "99"
    assert fedex.parse(data).substatus == "recipient_unavailable"  # "Customer not available ..."
    scan["exceptionDescription"] = "Zzz"
    result = fedex.parse(data)
    assert (result.status, result.substatus, result.unmapped) == ("delivery_failed", "attempt_failed", ("DE/99",))
    assert result.events[-1].unknown_code


def test_unknown_event_type_falls_back_on_the_derived_code_and_is_reported():
    data = json.loads(body("fedex", "out_for_delivery"))
    scan = data["output"]["completeTrackResults"][0]["trackResults"][0]["scanEvents"][0]
    scan["eventType"] = "Q9"
    scan["eventDescription"] = "Zzz"
    result = fedex.parse(data)
    assert (result.status, result.unmapped) == ("out_for_delivery", ("Q9",))
