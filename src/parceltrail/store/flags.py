"""Flags as the seller sees them, with their history, and when each package is next due a look.

A flag row is one episode of one problem on one package: opened when the detector first raised it,
updated (severity, reason, since, due) while it stays open, closed with the time when the condition
ended. ``open_key`` is ``package_id:type`` while the flag is open and NULL once closed: a unique index on
it means a package has at most one open flag of a type on every database (NULLs never collide), without
dialect-specific partial indexes. Every change is also a ``flag_changes`` row, so a seller can show TikTok
or a carrier when we knew what. ``flag_schedule`` says when each package can next change without news
(``Detector.instants``), so the worker looks only at packages that are due.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    delete,
    exists,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Row

from parceltrail.store.orders import order_packages, orders
from parceltrail.store.tables import events, metadata, packages
from parceltrail.store.types import UTCDateTime

flags = Table(
    "flags",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("since", UTCDateTime(), nullable=False),
    Column("due", UTCDateTime(), nullable=True),
    Column("opened_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("closed_at", UTCDateTime(), nullable=True),
    Column("retracted", Boolean, nullable=False, default=False),
    Column("open_key", String(80), nullable=True, unique=True),
    Index(None, "shop_id", "closed_at", "id"),
    Index(None, "package_id", "id"),
)

flag_changes = Table(
    "flag_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("flag_id", String(32), ForeignKey("flags.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("change", String(16), nullable=False),  # opened | updated | closed | retracted
    Column("severity", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Index(None, "flag_id", "id"),
)

flag_schedule = Table(
    "flag_schedule",
    metadata,
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True),
    Column("next_at", UTCDateTime(), nullable=True),  # NULL: settled, nothing will change without news
    Column("checked_at", UTCDateTime(), nullable=False),
    Index(None, "next_at"),
)


@dataclass(frozen=True, slots=True)
class StoredFlag:
    id: str
    shop_id: str
    package_id: str
    type: str
    severity: str
    reason: str
    since: datetime
    due: datetime | None
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    retracted: bool


@dataclass(frozen=True, slots=True)
class FlagChange:
    at: datetime
    change: str
    severity: str
    reason: str


@dataclass(frozen=True, slots=True)
class FlagFilter:
    """What ``GET /v1/exceptions`` narrows by (the order deadlines: parcels of an order due before)."""

    state: str = "open"  # open | closed | all
    types: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    carrier: str | None = None
    package_id: str | None = None
    ship_by_before: datetime | None = None
    deliver_by_before: datetime | None = None
    after_id: str | None = None


_OPEN_FOR = (select(flags).where(flags.c.package_id.in_(bindparam("ids", expanding=True)), flags.c.closed_at.is_(None))
             .order_by(flags.c.id))
"""Read with every package answer: built once (bench/load.py)."""


def _flag(row: Row) -> StoredFlag:
    return StoredFlag(row.id, row.shop_id, row.package_id, row.type, row.severity, row.reason, row.since, row.due,
                      row.opened_at, row.updated_at, row.closed_at, bool(row.retracted))


class FlagRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def open_for(self, package_ids: Sequence[str]) -> dict[str, list[StoredFlag]]:
        out: dict[str, list[StoredFlag]] = {pid: [] for pid in package_ids}
        ids = list(out)
        for start in range(0, len(ids), 500):
            rows = self._c.execute(_OPEN_FOR, {"ids": ids[start:start + 500]}).all()
            for row in rows:
                out[row.package_id].append(_flag(row))
        return out

    def shown_by_late_scans(self, package_ids: Sequence[str]) -> dict[str, list[StoredFlag]]:
        """Closed, unretracted flags of these packages with a scan heard after they closed that happened
        before they were raised: the only flags a late scan can still show were never true."""
        out: dict[str, list[StoredFlag]] = {pid: [] for pid in package_ids}
        ids = list(out)
        late = exists().where(events.c.package_id == flags.c.package_id, events.c.recorded_at > flags.c.closed_at,
                              events.c.occurred_at <= flags.c.opened_at)
        for start in range(0, len(ids), 500):
            rows = self._c.execute(select(flags).where(flags.c.package_id.in_(ids[start:start + 500]),
                                                       flags.c.closed_at.is_not(None), flags.c.retracted.is_(False),
                                                       late).order_by(flags.c.id)).all()
            for row in rows:
                out[row.package_id].append(_flag(row))
        return out

    def open(self, flag: StoredFlag) -> None:
        self._c.execute(insert(flags).values(
            id=flag.id, shop_id=flag.shop_id, package_id=flag.package_id, type=flag.type, severity=flag.severity,
            reason=flag.reason, since=flag.since, due=flag.due, opened_at=flag.opened_at, updated_at=flag.updated_at,
            closed_at=None, retracted=False, open_key=f"{flag.package_id}:{flag.type}"))
        self._change(flag.id, flag.opened_at, "opened", flag.severity, flag.reason)

    def update(self, flag: StoredFlag) -> None:
        self._c.execute(update(flags).where(flags.c.id == flag.id).values(
            severity=flag.severity, reason=flag.reason, since=flag.since, due=flag.due, updated_at=flag.updated_at))
        self._change(flag.id, flag.updated_at, "updated", flag.severity, flag.reason)

    def close(self, flag: StoredFlag, at: datetime, retracted: bool, note: str) -> None:
        self._c.execute(update(flags).where(flags.c.id == flag.id).values(
            closed_at=at, updated_at=at, retracted=retracted, open_key=None))
        self._change(flag.id, at, "retracted" if retracted else "closed", flag.severity, note)

    def retract(self, flag: StoredFlag, at: datetime, note: str) -> None:
        """A closed flag shown never true by a scan heard after it closed; ``closed_at`` stays when it closed."""
        self._c.execute(update(flags).where(flags.c.id == flag.id).values(retracted=True, updated_at=at))
        self._change(flag.id, at, "retracted", flag.severity, note)

    def _change(self, flag_id: str, at: datetime, change: str, severity: str, reason: str) -> None:
        self._c.execute(insert(flag_changes).values(flag_id=flag_id, at=at, change=change, severity=severity,
                                                    reason=reason))

    def get(self, shop_id: str, flag_id: str) -> StoredFlag | None:
        row = self._c.execute(select(flags).where(flags.c.id == flag_id, flags.c.shop_id == shop_id)).first()
        return _flag(row) if row else None

    def history(self, flag_id: str) -> list[FlagChange]:
        rows = self._c.execute(select(flag_changes).where(flag_changes.c.flag_id == flag_id)
                               .order_by(flag_changes.c.id)).all()
        return [FlagChange(r.at, r.change, r.severity, r.reason) for r in rows]

    def for_package(self, package_id: str) -> list[StoredFlag]:
        rows = self._c.execute(select(flags).where(flags.c.package_id == package_id).order_by(flags.c.id)).all()
        return [_flag(r) for r in rows]

    def page(self, shop_id: str | None, where: FlagFilter, limit: int) -> list[StoredFlag]:
        """Flags in id order (opening order) after ``where.after_id``; ``shop_id=None``: every shop's."""
        query = select(flags)
        if shop_id is not None:
            query = query.where(flags.c.shop_id == shop_id)
        if where.state == "open":
            query = query.where(flags.c.closed_at.is_(None))
        elif where.state == "closed":
            query = query.where(flags.c.closed_at.is_not(None))
        if where.types:
            query = query.where(flags.c.type.in_(where.types))
        if where.severities:
            query = query.where(flags.c.severity.in_(where.severities))
        if where.carrier is not None:
            query = query.where(flags.c.package_id.in_(select(packages.c.id).where(packages.c.carrier == where.carrier)))
        if where.package_id is not None:
            query = query.where(flags.c.package_id == where.package_id)
        for column, before in ((orders.c.ship_by, where.ship_by_before), (orders.c.deliver_by, where.deliver_by_before)):
            if before is not None:
                due = select(order_packages.c.package_id).join(orders, orders.c.id == order_packages.c.order_id) \
                    .where(column < before, order_packages.c.package_id.is_not(None))
                query = query.where(flags.c.package_id.in_(due))
        if where.after_id is not None:
            query = query.where(flags.c.id > where.after_id)
        return [_flag(r) for r in self._c.execute(query.order_by(flags.c.id).limit(limit)).all()]

    # -- when to look again -----------------------------------------------------------------------------

    def schedule(self, next_at: dict[str, datetime | None], checked_at: datetime) -> None:
        if not next_at:
            return
        self._c.execute(delete(flag_schedule).where(flag_schedule.c.package_id.in_(list(next_at))))
        self._c.execute(insert(flag_schedule), [{"package_id": pid, "next_at": at, "checked_at": checked_at}
                                                for pid, at in next_at.items()])

    def due(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        """(shop id, package id) of packages due a look: their next instant has come, or never looked at."""
        known = select(flag_schedule.c.package_id)
        query = (
            select(packages.c.shop_id, packages.c.id)
            .outerjoin(flag_schedule, flag_schedule.c.package_id == packages.c.id)
            .where(or_(flag_schedule.c.next_at <= now, packages.c.id.not_in(known)))
            .order_by(flag_schedule.c.next_at.is_not(None), flag_schedule.c.next_at, packages.c.id)
            .limit(limit)
        )
        return [(r.shop_id, r.id) for r in self._c.execute(query).all()]
