"""Charts drawn on the server as SVG data: no chart library, no script, readable without colour.

The estimate history shows each revision of a package's delivery estimate as a row: the 80% window as
a bar, the likely day as a dot, the 95% promise as a tick, and the actual delivery day as a line, so a
seller sees at a glance how the estimate moved as scans came in and whether it held. The axis spans at
most ``MAX_DAYS`` around the newest estimate: an estimate revised far from the others (a parcel registered
long before it shipped, a replayed history) would otherwise squeeze every bar into a few pixels of a
years-long axis, so the rows outside are counted and left out, and the ticks carry the year when the
axis crosses one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from parceltrail.store.estimates import StoredEstimate

WIDTH, ROW, LEFT, TOP, BOTTOM = 640, 26, 170, 10, 34
MAX_ROWS = 14
MAX_DAYS = 60


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
    left_out: int = 0
    """Revisions not drawn: beyond ``MAX_ROWS`` or outside the axis's ``MAX_DAYS``."""
    max_days: int = MAX_DAYS


def estimate_history(estimates: list[StoredEstimate], delivered: date | None, label, day_label,
                     year_label=None) -> EstimateChart | None:
    """``label(revision)`` names a row (the revision's time, as the viewer reads it), ``day_label(date)`` an
    axis tick, ``year_label(date)`` a tick when the axis crosses a new year; the newest rows win."""
    if not estimates:
        return None
    newest = estimates[-1]
    first, last = newest.earliest, max(newest.promise, delivered) if delivered else newest.promise
    if delivered and (delivered - newest.earliest).days > MAX_DAYS:
        last = newest.promise  # delivered long after the newest estimate: the line would stretch the axis
    shown = [newest]
    for e in reversed(estimates[:-1]):
        if len(shown) == MAX_ROWS:
            break
        lo, hi = min(first, e.earliest), max(last, e.promise)
        if (hi - lo).days + 1 > MAX_DAYS:
            continue
        first, last = lo, hi
        shown.insert(0, e)
    days = max((last - first).days + 1, 2)
    span = WIDTH - LEFT - 16

    def x(day: date) -> float:
        return round(LEFT + ((day - first).days + 0.5) * span / days, 1)

    bars = [Bar(TOP + i * ROW + ROW / 2, x(e.earliest) - 4, x(e.latest) + 4, x(e.likely), x(e.promise), label(e))
            for i, e in enumerate(shown)]
    bottom = TOP + len(shown) * ROW
    step = max(1, days // 6)
    tick_days = [first + timedelta(days=d) for d in range(0, days, step)]
    years = first.year != last.year and year_label is not None
    ticks = [(x(day), year_label(day) if years and (i == 0 or day.year != tick_days[i - 1].year) else day_label(day))
             for i, day in enumerate(tick_days)]
    line = x(delivered) if delivered and first <= delivered <= last else None
    return EstimateChart(WIDTH, int(bottom + BOTTOM), bars, ticks, line, LEFT, bottom,
                         len(estimates) - len(shown))


# Horizontal bar charts (scorecards): each row is HTML text (the group and its figure, which wrap and read
# at the page's own size on a phone or a desktop) over an SVG bar whose lengths are percentages of the row.


@dataclass(frozen=True, slots=True)
class BarRow:
    """One group's figure: ``value`` on the chart's scale (None: nothing to draw yet), an optional
    interval (``low``..``high``) and an optional second mark (a P90 beside a median)."""

    label: str
    value: float | None
    text: str
    low: float | None = None
    high: float | None = None
    mark: float | None = None
    thin: bool = False


@dataclass(frozen=True, slots=True)
class DrawnBar:
    """A row with its positions as percentages of the bar's width."""

    width: float
    low: float | None
    high: float | None
    mark: float | None
    label: str
    text: str
    thin: bool


@dataclass(frozen=True, slots=True)
class BarChart:
    bars: list[DrawnBar]
    ticks: list[tuple[float, str]]


def nice_top(largest: float) -> tuple[float, float]:
    """The axis end and tick step for values up to ``largest``: 1, 2 or 5 times a power of ten, 3-6 ticks."""
    if largest <= 0:
        return 1.0, 0.25
    step = 10 ** math.floor(math.log10(largest))
    for factor in (0.1, 0.2, 0.5, 1, 2, 5, 10):
        if largest / (step * factor) <= 5:
            step *= factor
            break
    return step * math.ceil(largest / step - 1e-9), step


def bar_chart(rows: list[BarRow], top: float, step: float, tick_label) -> BarChart:
    """Rows drawn against an axis from 0 to ``top`` with a gridline every ``step``."""

    def x(value: float | None) -> float | None:
        return None if value is None else round(min(max(value, 0.0), top) / top * 100, 2)

    bars = [DrawnBar(x(r.value) or 0.0, x(r.low), x(r.high), x(r.mark), r.label, r.text, r.thin) for r in rows]
    count = int(round(top / step))
    return BarChart(bars, [(x(k * step) or 0.0, tick_label(k * step)) for k in range(count + 1)])


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a share: honest for small groups and shares near 0 or 1, where the
    normal approximation claims certainty it does not have."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


# A metric's trend: a line in a 100 x 40 box stretched to the card's width (non-scaling strokes keep it
# crisp), the threshold as a dashed line; the axis labels are HTML beside it.
TREND_W, TREND_H = 100.0, 40.0


@dataclass(frozen=True, slots=True)
class TrendChart:
    segments: list[str]
    """Polyline point lists; a day without a value breaks the line rather than inventing one."""
    points: list[tuple[float, float]]
    """Every day with a value, drawn as a dot too: a lone day has no line to show it."""
    last: tuple[float, float] | None
    threshold_y: float
    low: float
    high: float


def trend_chart(values: list[float | None], threshold: float, step: float = 0.05) -> TrendChart:
    """Values (shares, 0..1) evenly spaced left to right, on an axis from a multiple of ``step`` below the
    lowest of them and the threshold to one above the highest."""
    known = [v for v in values if v is not None] + [threshold]
    low = max(0.0, math.floor(min(known) / step - 1e-9) * step - (step if min(known) > 0 else 0))
    high = min(1.0, math.ceil(max(known) / step + 1e-9) * step)
    if high - low < step:
        high = min(1.0, low + step)
    span = high - low or 1.0

    def y(value: float) -> float:  # 2 units of margin, so a line along the top or bottom is not cut in half
        return round(TREND_H - 2 - (value - low) / span * (TREND_H - 4), 2)

    segments, current, points = [], [], []
    for i, value in enumerate(values):
        x = round(i * TREND_W / max(len(values) - 1, 1), 2)
        if value is None:
            if current:
                segments.append(" ".join(current))
            current = []
            continue
        current.append(f"{x},{y(value)}")
        points.append((x, y(value)))
    if current:
        segments.append(" ".join(current))
    return TrendChart(segments, points, points[-1] if points else None, y(threshold), round(low, 4), round(high, 4))
