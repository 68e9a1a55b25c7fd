"""``GET /v1/carriers`` (what parceltrail knows and follows), ``GET /v1/carriers/health`` (how following
this shop's carriers is going: a carrier that keeps failing shows here before packages go quiet) and
``GET /v1/carriers/unknown-codes`` (the carrier codes and words no table knew, in this shop's scans)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from parceltrail.api.deps import AppSettings, ShopId, Uow
from parceltrail.services.registration import carrier_name, known_carriers
from parceltrail.services.tracking import carrier_health, tracking_source
from parceltrail.services.vocabulary import per_carrier, unknown_codes

router = APIRouter(prefix="/v1/carriers", tags=["carriers"])


class CarrierOut(BaseModel):
    code: str
    name: str
    source: str = Field(description="How packages of this carrier are followed: polling, push or events")
    automatic: bool


class CarrierErrorOut(BaseModel):
    message: str
    packages: int


class CarrierHealthOut(BaseModel):
    carrier: str | None = Field(description="null for packages whose carrier is unknown")
    state: str = Field(description="ok, failing (the newest check failed), degraded (some packages fail), "
                                   "not_followed (nothing polls this carrier), idle (nothing checked yet)")
    source: str
    packages: int
    scheduled: int = Field(description="Packages with a next check planned")
    failing: int = Field(description="Packages whose last check failed")
    last_success_at: datetime | None
    last_failure_at: datetime | None
    errors: list[CarrierErrorOut] = Field(description="The commonest last errors, with how many packages each")


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


@router.get("", response_model=list[CarrierOut])
def list_carriers(_shop: ShopId, settings: AppSettings) -> list[CarrierOut]:
    """Every carrier code registration accepts, and whether its packages are followed automatically."""
    push = frozenset(settings.hook_secrets)
    out = []
    for code in sorted(known_carriers()):
        found = tracking_source(code, push)
        out.append(CarrierOut(code=code, name=carrier_name(code), source=found.source, automatic=found.automatic))
    return out


@router.get("/health", response_model=list[CarrierHealthOut])
def get_carrier_health(shop_id: ShopId, uow: Uow, settings: AppSettings) -> list[CarrierHealthOut]:
    """Per carrier of this shop's packages: how many, how many fail their checks now, since when, and why."""
    return [
        CarrierHealthOut(carrier=h.carrier, state=h.state, source=h.source, packages=h.checks.packages,
                         scheduled=h.checks.scheduled, failing=h.checks.failing,
                         last_success_at=h.checks.last_success_at, last_failure_at=h.checks.last_failure_at,
                         errors=[CarrierErrorOut(message=m, packages=n) for m, n in h.checks.errors])
        for h in carrier_health(uow, shop_id, frozenset(settings.hook_secrets))
    ]


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
