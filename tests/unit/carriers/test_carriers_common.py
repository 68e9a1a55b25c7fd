"""What every carrier adapter promises: one error for a wrong body, one timeline, one registry shape."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from parceltrail.carriers import (
    CARRIERS,
    ApiKeyCredentials,
    CarrierShapeError,
    OAuthCredentials,
    TikTokCredentials,
    credentials_from_env,
    get_carrier,
)
from tests.unit.carriers.conftest import OWN, body

OTHER = {"ups": "fedex", "fedex": "dhl", "usps": "tiktok", "dhl": "ups", "tiktok": "usps"}


@pytest.mark.parametrize("code", OWN)
def test_a_body_that_is_not_json_is_a_shape_error_naming_the_carrier(code):
    with pytest.raises(CarrierShapeError) as caught:
        CARRIERS[code].parse(b"<html>Service Unavailable</html>")
    assert caught.value.carrier == code
    assert str(caught.value).startswith(f"{code}: body is not JSON")


@pytest.mark.parametrize("code", OWN)
def test_another_carriers_body_is_a_shape_error(code):
    with pytest.raises(CarrierShapeError, match=f"^{code}: "):
        CARRIERS[code].parse(body(OTHER[code], "delivered"))


@pytest.mark.parametrize("code", OWN)
def test_parse_accepts_bytes_or_decoded_json_alike(code):
    raw = body(code, "delivered")
    assert CARRIERS[code].parse(raw) == CARRIERS[code].parse(json.loads(raw))


def test_a_missing_field_is_named_with_its_path():
    data = json.loads(body("fedex", "delivered"))
    del data["output"]["completeTrackResults"][0]["trackResults"][0]["scanEvents"][2]["date"]
    with pytest.raises(
        CarrierShapeError,
        match=r"completeTrackResults\[0\]\.trackResults\[0\]\.scanEvents\[2\]\.date is missing",
    ):
        CARRIERS["fedex"].parse(data)


def test_repeated_and_shuffled_events_give_one_ordered_timeline():
    data = json.loads(body("ups", "delivered"))
    activity = data["trackResponse"]["shipment"][0]["package"][0]["activity"]
    activity[:] = activity[::2] + activity + activity[1::2]
    result = CARRIERS["ups"].parse(data)
    assert result == CARRIERS["ups"].parse(body("ups", "delivered"))
    times = [e.occurred_at for e in result.events]
    assert times == sorted(times) and len(times) == 8


def test_movement_scans_after_a_return_starts_are_the_return_leg():
    result = CARRIERS["dhl"].parse(body("dhl", "return_to_sender"))
    processed = [
        e for e in result.events if e.description == "The shipment has been processed in the parcel center"
    ]
    assert [(str(e.status), str(e.substatus)) for e in processed] == [("returning", "return_to_sender")]
    assert (result.status, result.substatus) == ("returned", "returned_to_sender")


def test_a_package_with_events_is_never_pending_when_the_carrier_shows_delivered():
    """The summary fields are not trusted over the events: UPS's currentStatus here is stale."""
    data = json.loads(body("ups", "delivered"))
    data["trackResponse"]["shipment"][0]["package"][0]["currentStatus"] = {
        "code": "003",
        "description": "Label",
    }
    assert CARRIERS["ups"].parse(data).status == "delivered"


def test_to_dict_has_the_documented_shape():
    out = CARRIERS["fedex"].parse(body("fedex", "delivered")).to_dict()
    assert list(out)[:7] == [
        "carrier",
        "tracking_number",
        "status",
        "substatus",
        "events",
        "estimated_delivery",
        "delivered_at",
    ]
    assert out["events"][-1] == {
        "occurred_at": "2026-11-20T18:27:00+00:00",
        "status": "delivered",
        "substatus": "signed",
        "description": "Delivered",
        "carrier_code": "DL",
        "location": {"city": "BROOKLYN", "region": "NY", "postal_code": "11222", "country": "US"},
        "time_basis": "exact",
        "unknown_code": False,
        "seller_action": False,
    }
    assert out["delivered_at"] == "2026-11-20T18:27:00+00:00"


def test_registry_entries_share_one_interface():
    assert list(CARRIERS)[: len(OWN)] == list(OWN)
    for code, carrier in CARRIERS.items():
        assert carrier.code == code and carrier.name
        assert callable(carrier.parse) and callable(carrier.fetch)
        assert carrier.lookup in ("tracking_number", "order_id")
        assert carrier.classifier.carrier == code
    assert all(CARRIERS[code].base_url.startswith("https://") for code in OWN)
    assert CARRIERS["tiktok"].lookup == "order_id"


def test_unknown_carrier_lists_the_known_codes():
    assert get_carrier(" UPS ") is CARRIERS["ups"]
    with pytest.raises(
        KeyError, match="unknown carrier 'ontrac'; expected one of: ups, fedex, usps, dhl, tiktok"
    ):
        get_carrier("ontrac")


def test_credentials_never_show_secrets_in_repr():
    shown = repr(OAuthCredentials("id-1", "oauth-secret")) + repr(ApiKeyCredentials("dhl-key"))
    shown += repr(TikTokCredentials("app", "app-secret", "shop-token", "cipher"))
    for secret in ("oauth-secret", "dhl-key", "app-secret", "shop-token"):
        assert secret not in shown
    assert "id-1" in shown and "cipher" in shown


def test_credentials_come_from_parceltrail_environment_variables():
    env = {
        "PARCELTRAIL_UPS_CLIENT_ID": "abc",
        "PARCELTRAIL_UPS_CLIENT_SECRET": "xyz",
        "PARCELTRAIL_UPS_BASE_URL": "https://wwwcie.ups.com",
    }
    assert credentials_from_env("ups", OAuthCredentials, env) == OAuthCredentials(
        "abc", "xyz", "https://wwwcie.ups.com"
    )
    assert credentials_from_env("fedex", OAuthCredentials, env) is None


def test_half_set_credentials_name_the_missing_variables_not_the_values():
    env = {"PARCELTRAIL_TIKTOK_APP_KEY": "k", "PARCELTRAIL_TIKTOK_APP_SECRET": "very-secret"}
    with pytest.raises(ValueError) as caught:
        credentials_from_env("tiktok", TikTokCredentials, env)
    assert str(caught.value) == "tiktok credentials are incomplete: set PARCELTRAIL_TIKTOK_ACCESS_TOKEN"
    assert [f.name for f in fields(TikTokCredentials)][:3] == ["app_key", "app_secret", "access_token"]


@pytest.mark.parametrize("code", OWN)
def test_every_registered_carrier_has_the_ten_fixtures_and_reads_them_consistently(code):
    """A new carrier gets these checks from its registry line and fixture folder alone."""
    from tests.unit.carriers.conftest import FIXTURES, SCENARIOS

    assert sorted(p.stem for p in (FIXTURES / code).glob("*.json")) == sorted(SCENARIOS)
    for scenario in SCENARIOS:
        result = CARRIERS[code].parse(body(code, scenario))
        times = [e.occurred_at for e in result.events]
        assert times == sorted(times), scenario
        assert all(t.utcoffset().total_seconds() == 0 for t in times), scenario
        assert (result.status == "pending") == (scenario == "not_found") == (not result.events), scenario
