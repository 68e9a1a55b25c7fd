"""As-of history statistics: what a seller, lane or area looked like at a given moment.

Features may only use deliveries known at prediction time. Training asks the :class:`HistoryIndex`
"as of" each row's (lagged) purchase time; a saved model keeps a :class:`StatsSnapshot` of the same
numbers at its training cut-off, so training and prediction see history of the same staleness.
Means of clipped business-day counts via prefix sums keep 100k as-of queries at a few seconds.
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

Summary = tuple[float, float, float, float, float, float]
"""(count, mean, recent count, recent mean, short count, short mean); means are NaN without data."""

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


class HistoryIndex:
    """Observations (group, key, known_at in epoch days, value) answering as-of questions."""

    def __init__(self) -> None:
        self._points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
        self._series: dict[tuple[str, str], _Series] = {}

    def add(self, group: str, key: str | None, known_at: float, value: float) -> None:
        if key is None:
            return
        self._points[(group, key)].append((known_at, max(0.0, value)))

    def freeze(self) -> HistoryIndex:
        self._series = {k: _Series(v) for k, v in self._points.items()}
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
            if s[0]:
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


def _num(x: float) -> float | None:
    return None if math.isnan(x) else round(x, 4)
