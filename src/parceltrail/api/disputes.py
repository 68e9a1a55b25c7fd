"""Routes under /v1/disputes: open a buyer's claim about a package, list and read disputes with their
deadlines and checklist, move them along (state, kind, ticked steps, notes)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from parceltrail.api.deps import AppSettings, ShopId, Uow
from parceltrail.core.disputes import ClaimKind
from parceltrail.services.clock import utcnow
from parceltrail.services.disputes import get_dispute, list_disputes, open_dispute, update_dispute
from parceltrail.services.errors import FieldError, InvalidInput

router = APIRouter(prefix="/v1/disputes", tags=["disputes"])


class DisputeBody(BaseModel):
    model_config = {"extra": "forbid"}

    package_id: str
    kind: ClaimKind
    """not_received, damaged, wrong_item or late."""
    description: str | None = Field(None, max_length=2000)
    """The buyer's words, as the seller or the buyer wrote them."""
    source: str = "api"
    """Who opened it: api (an integration) or seller (a person at the shop)."""
    external_ref: str | None = Field(None, max_length=128)
    """Your own reference (a ticket id): opening again with it returns the stored dispute."""


class DisputeChange(BaseModel):
    model_config = {"extra": "forbid"}

    state: str | None = None
    """open, investigating, submitted, won, refunded, reimbursed or withdrawn."""
    kind: ClaimKind | None = None
    note: str | None = Field(None, max_length=2000)
    steps: dict[str, bool] | None = None
    """Checklist steps by key: true ticks a step, false unticks it."""


class DisputeOut(BaseModel):
    id: str
    package_id: str
    tracking_number: str
    carrier: str | None
    order_id: str | None
    kind: str
    state: str
    open: bool
    source: str
    description: str
    opened_at: str
    updated_at: str
    closed_at: str | None
    external_ref: str | None
    next_deadline: dict[str, Any] | None
    deadlines: list[dict[str, Any]]
    checklist: list[dict[str, Any]]
    history: list[dict[str, Any]]


class DisputePageOut(BaseModel):
    items: list[DisputeOut]
    next_cursor: str | None


@router.post("", status_code=201, response_model=DisputeOut,
             responses={200: {"model": DisputeOut, "description": "external_ref already used: the stored dispute"}})
def open_route(body: DisputeBody, shop_id: ShopId, uow: Uow, response: Response) -> DisputeOut:
    """Open a claim about one of this shop's packages; it starts ``open`` with its deadlines and checklist."""
    if body.source not in ("api", "seller"):
        raise InvalidInput("source is not valid", [FieldError("source", "expected api or seller")])
    view = open_dispute(uow, shop_id, body.package_id, body.kind.value, body.source, body.description,
                        body.external_ref)
    if not view.created:
        response.status_code = 200
    return DisputeOut.model_validate(view.to_dict(utcnow()))


@router.get("", response_model=DisputePageOut)
def list_route(shop_id: ShopId, uow: Uow, settings: AppSettings, state: str | None = None,
               package_id: str | None = None, cursor: str | None = None,
               limit: Annotated[int, Query(ge=1)] = 50) -> DisputePageOut:
    """This shop's disputes, oldest first; ``state`` is a state, or ``open`` / ``closed``."""
    if limit > settings.page_size_max:
        raise InvalidInput("limit is too large", [FieldError("limit", f"expected 1 to {settings.page_size_max}")])
    views, following = list_disputes(uow, shop_id, state, package_id, cursor, limit)
    now = utcnow()
    return DisputePageOut(items=[DisputeOut.model_validate(v.to_dict(now)) for v in views], next_cursor=following)


@router.get("/{dispute_id}", response_model=DisputeOut)
def get_route(dispute_id: str, shop_id: ShopId, uow: Uow) -> DisputeOut:
    return DisputeOut.model_validate(get_dispute(uow, shop_id, dispute_id).to_dict(utcnow()))


@router.patch("/{dispute_id}", response_model=DisputeOut,
              responses={409: {"description": "The dispute cannot move to that state from its current one"}})
def change_route(dispute_id: str, body: DisputeChange, shop_id: ShopId, uow: Uow) -> DisputeOut:
    """Move the state, correct the kind, tick steps or add a note; each change is kept in the history."""
    view = update_dispute(uow, shop_id, dispute_id, body.state, body.kind.value if body.kind else None, body.note,
                          body.steps, actor="api")
    return DisputeOut.model_validate(view.to_dict(utcnow()))
