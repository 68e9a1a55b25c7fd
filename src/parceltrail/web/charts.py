"""Charts drawn on the server as SVG data: no chart library, no script, readable without colour.

The estimate history shows each revision of a package's delivery estimate as a row: the 80% window as
a bar, the likely day as a dot, the 95% promise as a tick, and the actual delivery day as a line, so a
seller sees at a glance how the estimate moved as scans came in and whether it held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from parceltrail.store.estimates import StoredEstimate

WIDTH, ROW, LEFT, TOP, BOTTOM = 640, 26, 170, 10, 34
MAX_ROWS = 14


@dataclass(frozen=True, slots=True)
class Bar:
    y: float
    x1: float
    x2: float
    likely: float
    promise: float
    label: str


@dataclass(frozen=True, slots=True)
class EstimateChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    delivered: float | None
    left: int
    bottom: float


def estimate_history(estimates: list[StoredEstimate], delivered: date | None, label, day_label) -> EstimateChart | None:
    """``label(revision)`` names a row (the revision's time, as the viewer reads it), ``day_label(date)`` an
    axis tick; the newest rows win."""
    shown = estimates[-MAX_ROWS:]
    if not shown:
        return None
    first = min(e.earliest for e in shown)
    last = max([e.promise for e in shown] + ([delivered] if delivered else []))
    days = max((last - first).days + 1, 2)
    span = WIDTH - LEFT - 16

    def x(day: date) -> float:
        return round(LEFT + ((day - first).days + 0.5) * span / days, 1)

    bars = [Bar(TOP + i * ROW + ROW / 2, x(e.earliest) - 4, x(e.latest) + 4, x(e.likely), x(e.promise), label(e))
            for i, e in enumerate(shown)]
    bottom = TOP + len(shown) * ROW
    step = max(1, days // 6)
    ticks = [(x(first + timedelta(days=d)), day_label(first + timedelta(days=d))) for d in range(0, days, step)]
    return EstimateChart(WIDTH, int(bottom + BOTTOM), bars, ticks, x(delivered) if delivered else None, LEFT, bottom)
