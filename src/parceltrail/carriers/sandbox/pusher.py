"""Pushing sandbox scans to a webhook endpoint, as carriers with push do.

For each shipment the network remembers, ``push_due`` sends one signed webhook when its visible scans
changed since the last successful push; the body is the current single-shipment tracking body. The
delivery id is ``msg_<number>_<scan count>``: stable across retries *and* restarts, so a pusher that
forgot what it sent re-sends duplicates the receiver already knows, never a different message under
an old id. 5xx answers and connection errors are retried at once with the same id; after
``attempts`` the shipment waits for the next call. Other refusals (4xx) wait for the next call too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from parceltrail.carriers.sandbox.body import encode_body, tracking_body
from parceltrail.carriers.sandbox.journey import journey
from parceltrail.carriers.sandbox.network import SandboxNetwork
from parceltrail.carriers.sandbox.webhooks import sign

log = logging.getLogger("parceltrail.carriers.sandbox.push")


class Pusher:
    """Sends the network's new scans to ``url``, signed with ``secret``; call ``push_due`` periodically."""

    def __init__(
        self,
        network: SandboxNetwork,
        url: str,
        secret: str,
        client: Any,
        *,
        attempts: int = 3,
        backoff: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.network, self.url, self._secret = network, url, secret
        self.http: httpx.Client = getattr(client, "http", client)  # a CarrierClient or a plain httpx.Client
        self.attempts, self.backoff, self.sleep, self.wall = attempts, backoff, sleep, wall
        self.pushed: dict[str, int] = {}
        """number -> how many scans the receiver has acknowledged."""
        self.finished: set[str] = set()
        """Shipments whose last scan was accepted: nothing more will ever come for them."""
        self.failures = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Pusher(url={self.url!r}, pushed={len(self.pushed)})"

    def push_due(self, now: datetime | None = None) -> int:
        """Push every remembered shipment whose visible scans changed; returns how many were accepted."""
        if not self._lock.acquire(blocking=False):
            return 0  # another thread is pushing; it will cover what is due
        try:
            at = self.network.now() if now is None else now
            delivered = 0
            for number in self.network.shipments:
                if number in self.finished:
                    continue
                trip = journey(number)
                seen = len(trip.visible(at))
                if seen == 0 or seen == self.pushed.get(number, 0):
                    continue
                if self._deliver(number, seen, encode_body(tracking_body(number, at))):
                    self.pushed[number] = seen
                    delivered += 1
                    if seen == len(trip.scans):
                        self.finished.add(number)
            return delivered
        finally:
            self._lock.release()

    def _deliver(self, number: str, seen: int, body: bytes) -> bool:
        delivery_id = f"msg_{number}_{seen}"
        for attempt in range(1, self.attempts + 1):
            headers = sign(body, self._secret, delivery_id, int(self.wall()))
            headers["Content-Type"] = "application/json"
            try:
                response = self.http.post(self.url, content=body, headers=headers)
            except httpx.TransportError as error:
                outcome = f"connection error ({error.__class__.__name__})"
            else:
                if response.is_success:
                    return True
                outcome = f"HTTP {response.status_code}"
                if response.status_code < 500:
                    break
            if attempt < self.attempts:
                self.sleep(self.backoff * 2 ** (attempt - 1))
        self.failures += 1
        log.warning("sandbox push %s for %s not accepted: %s; will try again", delivery_id, number, outcome)
        return False
