"""The TikTok metric guard with its trend: today's guard (``services.metrics.tiktok_metrics``) and each
metric's value at the same time of day on each of the last days, counted by the same pure
``core.metrics.guard`` over one read of the order facts, so the line ends on today's number.

A past day's value is what TikTok's rule gives at that moment from what the shop knows now: a carrier scan
heard late moves the day it happened. The projection is not drawn back in time: it reads flags as they are
today.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from parceltrail.core.metrics import Guard, Thresholds, guard
from parceltrail.services.clock import utcnow
from parceltrail.services.metrics import order_facts
from parceltrail.store import UnitOfWork

TREND_DAYS = 14


@dataclass(frozen=True, slots=True)
class TrendPoint:
    at: datetime
    ldr: float | None
    vtr: float | None
    otdr: float | None


@dataclass(frozen=True, slots=True)
class GuardWithTrend:
    today: Guard
    trend: list[TrendPoint]
    """Oldest first; the last point is now."""


def guard_with_trend(uow: UnitOfWork, shop_id: str, thresholds: Thresholds | None = None, days: int = TREND_DAYS,
                     now: datetime | None = None) -> GuardWithTrend:
    now = now or utcnow()
    thresholds = thresholds or Thresholds()
    # order_facts reads orders back a month beyond the longest window; looking ``days`` back needs that much more
    reach = replace(thresholds, vtr_days=max(thresholds.ldr_days, thresholds.vtr_days, thresholds.otdr_days) + days)
    facts = order_facts(uow, shop_id, now, reach)
    points = []
    for back in range(days, -1, -1):
        at = now - timedelta(days=back)
        g = guard(facts, at, thresholds)
        points.append(TrendPoint(at, g.ldr.value, g.vtr.value, g.otdr.value))
    return GuardWithTrend(guard(facts, now, thresholds), points)
