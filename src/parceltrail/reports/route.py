"""The evidence document's route, through the buyer page's route geometry (``web.route_map``)."""

from __future__ import annotations

from typing import Any

from parceltrail.web.route_map import RouteMap, draw


def route_of(doc: dict[str, Any]) -> RouteMap | None:
    pkg = doc["package"]

    def point(place: dict[str, Any] | None) -> tuple[float, float, str] | None:
        if not place or place.get("lat") is None:
            return None
        label = ", ".join(x for x in (place.get("city"), place.get("region")) if x)
        return place["lat"], place["lon"], label

    places = [(s["lat"], s["lon"], s["place"]) for s in doc["scans"] if s["lat"] is not None]
    start = point(pkg["origin"])
    if start is not None:
        places.insert(0, start)
    return draw(places, point(pkg["destination"]), pkg["status"] == "delivered")
