"""TikTok Shop: every fixture parsed event by event, plus what the body says beyond the events."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from parceltrail.carriers import CarrierShapeError, tiktok
from tests.unit.carriers.conftest import SCENARIOS, body, timeline

# The journey most scenarios share: label, pickup, hub scans, out for delivery.
BASE = [
    ("2026-11-16T17:12:44+00:00", "info_received", "label_created", None, None),
    ("2026-11-17T01:40:02+00:00", "in_transit", "picked_up", None, None),
    ("2026-11-17T06:05:10+00:00", "in_transit", "arrived_at_facility", None, None),
    ("2026-11-17T11:48:31+00:00", "in_transit", "departed_facility", None, None),
    ("2026-11-18T19:20:00+00:00", "in_transit", "in_transit", None, None),
    ("2026-11-20T02:55:17+00:00", "in_transit", "arrived_at_facility", None, None),
    ("2026-11-20T12:31:09+00:00", "out_for_delivery", "out_for_delivery", None, None),
]

# scenario: (tracking number, status, substatus, [(UTC time, status, substatus, carrier code, city), ...])
EXPECTED = {
    "delivered": (
        None,
        "delivered",
        "left_at_door",
        [
            *BASE,
            ("2026-11-20T17:47:53+00:00", "delivered", "left_at_door", None, None),
        ],
    ),
    "out_for_delivery": (
        None,
        "out_for_delivery",
        "out_for_delivery",
        [
            *BASE,
        ],
    ),
    "exception": (
        None,
        "exception",
        "damaged",
        [
            *BASE[:5],
            ("2026-11-19T16:02:00+00:00", "exception", "damaged", None, None),
        ],
    ),
    "failed_attempt": (
        None,
        "delivery_failed",
        "attempt_failed",
        [
            *BASE,
            ("2026-11-20T21:14:40+00:00", "delivery_failed", "attempt_failed", None, None),
        ],
    ),
    "return_to_sender": (
        None,
        "returned",
        "returned_to_sender",
        [
            *BASE,
            ("2026-11-20T21:14:40+00:00", "delivery_failed", "attempt_failed", None, None),
            ("2026-11-21T16:00:00+00:00", "exception", "address_issue", None, None),
            ("2026-11-23T14:30:00+00:00", "returning", "return_to_sender", None, None),
            ("2026-11-25T02:10:00+00:00", "returning", "return_to_sender", None, None),
            ("2026-11-27T22:22:00+00:00", "returned", "returned_to_sender", None, None),
        ],
    ),
    "pickup_point": (
        None,
        "available_for_pickup",
        "at_pickup_point",
        [
            *BASE[:6],
            ("2026-11-20T15:05:00+00:00", "available_for_pickup", "at_pickup_point", None, None),
        ],
    ),
    "customs": (
        None,
        "in_transit",
        "customs_cleared",
        [
            ("2026-11-08T07:30:00+00:00", "info_received", "label_created", None, None),
            ("2026-11-09T02:12:00+00:00", "in_transit", "picked_up", None, None),
            ("2026-11-11T14:40:00+00:00", "in_transit", "arrived_at_facility", None, None),
            ("2026-11-11T17:15:00+00:00", "in_transit", "customs_started", None, None),
            ("2026-11-13T00:02:00+00:00", "in_transit", "customs_cleared", None, None),
        ],
    ),
    "pre_transit": (
        None,
        "info_received",
        "label_created",
        [
            ("2026-11-16T17:12:44+00:00", "info_received", "label_created", None, None),
        ],
    ),
    "not_found": (None, "pending", "pending", []),
    "multi_piece": (
        None,
        "out_for_delivery",
        "out_for_delivery",
        [
            ("2026-11-16T17:12:44+00:00", "info_received", "label_created", None, None),
            ("2026-11-16T17:13:02+00:00", "info_received", "label_created", None, None),
            ("2026-11-17T01:40:02+00:00", "in_transit", "picked_up", None, None),
            ("2026-11-17T06:05:10+00:00", "in_transit", "arrived_at_facility", None, None),
            ("2026-11-20T02:55:17+00:00", "in_transit", "arrived_at_facility", None, None),
            ("2026-11-20T12:31:09+00:00", "out_for_delivery", "out_for_delivery", None, None),
            ("2026-11-20T17:47:53+00:00", "delivered", "left_at_door", None, None),
            ("2026-11-21T13:02:00+00:00", "out_for_delivery", "out_for_delivery", None, None),
        ],
    ),
}


def test_every_scenario_has_a_fixture_and_an_expectation():
    assert set(EXPECTED) == set(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_tiktok_fixture_parses_event_by_event(scenario):
    number, status, substatus, events = EXPECTED[scenario]
    result = tiktok.parse(body("tiktok", scenario))
    assert result.carrier == "tiktok"
    assert result.tracking_number == number
    assert (str(result.status), str(result.substatus)) == (status, substatus)
    assert timeline(result) == events


def test_tiktok_feed_has_no_number_and_no_places():
    result = tiktok.parse(body("tiktok", "delivered"))
    assert result.tracking_number is None
    assert all(e.location.is_empty() for e in result.events)


def test_the_merged_feed_of_a_two_package_order_is_one_timeline():
    result = tiktok.parse(body("tiktok", "multi_piece"))
    assert [str(e.status) for e in result.events].count("delivered") == 1
    assert (result.status, result.delivered_at) == ("out_for_delivery", None)


def test_unmatched_description_is_counted_as_in_transit_and_reported():
    data = {
        "code": 0,
        "message": "Success",
        "data": {
            "tracking": [{"description": "Parcel scanned at gateway 7", "update_time_millis": 1763650000000}]
        },
    }
    result = tiktok.parse(data)
    assert (result.status, result.unmapped) == ("in_transit", ("Parcel scanned at gateway 7",))


def test_tiktok_error_body_is_a_shape_error_naming_the_code():
    with pytest.raises(CarrierShapeError, match="TikTok answered error 36009004: order not found"):
        tiktok.parse({"code": 36009004, "message": "order not found", "data": None})


def test_sign_follows_tiktoks_algorithm():
    """Recomputed by hand: secret + path + sorted key/values (no sign, no access_token) + body + secret."""
    params = {"timestamp": "1700000000", "app_key": "abc", "sign": "old", "access_token": "tok"}
    message = "sec/fulfillment/202309/orders/1/trackingapp_keyabctimestamp1700000000sec"
    expected = hmac.new(b"sec", message.encode(), hashlib.sha256).hexdigest()
    assert tiktok.sign("/fulfillment/202309/orders/1/tracking", params, "", "sec") == expected
