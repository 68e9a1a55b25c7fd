"""DHL: every fixture parsed event by event, plus what the body says beyond the events."""

from __future__ import annotations

import pytest

from parceltrail.carriers import dhl
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
