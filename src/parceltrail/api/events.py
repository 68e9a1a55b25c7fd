"""``GET /v1/packages/{id}/events``: a package's events a page at a time, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from parceltrail import services
from parceltrail.api.deps import AppSettings, ShopId, Uow
from parceltrail.api.responses import as_json
from parceltrail.api.schemas import NO_CONTROL, EventOut, PathId
from parceltrail.services.events import DETAIL_EVENTS, list_events

router = APIRouter(prefix="/v1/packages", tags=["packages"])


class EventPageOut(BaseModel):
    items: list[EventOut]
    """Newest first."""
    next_cursor: str | None
    """Pass it back as ``cursor`` for the next, older page; null on the last page."""


@router.get("/{package_id}/events", response_model=EventPageOut)
def get_events(
    package_id: PathId,
    shop_id: ShopId,
    uow: Uow,
    settings: AppSettings,
    cursor: Annotated[str | None, Query(max_length=200, pattern=NO_CONTROL)] = None,
    limit: Annotated[int, Query(ge=1)] = DETAIL_EVENTS,
) -> Response:
    """A page of the package's events, newest first; ``next_cursor`` leads to older ones."""
    if limit > settings.event_page_max:
        raise services.InvalidInput(
            "limit is too large", [services.FieldError("limit", f"expected 1 to {settings.event_page_max}")])
    page = list_events(uow, shop_id, package_id, cursor, limit)
    return as_json({"items": [EventOut.view(e, page.future_from) for e in page.items],  # EventPageOut
                    "next_cursor": page.next_cursor})
