"""Delivery confirmation and the payment release signal.

``GET /v1/packages/{id}/delivery``: the ``confirm`` step (carrier's delivery and proof, the buyer's
confirmation, distance from the address); ``GET /v1/packages/{id}/delivery/raw``: the carrier's own JSON
for the delivery, as kept; ``POST /v1/packages/{id}/delivery/buyer-confirmation``: the buyer says it came
(from your own app; the tracking page has its button). ``GET /v1/orders/{id}/release`` and
``GET /v1/payment-release``: which orders are settled-safe, at risk or waiting.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from parceltrail.api.deps import AppSettings, ShopId, Uow
from parceltrail.services.delivery import buyer_confirms, check_delivery
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.release import order_release, release_page

router = APIRouter(tags=["delivery"])


@router.get("/v1/packages/{package_id}/delivery")
def delivery_route(package_id: str, shop_id: ShopId, uow: Uow) -> dict[str, Any]:
    """``verdict`` is confirmed (carrier and buyer), delivered_far (the carrier's point is beyond the
    destination ZIP's size, see ``distance``), carrier_delivered, buyer_confirmed or not_delivered."""
    return check_delivery(uow, shop_id, package_id).to_dict()


@router.get("/v1/packages/{package_id}/delivery/raw")
def raw_route(package_id: str, shop_id: ShopId, uow: Uow) -> dict[str, Any]:
    """The carrier's JSON about the delivered parcel exactly as received, with its SHA-256."""
    found = check_delivery(uow, shop_id, package_id)
    if found.proof is None:
        raise NotFound("proof of delivery for package", package_id)
    return {"package_id": package_id, "carrier": found.proof.carrier, "received_at": found.proof.received_at.isoformat(),
            "sha256": found.proof.raw_sha256, "body": found.proof.raw}


@router.post("/v1/packages/{package_id}/delivery/buyer-confirmation")
def confirm_route(package_id: str, shop_id: ShopId, uow: Uow) -> dict[str, Any]:
    """Record that the buyer has the parcel; the first confirmation's moment is kept."""
    return buyer_confirms(uow, shop_id, package_id, "api").to_dict()


@router.get("/v1/orders/{order_id}/release")
def order_release_route(order_id: str, shop_id: ShopId, uow: Uow) -> dict[str, Any]:
    """settled_safe, at_risk or waiting, with the reasons and the date it becomes safe (``safe_from``)."""
    return order_release(uow, shop_id, order_id).to_dict()


@router.get("/v1/payment-release")
def release_list_route(shop_id: ShopId, uow: Uow, settings: AppSettings, state: str | None = None,
                       cursor: str | None = None, limit: Annotated[int, Query(ge=1)] = 50) -> dict[str, Any]:
    """This shop's orders with their release signal, oldest first; ``state`` keeps one of settled_safe,
    at_risk, waiting. A page may hold fewer than ``limit`` while ``next_cursor`` is set."""
    if limit > settings.page_size_max:
        raise InvalidInput("limit is too large", [FieldError("limit", f"expected 1 to {settings.page_size_max}")])
    page = release_page(uow, shop_id, state, cursor, limit)
    return {"items": [r.to_dict() for r in page.items], "next_cursor": page.next_cursor}
