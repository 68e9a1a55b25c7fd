"""Queries for delivery estimates: each revision is a row, so a package keeps its whole estimate history.

A parcel that will not be delivered (lost, returning) has its estimate withheld: a row with the moment
``withheld`` and the reason, its dates those of the estimate it replaces (the columns stay NOT NULL). Such
a package has no current estimate (``current`` leaves it out) and ``withheld`` says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from operator import itemgetter

from sqlalchemy import Connection, Row, and_, bindparam, func, insert, select

from parceltrail.store.tables import estimates, packages

WITHHELD = "withheld"


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


_HISTORY = (select(estimates).where(estimates.c.package_id == bindparam("pid"), estimates.c.moment != WITHHELD)
            .order_by(estimates.c.id))
_NEWEST = select(estimates).where(estimates.c.id.in_(
    select(func.max(estimates.c.id)).where(estimates.c.package_id.in_(bindparam("ids", expanding=True)))
    .group_by(estimates.c.package_id).scalar_subquery()))
"""Reads of every package answer, built once (building a select cost more than running it; bench/load.py)."""


_IN_TABLE_ORDER = itemgetter(*(list(estimates.c.keys()).index(f.name) for f in fields(StoredEstimate)))
"""``StoredEstimate``'s fields by position from a row of ``select(estimates)``: one C call per row, where
reading them by name cost more than the query (a page of 50 packages reads 50; bench/load.py)."""


def _to_estimate(row: Row) -> StoredEstimate:
    return StoredEstimate(*_IN_TABLE_ORDER(row))


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
        """Every estimate the package was given, oldest first (withholdings are not estimates: left out)."""
        rows = self._c.execute(_HISTORY, {"pid": package_id}).all()
        return [_to_estimate(r) for r in rows]

    def _newest(self, package_ids: Sequence[str]) -> dict[str, StoredEstimate]:
        if not package_ids:
            return {}
        rows = self._c.execute(_NEWEST, {"ids": list(package_ids)}).all()
        return {r.package_id: _to_estimate(r) for r in rows}

    def withheld(self, package_ids: Sequence[str]) -> dict[str, str]:
        """Why each of these packages has no estimate now, for those whose newest revision is a withholding."""
        return {pid: e.reason for pid, e in self._newest(package_ids).items() if e.moment == WITHHELD}

    def firsts(self, package_ids: Sequence[str]) -> dict[str, tuple[StoredEstimate | None, StoredEstimate | None]]:
        """Per package: its first estimate (the promise made at registration) and its first made once the
        carrier had the parcel (any moment but ``placed``); withholdings are not estimates."""
        if not package_ids:
            return {}
        ids = list(package_ids)
        real = and_(estimates.c.package_id.in_(ids), estimates.c.moment != WITHHELD)
        first = select(func.min(estimates.c.id)).where(real).group_by(estimates.c.package_id)
        handed = select(func.min(estimates.c.id)).where(real, estimates.c.moment != "placed") \
            .group_by(estimates.c.package_id)
        rows = self._c.execute(select(estimates).where(
            estimates.c.id.in_(first.scalar_subquery()) | estimates.c.id.in_(handed.scalar_subquery()))
            .order_by(estimates.c.id)).all()
        out: dict[str, tuple[StoredEstimate | None, StoredEstimate | None]] = {}
        for r in rows:
            found = _to_estimate(r)
            before, after = out.get(r.package_id, (None, None))
            if before is None:
                before = found
            if found.moment != "placed" and after is None:
                after = found
            out[r.package_id] = (before, after)
        return out

    def current(self, package_ids: Sequence[str]) -> dict[str, StoredEstimate]:
        """The newest estimate of each package that has one (a withheld estimate is none)."""
        return {pid: e for pid, e in self._newest(package_ids).items() if e.moment != WITHHELD}

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
