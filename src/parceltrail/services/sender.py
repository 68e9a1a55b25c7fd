"""Sending: claim due messages, send each on its channel, record every attempt.

Exactly once, as far as a network allows: a claim is a lease (``store.notifications``), each outcome
is recorded right after its send in its own transaction, and a sender that dies between the two leaves
a webhook to be sent again under the same ``webhook-id`` (receivers dedupe) and an email, SMS or chat
message marked ``uncertain`` (never resent blindly). A webhook that keeps failing is retried on
``notify.plan.RETRY_DELAYS``; after the last retry the endpoint is disabled and the shop told (an
outbox event ``webhook_endpoint.disabled`` for its staff).

Sends of one batch run on a small thread pool so a slow receiver does not hold up the others.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from parceltrail.notify.channels.webhook import Delivered, deliver
from parceltrail.notify.plan import RETRY_DELAYS, next_retry
from parceltrail.services.clock import utcnow
from parceltrail.services.secrets import SecretUnreadable
from parceltrail.services.webhook_endpoints import signing_secrets
from parceltrail.store import UnitOfWork
from parceltrail.store.notifications import FAILED, PENDING, SENT, Attempt, Message, Outcome
from parceltrail.store.outbox import OutboxEvent
from parceltrail.store.webhooks import WebhookEndpoint

log = logging.getLogger("parceltrail.notify")
ENDPOINT_DISABLED = "webhook_endpoint.disabled"


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    uncertain: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)


@dataclass
class Sender:
    """One per worker: the guarded HTTP client, the key that opens stored secrets, the pool size."""

    http: httpx.Client
    secret_key: str | None
    concurrency: int = 8
    batch: int = 64
    lease: timedelta = timedelta(minutes=2)
    clock: Callable[[], datetime] = utcnow

    def send_due(self, uow: UnitOfWork) -> SendReport:
        report = SendReport()
        token = secrets.token_hex(8)
        now = self.clock()
        with uow:
            report.uncertain = len(uow.notifications.mark_uncertain(now))
            claimed = uow.notifications.claim_due(now, self.batch, self.lease, token)
            endpoints = uow.webhooks.get_many(sorted({m.endpoint_id for m in claimed if m.endpoint_id}))
            uow.commit()
        report.claimed = len(claimed)
        if not claimed:
            return report

        def one(message: Message) -> str:
            return self._send_one(UnitOfWork(uow.engine), message, endpoints.get(message.endpoint_id or ""), token)

        if self.concurrency <= 1 or len(claimed) == 1:
            states = [one(m) for m in claimed]
        else:
            with ThreadPoolExecutor(min(self.concurrency, len(claimed)), thread_name_prefix="parceltrail-send") as pool:
                states = list(pool.map(one, claimed))
        for message, state in zip(claimed, states, strict=True):
            report.outcomes[message.id] = state
            if state == SENT:
                report.sent += 1
            elif state == PENDING:
                report.retrying += 1
            elif state == FAILED:
                report.failed += 1
        return report

    def _send_one(self, uow: UnitOfWork, message: Message, endpoint: WebhookEndpoint | None, token: str) -> str:
        started = self.clock()
        if endpoint is None or not endpoint.enabled:
            why = "the endpoint was deleted" if endpoint is None else "the endpoint is disabled"
            outcome = Outcome(message.id, token, Attempt(message.attempts + 1, started, 0, "skipped", None, why),
                              FAILED, f"not sent: {why}")
            return self._record(uow, outcome, message, None)
        try:
            secrets_now = signing_secrets(endpoint, self.secret_key, started)
        except SecretUnreadable as error:
            result = Delivered(False, None, str(error), 0, "failed")
        else:
            result = deliver(self.http, endpoint.url, message.id, message.payload.encode(), secrets_now)
        attempt = Attempt(message.attempts + 1, started, result.duration_ms, result.outcome, result.status_code,
                          result.error)
        if result.ok:
            return self._record(uow, Outcome(message.id, token, attempt, SENT), message, None)
        finished = self.clock()
        when = next_retry(message.retry_step, finished)
        if when is not None:
            step = message.retry_step + 1
            reason = f"{result.error}; retry {step} of {len(RETRY_DELAYS)} at {when:%Y-%m-%d %H:%M:%S} UTC"
            return self._record(uow, Outcome(message.id, token, attempt, PENDING, reason, when, step), message, None)
        reason = (f"{result.error}; gave up after {attempt.number} attempts over the retry schedule; "
                  "the endpoint is disabled")
        return self._record(uow, Outcome(message.id, token, attempt, FAILED, reason), message, endpoint)

    def _record(self, uow: UnitOfWork, outcome: Outcome, message: Message, give_up_on: WebhookEndpoint | None) -> str:
        now = self.clock()
        with uow:
            if not uow.notifications.record(outcome, now):
                log.warning("notification %s: outcome not recorded, the claim had passed to another sender",
                            message.id)
                return "lost_claim"
            if give_up_on is not None:
                _disable(uow, give_up_on, message, now)
            uow.commit()
        return outcome.state


def _disable(uow: UnitOfWork, endpoint: WebhookEndpoint, message: Message, now: datetime) -> None:
    reason = (f"delivery {message.id} ({message.kind}) failed on every attempt of the retry schedule; "
              "re-enable the endpoint (PATCH enabled: true) once the receiver works")
    if not uow.webhooks.disable(endpoint.id, now, reason):
        return
    uow.notifications.fail_pending_for_endpoint(endpoint.id, "not sent: the endpoint was disabled", now)
    uow.outbox.add_many([OutboxEvent(endpoint.shop_id, ENDPOINT_DISABLED, now,
                                     {"endpoint": {"id": endpoint.id, "url": endpoint.url, "reason": reason},
                                      "delivery_id": message.id})], now)
    log.warning("webhook endpoint %s of shop %s disabled: %s", endpoint.id, endpoint.shop_id, reason)
