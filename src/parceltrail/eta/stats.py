"""As-of history statistics: what a seller, lane or area looked like at a given moment.

Features may only use deliveries known at prediction time. Training asks the :class:`HistoryIndex`
"as of" each row's (lagged) purchase time; a saved model keeps a :class:`StatsSnapshot` of the same
numbers at its training cut-off, so training and prediction see history of the same staleness.
Means of clipped business-day counts via prefix sums keep 100k as-of queries at a few seconds.

Means of finished deliveries lag: a slowdown shows in them only once its parcels arrive. The flow
groups lead instead: the share of the orders placed (or handed over) a few days ago that is already
delivered drops the day a network jams, and a surge of new orders warns of the jam to come. They need
the packages still in flight too, so :func:`HistoryIndex.add_flow` takes open ones (no delivery yet).
Their pace is the median working days of the last three weeks' orders, those in flight counted as
"at least this long so far" (Kaplan-Meier): it moves the week a jam starts, not the month after.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

CLIP_DAYS = 60.0  # a parcel lost for months says nothing about the lane's speed
RECENT_DAYS = 30.0
SHORT_DAYS = 10.0

# group name -> whether the short window is kept (only for the wide groups with enough volume)
GROUPS: dict[str, bool] = {
    "seller_handling": True,
    "seller_total": False,
    "lane_transit": False,
    "lane_total": False,
    "dest_prefix_transit": False,
    "dest_region_transit": True,
    "origin_prefix_handling": False,
    "country_transit": True,
    "country_handling": True,
    "country_total": True,
}

@dataclass(frozen=True)
class Cohorts:
    """Days before the as-of day each cohort of a flow group covers, newest edge first."""

    early: tuple[float, float]
    late: tuple[float, float]
    pace: float  # the pace reads every order of this many days


# placed a week or two ago is when most Brazilian and US parcels land; a handoff cohort is a few days younger
FLOW_GROUPS: dict[str, Cohorts] = {
    "placed_flow": Cohorts(early=(5.0, 10.0), late=(10.0, 20.0), pace=21.0),
    "handoff_flow": Cohorts(early=(3.0, 7.0), late=(7.0, 14.0), pace=14.0),
}
ALL_GROUPS = (*GROUPS, *FLOW_GROUPS)
MIN_COHORT = 20  # a share of fewer orders is noise: reported as unknown
MIN_PACE = 50  # a median of fewer orders too
SURGE_DAYS, SURGE_BASE_DAYS = 7.0, 28.0  # orders of the last week against the weekly mean of the 4 before

Summary = tuple[float, float, float, float, float, float]
"""(count, mean, recent count, recent mean, short count, short mean); means are NaN without data.
A flow group's summary is (orders the pace reads, their median working days, the early cohort's
delivered share, the late cohort's, orders of the last week, their ratio to the weekly mean of the
four weeks before)."""

NAN = float("nan")
EMPTY: Summary = (0.0, NAN, 0.0, NAN, 0.0, NAN)


class _Series:
    __slots__ = ("sums", "times")

    def __init__(self, points: list[tuple[float, float]]) -> None:
        points.sort()
        self.times = np.fromiter((t for t, _ in points), dtype=np.float64, count=len(points))
        values = np.fromiter((min(v, CLIP_DAYS) for _, v in points), dtype=np.float64, count=len(points))
        self.sums = np.concatenate(([0.0], np.cumsum(values)))

    def windows(self, as_of: np.ndarray, days: float | None) -> tuple[np.ndarray, np.ndarray]:
        """Counts and means over [as_of - days, as_of) for many as-of times at once."""
        hi = np.searchsorted(self.times, as_of, side="left")
        lo = np.zeros_like(hi) if days is None else np.searchsorted(self.times, as_of - days, side="left")
        n = (hi - lo).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, (self.sums[hi] - self.sums[lo]) / np.maximum(n, 1), np.nan)
        return n, mean


class _Flow:
    """Orders of one flow group and key: when each started (purchase or handoff) and was delivered
    (infinity while in flight). Answers at day resolution, as of the start of each epoch day: the
    worker refreshes daily, and a day grid keeps 100k training questions to a few hundred lookups."""

    __slots__ = ("cohorts", "delivered", "starts")

    def __init__(self, points: list[tuple[float, float]], cohorts: Cohorts) -> None:
        points.sort()
        self.starts = np.fromiter((s for s, _ in points), dtype=np.float64, count=len(points))
        self.delivered = np.fromiter((d for _, d in points), dtype=np.float64, count=len(points))
        self.cohorts = cohorts

    def _share(self, day: float, ages: tuple[float, float]) -> float:
        lo, hi = np.searchsorted(self.starts, [day - ages[1], day - ages[0]], side="left")
        n = int(hi - lo)
        return float(np.count_nonzero(self.delivered[lo:hi] < day)) / n if n >= MIN_COHORT else NAN

    def _pace(self, day: float) -> tuple[float, float]:
        """How many orders started in the pace window, and the Kaplan-Meier median of their working
        days (Monday to Friday, UTC days) to delivery, the ones not delivered by ``day`` censored."""
        lo, hi = np.searchsorted(self.starts, [day - self.cohorts.pace, day], side="left")
        n = int(hi - lo)
        if n < MIN_PACE:
            return float(n), NAN
        delivered = self.delivered[lo:hi]
        done = delivered < day
        first = np.floor(self.starts[lo:hi]).astype(np.int64).astype("datetime64[D]")
        last = np.floor(np.where(done, delivered, day)).astype(np.int64).astype("datetime64[D]")
        days = np.busday_count(first, last)
        order = np.lexsort((~done, days))  # at equal days, deliveries before the still-open
        survival = np.cumprod(np.where(done[order], 1.0 - 1.0 / (n - np.arange(n)), 1.0))
        below = np.nonzero(survival <= 0.5)[0]
        return float(n), float(days[order][below[0]]) if len(below) else NAN

    def _day(self, day: float) -> Summary:
        lo, mid, hi = np.searchsorted(self.starts, [day - SURGE_DAYS - SURGE_BASE_DAYS, day - SURGE_DAYS, day])
        week, base = float(hi - mid), float(mid - lo) * SURGE_DAYS / SURGE_BASE_DAYS
        surge = week / base if mid - lo >= MIN_COHORT else NAN
        return (*self._pace(day), self._share(day, self.cohorts.early), self._share(day, self.cohorts.late),
                week, surge)

    def block(self, as_of: np.ndarray) -> np.ndarray:
        days = np.floor(as_of)
        unique, inverse = np.unique(days, return_inverse=True)
        table = np.asarray([self._day(float(d)) for d in unique], dtype=np.float64).reshape(len(unique), 6)
        return table[inverse]


class HistoryIndex:
    """Observations (group, key, known_at in epoch days, value) answering as-of questions."""

    def __init__(self) -> None:
        self._points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
        self._series: dict[tuple[str, str], _Series | _Flow] = {}

    def add(self, group: str, key: str | None, known_at: float, value: float) -> None:
        if key is None:
            return
        self._points[(group, key)].append((known_at, max(0.0, value)))

    def add_flow(self, group: str, key: str | None, started: float, delivered: float | None) -> None:
        """An order of a flow group: when its clock started, and when it was delivered (None: not yet)."""
        if key is None:
            return
        self._points[(group, key)].append((started, math.inf if delivered is None else delivered))

    def freeze(self) -> HistoryIndex:
        self._series = {
            (g, k): _Flow(v, FLOW_GROUPS[g]) if g in FLOW_GROUPS else _Series(v) for (g, k), v in self._points.items()
        }
        return self

    def summaries(self, group: str, keys: list[str | None], as_of: np.ndarray) -> np.ndarray:
        """Summary rows (n x 6) for many (key, as_of) questions; one vectorised lookup per key."""
        out = np.tile(np.asarray(EMPTY, dtype=np.float64), (len(keys), 1))
        positions: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            if key is not None and (group, key) in self._series:
                positions[key].append(i)
        for key, where in positions.items():
            series, at = self._series[(group, key)], as_of[where]
            if isinstance(series, _Flow):
                out[where] = series.block(at)
                continue
            columns = [*series.windows(at, None), *series.windows(at, RECENT_DAYS)]
            columns += series.windows(at, SHORT_DAYS) if GROUPS[group] else [np.zeros(len(where)), np.full(len(where), NAN)]
            block = np.column_stack(columns)
            block[block[:, 0] == 0] = EMPTY
            out[where] = block
        return out

    def summary(self, group: str, key: str, as_of: float) -> Summary:
        row = self.summaries(group, [key], np.asarray([as_of]))[0]
        return tuple(float(x) for x in row)  # type: ignore[return-value]

    def snapshot(self, as_of: float) -> StatsSnapshot:
        table = {}
        for group, key in self._series:
            s = self.summary(group, key, as_of)
            if s[0] or group in FLOW_GROUPS:
                table[f"{group}/{key}"] = s
        return StatsSnapshot(as_of, table)


@dataclass(frozen=True)
class StatsSnapshot:
    """History summaries frozen at ``as_of``; what a saved model carries to prediction time."""

    as_of: float
    table: dict[str, Summary]

    def summary(self, group: str, key: str) -> Summary:
        return self.table.get(f"{group}/{key}", EMPTY)

    def to_json(self) -> dict:
        return {"as_of": self.as_of, "table": {k: [_num(x) for x in v] for k, v in self.table.items()}}

    @classmethod
    def from_json(cls, data: dict) -> StatsSnapshot:
        table = {k: tuple(NAN if x is None else float(x) for x in v) for k, v in data["table"].items()}
        return cls(float(data["as_of"]), table)  # type: ignore[arg-type]

    def network(self) -> dict[str, dict[str, float | int | None]]:
        """How each destination country's network is moving as of the snapshot, from the flow groups:
        what an operator checks first when estimates widen ("is everything slow right now?")."""
        out: dict[str, dict[str, float | int | None]] = {}
        for name, s in sorted(self.table.items()):
            group, _, country = name.partition("/")
            if group == "placed_flow":
                out.setdefault(country, {}).update({
                    "orders_last_3_weeks": int(s[0]), "pace_days": _num(s[1]),
                    "delivered_of_placed_5_10_days_ago": _num(s[2]), "order_surge": _num(s[5]),
                })
            elif group == "handoff_flow":
                out.setdefault(country, {})["handoff_pace_days"] = _num(s[1])
        return out


def _num(x: float) -> float | None:
    return None if math.isnan(x) else round(x, 4)
