"""Queries for the TikTok metric guard: a shop's recent orders with their parcels, and when the carrier
first scanned each parcel (TikTok's dispatch moment)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from parceltrail.core.flags.timeline import NOT_ACCEPTANCE, NOT_SCANS
from parceltrail.store.orders import order_packages, orders
from parceltrail.store.tables import events

_NOT_SCANS = tuple(sorted(s.value for s in NOT_SCANS))
_NOT_ACCEPTANCE = tuple(sorted(s.value for s in NOT_ACCEPTANCE))


@dataclass(frozen=True, slots=True)
class GuardOrder:
    order_id: str
    external_id: str
    status: str
    created_at: datetime
    ship_by: datetime | None
    deliver_by: datetime | None
    auto_cancel_at: datetime | None
    package_ids: tuple[str, ...]


class GuardRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def orders_since(self, shop_id: str, since: datetime) -> list[GuardOrder]:
        """The shop's orders created since ``since`` or with a deadline since then, with their tracked parcels."""
        recent = (orders.c.created_at >= since) | (orders.c.ship_by >= since) | (orders.c.deliver_by >= since)
        rows = self._c.execute(
            select(orders.c.id, orders.c.external_id, orders.c.status, orders.c.created_at, orders.c.ship_by,
                   orders.c.deliver_by, orders.c.auto_cancel_at)
            .where(orders.c.shop_id == shop_id, recent).order_by(orders.c.id)
        ).all()
        links: dict[str, list[str]] = {}
        ids = [r.id for r in rows]
        for start in range(0, len(ids), 500):
            for link in self._c.execute(select(order_packages.c.order_id, order_packages.c.package_id).where(
                    order_packages.c.order_id.in_(ids[start:start + 500]), order_packages.c.package_id.is_not(None))):
                links.setdefault(link.order_id, []).append(link.package_id)
        return [GuardOrder(r.id, r.external_id, r.status, r.created_at, r.ship_by, r.deliver_by, r.auto_cancel_at,
                           tuple(links.get(r.id, ()))) for r in rows]

    def first_scans(self, package_ids: Sequence[str]) -> dict[str, datetime]:
        """The carrier's first acceptance scan of each package that has one."""
        out: dict[str, datetime] = {}
        ids = list(package_ids)
        for start in range(0, len(ids), 500):
            rows = self._c.execute(
                select(events.c.package_id, func.min(events.c.occurred_at).label("at"))
                .where(events.c.package_id.in_(ids[start:start + 500]), events.c.status.not_in(_NOT_SCANS),
                       events.c.substatus.not_in(_NOT_ACCEPTANCE))
                .group_by(events.c.package_id)
            ).all()
            out.update({r.package_id: r.at for r in rows})
        return out
