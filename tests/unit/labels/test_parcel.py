"""Dimensional and billable weight on the carriers' own worked rules and examples (docs/labels.md cites them)."""

from __future__ import annotations

import pytest

from parceltrail.core.parcel import Parcel, ParcelError, billable_weight, over_limits, parse_size, parse_weight


def test_ups_rounds_each_side_to_the_nearest_inch_half_up():
    # UPS: "1.00 to 1.49 will be considered 1, and 1.50 to 1.99 will be considered 2"
    assert Parcel(1, (1.49, 1.5, 1.99)).rounded_sides == (1, 2, 2)


def test_usps_rounding_example():
    # USPS DMM Advisory: "20-1/4 inches is considered 20 inches; 20-3/4 inches is 21 inches"
    assert Parcel(1, (20.75, 20.25, 10)).rounded_sides == (21, 20, 10)


@pytest.mark.parametrize(("carrier", "sides", "weight", "dim", "billed"), [
    # UPS / FedEx daily rates: L x W x H / 139, fraction up; 12 x 12 x 12 = 1,728 / 139 = 12.43 -> 13 lb
    ("ups", (12, 12, 12), 5, 13, 13),
    ("fedex", (12, 12, 12), 5, 13, 13),
    # an actual weight above the dimensional one is billed: 10 x 8 x 6 = 480 / 139 = 3.45 -> 4 lb
    ("ups", (10, 8, 6), 7.2, 4, 8),
    # FedEx: "dimensions of one-half inch or greater are rounded up": 12.5 x 12.4 x 12 -> 13 x 12 x 12 = 1,872 -> 14 lb
    ("fedex", (12.5, 12.4, 12), 3, 14, 14),
    # USPS: over one cubic foot, / 166; 20 x 12 x 12 = 2,880 / 166 = 17.35 -> 18 lb
    ("usps", (20, 12, 12), 4, 18, 18),
    # USPS at or under 1,728 cubic inches: actual weight only (sneakers: 12 x 12 x 8 = 1,056, 7 lb)
    ("usps", (12, 12, 8), 7, None, 7),
])
def test_dimensional_weight(carrier, sides, weight, dim, billed):
    result = billable_weight(Parcel(weight, sides), carrier)
    assert result.dimensional_lb == dim
    assert result.billable_lb == billed
    assert result.by_size == (dim is not None and dim > result.actual_lb)


def test_actual_weight_fraction_rounds_up_and_float_noise_does_not():
    assert billable_weight(Parcel(2.01, None), "ups").billable_lb == 3
    assert billable_weight(Parcel(parse_weight("32 oz"), None), "ups").billable_lb == 2


def test_carrier_without_a_known_rule_bills_actual_weight():
    result = billable_weight(Parcel(2, (30, 30, 30)), "dhl")
    assert result.dimensional_lb is None and result.billable_lb == 2


def test_units_are_read_and_sides_sorted_longest_first():
    assert parse_size("20 x 30 x 10 cm") == pytest.approx((30 / 2.54, 20 / 2.54, 10 / 2.54))
    assert parse_weight("1 kg") == pytest.approx(2.20462, rel=1e-5)
    assert parse_weight("12oz") == pytest.approx(0.75)
    with pytest.raises(ParcelError, match="size: '12 by 10' is not a size"):
        parse_size("12 by 10")
    with pytest.raises(ParcelError, match="weight: .*expected a number"):
        parse_weight("heavy")


@pytest.mark.parametrize(("carrier", "service", "parcel", "words"), [
    ("ups", None, Parcel(151, (10, 10, 10)), "at most 150 lb"),
    ("ups", None, Parcel(10, (109, 10, 10)), "at most 108 in"),
    ("ups", None, Parcel(10, (100, 20, 20)), "180 in length plus girth"),
    ("usps", "priority", Parcel(10, (70, 12, 12)), "118 in length plus girth; usps priority takes at most 108"),
    ("usps", None, Parcel(71, (10, 10, 10)), "at most 70 lb"),
    ("fedex", "home_delivery", Parcel(71, (10, 10, 10)), "at most 70 lb"),
])
def test_limits_refuse_with_the_reason(carrier, service, parcel, words):
    assert any(words in reason for reason in over_limits(parcel, carrier, service))


def test_within_limits_and_ground_advantage_takes_longer_girth():
    assert over_limits(Parcel(10, (70, 12, 12)), "usps", "ground_advantage") == []
    assert over_limits(Parcel(150, (108, 14, 14)), "ups") == []
