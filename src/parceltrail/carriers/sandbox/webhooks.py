"""Signing and verifying sandbox pushes the Standard Webhooks way (standardwebhooks.com).

Headers ``webhook-id`` (one per delivery, the same on its retries), ``webhook-timestamp`` (unix
seconds of the attempt) and ``webhook-signature`` = ``v1,`` + base64(HMAC-SHA256(key,
"{id}.{timestamp}.{body}")). Hand-written (twenty lines) rather than taken from the
``standardwebhooks`` package because ``verify`` must be pure — it takes ``now`` — and that package reads
the system clock; a test checks both agree. A secret in the spec's ``whsec_<base64>`` form is that
key; any other string is used as its UTF-8 bytes. Timestamps are wall-clock (real) time even when the
network's clock is accelerated: the replay window is about real network delays.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")
SECRET_PREFIX = "whsec_"


class WebhookVerificationError(ValueError):
    """A push that must be refused.

    ``reason`` is one of missing_header, bad_timestamp, timestamp_out_of_window, bad_signature.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def new_secret() -> str:
    """A fresh endpoint secret in the Standard Webhooks form."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
        except binascii.Error:
            raise ValueError("a whsec_ secret must be base64 after the prefix") from None
    if not secret:
        raise ValueError("the webhook secret is empty")
    return secret.encode("utf-8")


def signature(body: bytes, secret: str, delivery_id: str, timestamp: int) -> str:
    signed = f"{delivery_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign(body: bytes, secret: str, delivery_id: str, timestamp: int) -> dict[str, str]:
    """The three headers that make ``body`` a verifiable push."""
    return {
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": signature(body, secret, delivery_id, int(timestamp)),
    }


def verify(
    headers: Mapping[str, str],
    body: bytes,
    secret: str,
    now: datetime,
    tolerance: timedelta = timedelta(minutes=5),
) -> None:
    """Return if ``body`` was signed with ``secret`` within ``tolerance`` of ``now``; else raise why not.

    ``headers`` may be any mapping (header names in any case). ``webhook-signature`` may list several
    space-separated signatures (a sender rotating secrets); one match is enough.
    """
    lower = {str(k).lower(): v for k, v in headers.items()}
    missing = [h for h in HEADERS if not lower.get(h)]
    if missing:
        raise WebhookVerificationError("missing_header", f"missing header(s): {', '.join(missing)}")
    stamp = str(lower["webhook-timestamp"]).strip()
    if not stamp.isdigit():
        raise WebhookVerificationError(
            "bad_timestamp", f"webhook-timestamp {stamp[:20]!r} is not unix seconds"
        )
    try:
        sent = datetime.fromtimestamp(int(stamp), UTC)
    except (OverflowError, OSError, ValueError):
        raise WebhookVerificationError("bad_timestamp", "webhook-timestamp is out of range") from None
    if abs(now - sent) > tolerance:
        raise WebhookVerificationError(
            "timestamp_out_of_window",
            f"webhook-timestamp is {(now - sent).total_seconds():+.0f} s from now; "
            f"allowed ±{tolerance.total_seconds():.0f} s",
        )
    if isinstance(body, str):
        body = body.encode("utf-8")
    expected = signature(body, secret, str(lower["webhook-id"]), int(stamp))
    offered = str(lower["webhook-signature"]).split()
    # Every offered signature is compared (no early exit), so timing says nothing about which matched.
    matches = [hmac.compare_digest(expected, candidate) for candidate in offered]
    if not any(matches):
        raise WebhookVerificationError(
            "bad_signature", "webhook-signature does not match the body and secret"
        )
