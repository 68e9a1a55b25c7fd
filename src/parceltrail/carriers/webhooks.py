"""Standard Webhooks (standardwebhooks.com) signing and verification: the one implementation.

Headers ``webhook-id`` (one per delivery, the same on its retries), ``webhook-timestamp`` (unix
seconds) and ``webhook-signature``, a space-separated list of ``v1,<base64 HMAC-SHA256(key,
"{id}.{timestamp}.{body}")>``; any matching entry is enough, so a sender can rotate secrets by signing
with old and new at once. A ``whsec_<base64>`` secret is that key; any other string is its UTF-8 bytes.

Hand-written (one HMAC from the standard library) rather than taken from the ``standardwebhooks``
package because ``verify`` must be pure — it takes ``now`` — and that package reads the system clock; a
test checks both agree. The sandbox carrier signs with it and the push intake verifies with it.
Messages never contain the secret or the body, so callers may log and return them as they are.
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
    """The HMAC key of a secret."""
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
        except binascii.Error:
            raise ValueError("a whsec_ secret must be base64 after the prefix") from None
    if not secret:
        raise ValueError("the webhook secret is empty")
    return secret.encode("utf-8")


def signature(body: bytes, secret: str, delivery_id: str, timestamp: int) -> str:
    """One ``v1,<base64>`` entry for ``webhook-signature``."""
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
) -> datetime:
    """Return when ``body`` was signed if it was signed with ``secret`` within ``tolerance`` of ``now``;
    else raise ``WebhookVerificationError`` saying why not. Header names may be in any case."""
    lower = {str(k).lower(): v for k, v in headers.items()}
    missing = [h for h in HEADERS if not lower.get(h)]
    if missing:
        raise WebhookVerificationError(
            "missing_header", f"missing header(s) {', '.join(missing)} (Standard Webhooks signing)")
    stamp = str(lower["webhook-timestamp"]).strip()
    bad_stamp = WebhookVerificationError("bad_timestamp", "webhook-timestamp is not a unix time in seconds")
    if not stamp.isascii() or not stamp.isdigit():
        raise bad_stamp
    try:
        sent = datetime.fromtimestamp(int(stamp), UTC)
    except (OverflowError, OSError, ValueError):
        raise bad_stamp from None
    skew = abs((now - sent).total_seconds())
    if skew > tolerance.total_seconds():
        raise WebhookVerificationError(
            "timestamp_out_of_window",
            f"webhook-timestamp is {skew:.0f} s from server time, outside the ±{tolerance.total_seconds():.0f} s "
            "window (a replay, or a sender clock that is off)",
        )
    if isinstance(body, str):
        body = body.encode("utf-8")
    expected = signature(body, secret, str(lower["webhook-id"]), int(stamp)).encode()
    offered = [entry.encode() for entry in str(lower["webhook-signature"]).split()]
    # Every offered signature is compared (no early exit), so timing says nothing about which matched.
    matches = [hmac.compare_digest(expected, candidate) for candidate in offered]
    if not any(matches):
        raise WebhookVerificationError(
            "bad_signature",
            "no v1 signature matches: the webhook-signature does not match the body and secret "
            "(wrong secret, or the body was altered)",
        )
    return sent
