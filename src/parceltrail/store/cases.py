"""Cases: the work a flag asks of a person, one per package and problem, with an audit trail.

``cases`` holds the current state; ``case_events`` every act on it (who, when, what changed, a note),
oldest first, never edited: what a seller shows TikTok or a carrier when asked what was done and when.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Row

from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

cases = Table(
    "cases",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="CASCADE"), nullable=False),
    Column("problem", String(32), nullable=False),
    Column("state", String(24), nullable=False),
    Column("outcome", String(24), nullable=True),
    Column("assignee", String(200), nullable=True),
    Column("due_at", UTCDateTime(), nullable=True),
    Column("next_action", Text, nullable=False),
    Column("opened_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("resolved_at", UTCDateTime(), nullable=True),
    UniqueConstraint("package_id", "problem"),
    Index(None, "shop_id", "state", "id"),
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(32), ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("changes", Text, nullable=False),  # JSON: {"state": ["open", "acknowledged"], ...}
    Index(None, "case_id", "id"),
)


@dataclass(frozen=True, slots=True)
class StoredCase:
    id: str
    shop_id: str
    package_id: str
    problem: str
    state: str
    outcome: str | None
    assignee: str | None
    due_at: datetime | None
    next_action: str
    opened_at: datetime
    updated_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class CaseEvent:
    at: datetime
    actor: str
    action: str
    note: str
    changes: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CaseFilter:
    states: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    assignee: str | None = None
    package_id: str | None = None
    after_id: str | None = None


def _case(row: Row) -> StoredCase:
    return StoredCase(row.id, row.shop_id, row.package_id, row.problem, row.state, row.outcome, row.assignee,
                      row.due_at, row.next_action, row.opened_at, row.updated_at, row.resolved_at)


_FIELDS = ("state", "outcome", "assignee", "due_at", "next_action", "updated_at", "resolved_at")


class CaseRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def for_packages(self, package_ids: Sequence[str]) -> dict[tuple[str, str], StoredCase]:
        """(package id, problem) -> its case, for these packages."""
        out: dict[tuple[str, str], StoredCase] = {}
        ids = list(package_ids)
        for start in range(0, len(ids), 500):
            for row in self._c.execute(select(cases).where(cases.c.package_id.in_(ids[start:start + 500]))).all():
                out[(row.package_id, row.problem)] = _case(row)
        return out

    def add(self, case: StoredCase) -> None:
        self._c.execute(insert(cases).values(
            id=case.id, shop_id=case.shop_id, package_id=case.package_id, problem=case.problem,
            **{name: getattr(case, name) for name in _FIELDS}, opened_at=case.opened_at))

    def save(self, case: StoredCase) -> None:
        self._c.execute(update(cases).where(cases.c.id == case.id).values(
            **{name: getattr(case, name) for name in _FIELDS}))

    def record(self, case_id: str, event: CaseEvent) -> None:
        self._c.execute(insert(case_events).values(case_id=case_id, at=event.at, actor=event.actor, action=event.action,
                                                   note=event.note, changes=json.dumps(event.changes, default=str)))

    def get(self, shop_id: str | None, case_id: str) -> StoredCase | None:
        """The case, if it is this shop's (``shop_id=None``: any shop's, for operators at the command line)."""
        query = select(cases).where(cases.c.id == case_id)
        if shop_id is not None:
            query = query.where(cases.c.shop_id == shop_id)
        row = self._c.execute(query).first()
        return _case(row) if row else None

    def trail(self, case_id: str) -> list[CaseEvent]:
        rows = self._c.execute(select(case_events).where(case_events.c.case_id == case_id)
                               .order_by(case_events.c.id)).all()
        return [CaseEvent(r.at, r.actor, r.action, r.note, json.loads(r.changes)) for r in rows]

    def page(self, shop_id: str | None, where: CaseFilter, limit: int) -> list[StoredCase]:
        query = select(cases)
        if shop_id is not None:
            query = query.where(cases.c.shop_id == shop_id)
        if where.states:
            query = query.where(cases.c.state.in_(where.states))
        if where.problems:
            query = query.where(cases.c.problem.in_(where.problems))
        if where.assignee is not None:
            query = query.where(cases.c.assignee == where.assignee)
        if where.package_id is not None:
            query = query.where(cases.c.package_id == where.package_id)
        if where.after_id is not None:
            query = query.where(cases.c.id > where.after_id)
        return [_case(r) for r in self._c.execute(query.order_by(cases.c.id).limit(limit)).all()]
