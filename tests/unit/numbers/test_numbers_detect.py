"""detect(): normalisation, fullmatch, ranking, hints, decoded fields and the JSON shape."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parceltrail.numbers import catalogue, detect, detection_json, generate, normalize

UPS = "1Z5R89390357567127"


def test_normalize_drops_spaces_and_dashes_and_upper_cases() -> None:
    assert normalize("  1z 5r89-3903 5756 7127\t") == UPS


def test_normalize_folds_full_width_characters() -> None:
    assert normalize("１Ｚ５Ｒ８９３９０３５７５６７１２７") == UPS


def test_lower_case_and_spaced_input_detects_like_the_clean_number() -> None:
    detection = detect(" 1z5r 8939 0357-5671 27 ")
    assert (detection.carrier, detection.format, detection.normalized) == ("ups", "ups", UPS)


def test_extra_characters_around_a_number_do_not_match_fullmatch_semantics() -> None:
    assert detect(UPS + "0").valid is False
    assert detect("X" + UPS).valid is False


def test_wrong_check_digit_is_no_candidate_but_explained() -> None:
    detection = detect("1Z5R89390357567128")
    assert not detection.valid
    assert [(m.carrier, m.format) for m in detection.near_misses] == [("ups", "ups")]
    assert "needs 7" in detection.near_misses[0].reason


def test_ups_number_decodes_shipper_and_service() -> None:
    fields = detect("1ZXX3150YW44070023").best.fields
    assert fields["shipper_id"] == "XX3150"
    assert fields["service_type"] == "YW"
    assert fields["service"] == "UPS SurePost (delivered by USPS)"


def test_usps_420_routing_prefix_decodes_destination_zip() -> None:
    detection = detect("420 22153 9101026837331000039521")
    assert detection.carrier == "usps"
    assert detection.best.fields["destination_zip"] == "22153"


def test_fedex_34_decodes_destination_zip() -> None:
    assert detect("1001921334250001000300779017972697").best.fields["destination_zip"] == "10003"


def test_s10_number_names_the_postal_operator_as_carrier() -> None:
    detection = detect("RB123456785GB")
    assert (detection.carrier, detection.format) == ("royal_mail", "s10")
    fields = detection.best.fields
    assert fields["operator"] == "Royal Mail"
    assert fields["country_code"] == "GB"
    assert fields["service"] == "Letter post, registered"


def test_s10_number_from_an_operator_without_carrier_code_reports_s10() -> None:
    detection = detect("RB123456785CV")
    assert (detection.carrier, detection.best.fields["country"]) == ("s10", "Cabo Verde")


def test_s10_number_with_an_unknown_country_is_rejected() -> None:
    detection = detect("RB123456785XX")
    assert not detection.valid
    assert "country code XX" in detection.near_misses[0].reason


def test_dpd_number_decodes_service_and_destination_country() -> None:
    fields = detect("00 81827 0998 0000 0200 33 350 276 C").best.fields
    assert (fields["service"], fields["country_code"]) == ("AM0", "DE")


def test_checksummed_candidate_ranks_above_one_without_check_digit() -> None:
    # LX + S10 shape: China Post (check digit passes) and DHL eCommerce (no check digit) both fit
    detection = detect("LX123456785CN")
    assert [c.carrier for c in detection.candidates] == ["china_post", "dhl"]
    assert [c.checksum for c in detection.candidates] == ["pass", "none"]
    assert detection.ambiguous


def test_carrier_hint_puts_the_shops_carrier_first() -> None:
    plain = detect("JFV247545960")
    assert plain.carrier == "dhl" and plain.ambiguous
    hinted = detect("JFV247545960", carriers=["purolator"])
    assert hinted.carrier == "purolator"
    assert hinted.ambiguous  # the other carrier still survives; the hint only re-ranks


def test_a_single_carrier_code_given_as_a_string_counts_as_one_carrier() -> None:
    assert detect("JFV247545960", carriers="purolator").carrier == "purolator"


def test_country_hint_breaks_a_tie_between_equal_formats() -> None:
    # 16 digits passing Canada Post's check: Evri's unchecked 16-digit format fits too
    number = "0073938000549297"
    assert detect(number).carrier == "canada_post"
    candidates = {c.carrier: c for c in detect(number, country="GB").candidates}
    assert candidates["evri"].country_match and not candidates["canada_post"].country_match
    assert candidates["evri"].confidence > detect(number).candidates[1].confidence


def test_digits_only_formats_without_check_digit_never_reach_high_confidence() -> None:
    rng = random.Random(7)
    unchecked = [f for f in catalogue().formats if f.digits_only and f.checksum is None]
    assert unchecked, "expected digits-only formats without check digit in the catalogue"
    for fmt in unchecked:
        number = generate(fmt.carrier, fmt.id, rng)
        for candidate in detect(number).candidates:
            if candidate.format == fmt.id:
                assert candidate.confidence <= 0.5


def test_every_example_in_the_format_files_detects_as_its_carrier() -> None:
    book = catalogue()
    for carrier in book.carriers.values():
        for fmt in carrier.formats:
            for example in fmt.examples:
                codes = {c.carrier for c in detect(example, carriers=[carrier.code]).candidates}
                if fmt.carrier_field is None:
                    assert carrier.code in codes, f"{example} is not detected as {carrier.code}"


def test_every_operator_carrier_has_an_example_that_detects_as_it() -> None:
    import tomllib
    from importlib import resources

    data = tomllib.loads(
        resources.files("parceltrail.numbers").joinpath("formats", "s10_operators.toml").read_text("utf-8")
    )
    for code, spec in data["carriers"].items():
        for example in spec["examples"]:
            assert detect(example).carrier == code


def test_new_carriers_the_spec_lacks_are_covered() -> None:
    expected = {
        "JT2099306666983": "jtexpress",
        "JX8009962760": "jtexpress",
        "LP00512345678901": "cainiao",
        "SF1234567890123": "sf_express",
        "4PX3001234567890CN": "4px",
        "UG123456789YP": "yanwen",
        "H00AZA0012345678": "evri",
        "UR06250000000000351": "uniuni",
        "5XKT2N7QHJ3R8W": "veho",
        "LK123456785CN": "china_post",
    }
    assert {number: detect(number).carrier for number in expected} == expected


def test_json_object_has_exactly_the_documented_keys() -> None:
    body = detection_json("c11031500001879")
    assert list(body) == ["input", "normalized", "valid", "carrier", "format", "ambiguous", "candidates", "hints"]
    assert body["input"] == "c11031500001879" and body["normalized"] == "C11031500001879"
    assert list(body["candidates"][0]) == ["carrier", "format", "checksum", "confidence", "fields"]
    assert body == detect("c11031500001879").to_dict()


@pytest.mark.parametrize("text", ["", "   ", "hello world", "123", "!!!!"])
def test_garbage_is_not_valid(text: str) -> None:
    detection = detect(text)
    assert (detection.valid, detection.carrier, detection.ambiguous) == (False, None, False)


def test_dispatch_only_tries_formats_of_matching_length_and_first_character() -> None:
    book = catalogue()
    tried = book.formats_for(UPS)
    assert all(18 in f.lengths and "1" in f.first_chars for f in tried)
    assert len(tried) < len(book.formats) // 5


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_answered_without_error(text: str) -> None:
    detection = detect(text)
    assert " " not in detection.normalized and "-" not in detection.normalized
    assert detection.valid == bool(detection.candidates)
    assert detection.to_dict()["valid"] is detection.valid
