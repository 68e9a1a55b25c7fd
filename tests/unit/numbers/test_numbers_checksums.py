"""Check-digit algorithms against published examples and hand-worked values."""

from __future__ import annotations

import pytest

from parceltrail.numbers.checksums import (
    S10,
    Luhn,
    Mod7,
    Mod37_36,
    WeightedMod10,
    WeightedMod11Mod10,
    checksum_from,
)


def test_luhn_matches_the_textbook_example() -> None:
    assert Luhn().expected("7992739871") == "3"


def test_s10_maps_remainder_0_to_5_and_remainder_1_to_0() -> None:
    assert S10().expected("00000000") == "5"  # sum 0: 11 - 0 = 11 -> 5
    assert S10().expected("70000000") == "0"  # 7 * 8 = 56 = 5 * 11 + 1: 11 - 1 = 10 -> 0
    assert S10().expected("12345678") == "5"  # RB123456785GB


def test_iso7064_mod37_36_gives_dpd_check_characters() -> None:
    assert Mod37_36().expected("008182709980000020033350276") == "C"
    assert Mod37_36().expected("09980000020033") == "F"


def test_ups_letters_count_as_ascii_minus_three_mod_ten() -> None:
    assert WeightedMod10((1, 2), "ups").expected("5R8939035756712") == "7"  # 1Z5R89390357567127
    assert WeightedMod10((1, 2), "ups").expected("5R8939035756712") != WeightedMod10((1, 2)).expected("508939035756712")


def test_fedex_express_weights_1_3_7_from_the_right_mod_11_mod_10() -> None:
    assert WeightedMod11Mod10((1, 3, 7)).expected("98657878885") == "5"  # 986578788855


def test_dhl_express_check_is_the_serial_mod_7() -> None:
    assert Mod7().expected("331881002") == "5"  # 3318810025


def test_usps_mod10_weights_3_1_from_the_right() -> None:
    assert WeightedMod10((3, 1)).expected("0307179000052348374") == "1"  # 0307 1790 0005 2348 3741


def test_unknown_algorithm_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown check-digit algorithm"):
        checksum_from({"algorithm": "mod13"})
