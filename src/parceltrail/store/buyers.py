"""The buyer page's one query: the packages that follow a tracking number, in any shop.

A buyer arrives with a number, not a shop; the page then shows one of them (the shop named in the link,
or the one whose destination the buyer proved), so this read never leaves the store with more than a
handful of rows.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from parceltrail.core import Package
from parceltrail.store.packages import _to_package
from parceltrail.store.tables import packages

MAX_SAME_NUMBER = 20


class BuyerRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def by_number(self, tracking_number: str) -> list[Package]:
        """Newest first: the most recently updated package is the best guess when nothing else decides."""
        rows = self._c.execute(
            select(packages).where(packages.c.tracking_number == tracking_number)
            .order_by(packages.c.updated_at.desc(), packages.c.id).limit(MAX_SAME_NUMBER)
        ).all()
        return [_to_package(r) for r in rows]
