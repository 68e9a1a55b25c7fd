"""The route a parcel took, drawn as inline SVG from its scans' ZIP centroids: no tiles, no script.

An equirectangular projection scaled by the cosine of the middle latitude keeps US distances honest
enough at this size; a faint 5-degree graticule gives the eye a scale. Places are de-duplicated in
travel order, so a parcel scanned three times in one hub is one stop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

WIDTH, HEIGHT, PAD = 640, 360, 48


@dataclass(frozen=True, slots=True)
class Stop:
    x: float
    y: float
    label: str
    kind: str  # origin | hub | current | destination
    labelled: bool = True
    """False when its label would overlap a more important one (the map's title still names every stop)."""

    @property
    def anchor(self) -> str:
        """Labels near an edge grow inwards, so no label is cut off by the drawing's border."""
        return "start" if self.x < WIDTH * 0.3 else ("end" if self.x > WIDTH * 0.7 else "middle")


@dataclass(frozen=True, slots=True)
class RouteMap:
    width: int
    height: int
    stops: list[Stop]
    travelled: str
    """SVG points of the line already travelled."""
    ahead: str
    """SVG points from the newest scan to the destination (dashed), empty when delivered or unknown."""
    grid: list[tuple[float, float, float, float]]


def draw(places: list[tuple[float, float, str]], destination: tuple[float, float, str] | None,
         delivered: bool) -> RouteMap | None:
    """``places`` oldest first as (lat, lon, label); None when there is nothing to draw."""
    stops: list[tuple[float, float, str]] = []
    for lat, lon, label in places:
        if not stops or stops[-1][2] != label:
            stops.append((lat, lon, label))
    points = stops + ([destination] if destination and not delivered else [])
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    mid = math.cos(math.radians((max(lats) + min(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * mid, 1.0)
    span_y = max(max(lats) - min(lats), 1.0)
    scale = min((WIDTH - 2 * PAD) / span_x, (HEIGHT - 2 * PAD) / span_y)
    cx, cy = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return round(WIDTH / 2 + (lon - cx) * mid * scale, 1), round(HEIGHT / 2 - (lat - cy) * scale, 1)

    drawn: list[Stop] = []
    for i, (lat, lon, label) in enumerate(stops):
        kind = "origin" if i == 0 else ("current" if i == len(stops) - 1 else "hub")
        drawn.append(Stop(*xy(lat, lon), label, kind))
    travelled = " ".join(f"{s.x},{s.y}" for s in drawn)
    ahead = ""
    if destination and not delivered:
        end = Stop(*xy(destination[0], destination[1]), destination[2], "destination")
        if drawn:
            ahead = f"{drawn[-1].x},{drawn[-1].y} {end.x},{end.y}"
        drawn.append(end)
    elif delivered and drawn:
        drawn[-1] = Stop(drawn[-1].x, drawn[-1].y, drawn[-1].label, "destination")
    return RouteMap(WIDTH, HEIGHT, _declutter(drawn), travelled, ahead, _grid(xy, lats, lons, scale))


LABEL_EM = 30.0  # the labels' largest font size in map units (phones), so boxes are never underestimated
_FIRST = {"destination": 0, "current": 1, "origin": 2, "hub": 3}


def _box(stop: Stop) -> tuple[float, float, float, float]:
    width = len(stop.label) * LABEL_EM * 0.55
    left = stop.x if stop.anchor == "start" else stop.x - width if stop.anchor == "end" else stop.x - width / 2
    top = stop.y - 22 - LABEL_EM if stop.y > 60 else stop.y + 44 - LABEL_EM
    return left, top, left + width, top + LABEL_EM


def _declutter(stops: list[Stop]) -> list[Stop]:
    """Label the destination, where the parcel is now and where it started first, then hubs that fit."""
    placed: list[tuple[float, float, float, float]] = []
    keep: dict[int, bool] = {}
    for i in sorted(range(len(stops)), key=lambda i: _FIRST[stops[i].kind]):
        box = _box(stops[i])
        free = all(box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3] for b in placed)
        keep[i] = free
        if free:
            placed.append(box)
    return [replace(s, labelled=keep[i]) for i, s in enumerate(stops)]


def _grid(xy, lats: list[float], lons: list[float], scale: float) -> list[tuple[float, float, float, float]]:
    reach = (WIDTH / scale) + 10
    lines = []
    lo_lat, hi_lat = math.floor((min(lats) - reach) / 5) * 5, math.ceil((max(lats) + reach) / 5) * 5
    lo_lon, hi_lon = math.floor((min(lons) - reach) / 5) * 5, math.ceil((max(lons) + reach) / 5) * 5
    for lat in range(lo_lat, hi_lat + 1, 5):
        (x1, y), (x2, _) = xy(lat, lo_lon), xy(lat, hi_lon)
        if 0 <= y <= HEIGHT:
            lines.append((max(x1, 0), y, min(x2, WIDTH), y))
    for lon in range(lo_lon, hi_lon + 1, 5):
        (x, y1), (_, y2) = xy(hi_lat, lon), xy(lo_lat, lon)
        if 0 <= x <= WIDTH:
            lines.append((x, max(y1, 0), x, min(y2, HEIGHT)))
    return lines
