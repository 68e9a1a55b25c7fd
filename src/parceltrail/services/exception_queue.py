"""The exception queue a seller works from: the shop's open flags, one row per package, most urgent first,
each with the case its flags opened. Built on ``services.exception_list`` and ``services.cases`` (the same
flags ``GET /v1/exceptions`` lists and the same cases ``/v1/cases`` moves).

Urgency: the package's worst severity first (critical, warning, info); then the soonest consequence (a
flag's ``due``: TikTok's lost moment, the deliver-by) — a consequence already past comes before one ahead;
then the oldest problem. A package with a working case keeps its place by its flags, not by who holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from parceltrail.core.cases import State
from parceltrail.core.flags import SEVERITY_RANK, Severity
from parceltrail.services.cases import list_cases
from parceltrail.services.estimates import zone_of
from parceltrail.services.exception_list import FlagQuery, FlagRow, list_flags
from parceltrail.store import UnitOfWork
from parceltrail.store.cases import CaseFilter, StoredCase

MAX_FLAGS = 2000
"""Open flags read for one queue: a shop with more open problems than this sees the most urgent of them."""
WORKING = tuple(s.value for s in State if s is not State.RESOLVED)


@dataclass(frozen=True, slots=True)
class QueueItem:
    package_id: str
    tracking_number: str | None
    carrier: str | None
    flags: list[FlagRow]
    """Worst first."""
    cases: list[StoredCase]
    """The package's cases still being worked (open, acknowledged, waiting)."""
    ship_by: datetime | None
    deliver_by: datetime | None
    zone: tzinfo
    """The destination's time zone: the queue shows each parcel's times as they are where it is going."""

    @property
    def worst(self) -> FlagRow:
        return self.flags[0]

    @property
    def due(self) -> datetime | None:
        dues = [r.flag.due for r in self.flags if r.flag.due is not None]
        return min(dues) if dues else None


def _rank(row: FlagRow) -> int:
    return SEVERITY_RANK[Severity(row.flag.severity)]


def urgency(item: QueueItem) -> tuple[int, bool, float, float]:
    due = item.due
    return (-_rank(item.worst), due is None, due.timestamp() if due else 0.0,
            min(r.flag.since for r in item.flags).timestamp())


def exception_queue(uow: UnitOfWork, shop_id: str, query: FlagQuery = FlagQuery(), assignee: str | None = None
                    ) -> list[QueueItem]:
    """The shop's open flags as a queue, most urgent first; ``assignee`` keeps the packages whose working
    case is theirs."""
    rows = list_flags(uow, shop_id, query, None, MAX_FLAGS).items
    cases = list_cases(uow, shop_id, CaseFilter(states=WORKING), MAX_FLAGS)
    by_package: dict[str, list[FlagRow]] = {}
    for row in rows:
        by_package.setdefault(row.flag.package_id, []).append(row)
    working: dict[str, list[StoredCase]] = {}
    for case in cases:
        working.setdefault(case.package_id, []).append(case)
    with uow.read():
        packages = uow.packages.get_any(list(by_package))
    items = []
    for package_id, found in by_package.items():
        found.sort(key=lambda r: (-_rank(r), r.flag.since))
        mine = working.get(package_id, [])
        if assignee is not None and not any(c.assignee == assignee for c in mine):
            continue
        items.append(QueueItem(package_id, found[0].tracking_number, found[0].carrier, found, mine,
                               min((r.ship_by for r in found if r.ship_by), default=None),
                               min((r.deliver_by for r in found if r.deliver_by), default=None),
                               zone_of(packages[package_id].destination if package_id in packages else None)))
    return sorted(items, key=urgency)
