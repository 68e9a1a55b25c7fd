"""Trust checks: each finding names what is wrong and what the seller should do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from parceltrail.numbers import (
    UnknownCarrier,
    carrier_mismatch,
    destination_zip_mismatch,
    reused_numbers,
    scan_before_order,
)

USPS_TO_22153 = "420 22153 9101026837331000039521"
ORDER_PLACED = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_label_zip_different_from_order_zip_is_flagged() -> None:
    finding = destination_zip_mismatch(USPS_TO_22153, "10001-2345")
    assert finding.check == "destination_zip_mismatch"
    assert "22153" in finding.reason and "10001" in finding.reason


def test_label_zip_equal_to_order_zip_passes() -> None:
    assert destination_zip_mismatch(USPS_TO_22153, "22153-0001") is None


def test_number_without_a_zip_says_nothing() -> None:
    assert destination_zip_mismatch("1Z5R89390357567127", "10001") is None


def test_fedex_34_zip_is_checked_too() -> None:
    assert destination_zip_mismatch("1001921334250001000300779017972697", "90210").check == "destination_zip_mismatch"


def test_first_scan_more_than_a_day_before_the_order_is_a_recycled_label() -> None:
    finding = scan_before_order(ORDER_PLACED, ORDER_PLACED - timedelta(days=3))
    assert finding.check == "scan_before_order" and "3 days" in finding.reason


def test_first_scan_within_a_day_before_the_order_passes() -> None:
    assert scan_before_order(ORDER_PLACED, ORDER_PLACED - timedelta(hours=23)) is None
    assert scan_before_order(ORDER_PLACED, ORDER_PLACED + timedelta(hours=5)) is None


def test_first_scan_compares_instants_across_time_zones() -> None:
    eastern = timezone(timedelta(hours=-5))
    scan = datetime(2026, 11, 19, 9, 0, tzinfo=eastern)  # 14:00 UTC, 25 hours before the order
    assert scan_before_order(ORDER_PLACED, scan).check == "scan_before_order"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        scan_before_order(datetime(2026, 11, 20), ORDER_PLACED)


def test_same_number_on_two_orders_is_flagged_once_whatever_its_spelling() -> None:
    findings = reused_numbers([("A-1", "1Z5R89390357567127"), ("A-2", "1z5r 8939 0357 5671 27"), ("A-3", "RB123456785GB")])
    assert len(findings) == 1
    assert findings[0].check == "number_reused" and "A-1, A-2" in findings[0].reason


def test_the_same_order_listed_twice_is_not_reuse() -> None:
    assert reused_numbers([("A-1", "1Z5R89390357567127"), ("A-1", "1Z5R89390357567127")]) == []


def test_number_of_another_carrier_than_claimed_is_flagged() -> None:
    finding = carrier_mismatch("1Z5R89390357567127", "fedex")
    assert finding.check == "carrier_mismatch" and "UPS" in finding.reason and "FedEx" in finding.reason


def test_mistyped_number_of_the_claimed_carrier_says_typo() -> None:
    finding = carrier_mismatch("1Z5R89390357567128", "ups")
    assert finding.check == "carrier_mismatch" and "mistyped" in finding.reason


@pytest.mark.parametrize("carrier", ["fedex", "ups", "usps"])
def test_a_tiktok_order_id_uploaded_as_tracking_is_named_as_one_not_as_a_typo(carrier: str) -> None:
    """576555979711471049 fails FedEx Ground's SSCC-18 check: before issue 26 it read "probably mistyped"."""
    finding = carrier_mismatch("576555979711471049", carrier)
    assert finding.check == "carrier_mismatch"
    assert "looks like a TikTok Shop order ID" in finding.reason and "mistyped" not in finding.reason


def test_number_fitting_the_claimed_carrier_passes() -> None:
    assert carrier_mismatch("1Z5R89390357567127", "ups") is None
    assert carrier_mismatch("RB123456785GB", "royal_mail") is None


def test_unknown_format_of_a_carrier_with_unlisted_formats_is_unrecognised_not_wrong() -> None:
    assert carrier_mismatch("630002864925", "jtexpress").check == "unrecognised_number"


def test_claimed_carrier_must_be_known() -> None:
    with pytest.raises(UnknownCarrier):
        carrier_mismatch("1Z5R89390357567127", "pony_express")
