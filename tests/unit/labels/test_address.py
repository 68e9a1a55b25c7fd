"""Address checks on real, public US addresses: good ones pass, fixable ones are fixed and say so,
bad ones are refused with the field and what was expected. Abroad, only the postal code is checked."""

from __future__ import annotations

import pytest

from parceltrail.core.address import PostalAddress, check_address

# Well-known public addresses (government buildings and landmarks), written as USPS prints them.
GOOD = [
    PostalAddress("The White House", None, "1600 PENNSYLVANIA AVE NW", None, "WASHINGTON", "DC", "20500"),
    PostalAddress("Empire State Building", None, "350 5TH AVE", "STE 3000", "NEW YORK", "NY", "10118"),
    PostalAddress("Space Needle", None, "400 BROAD ST", None, "SEATTLE", "WA", "98109"),
    PostalAddress("Willis Tower", None, "233 S WACKER DR", None, "CHICAGO", "IL", "60606"),
    PostalAddress("A. Buyer", None, "PO BOX 1234", None, "AUSTIN", "TX", "78767"),
]


@pytest.mark.parametrize("address", GOOD, ids=lambda a: a.name)
def test_good_us_addresses_pass_unchanged(address):
    checked = check_address(address)
    assert checked.verdict == "valid", checked.to_dict()
    assert checked.address == address


def test_fixable_address_is_fixed_and_every_fix_is_listed():
    checked = check_address(PostalAddress(
        "Empire State Building", None, "350 fifth avenue suite 3000", None, "new yrok", None, "10118"))
    assert checked.verdict == "fixed" and checked.ok
    assert checked.address.line1 == "350 FIFTH AVE" and checked.address.line2 == "STE 3000"
    assert checked.address.city == "NEW YORK" and checked.address.region == "NY"
    fixed = {c.field for c in checked.changes}
    assert fixed == {"line1", "city", "region"}


def test_pub28_abbreviations_and_zip_plus_four():
    checked = check_address(PostalAddress(
        "The White House", None, "1600 Pennsylvania Avenue Northwest", None, "Washington", "dc", "20500 0005"))
    assert checked.ok
    assert checked.address.line1 == "1600 PENNSYLVANIA AVE NW"
    assert checked.address.postal_code == "20500-0005" and checked.address.region == "DC"


def test_zip_in_another_state_is_refused_with_the_right_zips():
    checked = check_address(PostalAddress("X", None, "233 S Wacker Dr", None, "Chicago", "IL", "98109"))
    assert not checked.ok
    [error] = checked.errors
    assert error.field == "postal_code" and "98109 is in WA, not IL" in error.message
    assert error.suggestions and all(z.startswith("60") for z in error.suggestions)


@pytest.mark.parametrize(("address", "field", "words"), [
    (PostalAddress("X", None, "Main Street", None, "Austin", "TX", "78701"), "line1", "street address"),
    (PostalAddress("X", None, "123 Main St", None, "Austin", "TX", "00000"), "postal_code", "does not exist"),
    (PostalAddress("X", None, "123 Main St", None, "Springfield", "IL", "6270"), "postal_code", "12345"),
    (PostalAddress("X", None, "123 Main St", None, "Springfield", "IL", None), "postal_code", "required"),
    (PostalAddress("X", None, "400 Broad St", None, "Portland", "WA", "98109"), "city", "SEATTLE"),
    (PostalAddress("X", None, "400 Broad St", None, "Seattle", "ZZ", "98109"), "region", "state"),
    (PostalAddress(None, None, "400 Broad St", None, "Seattle", "WA", "98109"), "name", "name"),
    (PostalAddress("X", None, None, None, "Seattle", "WA", "98109"), "line1", "required"),
    (PostalAddress("X", None, "400 Broad Street Building Number Forty Two Wing", None, "Seattle", "WA", "98109"),
     "line1", "35"),
])
def test_bad_addresses_name_the_field(address, field, words):
    checked = check_address(address)
    assert checked.verdict == "invalid"
    assert field in {e.field for e in checked.errors}, checked.reason()
    assert words in checked.reason()


def test_missing_zip_suggests_the_city_zips():
    checked = check_address(PostalAddress("X", None, "233 S Wacker Dr", None, "Chicago", "IL", None))
    [error] = checked.errors
    assert "60606" in error.suggestions or len(error.suggestions) == 5


@pytest.mark.parametrize(("country", "postal", "ok"), [
    ("GB", "SW1A 2AA", True), ("CA", "K1A 0B1", True), ("DE", "10117", True), ("JP", "100-0001", True),
    ("DE", "1011", False), ("CA", "12345", False), ("GB", None, False),
])
def test_abroad_only_the_postal_code_is_checked(country, postal, ok):
    checked = check_address(PostalAddress("A Person", None, "1 Some Street", None, "Capital", None, postal, country))
    assert checked.ok is ok, checked.reason()
    if not ok:
        assert [e.field for e in checked.errors] == ["postal_code"]


def test_abroad_postal_code_is_upper_cased_and_said():
    checked = check_address(PostalAddress("A", None, "10 Downing Street", None, "London", None, "sw1a 2aa", "GB"))
    assert checked.address.postal_code == "SW1A 2AA" and checked.verdict == "fixed"
    assert checked.address.line1 == "10 Downing Street"  # passes through as written


def test_unknown_country_is_refused():
    checked = check_address(PostalAddress("A", None, "1 St", None, "X", None, "1", "XX"))
    assert [e.field for e in checked.errors] == ["country"]
