"""Queries for polling: claim the packages that are due, record how each check went.

Claiming is one UPDATE ... WHERE id IN (due ids) RETURNING: on PostgreSQL the inner select takes
``FOR NO KEY UPDATE SKIP LOCKED`` so concurrent workers claim disjoint rows; on SQLite the single statement
runs under the database's one writer lock, which makes the claimer single by construction. A claim is
a lease (``claimed_until``) with a token, so a worker that dies frees its packages when the lease ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, case, func, or_, select, update

from parceltrail.core import Status
from parceltrail.store.tables import packages


@dataclass(frozen=True, slots=True)
class PollTarget:
    id: str
    shop_id: str
    carrier: str | None
    tracking_number: str
    status: Status
    created_at: datetime
    delivered_at: datetime | None
    check_failures: int


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    package_id: str
    token: str
    checked_at: datetime
    next_check_at: datetime | None
    failures: int
    error: str | None


_COLUMNS = (packages.c.id, packages.c.shop_id, packages.c.carrier, packages.c.tracking_number, packages.c.status,
            packages.c.created_at, packages.c.delivered_at, packages.c.check_failures)


class PollRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def claim_due(self, now: datetime, limit: int, lease: timedelta, token: str, shop_id: str | None = None,
                  except_shops: tuple[str, ...] = ()) -> list[PollTarget]:
        """Claim up to ``limit`` packages due at ``now``: of one shop, or of every shop but ``except_shops``
        (shops on their own clock are claimed on it, separately)."""
        due = (
            select(packages.c.id)
            .where(packages.c.next_check_at <= now,
                   or_(packages.c.claimed_until.is_(None), packages.c.claimed_until < now))
            .order_by(packages.c.next_check_at)
            .limit(limit)
        )
        if shop_id is not None:
            due = due.where(packages.c.shop_id == shop_id)
        if except_shops:
            due = due.where(packages.c.shop_id.not_in(except_shops))
        if self._c.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True, key_share=True)
        statement = (
            update(packages)
            .where(packages.c.id.in_(due.scalar_subquery()))
            .values(claimed_until=now + lease, claim_token=token)
            .returning(*_COLUMNS)
        )
        rows = self._c.execute(statement).all()
        return [
            PollTarget(r.id, r.shop_id, r.carrier, r.tracking_number, Status(r.status), r.created_at, r.delivered_at,
                       r.check_failures)
            for r in rows
        ]

    def record(self, outcomes: list[CheckOutcome]) -> int:
        """Write each check's result and release the claim, but only where our token still holds it.

        Rows are updated in id order, the order ingest locks them in, so the two cannot deadlock."""
        if not outcomes:
            return 0
        outcomes = sorted(outcomes, key=lambda o: o.package_id)
        statement = (
            update(packages)
            .where(packages.c.id == bindparam("pid"), packages.c.claim_token == bindparam("token"))
            .values(next_check_at=bindparam("next"), last_checked_at=bindparam("checked"),
                    check_failures=bindparam("failures"), last_check_error=bindparam("error"),
                    claimed_until=None, claim_token=None)
        )
        result = self._c.execute(statement, [
            {"pid": o.package_id, "token": o.token, "next": o.next_check_at, "checked": o.checked_at,
             "failures": o.failures, "error": o.error}
            for o in outcomes
        ])
        return result.rowcount

    def schedule(self, package_id: str, next_check_at: datetime | None) -> None:
        self._c.execute(update(packages).where(packages.c.id == package_id).values(next_check_at=next_check_at))

    def carrier_summaries(self, shop_id: str) -> list[CarrierCheckSummary]:
        return carrier_check_summaries(self._c, shop_id)

    def due_count(self, now: datetime) -> int:
        return self._c.execute(
            select(func.count()).select_from(packages).where(packages.c.next_check_at <= now)
        ).scalar_one()


@dataclass(frozen=True, slots=True)
class CarrierCheckSummary:
    """How checks of one carrier's packages in one shop are going (``carrier`` '' for unknown)."""

    carrier: str
    packages: int
    scheduled: int
    failing: int
    last_success_at: datetime | None
    last_failure_at: datetime | None
    errors: list[tuple[str, int]]
    """The most frequent last errors of failing packages, with how many packages each."""


def carrier_check_summaries(connection: Connection, shop_id: str, top_errors: int = 3) -> list[CarrierCheckSummary]:
    """One summary per carrier this shop has packages with: one grouped scan of the shop's packages."""
    failing = packages.c.check_failures > 0
    checked = packages.c.last_checked_at
    totals = connection.execute(
        select(packages.c.carrier_key, func.count(),
               func.count(packages.c.next_check_at),
               func.sum(case((failing, 1), else_=0)),
               func.max(case((~failing, checked))),
               func.max(case((failing, checked))))
        .where(packages.c.shop_id == shop_id)
        .group_by(packages.c.carrier_key)
        .order_by(packages.c.carrier_key)
    ).all()
    errors: dict[str, list[tuple[str, int]]] = {}
    for carrier, error, count in connection.execute(
        select(packages.c.carrier_key, packages.c.last_check_error, func.count())
        .where(packages.c.shop_id == shop_id, failing, packages.c.last_check_error.is_not(None))
        .group_by(packages.c.carrier_key, packages.c.last_check_error)
        .order_by(func.count().desc())
    ):
        found = errors.setdefault(carrier, [])
        if len(found) < top_errors:
            found.append((error, count))
    return [CarrierCheckSummary(carrier, total, scheduled, int(failed or 0), success, failure, errors.get(carrier, []))
            for carrier, total, scheduled, failed, success, failure in totals]
