"""Polling: claim the packages that are due, ask their carriers, ingest what is new, schedule the next look.

One tick is: claim (one transaction) → fetch per carrier in batches its API allows, at the rate it allows
(no transaction held open over the network) → ingest per shop through ``ingest_many`` (the same path as
the API and push) → revise estimates where the status moved → record each check and release the claim.
A carrier error never escapes a tick: it is recorded on the package and the check is retried with backoff.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from parceltrail.carriers.base import CarrierFetchError, CarrierShapeError, CarrierTracking
from parceltrail.services.adapters import Adapter, MissingCredentials, RateLimiter, adapter, env_credentials
from parceltrail.services.clock import shop_clocks, utcnow
from parceltrail.services.delivery import keep_proofs
from parceltrail.services.scans import record_scans
from parceltrail.services.schedule import next_check, retry_after_failure
from parceltrail.store import UnitOfWork
from parceltrail.store.polling import CheckOutcome, PollTarget

log = logging.getLogger("parceltrail.polling")

LEASE = timedelta(minutes=10)
"""How long a claim holds by default (``PARCELTRAIL_POLL_LEASE_SECONDS``): a worker killed mid-tick frees its
packages when it ends. Longer than any tick; the shorter, the sooner a dead worker's packages are polled."""


@dataclass
class TickReport:
    claimed: int = 0
    fetched: int = 0
    requests: int = 0
    new_events: int = 0
    failed: int = 0
    status_changes: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, other: TickReport) -> TickReport:
        for name in ("claimed", "fetched", "requests", "new_events", "failed", "status_changes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, count in other.errors.items():
            self.errors[key] = self.errors.get(key, 0) + count
        return self


@dataclass
class Poller:
    """Everything a tick needs that outlives it: the HTTP client, per-carrier pacing, randomness for jitter."""

    client: object
    credentials_for: Callable[[str, str], object] = lambda shop_id, carrier: env_credentials(carrier)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    rng: random.Random = field(default_factory=random.Random)
    batch: int = 500
    lease: timedelta = LEASE
    interval_factor: float = 1.0
    """Scales every wait between checks (``services.schedule``)."""

    def tick(self, uow: UnitOfWork, now: datetime | None = None) -> TickReport:
        """One tick at ``now`` for every shop; without ``now``, each shop on its own clock (the demo shop's
        accelerated one, everyone else's real one)."""
        if now is not None:
            return self._tick(uow, now, None, ())
        own = shop_clocks()
        report = self._tick(uow, utcnow(), None, tuple(own))
        for shop_id, clock in own.items():
            report.add(self._tick(uow, clock.now(), shop_id, ()))
        return report

    def _tick(self, uow: UnitOfWork, now: datetime, shop_id: str | None, except_shops: tuple[str, ...]) -> TickReport:
        token = secrets.token_hex(8)
        with uow:
            targets = uow.polling.claim_due(now, self.batch, self.lease, token, shop_id, except_shops)
            uow.commit()
        report = TickReport(claimed=len(targets))
        if not targets:
            return report
        answers, failures = self._ask_carriers(targets, report, self._order_keys(uow, targets))
        self._ingest(uow, targets, answers, now, report)
        outcomes = self._outcomes(uow, targets, answers, failures, token, now)
        with uow:
            uow.polling.record(outcomes)
            uow.commit()
        return report

    def _order_keys(self, uow: UnitOfWork, targets: list[PollTarget]) -> dict[str, str]:
        """For carriers tracked by order (TikTok Shipping): the platform order id each package belongs to."""
        by_order = [t.id for t in targets if (found := adapter(t.carrier)) is not None and found.lookup == "order_id"]
        if not by_order:
            return {}
        with uow.read():
            served = uow.orders.for_packages(by_order)
        return {pid: orders[0].order.external_id for pid, orders in served.items() if orders}

    def _ask_carriers(
        self, targets: list[PollTarget], report: TickReport, keys: dict[str, str] | None = None
    ) -> tuple[dict[str, CarrierTracking], dict[str, tuple[str, float | None]]]:
        answers: dict[str, CarrierTracking] = {}
        failures: dict[str, tuple[str, float | None]] = {}
        groups: dict[tuple[str | None, str], list[PollTarget]] = defaultdict(list)
        for t in targets:
            groups[(t.carrier, t.shop_id)].append(t)
        for (code, shop_id), group in groups.items():
            found = adapter(code)
            if found is None:
                self._fail(group, code, f"no tracking adapter for carrier {code or '(unknown)'}", None, failures)
                continue
            try:
                credentials = self.credentials_for(shop_id, found.carrier.code)
            except MissingCredentials as error:
                self._fail(group, code, str(error), None, failures)
                continue
            if found.lookup == "order_id":
                unkeyed = [t for t in group if t.id not in (keys or {})]
                self._fail(unkeyed, code, f"{found.carrier.code}: no order names this package, and "
                           f"{found.carrier.name} tracks by order", None, failures)
                group = [t for t in group if t.id in (keys or {})]
            self._fetch_group(found, credentials, group, answers, failures, report, keys or {})
        for reason, _ in failures.values():
            key = reason.split(":")[0]
            report.errors[key] = report.errors.get(key, 0) + 1
        report.failed = len(failures)
        return answers, failures

    @staticmethod
    def _fail(targets: list[PollTarget], carrier: str | None, reason: str, wait: float | None,
              failures: dict[str, tuple[str, float | None]]) -> None:
        """Record a failed check for each package, with one log line each naming package, carrier and error."""
        for t in targets:
            failures[t.id] = (reason, wait)
            log.warning("polling failed: package=%s shop=%s carrier=%s number=%s failures=%d error=%s", t.id,
                        t.shop_id, carrier or "-", t.tracking_number, t.check_failures + 1, reason,
                        extra={"package_id": t.id, "shop_id": t.shop_id, "carrier": carrier,
                               "tracking_number": t.tracking_number, "error": reason})

    def _fetch_group(self, found: Adapter, credentials, group: list[PollTarget], answers, failures, report,
                     keys: dict[str, str]) -> None:
        by_number = {keys.get(t.id, t.tracking_number): t for t in group}
        numbers = list(by_number)
        for start in range(0, len(numbers), found.max_numbers):
            chunk = numbers[start:start + found.max_numbers]
            self.limiter.wait(found.carrier.code, found.requests_per_second)
            report.requests += 1
            try:
                results = found.fetch(chunk, credentials, self.client)
            except (CarrierFetchError, CarrierShapeError) as error:
                self._fail([by_number[n] for n in chunk], found.carrier.code, str(error),
                           getattr(error, "retry_after", None), failures)
                continue
            report.fetched += len(chunk)
            if len(chunk) == 1 and len(results) == 1 and by_number[chunk[0]].id not in answers:
                answers[by_number[chunk[0]].id] = results[0]  # "no record" answers may not repeat the number
            for result in results:
                for tracking in (result, *result.related):
                    number = (tracking.tracking_number or "").upper()
                    if number in by_number and by_number[number].id not in answers:
                        answers[by_number[number].id] = tracking
            for n in chunk:
                if by_number[n].id not in answers:
                    self._fail([by_number[n]], found.carrier.code, f"{found.carrier.code}: the answer did not "
                               f"mention {n}", None, failures)

    def _ingest(self, uow: UnitOfWork, targets: list[PollTarget], answers: dict[str, CarrierTracking],
                now: datetime, report: TickReport) -> None:
        per_shop: dict[str, dict[str, list]] = defaultdict(dict)
        proofs: dict[str, dict] = defaultdict(dict)
        for t in targets:
            tracking = answers.get(t.id)
            if tracking is not None and tracking.events:
                per_shop[t.shop_id][t.id] = list(tracking.events)
            if tracking is not None and tracking.proof is not None:
                proofs[t.shop_id][t.id] = tracking.proof
        for shop_id, batches in per_shop.items():
            for result in record_scans(uow, shop_id, batches, source="poll", now=now).values():
                report.new_events += result.accepted
                report.status_changes += result.status_changed
        for shop_id, found in proofs.items():
            keep_proofs(uow, shop_id, found, "poll", now)

    def _outcomes(self, uow: UnitOfWork, targets: list[PollTarget], answers, failures, token: str,
                  now: datetime) -> list[CheckOutcome]:
        with uow.read():
            current = {p.id: p for shop in {t.shop_id for t in targets}
                       for p in uow.packages.get_many(shop, [t.id for t in targets if t.shop_id == shop]).values()}
        outcomes = []
        for t in targets:
            if t.id in failures:
                reason, wait = failures[t.id]
                failed = t.check_failures + 1
                outcomes.append(CheckOutcome(t.id, token, now, retry_after_failure(failed, now, self.rng, wait,
                                                                                 self.interval_factor),
                                             failed, reason))
                continue
            package = current[t.id]
            following = next_check(package.state.status, now, package.created_at, package.state.delivered_at,
                                   self.rng, self.interval_factor)
            outcomes.append(CheckOutcome(t.id, token, now, following, 0, None))
        return outcomes
