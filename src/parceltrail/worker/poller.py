"""The polling loop: a thread that runs a polling tick every few (real) seconds.

A thread rather than a Huey periodic task because Huey schedules by the minute and a tick must come
every few seconds for out-for-delivery packages and for the accelerated demo; due-ness itself lives in
the database (``next_check_at``), so a tick that finds nothing due costs one indexed query. Several
workers can run this loop at once: the claim keeps them off each other's packages.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine

from parceltrail.services.polling import Poller, TickReport
from parceltrail.store import UnitOfWork

log = logging.getLogger("parceltrail.polling")


class PollLoop(threading.Thread):
    def __init__(self, engine: Engine, poller: Poller, every_seconds: float,
                 after_tick: list[Callable[[], object]] | None = None) -> None:
        super().__init__(name="parceltrail-poller", daemon=True)
        self.engine = engine
        self.poller = poller
        self.every_seconds = every_seconds
        self.after_tick = after_tick or []
        self.ticks = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.tick_once()
            self._stop_event.wait(self.every_seconds)

    def tick_once(self) -> TickReport | None:
        try:
            report = self.poller.tick(UnitOfWork(self.engine))
            if report.claimed:  # a tick every few seconds: DEBUG, like Huey's job runs; failures log at WARNING
                log.debug("polled %d packages in %d requests: %d new events, %d status changes, %d failed",
                          report.claimed, report.requests, report.new_events, report.status_changes, report.failed)
        except Exception:  # a tick must never kill the loop; the next tick retries
            log.exception("polling tick failed")
            report = None
        for hook in self.after_tick:
            try:
                hook()
            except Exception:
                log.exception("after-tick hook failed")
        self.ticks += 1
        return report

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)
