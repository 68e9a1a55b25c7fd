"""Routes under /v1/orders: read orders with their parcels, import a Seller Center export, ship with
trust checks. Buyers are shown masked (first name, city, ZIP)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from parceltrail.api.deps import AppSettings, ShopId, Uow
from parceltrail.api.schemas import UtcTime
from parceltrail.services import FieldError, InvalidInput
from parceltrail.services.orders_read import get_order, list_orders, order_json

router = APIRouter(prefix="/v1/orders", tags=["orders"])


class DeadlinesOut(BaseModel):
    ship_by: str | None
    collect_by: str | None
    deliver_by: str | None
    auto_cancel_at: str | None


class ParcelOut(BaseModel):
    id: str | None
    """The parceltrail package following this parcel (None until it has a tracking number)."""
    platform_package_id: str | None
    tracking_number: str | None
    carrier: str | None
    shipping_provider: str | None
    status: str | None
    estimated_delivery: dict[str, Any] | None


class OrderOut(BaseModel):
    order_id: str
    """The platform's (TikTok's) order id."""
    id: str
    platform: str
    status: str
    on_hold: bool
    created_at: str
    paid_at: str | None
    updated_at: str
    deadlines: DeadlinesOut
    buyer: dict[str, str | None]
    shipping_type: str | None
    packages: list[ParcelOut]
    status_history: list[dict[str, Any]]


class OrderPageOut(BaseModel):
    items: list[OrderOut]
    next_cursor: str | None


@router.get("", response_model=OrderPageOut)
def list_route(
    shop_id: ShopId, uow: Uow, settings: AppSettings,
    status: str | None = None, has_tracking: bool | None = None,
    deadline: str = "ship_by", deadline_before: UtcTime | None = None,
    deadline_after: UtcTime | None = None, cursor: str | None = None,
    limit: Annotated[int, Query(ge=1)] = 50,
) -> OrderPageOut:
    """This shop's orders, oldest first; ``deadline_before``/``_after`` test the deadline named by ``deadline``
    (ship_by, collect_by, deliver_by, auto_cancel_at)."""
    if limit > settings.page_size_max:
        raise InvalidInput("limit is too large", [FieldError("limit", f"expected 1 to {settings.page_size_max}")])
    page = list_orders(uow, shop_id, status, has_tracking, deadline, deadline_before, deadline_after, cursor, limit)
    return OrderPageOut(items=[OrderOut.model_validate(order_json(v)) for v in page.items], next_cursor=page.next_cursor)


@router.get("/{order_id}", response_model=OrderOut)
def get_route(order_id: str, shop_id: ShopId, uow: Uow) -> OrderOut:
    """One order by TikTok's order id (or parceltrail's ``ord_`` id), with its parcels and status history."""
    return OrderOut.model_validate(order_json(get_order(uow, shop_id, order_id)))


@router.post("/import", responses={422: {"description": "Not a Seller Center export; nothing was stored"}})
async def import_route(request: Request, shop_id: ShopId, uow: Uow, timezone: str = "UTC",
                       date_order: str = "auto") -> dict[str, Any]:
    """Import a Seller Center order export sent as the raw CSV body (text/csv). Answers the counts and the
    row errors (row, column, reason); good rows are stored, bad rows' orders are left out whole."""
    from starlette.concurrency import run_in_threadpool

    from parceltrail.services.orders_import import import_orders_csv

    text = (await request.body()).decode("utf-8-sig", errors="replace")
    report = await run_in_threadpool(import_orders_csv, uow, shop_id, text.splitlines(), timezone, date_order)
    return report.to_dict()


class ShipmentBody(BaseModel):
    model_config = {"extra": "forbid"}

    tracking_number: str
    carrier: str | None = None
    package_id: str | None = None
    """TikTok's package id; needed when the order has several packages."""
    shipping_provider_id: str | None = None
    """TikTok's shipping provider id, when TikTok has not named one for the package."""
    force: bool = False
    """Upload despite failed checks that may be overridden (never on_hold, format or the correction rules)."""


class ShipmentOut(BaseModel):
    order_id: str
    package_id: str
    tracking_number: str
    carrier: str | None
    correction: bool
    uploaded: bool
    overridden: list[dict[str, Any]]


@router.post("/{order_id}/shipments", status_code=201, response_model=ShipmentOut,
             responses={422: {"description": "A check failed (codes in errors[].code); nothing was sent to TikTok"}})
def ship_route(order_id: str, body: ShipmentBody, request: Request, shop_id: ShopId, uow: Uow,
               settings: AppSettings):
    """Upload a tracking number to TikTok after the trust checks (see docs/tiktok-shop.md for the codes)."""
    from parceltrail.api import problems
    from parceltrail.api.tiktok import _app, _client, _NotSetUp
    from parceltrail.carriers.transport import CarrierClient
    from parceltrail.platforms.tiktok.errors import TikTokShopError
    from parceltrail.services.shipments import ShipmentRefused, carrier_answer_for, ship_order
    from parceltrail.worker.runner import shop_credentials_reader

    try:
        app = _app(settings)
    except _NotSetUp as error:
        return problems.problem(404, "TikTok Shop not set up", str(error))
    with CarrierClient(timeout=settings.carrier_timeout_seconds) as carriers:
        answer = carrier_answer_for(uow, shop_id, shop_credentials_reader(settings, request.app.state.engine), carriers)
        try:
            shipment = ship_order(uow, app, _client(request, app), shop_id, order_id, body.tracking_number,
                                  body.carrier, body.package_id, body.force, body.shipping_provider_id, answer)
        except ShipmentRefused as refused:
            errors = [{"field": "tracking_number", "code": c.code, "message": c.reason} for c in refused.checks]
            return problems.problem(422, "Tracking refused", f"{refused}; nothing was sent to TikTok", errors)
        except TikTokShopError as error:
            return problems.problem(502, "TikTok refused", str(error))
    return ShipmentOut.model_validate(shipment.to_dict())
