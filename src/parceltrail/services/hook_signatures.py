"""Verifying carrier pushes: is a delivery from whom it claims, unaltered, and fresh?

The default scheme is Standard Webhooks (standardwebhooks.com): headers ``webhook-id``,
``webhook-timestamp`` (unix seconds) and ``webhook-signature``, a space-separated list of
``v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>``; any matching ``v1`` entry is enough, so a
sender can rotate secrets by signing with old and new at once. The timestamp must lie within five
minutes of the process clock, and being signed with the id it stops a captured delivery from being
replayed later or under a fresh id (the inbox refuses the same id twice).

Hand-written rather than the ``standardwebhooks`` package because its ``verify`` reads the system
clock, while here ``now`` is an argument (the module stays pure and testable); the scheme itself is one
HMAC from the standard library. A carrier that signs another way is one entry in ``SCHEMES``.
Nothing here logs; refusal reasons never contain the secret or the body, so callers may log and
return them as they are.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

_SECRET_PREFIX = "whsec_"
MAX_DELIVERY_ID = 128  # the inbox column's width


class PushRefused(Exception):
    """The delivery is not trusted. ``reason`` names what failed, safe to log and to send back."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class VerifiedPush:
    """What a trusted delivery told us about itself: its id (for de-duplication) and when it was signed."""

    delivery_id: str | None
    signed_at: datetime


class Scheme(Protocol):
    """How one carrier signs: ``verify`` for the route; ``headers`` signs as the carrier does (for tests)."""

    name: str

    def verify(self, secret: str, headers: Mapping[str, str], body: bytes, now: datetime) -> VerifiedPush: ...

    def headers(self, secret: str, delivery_id: str, sent_at: datetime, body: bytes) -> dict[str, str]: ...


def signing_key(secret: str) -> bytes:
    """The HMAC key: a ``whsec_`` secret holds it in base64 (Standard Webhooks form); any other is text."""
    if secret.startswith(_SECRET_PREFIX):
        try:
            return base64.b64decode(secret.removeprefix(_SECRET_PREFIX), validate=True)
        except binascii.Error:
            raise ValueError("a whsec_ secret must be followed by base64") from None
    return secret.encode()


@dataclass(frozen=True, slots=True)
class StandardWebhooks:
    """HMAC-SHA256 over id, timestamp and body, with a symmetric freshness window."""

    tolerance: timedelta = timedelta(minutes=5)
    name: str = "standard-webhooks"

    def signature(self, secret: str, delivery_id: str, timestamp: int, body: bytes) -> str:
        """One ``v1,<base64>`` entry for ``webhook-signature``."""
        signed = f"{delivery_id}.{timestamp}.".encode() + body
        digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
        return "v1," + base64.b64encode(digest).decode()

    def headers(self, secret: str, delivery_id: str, sent_at: datetime, body: bytes) -> dict[str, str]:
        """The three headers a sender attaches (used by tests and ``parceltrail hooks sign``)."""
        timestamp = int(sent_at.timestamp())
        return {
            "webhook-id": delivery_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": self.signature(secret, delivery_id, timestamp, body),
        }

    def verify(self, secret: str, headers: Mapping[str, str], body: bytes, now: datetime) -> VerifiedPush:
        delivery_id = headers.get("webhook-id")
        raw_timestamp = headers.get("webhook-timestamp")
        signatures = headers.get("webhook-signature")
        missing = [name for name, value in (("webhook-id", delivery_id), ("webhook-timestamp", raw_timestamp),
                                            ("webhook-signature", signatures)) if not value]
        if missing:
            raise PushRefused(f"missing header(s) {', '.join(missing)} (Standard Webhooks signing)")
        assert delivery_id and raw_timestamp and signatures
        if len(delivery_id) > MAX_DELIVERY_ID:
            raise PushRefused(f"webhook-id is longer than {MAX_DELIVERY_ID} characters")
        if not raw_timestamp.isascii() or not raw_timestamp.isdigit():
            raise PushRefused("webhook-timestamp is not a unix time in seconds")
        timestamp = int(raw_timestamp)
        try:
            signed_at = datetime.fromtimestamp(timestamp, UTC)
        except (OverflowError, OSError, ValueError):
            raise PushRefused("webhook-timestamp is not a unix time in seconds") from None
        skew = abs((now - signed_at).total_seconds())
        if skew > self.tolerance.total_seconds():
            raise PushRefused(
                f"webhook-timestamp is {skew:.0f} s from server time, outside the "
                f"±{self.tolerance.total_seconds():.0f} s window (a replay, or a sender clock that is off)"
            )
        expected = self.signature(secret, delivery_id, timestamp, body).encode()
        offered = [entry.encode() for entry in signatures.split() if entry.startswith("v1,")]
        # Compare against every entry, not stopping at the first match, so timing says nothing either way.
        matches = [hmac.compare_digest(expected, entry) for entry in offered]
        if not any(matches):
            raise PushRefused("no v1 signature matches (wrong secret, or the body was altered)")
        return VerifiedPush(delivery_id=delivery_id, signed_at=signed_at)


STANDARD_WEBHOOKS = StandardWebhooks()

SCHEMES: dict[str, Scheme] = {}
"""Carriers that sign their pushes some other way; every other carrier uses ``STANDARD_WEBHOOKS``."""


def scheme_for(carrier: str) -> Scheme:
    return SCHEMES.get(carrier, STANDARD_WEBHOOKS)
