"""Queries for delivery estimates: each revision is a row, so a package keeps its whole estimate history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, Row, func, insert, select

from parceltrail.store.tables import estimates, packages


@dataclass(frozen=True, slots=True)
class StoredEstimate:
    package_id: str
    revised_at: datetime
    earliest: date
    likely: date
    latest: date
    promise: date
    confidence: str
    source: str
    moment: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {
            "earliest": self.earliest.isoformat(), "likely": self.likely.isoformat(),
            "latest": self.latest.isoformat(), "promise": self.promise.isoformat(),
            "confidence": self.confidence, "source": self.source,
            "revised_at": self.revised_at.isoformat().replace("+00:00", "Z"), "reason": self.reason,
        }


def _to_estimate(row: Row) -> StoredEstimate:
    return StoredEstimate(row.package_id, row.revised_at, row.earliest, row.likely, row.latest, row.promise,
                          row.confidence, row.source, row.moment, row.reason)


class EstimateRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_many(self, rows: Sequence[StoredEstimate]) -> None:
        if rows:
            self._c.execute(insert(estimates), [
                {"package_id": e.package_id, "revised_at": e.revised_at, "earliest": e.earliest, "likely": e.likely,
                 "latest": e.latest, "promise": e.promise, "confidence": e.confidence, "source": e.source,
                 "moment": e.moment, "reason": e.reason}
                for e in rows
            ])

    def history(self, package_id: str) -> list[StoredEstimate]:
        rows = self._c.execute(
            select(estimates).where(estimates.c.package_id == package_id).order_by(estimates.c.id)
        ).all()
        return [_to_estimate(r) for r in rows]

    def current(self, package_ids: Sequence[str]) -> dict[str, StoredEstimate]:
        """The newest estimate of each package that has one."""
        if not package_ids:
            return {}
        newest = (
            select(func.max(estimates.c.id))
            .where(estimates.c.package_id.in_(list(package_ids)))
            .group_by(estimates.c.package_id)
        )
        rows = self._c.execute(select(estimates).where(estimates.c.id.in_(newest.scalar_subquery()))).all()
        return {r.package_id: _to_estimate(r) for r in rows}

    def first_of_delivered(self, shop_id: str, delivered_since: datetime, moments: Sequence[str]) -> list[Row]:
        """For the shop's packages delivered since ``delivered_since``: the first estimate each got at
        each of ``moments`` (what the buyer was told then), with the delivery time, destination and origin."""
        first = (
            select(func.min(estimates.c.id))
            .join(packages, packages.c.id == estimates.c.package_id)
            .where(packages.c.shop_id == shop_id, packages.c.delivered_at >= delivered_since,
                   estimates.c.moment.in_(list(moments)))
            .group_by(estimates.c.package_id, estimates.c.moment)
        )
        query = (
            select(estimates.c.moment, estimates.c.earliest, estimates.c.likely, estimates.c.latest,
                   estimates.c.promise, estimates.c.source, packages.c.delivered_at, packages.c.dest_postal_code,
                   packages.c.dest_country, packages.c.origin_postal_code, packages.c.origin_country)
            .join(packages, packages.c.id == estimates.c.package_id)
            .where(estimates.c.id.in_(first.scalar_subquery()))
        )
        return self._c.execute(query).all()
