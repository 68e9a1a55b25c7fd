"""The rows and phrase rules that matter most, with the canonical status each must give."""

from __future__ import annotations

import logging

import pytest

from parceltrail.carriers import dhl, fedex, tiktok, ups, usps
from parceltrail.carriers.mapping import UNMAPPED, Classifier, CodeTable, row


def canonical(classifier: Classifier, keys=(), text=None, coarse=None) -> tuple[str, str]:
    verdict = classifier.classify(keys, text, coarse)
    return str(verdict.status), str(verdict.substatus)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("M/MP", "003"), ("info_received", "label_created")),
        (("007",), ("cancelled", "label_cancelled")),
        (("I/AR", "005"), ("in_transit", "arrived_at_facility")),
        (("I/DP", "005"), ("in_transit", "departed_facility")),
        (("014",), ("in_transit", "customs_cleared")),
        (("021",), ("out_for_delivery", "out_for_delivery")),
        (("011",), ("delivered", "delivered")),
        (("026",), ("delivered", "delivered")),
        (("022",), ("delivery_failed", "attempt_failed")),
        (("024",), ("delivery_failed", "attempt_failed")),
        (("017",), ("available_for_pickup", "at_pickup_point")),
        (("040",), ("available_for_pickup", "at_pickup_point")),
        (("032",), ("exception", "weather_delay")),
        (("033",), ("returning", "return_to_sender")),
        (("034",), ("returned", "returned_to_sender")),
    ],
)
def test_ups_rows(keys, expected):
    assert canonical(ups.CLASSIFIER, keys) == expected


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("OC",), ("info_received", "label_created")),
        (("PU",), ("in_transit", "picked_up")),
        (("CC",), ("in_transit", "customs_cleared")),
        (("CD",), ("exception", "customs_delay")),
        (("OD",), ("out_for_delivery", "out_for_delivery")),
        (("DL",), ("delivered", "delivered")),
        (("DE/007", "DE"), ("delivery_failed", "recipient_unavailable")),
        (("DE/A13", "DE"), ("in_transit", "forwarded")),
        (("DL/014", "DL"), ("delivered", "left_at_door")),
        (("DE",), ("delivery_failed", "attempt_failed")),
        (("HP",), ("available_for_pickup", "at_pickup_point")),
        (("RS",), ("returning", "return_to_sender")),
        (("CA",), ("cancelled", "label_cancelled")),
    ],
)
def test_fedex_rows(keys, expected):
    assert canonical(fedex.CLASSIFIER, keys) == expected


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("GX",), ("info_received", "label_created")),
        (("03",), ("in_transit", "picked_up")),
        (("OF",), ("out_for_delivery", "out_for_delivery")),
        (("01",), ("delivered", "delivered")),
        (("17",), ("delivered", "picked_up_by_customer")),
        (("02",), ("delivery_failed", "attempt_failed")),
        (("56",), ("delivery_failed", "recipient_unavailable")),
        (("55",), ("delivery_failed", "no_secure_location")),
        (("16",), ("available_for_pickup", "held_at_post_office")),
        (("04",), ("exception", "refused")),
        (("05",), ("exception", "address_issue")),
        (("23",), ("exception", "customer_moved")),
        (("09",), ("returning", "return_to_sender")),
    ],
)
def test_usps_rows(keys, expected):
    assert canonical(usps.CLASSIFIER, keys) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The shipment has been successfully delivered", ("delivered", "delivered")),
        ("Delivered", ("delivered", "delivered")),
        ("The shipment has been delivered to the neighbour.", ("delivered", "neighbour")),
        (
            "The shipment has been picked up by the recipient from the retail outlet",
            ("delivered", "picked_up_by_customer"),
        ),
        (
            "The shipment has been delivered to the retail outlet. It is ready for pick-up.",
            ("available_for_pickup", "at_pickup_point"),
        ),
        ("The shipment has been delivered to the PACKSTATION 157", ("available_for_pickup", "at_locker")),
        (
            "The shipment could not be delivered. The recipient has been notified.",
            ("delivery_failed", "attempt_failed"),
        ),
        (
            "The recipient was not present. A notification card has been left.",
            ("delivery_failed", "recipient_unavailable"),
        ),
        ("The shipment is being returned to the sender", ("returning", "return_to_sender")),
        ("The shipment has been returned to the sender", ("returned", "returned_to_sender")),
        ("Delivery refused by the recipient", ("exception", "refused")),
        ("Awaiting payment of duties and taxes", ("exception", "held_for_payment")),
        ("Clearance processing complete at LEIPZIG - GERMANY", ("in_transit", "customs_cleared")),
        (
            "Shipment is on hold: Further documentation required for customs clearance",
            ("exception", "customs_hold"),
        ),
        ("Customs status updated", ("in_transit", "customs_started")),
        ("With delivery courier", ("out_for_delivery", "out_for_delivery")),
        ("The shipment has been loaded onto the delivery vehicle", ("out_for_delivery", "out_for_delivery")),
        ("The shipment has been posted by the sender at the retail outlet", ("in_transit", "picked_up")),
        ("Processed at CINCINNATI HUB - USA", ("in_transit", "arrived_at_facility")),
        ("Departed Facility in LEIPZIG - GERMANY", ("in_transit", "departed_facility")),
        (
            "The instruction data for this shipment have been provided by the sender to DHL electronically",
            ("info_received", "label_created"),
        ),
    ],
)
def test_dhl_phrases(text, expected):
    assert canonical(dhl.CLASSIFIER, (), text, "transit") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shipping label created, awaiting carrier pickup", ("info_received", "label_created")),
        ("Seller is preparing the package", ("info_received", "label_created")),
        ("Package picked up by carrier", ("in_transit", "picked_up")),
        ("Package handed over to the carrier: SHENZHEN", ("in_transit", "picked_up")),
        ("Departed from sorting center: CITY OF INDUSTRY, CA", ("in_transit", "departed_facility")),
        ("Arrived at sorting center: CITY OF INDUSTRY, CA", ("in_transit", "arrived_at_facility")),
        ("In transit to the next facility", ("in_transit", "in_transit")),
        ("Customs clearance in progress", ("in_transit", "customs_started")),
        ("Customs clearance completed", ("in_transit", "customs_cleared")),
        ("Out for delivery", ("out_for_delivery", "out_for_delivery")),
        ("Delivered", ("delivered", "delivered")),
        ("Delivered, left at front door", ("delivered", "left_at_door")),
        ("Delivered to mailbox", ("delivered", "mailbox")),
        ("Package picked up by the buyer at the pickup point", ("delivered", "picked_up_by_customer")),
        ("Package is available for pickup at the post office", ("available_for_pickup", "at_pickup_point")),
        (
            "Delivery attempted, no one available to receive the package",
            ("delivery_failed", "attempt_failed"),
        ),
        ("Delivery delayed due to weather", ("exception", "weather_delay")),
        ("Package damaged in transit", ("exception", "damaged")),
        ("Package is being returned to the sender", ("returning", "return_to_sender")),
        ("Package returned to the sender", ("returned", "returned_to_sender")),
        ("Order cancelled", ("cancelled", "label_cancelled")),
    ],
)
def test_tiktok_phrases(text, expected):
    assert canonical(tiktok.CLASSIFIER, (), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Held in Customs", ("exception", "customs_hold")),
        ("Customs Clearance Processing Complete", ("in_transit", "customs_cleared")),
        ("Arrived at International Service Center (ISC)", ("in_transit", "arrived_destination_country")),
        ("Delivered to Original Sender", ("returned", "returned_to_sender")),
        ("Delivered, Front Door/Porch", ("delivered", "left_at_door")),
    ],
)
def test_usps_wording_for_codes_outside_the_table(text, expected):
    assert canonical(usps.CLASSIFIER, ("Z9",), text) == expected


def test_fallback_is_counted_every_time_and_logged_once(caplog):
    classifier = Classifier("testcarrier", codes=CodeTable("t", (row("A", "a", "delivered"),)))
    with caplog.at_level(logging.WARNING, logger="parceltrail.carriers"):
        for _ in range(3):
            assert classifier.classify(("B",)) == (*classifier.default, False, "B", False)
    assert UNMAPPED[("testcarrier", "B")] == 3
    assert [r.getMessage() for r in caplog.records].count(
        "carrier testcarrier: no mapping for 'B'; used the coarse status. Add a row to its table."
    ) == 1


def test_a_code_listed_twice_is_refused():
    with pytest.raises(ValueError, match="code 'a' appears twice"):
        CodeTable("t", (row("A", "x", "delivered"), row("a", "y", "in_transit")))
