"""TikTok Shop's fulfillment metrics, counted from the shop's own orders and parcels before TikTok does.

Pure: the orders (``OrderFacts``), "now" and the thresholds go in; each metric comes out with today's
value, a projection from the parcels in flight (which will breach, and by when) and the orders that move
it. TikTok's definitions (Seller University, docs/exceptions.md):

- Late Dispatch Rate: orders whose first carrier scan came after the dispatch deadline, over orders
  dispatched, among orders whose deadline fell in the window. At most 4%.
- Valid Tracking Rate: orders with a tracking number the carrier has scanned (and not flagged as another
  shipment's), over orders with tracking uploaded in the window. At least 95%.
- On-Time Delivery Rate: orders delivered by their deliver-by date, over orders due in the window. At
  least 80%. Weekly for TikTok: the window is the last 7 days by default.
- Auto-cancel risk: orders the carrier has not collected whose auto-cancel time is near (or past).

Windows and thresholds are ``Thresholds``: TikTok changes them, and a shop can ask for its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """One order as the guard sees it: its deadlines and what its parcel has done so far."""

    order_id: str
    created_at: datetime
    ship_by: datetime | None = None
    deliver_by: datetime | None = None
    auto_cancel_at: datetime | None = None
    cancelled: bool = False
    tracking_uploaded_at: datetime | None = None
    """When the order got a tracking number (its parcel was registered)."""
    first_scan_at: datetime | None = None
    """The carrier's first acceptance scan: TikTok's dispatch moment."""
    delivered_at: datetime | None = None
    suspicious: bool = False
    """The number looks like another shipment's (``suspicious_tracking``)."""
    expected_late: bool = False
    """The parcel is in flight with an open ``late`` or ``lost`` flag."""
    expected_delivery: datetime | None = None


@dataclass(frozen=True, slots=True)
class Thresholds:
    ldr_max: float = 0.04
    vtr_min: float = 0.95
    otdr_min: float = 0.80
    ldr_days: int = 7
    vtr_days: int = 30
    otdr_days: int = 7
    auto_cancel_hours: int = 48
    vtr_grace_hours: int = 72
    """A number uploaded this long ago without a carrier scan counts as invalid (before: pending)."""


@dataclass(frozen=True, slots=True)
class Mover:
    order_id: str
    why: str
    when: datetime | None = None


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    value: float | None
    numerator: int
    denominator: int
    threshold: float
    higher_is_better: bool
    window_start: datetime
    window_end: datetime
    projected_value: float | None
    projected_numerator: int
    projected_denominator: int
    breach_at: datetime | None
    """When the metric is on the wrong side of its threshold: now if it already is, else when the first
    order in flight tips the projection over; None if nothing in view does."""
    movers: tuple[Mover, ...] = ()

    @property
    def breached(self) -> bool:
        return self.value is not None and not self._ok(self.value)

    @property
    def projected_breach(self) -> bool:
        return self.projected_value is not None and not self._ok(self.projected_value)

    def _ok(self, value: float) -> bool:
        return value >= self.threshold if self.higher_is_better else value <= self.threshold


@dataclass(frozen=True, slots=True)
class Guard:
    now: datetime
    ldr: Metric
    vtr: Metric
    otdr: Metric
    auto_cancel_risk: tuple[Mover, ...] = field(default_factory=tuple)


def _rate(good: int, total: int) -> float | None:
    return round(good / total, 4) if total else None


def _breach_at(base_good: int, base_total: int, upcoming: list[tuple[datetime, bool]], threshold: float,
               now: datetime) -> datetime | None:
    """When the good share first drops below ``threshold``: ``now`` if it already has, else the upcoming
    outcome (when, counts as good), in time order, that tips it; None if none does."""
    if base_total and base_good / base_total < threshold:
        return now
    good, total = base_good, base_total
    for when, ok in sorted(upcoming):
        good, total = good + ok, total + 1
        if good / total < threshold:
            return when
    return None


def late_dispatch(orders: list[OrderFacts], now: datetime, t: Thresholds) -> Metric:
    """Today: orders the carrier first scanned in the window, late if after their deadline. Projection: plus
    the orders not scanned yet, late for sure once their deadline has passed, on time (so far) before it."""
    start = now - timedelta(days=t.ldr_days)
    live = [o for o in orders if not o.cancelled]
    counted = [o for o in live if o.first_scan_at is not None and start < o.first_scan_at <= now]
    late = [o for o in counted if o.ship_by is not None and o.first_scan_at > o.ship_by]  # type: ignore[operator]
    movers = [Mover(o.order_id, f"first carrier scan {_hours(o.first_scan_at - o.ship_by)} after the dispatch "
                                "deadline", o.first_scan_at) for o in late]  # type: ignore[operator]
    upcoming: list[tuple[datetime, bool]] = []
    for o in live:
        waiting = o.first_scan_at is None or o.first_scan_at > now
        if not waiting or o.ship_by is None or o.ship_by > now + timedelta(days=t.ldr_days):
            continue
        if o.ship_by <= now:
            movers.append(Mover(o.order_id, "not scanned by the carrier and the dispatch deadline has passed: "
                                            "late when it is", o.ship_by))
            upcoming.append((now, False))
        else:
            upcoming.append((o.ship_by, True))
    late_count, total = len(late), len(counted)
    projected_late = late_count + sum(1 for _, ok in upcoming if not ok)
    projected_total = total + len(upcoming)
    breach = _breach_at(total - late_count, total, upcoming, 1 - t.ldr_max, now)
    return Metric("late_dispatch_rate", _rate(late_count, total), late_count, total, t.ldr_max, False, start, now,
                  _rate(projected_late, projected_total), projected_late, projected_total, breach, tuple(movers))


def _hours(delta: timedelta) -> str:
    """A lateness or a time left in words a seller reads at a glance: minutes under an hour (a scan 20
    minutes late is not "0 hours" late), whole hours under two days, days after that."""
    minutes = delta.total_seconds() / 60
    if minutes < 59.5:
        n = max(1, round(minutes))
        return f"{n} minute" if n == 1 else f"{n} minutes"
    if minutes < 48 * 60:
        n = round(minutes / 60)
        return f"{n} hour" if n == 1 else f"{n} hours"
    return f"{minutes / 1440:.1f} days"


def valid_tracking(orders: list[OrderFacts], now: datetime, t: Thresholds) -> Metric:
    start = now - timedelta(days=t.vtr_days)
    uploaded = [o for o in orders if not o.cancelled and o.tracking_uploaded_at is not None
                and start < o.tracking_uploaded_at <= now]
    grace = timedelta(hours=t.vtr_grace_hours)
    valid, invalid, pending, movers = [], [], [], []
    for o in uploaded:
        scanned = o.first_scan_at is not None and o.first_scan_at <= now
        if o.suspicious:
            invalid.append(o)
            movers.append(Mover(o.order_id, "the tracking number looks like another shipment's", o.tracking_uploaded_at))
        elif scanned:
            valid.append(o)
        elif now - o.tracking_uploaded_at >= grace:  # type: ignore[operator]
            invalid.append(o)
            movers.append(Mover(o.order_id, f"no carrier scan {_hours(now - o.tracking_uploaded_at)} after the number "
                                            "was uploaded", o.tracking_uploaded_at))  # type: ignore[operator]
        else:
            pending.append(o)
            movers.append(Mover(o.order_id, "uploaded, not scanned yet: counts against VTR if no scan comes by "
                                            f"{o.tracking_uploaded_at + grace:%b %d %H:%M} UTC", o.tracking_uploaded_at + grace))  # type: ignore[operator]
    counted = len(valid) + len(invalid)
    upcoming = [(o.tracking_uploaded_at + grace, False) for o in pending]  # type: ignore[operator]
    breach = _breach_at(len(valid), counted, upcoming, t.vtr_min, now)
    return Metric("valid_tracking_rate", _rate(len(valid), counted), len(valid), counted, t.vtr_min, True, start, now,
                  _rate(len(valid), counted + len(pending)), len(valid), counted + len(pending), breach, tuple(movers))


def on_time_delivery(orders: list[OrderFacts], now: datetime, t: Thresholds) -> Metric:
    start = now - timedelta(days=t.otdr_days)
    end = now + timedelta(days=t.otdr_days)
    due = [o for o in orders if not o.cancelled and o.deliver_by is not None and start < o.deliver_by <= end]
    on_time, late, upcoming, movers = 0, 0, [], []
    for o in due:
        assert o.deliver_by is not None
        delivered = o.delivered_at is not None and o.delivered_at <= now
        if o.deliver_by <= now:
            if delivered and o.delivered_at <= o.deliver_by:  # type: ignore[operator]
                on_time += 1
            else:
                late += 1
                movers.append(Mover(o.order_id, "delivered after the deliver-by date" if delivered else
                                    "not delivered by the deliver-by date", o.deliver_by))
        elif delivered:
            on_time += 1
        else:
            ok = not o.expected_late
            upcoming.append((o.deliver_by, ok))
            if not ok:
                movers.append(Mover(o.order_id, "in flight and expected late (late or lost flag)", o.deliver_by))
    total = on_time + late
    projected_good = on_time + sum(ok for _, ok in upcoming)
    breach = _breach_at(on_time, total, upcoming, t.otdr_min, now)
    return Metric("on_time_delivery_rate", _rate(on_time, total), on_time, total, t.otdr_min, True, start, now,
                  _rate(projected_good, total + len(upcoming)), projected_good, total + len(upcoming), breach,
                  tuple(movers))


def auto_cancel_risk(orders: list[OrderFacts], now: datetime, t: Thresholds) -> tuple[Mover, ...]:
    horizon = now + timedelta(hours=t.auto_cancel_hours)
    out = []
    for o in sorted(orders, key=lambda o: o.auto_cancel_at or now):
        if o.cancelled or o.auto_cancel_at is None or (o.first_scan_at is not None and o.first_scan_at <= now):
            continue
        if o.auto_cancel_at <= horizon:
            left = o.auto_cancel_at - now
            why = "past its auto-cancel time and not collected" if left.total_seconds() <= 0 else \
                f"not collected by the carrier; TikTok cancels it in {_hours(left)}"
            out.append(Mover(o.order_id, why, o.auto_cancel_at))
    return tuple(out)


def guard(orders: list[OrderFacts], now: datetime, thresholds: Thresholds | None = None) -> Guard:
    t = thresholds or Thresholds()
    return Guard(now, late_dispatch(orders, now, t), valid_tracking(orders, now, t), on_time_delivery(orders, now, t),
                 auto_cancel_risk(orders, now, t))
