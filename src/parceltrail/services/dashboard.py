"""What the seller dashboard's pages show: a searchable page of packages, one package with its notes.

Search is by tracking number (any prefix, spaces and dashes ignored), exact order reference or platform
order id, or part of the buyer's name on a linked order. Paging is by cursor over the chosen sort order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parceltrail.core import Package, Status
from parceltrail.core.flags import FlagType
from parceltrail.services import cursors
from parceltrail.services.errors import FieldError, InvalidInput
from parceltrail.services.packages import (
    PackageDetail,
    get_package,
    normalize_carrier,
    normalize_tracking_number,
)
from parceltrail.services.staff import package_notes
from parceltrail.store import UnitOfWork
from parceltrail.store.dashboard import SORTS, Search
from parceltrail.store.estimates import StoredEstimate
from parceltrail.store.flags import StoredFlag
from parceltrail.store.orders import StoredOrder
from parceltrail.store.staff import Note

PAGE = 25


@dataclass(frozen=True, slots=True)
class PackageRows:
    items: list
    estimates: dict[str, StoredEstimate]
    next_cursor: str | None
    flags: dict[str, list[StoredFlag]]
    """Each listed package's open flags."""


HINT = "follow the page's own Next link"


def _after(cursor: str, sort: str) -> tuple[datetime | None, str]:
    return cursors.position(*cursors.decode(cursor, 2, HINT), "pkg_", timed=sort == "updated", hint=HINT)


def find_packages(uow: UnitOfWork, shop_id: str, text: str | None = None, status: str | None = None,
                  carrier: str | None = None, sort: str = "newest", cursor: str | None = None,
                  limit: int = PAGE, flag: str | None = None) -> PackageRows:
    errors = []
    if flag and flag != "any" and flag not in {t.value for t in FlagType}:
        errors.append(FieldError("flag", "expected any or one of the flag types"))
    if status and status not in {s.value for s in Status}:
        errors.append(FieldError("status", "expected one of the canonical statuses"))
    if sort not in SORTS:
        errors.append(FieldError("sort", f"expected one of: {', '.join(SORTS)}"))
    if errors:
        raise InvalidInput("the search is not valid", errors)
    search = Search((text or "").strip() or None, status or None, normalize_carrier(carrier), sort,
                    _after(cursor, sort) if cursor else None, flag or None)
    with uow.read():
        rows = uow.dashboard.search(shop_id, search, limit + 1)
        items = rows[:limit]
        estimates = uow.estimates.current([p.id for p in items])
        open_flags = uow.flags.open_for([p.id for p in items])
    next_cursor = None
    if len(rows) > limit and items:
        last = items[-1]
        next_cursor = cursors.encode(last.updated_at.isoformat() if sort == "updated" else "", last.id)
    return PackageRows(items, estimates, next_cursor, open_flags)


def package_by_number(uow: UnitOfWork, shop_id: str, raw_number: str, field: str = "package") -> Package:
    """This shop's package following ``raw_number`` exactly (spaces and dashes ignored; the newest
    when several carriers carry the number); ``InvalidInput`` naming ``field`` when there is none."""
    try:
        number = normalize_tracking_number(raw_number)
    except InvalidInput as bad:
        raise InvalidInput(bad.detail, [FieldError(field, e.message) for e in bad.errors]) from None
    with uow.read():
        found = sorted(uow.packages.find_numbers(shop_id, [number]).values(), key=lambda p: p.created_at)
    if not found:
        raise InvalidInput("no such package",
                           [FieldError(field, f"no package of this shop has tracking number {number}")])
    return found[-1]


@dataclass(frozen=True, slots=True)
class PackageView:
    detail: PackageDetail
    notes: list[Note]
    orders: list[StoredOrder]
    """The platform orders this package serves (buyer, status, deadlines); empty for a bare package."""


def package_view(uow: UnitOfWork, shop_id: str, package_id: str) -> PackageView:
    """One of the shop's packages (NotFound for another shop's) with its timeline, estimates, notes, orders."""
    detail = get_package(uow, shop_id, package_id)
    with uow.read():
        linked = [o for o in uow.orders.for_packages([package_id]).get(package_id, []) if o.order.shop_id == shop_id]
    return PackageView(detail, package_notes(uow, shop_id, package_id), linked)
