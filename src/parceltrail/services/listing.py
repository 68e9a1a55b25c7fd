"""Finding and listing packages: filters, sorts and keyset cursors.

A cursor is the last item's sort key (its id, or its updated time and id) with the sort it belongs to,
base64url-encoded: the next page starts strictly after it on an index that matches the sort
(``store.packages.SORTS``), so page N costs what page 1 costs at any table size. With an updated-at sort a
package updated while someone pages moves behind the cursor or ahead of it, like in every keyset API; the
registration order never moves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from parceltrail.core import Package, PackageWarning, Status
from parceltrail.services import cursors
from parceltrail.services.errors import FieldError, InvalidInput
from parceltrail.services.packages import normalize_carrier, normalize_tracking_number
from parceltrail.store import PackageFilter, UnitOfWork
from parceltrail.store.estimates import StoredEstimate
from parceltrail.store.packages import SORTS

_NOT_NUMBER = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True, slots=True)
class PackagePage:
    items: list[Package]
    next_cursor: str | None
    estimates: dict[str, StoredEstimate]
    warnings: dict[str, list[PackageWarning]] = field(default_factory=dict)


def _encode_cursor(sort: str, package: Package) -> str:
    return cursors.encode(sort, package.updated_at.isoformat() if sort.endswith("updated_at") else "", package.id)


def _decode_cursor(cursor: str, sort: str) -> tuple[datetime | None, str]:
    sort_of, moment, package_id = cursors.decode(cursor, 3)
    if sort_of != sort:
        raise cursors.invalid(f"this cursor pages sort={sort_of}; pass that sort with it")
    return cursors.position(moment, package_id, "pkg_", timed=sort.endswith("updated_at"))


def _check_sort(sort: str) -> str:
    if sort not in SORTS:
        raise InvalidInput("sort is not valid", [FieldError("sort", f"expected one of: {', '.join(SORTS)}")])
    return sort


def list_packages(
    uow: UnitOfWork,
    shop_id: str | None,
    status: Status | None = None,
    carrier: str | None = None,
    updated_since: datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
    *,
    tracking_number: str | None = None,
    order_ref: str | None = None,
    q: str | None = None,
    sort: str = "-created_at",
    include_stopped: bool = False,
) -> PackagePage:
    """A page of packages, newest registrations first unless ``sort`` says otherwise; ``next_cursor`` is None
    on the last page. ``tracking_number`` matches exactly (normalised), ``order_ref`` exactly, ``q`` any part
    of either, case-insensitive. Packages whose tracking was stopped are left out unless ``include_stopped``.

    ``shop_id=None`` lists every shop's packages: for operators at the command line, never for the API.
    """
    sort = _check_sort(sort)
    after_updated_at, after_id = _decode_cursor(cursor, sort) if cursor else (None, None)
    where = PackageFilter(
        status=status,
        carrier=normalize_carrier(carrier),
        updated_since=updated_since,
        after_id=after_id,
        after_updated_at=after_updated_at,
        tracking_number=normalize_tracking_number(tracking_number) if tracking_number is not None else None,
        order_ref=order_ref,
        search=q.strip() if q and q.strip() else None,
        sort=sort,
        include_stopped=include_stopped,
    )
    search_number = _NOT_NUMBER.sub("", where.search.upper()) if where.search else ""
    with uow.read():
        rows = uow.packages.page(shop_id, where, limit + 1, search_number)
        more = len(rows) > limit
        items = rows[:limit]
        estimates = uow.estimates.current([p.id for p in items])
        warnings = uow.warnings.for_packages([p.id for p in items])
    return PackagePage(items, _encode_cursor(sort, items[-1]) if more and items else None, estimates, warnings)
