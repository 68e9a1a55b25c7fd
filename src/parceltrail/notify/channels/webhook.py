"""Sending one Standard Webhooks delivery: signed body, one POST, the outcome in words.

Signatures come from the ``standardwebhooks`` package (the reference implementation receivers verify
with). ``webhook-id`` is the delivery's id, the same on every retry, so a receiver that stores the ids
it has processed handles a resend (after a crash between sending and recording) as a duplicate.
``webhook-timestamp`` is the wall clock at sending, because receivers compare it with theirs.
After a rotation both secrets sign, space-separated, as the specification allows.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from standardwebhooks import Webhook

from parceltrail.outbound import BlockedTarget

USER_AGENT = "parceltrail-webhooks/1 (+https://www.standardwebhooks.com)"


@dataclass(frozen=True, slots=True)
class Delivered:
    ok: bool
    status_code: int | None
    error: str | None
    duration_ms: int
    outcome: str  # sent | failed | timeout | refused


def signed_headers(delivery_id: str, body: bytes, secrets: Sequence[str], sent_at: datetime) -> dict[str, str]:
    signatures = " ".join(Webhook(secret).sign(delivery_id, sent_at, body) for secret in secrets)
    return {
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def deliver(client: httpx.Client, url: str, delivery_id: str, body: bytes, secrets: Sequence[str],
            wall: float | None = None) -> Delivered:
    """POST once; a 2xx is success, anything else (or no answer) a failure to retry later."""
    sent_at = datetime.fromtimestamp(time.time() if wall is None else wall, UTC)
    headers = signed_headers(delivery_id, body, secrets, sent_at)
    started = time.monotonic()

    def took() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.TimeoutException:
        return Delivered(False, None, "no answer within the timeout", took(), "timeout")
    except httpx.HTTPError as error:
        blocked = isinstance(error.__cause__, BlockedTarget)
        return Delivered(False, None, str(error) or type(error).__name__, took(), "refused" if blocked else "failed")
    if 200 <= response.status_code < 300:
        return Delivered(True, response.status_code, None, took(), "sent")
    snippet = response.text[:200].strip() if response.content else ""
    error = f"HTTP {response.status_code}" + (f": {snippet}" if snippet else "")
    return Delivered(False, response.status_code, error, took(), "failed")
