"""Signing and verifying sandbox pushes: what is accepted, what is refused and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.carriers.sandbox.webhooks import WebhookVerificationError, new_secret, sign, verify

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"tracking_number":"PT36225030500042428","found":true,"events":[]}'
SENT = 1_795_000_000
NOW = datetime.fromtimestamp(SENT, UTC)


def signed(body: bytes = BODY, secret: str = SECRET, stamp: int = SENT) -> dict[str, str]:
    return sign(body, secret, "msg_PT36225030500042428_3", stamp)


def test_a_signed_push_verifies_and_carries_the_three_headers():
    headers = signed()
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-signature"].startswith("v1,") and headers["webhook-timestamp"] == str(SENT)
    verify(headers, BODY, SECRET, NOW)
    verify({k.upper(): v for k, v in headers.items()}, BODY, SECRET, NOW + timedelta(minutes=4))


def test_signatures_match_the_standard_webhooks_reference_library():
    standardwebhooks = pytest.importorskip("standardwebhooks")
    reference = standardwebhooks.Webhook(SECRET).sign("msg_PT36225030500042428_3", NOW, BODY.decode())
    assert reference == signed()["webhook-signature"]


def test_a_tampered_body_is_refused_as_a_bad_signature():
    with pytest.raises(WebhookVerificationError) as caught:
        verify(signed(), BODY.replace(b"true", b"false"), SECRET, NOW)
    assert caught.value.reason == "bad_signature"


def test_a_wrong_secret_is_refused_as_a_bad_signature():
    with pytest.raises(WebhookVerificationError, match="does not match") as caught:
        verify(signed(secret=new_secret()), BODY, SECRET, NOW)
    assert caught.value.reason == "bad_signature"


def test_a_changed_delivery_id_breaks_the_signature():
    headers = signed() | {"webhook-id": "msg_other"}
    with pytest.raises(WebhookVerificationError, match="does not match"):
        verify(headers, BODY, SECRET, NOW)


@pytest.mark.parametrize("skew", [timedelta(minutes=-6), timedelta(minutes=6), timedelta(days=-1)])
def test_a_timestamp_outside_the_window_is_refused_even_when_correctly_signed(skew):
    with pytest.raises(WebhookVerificationError) as caught:
        verify(signed(), BODY, SECRET, NOW + skew)
    assert caught.value.reason == "timestamp_out_of_window"


def test_the_window_is_configurable():
    verify(signed(), BODY, SECRET, NOW + timedelta(minutes=20), tolerance=timedelta(minutes=30))


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_named(header):
    headers = {k: v for k, v in signed().items() if k != header}
    with pytest.raises(WebhookVerificationError, match=header) as caught:
        verify(headers, BODY, SECRET, NOW)
    assert caught.value.reason == "missing_header"


@pytest.mark.parametrize("stamp", ["2026-11-20T10:00:00Z", "-5", "9" * 30])
def test_a_timestamp_that_is_not_unix_seconds_is_refused(stamp):
    headers = signed() | {"webhook-timestamp": stamp}
    with pytest.raises(WebhookVerificationError) as caught:
        verify(headers, BODY, SECRET, NOW)
    assert caught.value.reason == "bad_timestamp"


def test_one_matching_signature_among_several_is_enough_for_secret_rotation():
    old = signed(secret="an-old-plain-secret")["webhook-signature"]
    headers = signed() | {"webhook-signature": f"{old} {signed()['webhook-signature']}"}
    verify(headers, BODY, SECRET, NOW)


def test_plain_string_secrets_are_their_utf8_bytes_and_new_secrets_are_whsec():
    verify(signed(secret="plain secret"), BODY, "plain secret", NOW)
    fresh = new_secret()
    assert fresh.startswith("whsec_") and fresh != new_secret()
    verify(signed(secret=fresh), BODY, fresh, NOW)
