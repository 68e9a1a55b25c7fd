"""Reading flags: the shop's list (``GET /v1/exceptions``, ``parceltrail exceptions list``), one flag with its
history, and a package's open flags. Each row carries what a seller needs beside it: the tracking number,
the carrier, the order's deadlines and the case the flag opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parceltrail.core.cases import PROBLEM_OF
from parceltrail.core.flags import FlagType
from parceltrail.services import cursors
from parceltrail.services.errors import NotFound
from parceltrail.services.packages import normalize_carrier
from parceltrail.store import UnitOfWork
from parceltrail.store.flags import FlagChange, FlagFilter, StoredFlag


@dataclass(frozen=True, slots=True)
class FlagQuery:
    state: str = "open"
    types: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    carrier: str | None = None
    ship_by_before: datetime | None = None
    deliver_by_before: datetime | None = None
    package_id: str | None = None


@dataclass(frozen=True, slots=True)
class FlagRow:
    flag: StoredFlag
    tracking_number: str | None
    carrier: str | None
    ship_by: datetime | None
    deliver_by: datetime | None
    case_id: str | None


@dataclass(frozen=True, slots=True)
class FlagPage:
    items: list[FlagRow]
    next_cursor: str | None


def _rows(uow: UnitOfWork, found: list[StoredFlag]) -> list[FlagRow]:
    ids = list(dict.fromkeys(f.package_id for f in found))
    packages = uow.packages.get_any(ids)
    orders = uow.orders.for_packages(ids)
    cases = uow.cases.for_packages(ids)
    out = []
    for f in found:
        package = packages.get(f.package_id)
        linked = orders.get(f.package_id, [])
        ship = [o.order.deadlines.ship_by for o in linked if o.order.deadlines.ship_by]
        deliver = [o.order.deadlines.deliver_by for o in linked if o.order.deadlines.deliver_by]
        problem = PROBLEM_OF.get(FlagType(f.type))
        case = cases.get((f.package_id, problem.value)) if problem else None
        out.append(FlagRow(f, package.tracking_number if package else None, package.carrier if package else None,
                           min(ship) if ship else None, min(deliver) if deliver else None, case.id if case else None))
    return out


def list_flags(uow: UnitOfWork, shop_id: str | None, query: FlagQuery, cursor: str | None, limit: int) -> FlagPage:
    """A page of flags in the order they were raised; ``shop_id=None`` (the operator's CLI): every shop's."""
    where = FlagFilter(state=query.state, types=query.types, severities=query.severities,
                       carrier=normalize_carrier(query.carrier), package_id=query.package_id,
                       ship_by_before=query.ship_by_before, deliver_by_before=query.deliver_by_before,
                       after_id=cursors.decode_id(cursor, "flg_") if cursor else None)
    with uow.read():
        found = uow.flags.page(shop_id, where, limit + 1)
        more = len(found) > limit
        rows = _rows(uow, found[:limit])
    return FlagPage(rows, cursors.encode(rows[-1].flag.id) if more and rows else None)


def flag_detail(uow: UnitOfWork, shop_id: str, flag_id: str) -> tuple[FlagRow, list[FlagChange]]:
    with uow.read():
        flag = uow.flags.get(shop_id, flag_id)
        if flag is None:
            raise NotFound("flag", flag_id)
        return _rows(uow, [flag])[0], uow.flags.history(flag_id)


def package_flags(uow: UnitOfWork, package_id: str) -> tuple[list[StoredFlag], str | None]:
    """The package's open flags and why it has no estimate, if it is withheld (the caller has checked the
    package is the shop's)."""
    with uow.read():
        return uow.flags.open_for([package_id])[package_id], uow.estimates.withheld([package_id]).get(package_id)
