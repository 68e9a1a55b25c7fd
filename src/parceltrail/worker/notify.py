"""The notification loop: a thread that plans outbox events and sends due messages.

A thread beside the consumer (like the polling loop) rather than a Huey task, because a webhook should
leave within a second of the change, and Huey schedules by the minute. It loops at once while there is
work and waits ``every_seconds`` when there is none; several workers share the work through claims.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from huey import Huey, crontab
from sqlalchemy import Engine

from parceltrail.outbound import guarded_client
from parceltrail.services.clock import utcnow
from parceltrail.services.digests import queue_digests
from parceltrail.services.people import PeopleChannels
from parceltrail.services.planner import plan_due, prune_outbox
from parceltrail.services.sender import Sender
from parceltrail.settings import Settings
from parceltrail.store import UnitOfWork

log = logging.getLogger("parceltrail.notify")


def build_sender(settings: Settings) -> Sender:
    http = guarded_client(allow_private=settings.webhooks_allow_private, timeout=settings.webhook_timeout_seconds)
    key = settings.secret_key.get_secret_value() if settings.secret_key else None
    people = PeopleChannels(settings.smtp_url.get_secret_value() if settings.smtp_url else None, settings.mail_from,
                            settings.public_url, key, settings.webhooks_allow_private, settings.webhook_timeout_seconds)
    return Sender(http, key, concurrency=settings.notify_concurrency,
                  lease=timedelta(seconds=settings.notify_lease_seconds), people=people)


class NotifyLoop(threading.Thread):
    def __init__(self, engine: Engine, sender: Sender, every_seconds: float, window: timedelta) -> None:
        super().__init__(name="parceltrail-notify", daemon=True)
        self.engine = engine
        self.sender = sender
        self.every_seconds = every_seconds
        self.window = window
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            if not self.tick_once():
                self._stop_event.wait(self.every_seconds)

    def tick_once(self) -> int:
        """Plan, then send; returns how much was done (0: nothing was due)."""
        try:
            email = self.sender.people is not None and bool(self.sender.people.smtp_url)
            planned = plan_due(UnitOfWork(self.engine), utcnow(), self.window, email=email)
            report = self.sender.send_due(UnitOfWork(self.engine))
        except Exception:  # a tick must never kill the loop; claims expire and the next tick retries
            log.exception("notification tick failed")
            self._stop_event.wait(self.every_seconds)
            return 0
        if report.failed or report.uncertain:
            log.info("notifications: %d sent, %d to retry, %d failed, %d uncertain", report.sent, report.retrying,
                     report.failed, report.uncertain)
        return planned + report.claimed

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)
        self.sender.http.close()


def register_notify_jobs(queue: Huey, engine: Engine, settings: Settings) -> dict[str, Callable]:
    @queue.periodic_task(crontab(minute="*/5"), name="queue_digests")
    def digest_job() -> int:
        count = queue_digests(UnitOfWork(engine), utcnow(), settings.public_url, email=bool(settings.smtp_url))
        if count:
            log.info("exception digests planned for %d staff members", count)
        return count

    @queue.periodic_task(crontab(minute="23"), name="prune_outbox")
    def prune_job() -> int:
        deleted = prune_outbox(UnitOfWork(engine), utcnow())
        if deleted:
            log.info("outbox: deleted %d events planned over a week ago", deleted)
        return deleted

    return {"prune_outbox": prune_job, "queue_digests": digest_job}
