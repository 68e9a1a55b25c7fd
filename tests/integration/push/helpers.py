"""What the push tests share: a signed POST to a running server, and the carrier bodies they send."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime
from pathlib import Path

import httpx

from parceltrail.services.hook_signatures import STANDARD_WEBHOOKS
from tests.conftest import HUNG

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "carriers"
SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()  # a fresh throwaway key per run
UPS_NUMBER = "1Z4F28Y10392746618"  # out_for_delivery.json and delivered.json follow this one parcel


def ups_body(name: str) -> bytes:
    return (FIXTURES / "ups" / f"{name}.json").read_bytes()


def signed_headers(
    body: bytes, delivery_id: str, secret: str = SECRET, sent_at: datetime | None = None
) -> dict:
    return STANDARD_WEBHOOKS.headers(secret, delivery_id, sent_at or datetime.now(UTC), body)


def push(
    url: str,
    carrier: str,
    body: bytes,
    delivery_id: str,
    secret: str = SECRET,
    sent_at: datetime | None = None,
    headers: dict | None = None,
) -> httpx.Response:
    """POST ``body`` to ``/v1/hooks/{carrier}`` signed with ``secret`` (or with exactly ``headers``)."""
    sent = signed_headers(body, delivery_id, secret, sent_at) if headers is None else headers
    return httpx.post(
        f"{url}/v1/hooks/{carrier}",
        content=body,
        headers={"content-type": "application/json", **sent},
        timeout=HUNG,
    )
