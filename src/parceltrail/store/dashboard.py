"""The dashboard's package search: text (tracking number prefix, order reference, the platform order id or
part of the buyer's name from a linked order), filters, three sort orders, keyset paging on the sort key
(stable while packages keep changing, no OFFSET scans) through ``store.packages.in_order``, the same
seek the API's list uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, or_, select

from parceltrail.core import Package
from parceltrail.store.flags import flags
from parceltrail.store.orders import order_packages, orders
from parceltrail.store.packages import PackageFilter, _to_package, in_order
from parceltrail.store.tables import packages

SORTS = {"newest": "-created_at", "oldest": "created_at", "updated": "-updated_at"}
"""The dashboard's sort names and the package-list sorts they page on."""


@dataclass(frozen=True, slots=True)
class Search:
    text: str | None = None
    status: str | None = None
    carrier: str | None = None
    sort: str = "newest"
    after: tuple[datetime | None, str] | None = None
    """(updated time, id) of the last row of the previous page; the time only for "updated"."""
    flag: str | None = None
    """A flag type the package has open, or ``any`` for any open flag."""


class DashboardRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def search(self, shop_id: str, search: Search, limit: int) -> list[Package]:
        query = select(packages).where(packages.c.shop_id == shop_id)
        if search.text:
            number = "".join(search.text.split()).upper().replace("-", "")
            text = search.text.strip()
            linked = (select(order_packages.c.package_id)
                      .join(orders, orders.c.id == order_packages.c.order_id)
                      .where(orders.c.shop_id == shop_id, order_packages.c.package_id.is_not(None),
                             or_(orders.c.external_id == text,
                                 func.lower(orders.c.buyer_name).contains(text.lower(), autoescape=True))))
            query = query.where(or_(packages.c.tracking_number.startswith(number, autoescape=True),
                                    func.lower(packages.c.order_ref) == text.lower(),
                                    packages.c.id.in_(linked)))
        if search.status:
            query = query.where(packages.c.status == search.status)
        if search.carrier:
            query = query.where(packages.c.carrier == search.carrier)
        if search.flag:
            flagged = select(flags.c.package_id).where(flags.c.shop_id == shop_id, flags.c.closed_at.is_(None))
            if search.flag != "any":
                flagged = flagged.where(flags.c.type == search.flag)
            query = query.where(packages.c.id.in_(flagged))
        where = PackageFilter(sort=SORTS[search.sort], after_id=search.after[1] if search.after else None,
                              after_updated_at=search.after[0] if search.after else None)
        return [_to_package(r) for r in self._c.execute(in_order(query, where).limit(limit)).all()]
