"""``GET /v1/carriers/unknown-codes``: the carrier codes and words no table knew, in this shop's scans."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from parceltrail.api.deps import ShopId, Uow
from parceltrail.services.vocabulary import per_carrier, unknown_codes

router = APIRouter(prefix="/v1/carriers", tags=["carriers"])


class UnknownCodeOut(BaseModel):
    carrier: str
    code: str = Field(description="the carrier's own code ('' for carriers that send only words)")
    description: str = Field(description="the carrier's own words, kept on the event")
    count: int = Field(description="stored scans that carried this code and wording")
    first_seen_at: datetime
    last_seen_at: datetime


class UnknownCodesOut(BaseModel):
    items: list[UnknownCodeOut]
    by_carrier: dict[str, int] = Field(description="scans with an unknown code, per carrier")


@router.get("/unknown-codes")
def list_unknown_codes(
    shop_id: ShopId,
    uow: Uow,
    carrier: Annotated[str | None, Query(max_length=32, description="Only this carrier (e.g. ups)")] = None,
) -> UnknownCodesOut:
    """Codes and wordings in this shop's stored scans that none of parceltrail's tables knew, most seen first.

    Such scans keep the carrier's words, take the carrier's coarse status and are marked ``unknown_code``
    in the package's timeline; this list says which table rows to add.
    """
    found = unknown_codes(uow, shop_id, carrier)
    return UnknownCodesOut(
        items=[UnknownCodeOut(carrier=u.carrier, code=u.code, description=u.description, count=u.count,
                              first_seen_at=u.first_seen_at, last_seen_at=u.last_seen_at) for u in found],
        by_carrier=per_carrier(found),
    )
