"""Reading orders: one with its parcels' tracking state, or a filtered page in id order.

A page's cursor is the last order id (ids are time-ordered, so pages stay stable while orders change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parceltrail.core import Package
from parceltrail.core.orders import OrderStatus, order_status
from parceltrail.services import cursors
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.store import UnitOfWork
from parceltrail.store.estimates import StoredEstimate
from parceltrail.store.orders import OrderFilter, StatusChange, StoredOrder

DEADLINES = ("ship_by", "collect_by", "deliver_by", "auto_cancel_at")


@dataclass(frozen=True, slots=True)
class OrderView:
    stored: StoredOrder
    packages: dict[str, Package]
    """Tracked packages by id (the parcels that have a tracking number)."""
    estimates: dict[str, StoredEstimate]
    history: list[StatusChange]


def _view(uow: UnitOfWork, stored: list[StoredOrder], with_history: bool) -> list[OrderView]:
    ids = [pid for s in stored for pid in s.package_ids.values() if pid]
    packages = uow.packages.get_any(ids) if ids else {}
    estimates = uow.estimates.current(ids) if ids else {}
    return [OrderView(s, {pid: packages[pid] for pid in s.package_ids.values() if pid in packages},
                      {pid: estimates[pid] for pid in s.package_ids.values() if pid in estimates},
                      uow.orders.history(s.id) if with_history else []) for s in stored]


def get_order(uow: UnitOfWork, shop_id: str, order_ref: str) -> OrderView:
    """An order by its TikTok order id or our ``ord_`` id; another shop's answers NotFound."""
    with uow.read():
        stored = uow.orders.get(shop_id, order_ref)
        if stored is None:
            raise NotFound("order", order_ref)
        return _view(uow, [stored], with_history=True)[0]


@dataclass(frozen=True, slots=True)
class OrderPage:
    items: list[OrderView]
    next_cursor: str | None


def list_orders(uow: UnitOfWork, shop_id: str, status: str | None = None, has_tracking: bool | None = None,
                deadline: str = "ship_by", deadline_before: datetime | None = None,
                deadline_after: datetime | None = None, cursor: str | None = None, limit: int = 50) -> OrderPage:
    """A page of the shop's orders, oldest first; ``deadline`` names which deadline the before/after test."""
    wanted: OrderStatus | None = None
    if status:
        try:
            wanted = order_status(status)
        except ValueError as error:
            raise InvalidInput("status is not valid", [FieldError("status", str(error))]) from None
    if deadline not in DEADLINES:
        raise InvalidInput("deadline is not valid", [FieldError("deadline", f"expected one of: {', '.join(DEADLINES)}")])
    for name, value in (("deadline_before", deadline_before), ("deadline_after", deadline_after)):
        if value is not None and value.tzinfo is None:
            raise InvalidInput(f"{name} has no UTC offset", [FieldError(name, "expected e.g. 2026-11-20T00:00:00Z")])
    where = OrderFilter(wanted, has_tracking, deadline, deadline_before, deadline_after,
                        cursors.decode_id(cursor, "ord_") if cursor else None)
    with uow.read():
        rows = uow.orders.page(shop_id, where, limit + 1)
        more = len(rows) > limit
        items = _view(uow, rows[:limit], with_history=False)
    return OrderPage(items, cursors.encode(items[-1].stored.id) if more and items else None)


def order_now(uow: UnitOfWork, shop_id: str, order_id: str) -> dict | None:
    """Inside an open unit of work: an order's read shape as it is now (the ``order.updated`` webhook's
    ``data.order``), without its status history; None when it is gone."""
    stored = uow.orders.get(shop_id, order_id)
    if stored is None:
        return None
    shown = order_json(_view(uow, [stored], with_history=False)[0])
    shown.pop("status_history", None)
    return shown


def order_ids_of_package(uow: UnitOfWork, package_id: str) -> list[str]:
    """The platform order ids a tracked package serves (several for a combined parcel, none for a bare one)."""
    with uow.read():
        return [s.order.external_id for s in uow.orders.for_packages([package_id]).get(package_id, [])]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def order_json(view: OrderView) -> dict:
    """The read shape of an order (API and CLI): the buyer masked, each parcel with its tracking state."""
    order = view.stored.order
    parcels = []
    for package in order.packages:
        package_id = view.stored.package_ids.get(package.key)
        tracked = view.packages.get(package_id) if package_id else None
        estimate = view.estimates.get(package_id) if package_id else None
        parcels.append({
            "id": package_id, "platform_package_id": package.external_id,
            "tracking_number": tracked.tracking_number if tracked else package.tracking_number,
            "carrier": tracked.carrier if tracked else package.carrier,
            "shipping_provider": package.shipping_provider_name,
            "status": tracked.state.status.value if tracked else None,
            "estimated_delivery": estimate.to_dict() if estimate else None,
        })
    return {
        "order_id": order.external_id, "id": view.stored.id, "platform": order.platform, "status": order.status.value,
        "on_hold": order.on_hold, "created_at": _iso(order.created_at), "paid_at": _iso(order.paid_at),
        "updated_at": _iso(order.updated_at), "deadlines": order.deadlines.to_dict(),
        "buyer": order.buyer.masked(), "shipping_type": order.shipping_type, "packages": parcels,
        "status_history": [{"status": h.status.value, "on_hold": h.on_hold, "changed_at": _iso(h.changed_at),
                            "source": h.source} for h in view.history],
    }
