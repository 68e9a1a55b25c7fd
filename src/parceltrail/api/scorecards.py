"""``GET /v1/scorecards``: how each carrier, service and lane did for this shop's parcels in a period."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel

from parceltrail.api.deps import ShopId, Uow
from parceltrail.services.scorecards import GROUPINGS, period, scorecards

router = APIRouter(prefix="/v1/scorecards", tags=["scorecards"])


class ScorecardOut(BaseModel):
    carrier: str
    service: str | None
    lane: str | None
    parcels: int
    delivered: int
    promise_judged: int
    on_time_promise: float | None
    deliver_by_judged: int
    on_time_deliver_by: float | None
    median_days: float | None
    p90_days: float | None
    exceptions_per_100: float
    lost_per_1000: float
    damaged_per_1000: float
    first_attempt_share: float | None


class ScorecardsOut(BaseModel):
    since: AwareDatetime
    until: AwareDatetime
    by: str
    items: list[ScorecardOut]


@router.get("", response_model=ScorecardsOut)
def get_scorecards(
    shop_id: ShopId,
    uow: Uow,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
    by: Annotated[str, Query(description=f"one of {', '.join(GROUPINGS)}")] = "lane",
    carrier: str | None = None,
    min_parcels: Annotated[int, Query(ge=1)] = 1,
) -> ScorecardsOut:
    """Parcels registered in [since, until) (default: the last 90 days), grouped by carrier, service and lane
    (origin 3-digit ZIP -> destination state): on-time shares against the promise and the deliver-by,
    median and P90 days, exceptions per 100, lost and damaged per 1,000, first-attempt delivery share."""
    start, end = period(since, until)
    cards = scorecards(uow, shop_id, start, end, by, carrier, min_parcels)
    return ScorecardsOut(since=start, until=end, by=by, items=[ScorecardOut(**c.to_dict()) for c in cards])
