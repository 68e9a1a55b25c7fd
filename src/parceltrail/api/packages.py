"""Routes under /v1/packages: register, read, list, post events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import AwareDatetime

from parceltrail import services
from parceltrail.api.deps import AppSettings, ShopId, Uow
from parceltrail.api.schemas import (
    EstimateOut,
    EventOut,
    EventsBody,
    HintOut,
    IngestOut,
    OpenFlagOut,
    PackageBody,
    PackageDetailOut,
    PackageOut,
    PackagePageOut,
    RegisteredOut,
)
from parceltrail.core import Status
from parceltrail.services.exception_list import package_flags
from parceltrail.services.orders_read import order_ids_of_package

router = APIRouter(prefix="/v1/packages", tags=["packages"])


@router.post("", status_code=201, response_model=RegisteredOut,
             responses={200: {"model": RegisteredOut, "description": "Already registered: the existing package"}})
def register_package(body: PackageBody, shop_id: ShopId, uow: Uow, response: Response) -> RegisteredOut:
    """Start tracking a number. The same number + carrier again returns the existing package with 200."""
    registration = services.register_package(
        uow, shop_id, body.tracking_number, body.carrier, body.order_ref, body.destination_address(),
        recipient=body.recipient.to_input() if body.recipient else None,
    )
    if not registration.created:
        response.status_code = 200
    out = PackageOut.of(registration.package, registration.estimate)
    return RegisteredOut(**out.model_dump(), hints=[HintOut(**h.to_dict()) for h in registration.hints])


@router.get("/{package_id}", response_model=PackageDetailOut)
def get_package(package_id: str, shop_id: ShopId, uow: Uow) -> PackageDetailOut:
    """A package with its newest 100 events, oldest first; ``events_next_cursor`` pages older ones."""
    detail = services.get_package(uow, shop_id, package_id)
    flags, withheld = package_flags(uow, package_id)
    return PackageDetailOut(
        **PackageOut.of(detail.package, None if withheld else detail.estimate).model_dump(),
        events=[EventOut.of(e) for e in detail.events],
        events_next_cursor=detail.older_events,
        estimate_history=[EstimateOut.of(e) for e in detail.estimates],
        flags=[OpenFlagOut(id=f.id, type=f.type, severity=f.severity, reason=f.reason, since=f.since, due=f.due)
               for f in flags],
        estimate_withheld=withheld,
        order_ids=order_ids_of_package(uow, package_id),
    )


@router.get("", response_model=PackagePageOut)
def list_packages(
    shop_id: ShopId,
    uow: Uow,
    settings: AppSettings,
    status: Status | None = None,
    carrier: str | None = None,
    updated_since: AwareDatetime | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1)] = 50,
) -> PackagePageOut:
    """A page of this shop's packages in registration order; pass ``next_cursor`` back for the next page."""
    if limit > settings.page_size_max:
        raise services.InvalidInput(
            "limit is too large", [services.FieldError("limit", f"expected 1 to {settings.page_size_max}")]
        )
    page = services.list_packages(uow, shop_id, status, carrier, updated_since, cursor, limit)
    return PackagePageOut(items=[PackageOut.of(p, page.estimates.get(p.id)) for p in page.items],
                          next_cursor=page.next_cursor)


@router.post("/{package_id}/events", response_model=IngestOut)
def post_events(package_id: str, body: EventsBody, shop_id: ShopId, uow: Uow, settings: AppSettings) -> IngestOut:
    """Add events in any order, any number of times; duplicates are counted, not stored."""
    if len(body.events) > settings.max_events_per_request:
        raise HTTPException(413, f"at most {settings.max_events_per_request} events per request")
    events = [e.to_event() for e in body.events]
    result = services.record_scans(uow, shop_id, {package_id: events}, source="api")[package_id]
    return IngestOut(accepted=result.accepted, duplicates=result.duplicates,
                     package=PackageOut.of(result.package, services.current_estimate(uow, package_id)))
