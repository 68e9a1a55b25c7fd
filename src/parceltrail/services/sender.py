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

import hashlib
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
from parceltrail.services.people import PeopleChannels, deliver_to_person, skipped
from parceltrail.services.secrets import SecretUnreadable
from parceltrail.services.webhook_endpoints import signing_secrets
from parceltrail.store import UnitOfWork
from parceltrail.store.notifications import FAILED, PENDING, SENT, Attempt, Message
from parceltrail.store.outbox import OutboxEvent
from parceltrail.store.recipients import StoredChannel
from parceltrail.store.sending import Outcome
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
    """One per worker: the guarded HTTP client, the key that opens stored secrets, the pool size, and what
    the server brings to messages for people (``PeopleChannels``: SMTP relay, sender, public URL)."""

    http: httpx.Client
    secret_key: str | None
    concurrency: int = 8
    batch: int = 64
    lease: timedelta = timedelta(minutes=2)
    clock: Callable[[], datetime] = utcnow
    people: PeopleChannels | None = None

    def send_due(self, uow: UnitOfWork) -> SendReport:
        report = SendReport()
        token = secrets.token_hex(8)
        now = self.clock()
        with uow.read():
            if not uow.sending.any_due(now):
                return report
        with uow:
            report.uncertain = len(uow.sending.mark_uncertain(now))
            claimed = uow.sending.claim_due(now, self.batch, self.lease, token)
            batch = Batch(token, uow.webhooks.get_many(sorted({m.endpoint_id for m in claimed if m.endpoint_id})),
                          uow.recipients.channels(sorted({m.shop_id for m in claimed if m.channel != "webhook"})))
            for message in claimed:
                if message.channel != "webhook" and '"audience":"buyer"' in message.payload:
                    batch.unsubscribe[message.id] = unsubscribe_token()
                    uow.sending.add_unsubscribe(message.id, token_hash(batch.unsubscribe[message.id]), now)
            uow.commit()
        report.claimed = len(claimed)
        if not claimed:
            return report

        def one(message: Message) -> str:
            return self._send_one(UnitOfWork(uow.engine), message, batch)

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

    def _send_one(self, uow: UnitOfWork, message: Message, batch: Batch) -> str:
        started = self.clock()
        endpoint = batch.endpoints.get(message.endpoint_id or "")
        subject = None
        if message.channel == "webhook":
            result = self._webhook(message, endpoint, started)
        elif self.people is None:
            result = skipped("this worker sends no messages to people")
        elif not self._start(uow, message, batch.token):
            return "lost_claim"
        else:
            result, subject = deliver_to_person(self.people, message, batch.channels.get((message.shop_id,
                                                message.channel)), batch.unsubscribe.get(message.id))
        attempt = Attempt(message.attempts + 1, started, result.duration_ms, result.outcome, result.status_code,
                          result.error)
        if result.ok:
            return self._record(uow, Outcome(message.id, batch.token, attempt, SENT, subject=subject), message, None)
        if result.outcome == "skipped":
            outcome = Outcome(message.id, batch.token, attempt, FAILED, f"not sent: {result.error}", subject=subject)
            return self._record(uow, outcome, message, None)
        finished = self.clock()
        when = next_retry(message.retry_step, finished)
        if when is not None:
            step = message.retry_step + 1
            reason = f"{result.error}; retry {step} of {len(RETRY_DELAYS)} at {when:%Y-%m-%d %H:%M:%S} UTC"
            outcome = Outcome(message.id, batch.token, attempt, PENDING, reason, when, step, subject)
            return self._record(uow, outcome, message, None)
        reason = f"{result.error}; gave up after {attempt.number} attempts over the retry schedule"
        if message.channel == "webhook":
            reason += "; the endpoint is disabled"
        outcome = Outcome(message.id, batch.token, attempt, FAILED, reason, subject=subject)
        return self._record(uow, outcome, message, endpoint if message.channel == "webhook" else None)

    def _start(self, uow: UnitOfWork, message: Message, token: str) -> bool:
        """Mark a message to a person as going out now: if this worker dies from here until its outcome is
        recorded, the message is uncertain (it may have gone), never sent again by itself."""
        with uow:
            started = uow.sending.start(message.id, token, self.clock())
            uow.commit()
        return started

    def _webhook(self, message: Message, endpoint: WebhookEndpoint | None, now: datetime) -> Delivered:
        if endpoint is None or not endpoint.enabled:
            return skipped("the endpoint was deleted" if endpoint is None else "the endpoint is disabled")
        try:
            secrets_now = signing_secrets(endpoint, self.secret_key, now)
        except SecretUnreadable as error:
            return Delivered(False, None, str(error), 0, "failed")
        return deliver(self.http, endpoint.url, message.id, message.payload.encode(), secrets_now)

    def _record(self, uow: UnitOfWork, outcome: Outcome, message: Message, give_up_on: WebhookEndpoint | None) -> str:
        now = self.clock()
        with uow:
            if not uow.sending.record(outcome, now):
                log.warning("notification %s: outcome not recorded, the claim had passed to another sender",
                            message.id)
                return "lost_claim"
            if give_up_on is not None:
                _disable(uow, give_up_on, message, now)
            uow.commit()
        return outcome.state


@dataclass
class Batch:
    """What the messages of one claim share: the claim's token, their endpoints, the shops' channels,
    and the unsubscribe tokens minted (and stored, hashed) with the claim."""

    token: str
    endpoints: dict[str, WebhookEndpoint]
    channels: dict[tuple[str, str], StoredChannel]
    unsubscribe: dict[str, str] = field(default_factory=dict)


def unsubscribe_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
