"""``GET /v1/metrics/tiktok``: the shop's TikTok Shop fulfillment metrics before TikTok counts them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from parceltrail.api.deps import ShopId, Uow
from parceltrail.core.metrics import Metric, Mover, Thresholds
from parceltrail.services.metrics import tiktok_metrics

router = APIRouter(tags=["metrics"])


class MoverOut(BaseModel):
    order_id: str
    why: str
    when: datetime | None

    @classmethod
    def of(cls, m: Mover) -> MoverOut:
        return cls(order_id=m.order_id, why=m.why, when=m.when)


class MetricOut(BaseModel):
    value: float | None
    numerator: int
    denominator: int
    threshold: float
    breached: bool
    projected_value: float | None
    projected_numerator: int
    projected_denominator: int
    projected_breach: bool
    breach_at: datetime | None
    window_start: datetime
    window_end: datetime
    orders: list[MoverOut]

    @classmethod
    def of(cls, m: Metric) -> MetricOut:
        return cls(value=m.value, numerator=m.numerator, denominator=m.denominator, threshold=m.threshold,
                   breached=m.breached, projected_value=m.projected_value, projected_numerator=m.projected_numerator,
                   projected_denominator=m.projected_denominator, projected_breach=m.projected_breach,
                   breach_at=m.breach_at, window_start=m.window_start, window_end=m.window_end,
                   orders=[MoverOut.of(o) for o in m.movers])


class TikTokMetricsOut(BaseModel):
    as_of: datetime
    late_dispatch_rate: MetricOut
    valid_tracking_rate: MetricOut
    on_time_delivery_rate: MetricOut
    auto_cancel_risk: list[MoverOut]


Share = Annotated[float, Query(ge=0, le=1)]
Days = Annotated[int, Query(ge=1, le=90)]


@router.get("/v1/metrics/tiktok", response_model=TikTokMetricsOut)
def get_tiktok_metrics(
    shop_id: ShopId, uow: Uow,
    ldr_max: Share = 0.04, vtr_min: Share = 0.95, otdr_min: Share = 0.80,
    ldr_days: Days = 7, vtr_days: Days = 30, otdr_days: Days = 7,
    auto_cancel_hours: Annotated[int, Query(ge=1, le=720)] = 48,
) -> TikTokMetricsOut:
    """Late Dispatch Rate (at most 4%), Valid Tracking Rate (at least 95%), On-Time Delivery Rate (at least
    80%) and the orders at auto-cancel risk: today's value, the projection from parcels in flight (and the
    moment it breaks the threshold), the orders that move each number. Thresholds and windows are
    parameters because TikTok changes them."""
    g = tiktok_metrics(uow, shop_id, thresholds=Thresholds(ldr_max, vtr_min, otdr_min, ldr_days, vtr_days, otdr_days,
                                                           auto_cancel_hours))
    return TikTokMetricsOut(as_of=g.now, late_dispatch_rate=MetricOut.of(g.ldr), valid_tracking_rate=MetricOut.of(g.vtr),
                            on_time_delivery_rate=MetricOut.of(g.otdr),
                            auto_cancel_risk=[MoverOut.of(o) for o in g.auto_cancel_risk])
