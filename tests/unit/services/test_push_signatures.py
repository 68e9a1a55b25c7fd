"""The Standard Webhooks verifier alone: no server, no database, the time passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.services.hook_signatures import (
    STANDARD_WEBHOOKS,
    PushRefused,
    StandardWebhooks,
    scheme_for,
    signing_key,
)

# The example the Standard Webhooks reference libraries test against: agreeing with it means any sender
# using those libraries (or the spec) is verified here.
REF_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
REF_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
REF_TIMESTAMP = 1614265330
REF_BODY = b'{"test": 2432232314}'
REF_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
REF_TIME = datetime.fromtimestamp(REF_TIMESTAMP, UTC)


def ref_headers(**changes: str) -> dict[str, str]:
    headers = {
        "webhook-id": REF_ID,
        "webhook-timestamp": str(REF_TIMESTAMP),
        "webhook-signature": REF_SIGNATURE,
    }
    return {**headers, **changes}


def test_signature_matches_the_standard_webhooks_reference_example():
    assert STANDARD_WEBHOOKS.signature(REF_SECRET, REF_ID, REF_TIMESTAMP, REF_BODY) == REF_SIGNATURE


def test_reference_delivery_verifies_and_reports_its_id_and_time():
    verified = STANDARD_WEBHOOKS.verify(REF_SECRET, ref_headers(), REF_BODY, REF_TIME + timedelta(seconds=30))

    assert verified.delivery_id == REF_ID
    assert verified.signed_at == REF_TIME


def test_any_matching_v1_entry_is_enough_so_senders_can_rotate_secrets():
    old = STANDARD_WEBHOOKS.signature("whsec_" + "T0xE" * 6, REF_ID, REF_TIMESTAMP, REF_BODY)
    headers = ref_headers(**{"webhook-signature": f"v1a,ZmFrZQ== {old} {REF_SIGNATURE}"})

    assert STANDARD_WEBHOOKS.verify(REF_SECRET, headers, REF_BODY, REF_TIME).delivery_id == REF_ID


@pytest.mark.parametrize("offset", [timedelta(minutes=5), -timedelta(minutes=5)])
def test_the_window_is_five_minutes_either_way_inclusive(offset):
    STANDARD_WEBHOOKS.verify(REF_SECRET, ref_headers(), REF_BODY, REF_TIME + offset)
    with pytest.raises(PushRefused, match="window"):
        STANDARD_WEBHOOKS.verify(REF_SECRET, ref_headers(), REF_BODY, REF_TIME + offset * 1.01)


def test_a_custom_window_is_honoured():
    strict = StandardWebhooks(tolerance=timedelta(seconds=10))
    with pytest.raises(PushRefused, match="±10 s"):
        strict.verify(REF_SECRET, ref_headers(), REF_BODY, REF_TIME + timedelta(seconds=11))


@pytest.mark.parametrize(
    ("headers", "body", "secret", "reason"),
    [
        (ref_headers(), REF_BODY + b" ", REF_SECRET, "no v1 signature matches"),
        (ref_headers(), REF_BODY, "whsec_" + "QUJD" * 8, "no v1 signature matches"),
        (ref_headers(**{"webhook-id": "msg_other"}), REF_BODY, REF_SECRET, "no v1 signature matches"),
        (
            ref_headers(**{"webhook-signature": REF_SIGNATURE.replace("v1,", "v2,")}),
            REF_BODY,
            REF_SECRET,
            "no v1 signature matches",
        ),
        (ref_headers(**{"webhook-signature": ""}), REF_BODY, REF_SECRET, "missing header"),
        (ref_headers(**{"webhook-timestamp": "1614265330.5"}), REF_BODY, REF_SECRET, "not a unix time"),
        (ref_headers(**{"webhook-timestamp": "-1"}), REF_BODY, REF_SECRET, "not a unix time"),
        (ref_headers(**{"webhook-timestamp": "9" * 30}), REF_BODY, REF_SECRET, "not a unix time"),
        (ref_headers(**{"webhook-id": "m" * 129}), REF_BODY, REF_SECRET, "longer than 128"),
        ({}, REF_BODY, REF_SECRET, "webhook-id, webhook-timestamp, webhook-signature"),
    ],
    ids=[
        "body",
        "secret",
        "id",
        "version",
        "empty-signature",
        "fraction",
        "negative",
        "huge",
        "long-id",
        "none",
    ],
)
def test_untrusted_deliveries_are_refused_with_a_reason_that_holds_no_secret(headers, body, secret, reason):
    with pytest.raises(PushRefused, match=reason) as refused:
        STANDARD_WEBHOOKS.verify(secret, headers, body, REF_TIME)

    assert secret.removeprefix("whsec_") not in refused.value.reason
    assert "2432232314" not in refused.value.reason


def test_plain_text_secrets_are_used_as_they_are_and_whsec_secrets_are_decoded():
    assert signing_key("not-base64 at all") == b"not-base64 at all"
    assert signing_key("whsec_aGVsbG8=") == b"hello"
    with pytest.raises(ValueError, match="base64"):
        signing_key("whsec_***")


def test_every_carrier_without_its_own_entry_uses_standard_webhooks():
    assert scheme_for("sandbox") is STANDARD_WEBHOOKS
    assert scheme_for("ups") is STANDARD_WEBHOOKS


def test_the_sandbox_carriers_signer_and_this_verifier_agree_both_ways():
    from parceltrail.carriers.sandbox import webhooks

    secret = webhooks.new_secret()
    body = b'{"tracking_number": "PT0000000000000000"}'
    theirs = webhooks.sign(body, secret, "msg_1", REF_TIMESTAMP)
    ours = STANDARD_WEBHOOKS.headers(secret, "msg_1", REF_TIME, body)

    assert ours == theirs
    assert STANDARD_WEBHOOKS.verify(secret, theirs, body, REF_TIME).delivery_id == "msg_1"
    webhooks.verify(ours, body, secret, REF_TIME)  # raises if the sandbox would refuse it
