"""Queries for packages: registration lookups, reads, filtered pages and the expiry scan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter

from sqlalchemy import Connection, Row, bindparam, func, insert, literal, or_, select, update

from parceltrail.core import Address, CarrierChecks, Package, PackageState, Status, Substatus
from parceltrail.store.dialects import insert_or_skip
from parceltrail.store.tables import packages
from parceltrail.store.types import UTCDateTime

_STATUS = {s.value: s for s in Status}
_SUBSTATUS = {s.value: s for s in Substatus}
"""Enum members by value: a dict lookup, where calling the enum costs a microsecond per row."""
# The frequent reads are built once: building a select and its cache key cost more than running it
# (0.24 ms against 0.11 ms for a package by id, SQLite; bench/load.py).
_IDS = bindparam("ids", expanding=True)
_GET = select(packages).where(packages.c.id == bindparam("pid"), packages.c.shop_id == bindparam("shop"))
_GET_ANY = select(packages).where(packages.c.id.in_(_IDS))
_FIND = select(packages).where(packages.c.shop_id == bindparam("shop"),
                               packages.c.tracking_number == bindparam("number"),
                               packages.c.carrier_key == bindparam("carrier"))


def _package(id_, shop_id, tracking_number, carrier, created_at, updated_at, order_ref, dest_postal_code,
             dest_country, origin_postal_code, origin_country, service, status, substatus, last_event_at,
             event_count, delivered_at, newest_key, future_from, last_checked_at, next_check_at, last_check_error,
             check_failures, stopped_at) -> Package:
    destination = origin = None
    if dest_postal_code or dest_country:
        destination = Address(postal_code=dest_postal_code, country=dest_country)
    if origin_postal_code or origin_country:
        origin = Address(postal_code=origin_postal_code, country=origin_country)
    state = PackageState(_STATUS[status], _SUBSTATUS[substatus], last_event_at, event_count, delivered_at, newest_key,
                         future_from)
    return Package(id_, shop_id, tracking_number, carrier, created_at, updated_at, order_ref, destination, state,
                   origin, service, CarrierChecks(last_checked_at, next_check_at, last_check_error, check_failures),
                   stopped_at)


_FIELDS = ("id", "shop_id", "tracking_number", "carrier", "created_at", "updated_at", "order_ref", "dest_postal_code",
           "dest_country", "origin_postal_code", "origin_country", "service", "status", "substatus", "last_event_at",
           "event_count", "delivered_at", "newest_key", "future_from", "last_checked_at", "next_check_at",
           "last_check_error", "check_failures", "stopped_at")
_IN_TABLE_ORDER = itemgetter(*(list(packages.c.keys()).index(name) for name in _FIELDS))
"""``_package``'s arguments by position from a row of ``select(packages)`` (all columns in table order):
one C call, where reading 24 attributes by name cost more than building the package (bench/load.py)."""


def _to_package(row: Row) -> Package:
    """A package from any row that carries the package columns by name (joins elsewhere in the store)."""
    return _package(*(getattr(row, name) for name in _FIELDS))


def _packages(rows: Sequence[Row]) -> list[Package]:
    """Packages from rows of ``select(packages)``."""
    return [_package(*_IN_TABLE_ORDER(r)) for r in rows]


def _row(package: Package, next_check_at: datetime | None) -> dict:
    dest = package.destination or Address()
    origin = package.origin or Address()
    return {
        "id": package.id, "shop_id": package.shop_id, "tracking_number": package.tracking_number,
        "carrier": package.carrier, "carrier_key": package.carrier or "", "order_ref": package.order_ref,
        "dest_postal_code": dest.postal_code, "dest_country": dest.country, "origin_postal_code": origin.postal_code,
        "origin_country": origin.country, "service": package.service, "next_check_at": next_check_at,
        "status": package.state.status.value, "substatus": package.state.substatus.value,
        "event_count": package.state.event_count, "newest_key": package.state.newest_key,
        "last_event_at": package.state.last_event_at, "delivered_at": package.state.delivered_at,
        "created_at": package.created_at, "updated_at": package.updated_at, "check_failures": 0,
    }


SORTS = ("-created_at", "created_at", "-updated_at", "updated_at")
"""Each sort pages on an index that matches it: (shop_id, id) for registration order (ids are
time-ordered), (shop_id, updated_at, id) for the updated-at order; no page ever needs a sort step."""


@dataclass(frozen=True, slots=True)
class PackageFilter:
    status: Status | None = None
    carrier: str | None = None
    updated_since: datetime | None = None
    after_id: str | None = None
    """Keyset position: the last id of the previous page (registration order)."""
    after_updated_at: datetime | None = None
    """With an updated-at sort, the previous page's last ``updated_at`` (and ``after_id``)."""
    tracking_number: str | None = None
    order_ref: str | None = None
    search: str | None = None
    """Case-insensitive part of a tracking number or order reference."""
    sort: str = "-created_at"
    include_stopped: bool = False


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _search(text: str, number: str):
    clauses = [func.lower(packages.c.order_ref).like(_like(text.lower()), escape="\\")]
    if number:
        clauses.append(packages.c.tracking_number.like(_like(number), escape="\\"))
    return or_(*clauses)


def _after_updated(query, where: PackageFilter, descending: bool):
    """The updated-at keyset: one range on ``updated_at`` the index can seek to, then the tie-break on id
    among packages updated at the cursor's very instant. (A row-value comparison beside ``updated_since``
    made SQLite seek to ``updated_since`` and filter its way up to the cursor: O(position).)"""
    c = packages.c
    since = where.updated_since
    after = where.after_updated_at if where.after_id is not None else None
    if after is None:
        return query.where(c.updated_at >= since) if since is not None else query
    moment = literal(after, UTCDateTime())
    if descending:
        query = query.where(c.updated_at <= moment, or_(c.updated_at < moment, c.id < where.after_id))
        return query.where(c.updated_at >= since) if since is not None else query
    if since is not None and since > after:
        return query.where(c.updated_at >= since)
    return query.where(c.updated_at >= moment, or_(c.updated_at > moment, c.id > where.after_id))


def in_order(query, where: PackageFilter):
    """``query`` (a select of packages, already filtered by shop) from the keyset position on, in
    ``where.sort`` order: the one place lists of packages page (the API's list and the dashboard's search)."""
    c = packages.c
    descending = where.sort.startswith("-")
    if where.sort.endswith("updated_at"):
        keys = (c.updated_at, c.id)
        query = _after_updated(query, where, descending)
    else:
        keys = (c.id,)
        if where.after_id is not None:
            query = query.where(c.id < where.after_id if descending else c.id > where.after_id)
        if where.updated_since is not None:
            query = query.where(c.updated_at >= where.updated_since)
    return query.order_by(*([k.desc() for k in keys] if descending else keys))


class PackageRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, package: Package, next_check_at: datetime | None = None) -> bool:
        """Insert the package unless the shop follows this number with this carrier already; True when added.

        ``ON CONFLICT DO NOTHING`` on (shop, number, carrier): of two identical registrations at once,
        one inserts and the other finds nothing to do (on PostgreSQL it waits for the first to commit).
        """
        statement = insert_or_skip(self._c, packages, ["shop_id", "tracking_number", "carrier_key"])
        return self._c.execute(statement.values(_row(package, next_check_at)).returning(packages.c.id)).first() \
            is not None

    def add_many(self, rows: Sequence[tuple[Package, datetime | None]]) -> None:
        """Insert packages with their first check time; one executemany, however many rows."""
        if rows:
            self._c.execute(insert(packages), [_row(p, at) for p, at in rows])

    def find_numbers(self, shop_id: str, numbers: Sequence[str]) -> dict[tuple[str, str], Package]:
        """This shop's packages following any of ``numbers``, by (tracking number, carrier or '')."""
        found: dict[tuple[str, str], Package] = {}
        wanted = list(dict.fromkeys(numbers))
        for start in range(0, len(wanted), 500):
            rows = self._c.execute(select(packages).where(
                packages.c.shop_id == shop_id, packages.c.tracking_number.in_(wanted[start:start + 500]))).all()
            found.update({(p.tracking_number, p.carrier or ""): p for p in _packages(rows)})
        return found

    def get(self, shop_id: str, package_id: str) -> Package | None:
        """A package of this shop; another shop's id answers None, exactly like a missing one."""
        row = self._c.execute(_GET, {"pid": package_id, "shop": shop_id}).first()
        return _packages([row])[0] if row else None

    def get_any(self, package_ids: Sequence[str]) -> dict[str, Package]:
        """Packages whatever their shop: for the worker, never for a request made on a shop's behalf."""
        rows = self._c.execute(_GET_ANY, {"ids": list(package_ids)}).all()
        return {p.id: p for p in _packages(rows)}

    def lock(self, package_ids: Sequence[str]) -> dict[str, Package]:
        """Read packages and hold them until the transaction ends, so writers of one package take turns.

        ``FOR NO KEY UPDATE`` on PostgreSQL (it does not block inserts of rows that merely reference the
        package), in id order so two batches sharing packages cannot deadlock; on SQLite the unit of
        work's ``BEGIN IMMEDIATE`` already gives the transaction the one write lock.
        """
        rows = self._c.execute(
            select(packages).where(packages.c.id.in_(sorted(set(package_ids)))).order_by(packages.c.id)
            .with_for_update(key_share=True)
        ).all()
        return {p.id: p for p in _packages(rows)}

    def get_many(self, shop_id: str, package_ids: Sequence[str]) -> dict[str, Package]:
        """This shop's packages among ``package_ids``. Looked up by primary key and the shop checked
        here: with the shop in the WHERE clause SQLite chose the (shop_id, updated_at) index and read
        every package of the shop (bench/polling.py)."""
        return {pid: p for pid, p in self.get_any(package_ids).items() if p.shop_id == shop_id}

    def find(self, shop_id: str, tracking_number: str, carrier: str | None) -> Package | None:
        row = self._c.execute(_FIND, {"shop": shop_id, "number": tracking_number, "carrier": carrier or ""}).first()
        return _packages([row])[0] if row else None

    def tracked_by(self, carrier: str, tracking_number: str) -> list[Package]:
        """Every package, in any shop, following this carrier's number (a carrier push names no shop);
        packages whose tracking was stopped do not take pushes."""
        rows = self._c.execute(
            select(packages).where(packages.c.carrier_key == carrier, packages.c.tracking_number == tracking_number,
                                   packages.c.stopped_at.is_(None))
        ).all()
        return _packages(rows)

    def page(self, shop_id: str | None, where: PackageFilter, limit: int, search_number: str = "") -> list[Package]:
        """Up to ``limit`` packages in ``where.sort`` order after the keyset position; all shops when None.

        ``search_number`` is ``where.search`` normalised as a tracking number (the store does not know how).
        """
        c = packages.c
        query = select(packages)
        if shop_id is not None:
            query = query.where(c.shop_id == shop_id)
        if not where.include_stopped:
            query = query.where(c.stopped_at.is_(None))
        for column, value in ((c.status, where.status.value if where.status else None), (c.carrier, where.carrier),
                              (c.tracking_number, where.tracking_number), (c.order_ref, where.order_ref)):
            if value is not None:
                query = query.where(column == value)
        if where.search:
            query = query.where(_search(where.search, search_number))
        rows = self._c.execute(in_order(query, where).limit(limit)).all()
        return _packages(rows)

    def update(self, package_id: str, **values: object) -> None:
        """Change a package's registration fields (carrier, order reference, destination columns, schedule)."""
        if "carrier" in values:
            values["carrier_key"] = values["carrier"] or ""
        self._c.execute(update(packages).where(packages.c.id == package_id).values(**values))

    def save_states(self, states: dict[str, PackageState], updated_at: datetime) -> None:
        """Write folded states back, one executemany for the whole batch."""
        if not states:
            return
        statement = (
            update(packages)
            .where(packages.c.id == bindparam("pid"))
            .values(
                status=bindparam("st"), substatus=bindparam("sub"), event_count=bindparam("n"),
                newest_key=bindparam("key"), last_event_at=bindparam("last"), delivered_at=bindparam("dlv"),
                future_from=bindparam("future"),
                updated_at=bindparam("upd"),
            )
        )
        self._c.execute(statement, [
            {"pid": pid, "st": s.status.value, "sub": s.substatus.value, "n": s.event_count, "key": s.newest_key,
             "future": s.future_from,
             "last": s.last_event_at, "dlv": s.delivered_at, "upd": updated_at}
            for pid, s in states.items()
        ])

    def matured(self, by: datetime, limit: int) -> list[tuple[str, str]]:
        """(shop id, package id) of packages holding back an event dated no later than ``by``."""
        rows = self._c.execute(
            select(packages.c.shop_id, packages.c.id).where(packages.c.future_from <= by)
            .order_by(packages.c.future_from).limit(limit)
        ).all()
        return [(r.shop_id, r.id) for r in rows]

    def quiet_since(self, before: datetime, statuses: Sequence[Status], limit: int,
                    except_substatuses: Sequence[Substatus] = (), shop_id: str | None = None,
                    except_shops: Sequence[str] = ()) -> list[Package]:
        """Packages in ``statuses`` (but not ``except_substatuses``) whose newest news, or registration, is
        older than ``before``; of one shop, or of every shop but ``except_shops``; never stopped ones."""
        names = [s.value for s in statuses]
        kept = packages.c.substatus.not_in([s.value for s in except_substatuses]) & packages.c.stopped_at.is_(None)
        if shop_id is not None:
            kept = kept & (packages.c.shop_id == shop_id)
        if except_shops:
            kept = kept & packages.c.shop_id.not_in(list(except_shops))
        with_events = select(packages).where(packages.c.status.in_(names), kept, packages.c.last_event_at < before)
        without = select(packages).where(
            packages.c.status.in_(names), kept, packages.c.last_event_at.is_(None), packages.c.created_at < before
        )
        rows = self._c.execute(with_events.limit(limit)).all()
        if len(rows) < limit:
            rows += self._c.execute(without.limit(limit - len(rows))).all()
        return _packages(rows)
