"""``GET /v1/tracking-numbers/{number}``: what a number is — valid?, which carrier, decoded fields, why."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from parceltrail.api.deps import ShopId
from parceltrail.api.schemas import NO_CONTROL
from parceltrail.core import check_country
from parceltrail.numbers import detection_json
from parceltrail.services import FieldError, InvalidInput

router = APIRouter(prefix="/v1/tracking-numbers", tags=["tracking numbers"])


@router.get("/{number}")
def describe_number(
    number: Annotated[str, Path(max_length=100, pattern=NO_CONTROL, examples=["1Z999AA10123456784"])],
    _shop: ShopId,
    carriers: Annotated[str | None, Query(max_length=200, pattern=NO_CONTROL, examples=["ups,usps"],
                                          description="Carrier codes the shop uses, comma-separated (ranking hint)")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", examples=["US"],
                                         description="ISO 3166-1 alpha-2 of origin or destination (ranking hint)")] = None,
) -> dict[str, Any]:
    """Detect the carrier of a tracking number: every candidate format, ranked, with checksum and fields."""
    if country is not None:
        try:
            country = check_country(country)
        except ValueError as error:
            raise InvalidInput("country is not valid", [FieldError("country", str(error))]) from None
    hints = [c.strip().lower() for c in carriers.split(",") if c.strip()] if carriers else None
    return detection_json(number, carriers=hints, country=country)
