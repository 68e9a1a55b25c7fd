"""Verifying carrier pushes: is a delivery from whom it claims, unaltered, and fresh?

The default scheme is Standard Webhooks (standardwebhooks.com): headers ``webhook-id``,
``webhook-timestamp`` (unix seconds) and ``webhook-signature``, a space-separated list of
``v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>``; any matching ``v1`` entry is enough, so a
sender can rotate secrets by signing with old and new at once. The timestamp must lie within five
minutes of the process clock, and being signed with the id it stops a captured delivery from being
replayed later or under a fresh id (the inbox refuses the same id twice).

The cryptography is ``parceltrail.carriers.webhooks`` (pure: ``now`` is an argument). A carrier that
signs another way is one entry in ``SCHEMES``.
Nothing here logs; refusal reasons never contain the secret or the body, so callers may log and
return them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from parceltrail.carriers.webhooks import WebhookVerificationError, secret_key, sign, signature, verify

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


signing_key = secret_key
"""The HMAC key of a secret (``whsec_<base64>``, or any other text as its bytes)."""


@dataclass(frozen=True, slots=True)
class StandardWebhooks:
    """HMAC-SHA256 over id, timestamp and body, with a symmetric freshness window
    (``parceltrail.carriers.webhooks`` does the cryptography, for the sandbox's signing too)."""

    tolerance: timedelta = timedelta(minutes=5)
    name: str = "standard-webhooks"

    def signature(self, secret: str, delivery_id: str, timestamp: int, body: bytes) -> str:
        """One ``v1,<base64>`` entry for ``webhook-signature``."""
        return signature(body, secret, delivery_id, timestamp)

    def headers(self, secret: str, delivery_id: str, sent_at: datetime, body: bytes) -> dict[str, str]:
        """The three headers a sender attaches (used by tests and ``parceltrail hooks send``)."""
        return sign(body, secret, delivery_id, int(sent_at.timestamp()))

    def verify(self, secret: str, headers: Mapping[str, str], body: bytes, now: datetime) -> VerifiedPush:
        delivery_id = headers.get("webhook-id")
        if delivery_id and len(delivery_id) > MAX_DELIVERY_ID:
            raise PushRefused(f"webhook-id is longer than {MAX_DELIVERY_ID} characters")
        try:
            signed_at = verify(headers, body, secret, now, self.tolerance)
        except WebhookVerificationError as error:
            raise PushRefused(str(error)) from None
        return VerifiedPush(delivery_id=delivery_id, signed_at=signed_at)


STANDARD_WEBHOOKS = StandardWebhooks()

SCHEMES: dict[str, Scheme] = {}
"""Carriers that sign their pushes some other way; every other carrier uses ``STANDARD_WEBHOOKS``."""


def scheme_for(carrier: str) -> Scheme:
    return SCHEMES.get(carrier, STANDARD_WEBHOOKS)
