"""Carrier-standard prior: what a shop with no delivery history can honestly say.

Carriers publish transit standards in business days by service and distance zone. The table below
restates the published US ranges (USPS Ground Advantage 1-5, Priority Mail 1-3, UPS Ground 1-5,
FedEx Ground / Home Delivery 1-5 business days) per zone, and the day-definite air services (UPS Next Day
Air 1, UPS 2nd Day Air 2, FedEx Standard Overnight 1, FedEx 2Day 2 business days) for every zone, and
DHL eCommerce's 2-8 business days spread over the zones; any other service falls back to a generic
economy range. Published ranges are met most but not all of the time, so the P90 sits one day past
the published maximum and the 95% promise two days past it.
USPS and FedEx Home Delivery count Saturday among their delivery days, and so do their dates here
(`delivers_saturday` below, which eta.features hands to eta.calendar).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from parceltrail.eta.history import Place, distance_km

ZONE_LIMITS_KM = (80, 241, 483, 966, 1609, 2253, 2897)  # USPS zone 1..7 upper limits (50..1800 miles)

# (carrier, service) -> published (min, max) business days for zones 1..8
STANDARDS: dict[tuple[str, str], tuple[tuple[int, int], ...]] = {
    ("usps", "ground_advantage"): ((1, 2), (2, 3), (2, 3), (3, 4), (3, 4), (4, 5), (4, 5), (4, 5)),
    ("usps", "priority"): ((1, 2), (1, 2), (1, 2), (2, 3), (2, 3), (2, 3), (3, 3), (3, 3)),
    ("ups", "ground"): ((1, 1), (1, 1), (2, 2), (3, 3), (3, 4), (4, 4), (4, 5), (5, 5)),
    ("fedex", "ground"): ((1, 1), (1, 1), (2, 2), (3, 3), (3, 4), (4, 4), (4, 5), (5, 5)),
    ("fedex", "home_delivery"): ((1, 1), (1, 1), (2, 2), (3, 3), (3, 4), (4, 4), (4, 5), (5, 5)),
    # Time-definite air services: the same published day count for every zone.
    ("ups", "next_day_air"): ((1, 1),) * 8,
    ("ups", "2nd_day_air"): ((2, 2),) * 8,
    ("fedex", "2day"): ((2, 2),) * 8,
    ("fedex", "standard_overnight"): ((1, 1),) * 8,
    # DHL eCommerce (SmartMail Parcel Ground, delivered by USPS): published 2-8 business days, by zone.
    ("dhl", "ecommerce"): ((2, 3), (2, 4), (3, 5), (3, 6), (4, 7), (4, 7), (5, 8), (5, 8)),
    # parceltrail's sandbox carrier (carriers/sandbox) publishes these for its ground and express services.
    ("sandbox", "ground"): ((1, 1), (1, 2), (1, 2), (2, 2), (2, 3), (3, 4), (3, 4), (4, 5)),
    ("sandbox", "express"): ((1, 1), (1, 1), (1, 2), (1, 2), (1, 2), (1, 2), (1, 2), (1, 2)),
}
ECONOMY = ((2, 4), (3, 5), (3, 6), (4, 7), (5, 8), (5, 9), (6, 10), (7, 12))
SERVICE_ALIASES = {
    "ground_advantage": "ground_advantage", "usps_ground_advantage": "ground_advantage",
    "groundadvantage": "ground_advantage", "priority": "priority", "priority_mail": "priority",
    "ground": "ground", "fedex_ground": "ground", "home_delivery": "home_delivery",
    "fedex_home_delivery": "home_delivery", "ups_ground": "ground", "express": "express",
    "next_day_air": "next_day_air", "ups_next_day_air": "next_day_air", "2nd_day_air": "2nd_day_air",
    "ups_2nd_day_air": "2nd_day_air", "second_day_air": "2nd_day_air", "2day": "2day", "fedex_2day": "2day",
    "fedex_2_day": "2day", "ecommerce": "ecommerce", "smartmail_parcel_ground": "ecommerce", "standard_overnight": "standard_overnight", "fedex_standard_overnight": "standard_overnight",
}
# published delivery days include Saturday: every USPS service; FedEx Home Delivery; the sandbox's ground
SATURDAY_CARRIERS = frozenset({"usps"})  # and DHL eCommerce, which USPS delivers (below)
SATURDAY_SERVICES = frozenset({("fedex", "home_delivery"), ("sandbox", "ground"), ("dhl", "ecommerce")})
HANDLING = (0.0, 1.0, 2.0, 3.0)  # business days from order to handoff a new shop is assumed to need


def zone(origin: Place, destination: Place) -> int:
    """Distance zone 1..8; without coordinates: same sorting area 1, same region 3, same country 5."""
    km = distance_km(origin, destination)
    if km is not None:
        return 1 + sum(1 for limit in ZONE_LIMITS_KM if km > limit)
    if origin.country != destination.country:
        return 8
    if origin.postal_prefix and origin.postal_prefix == destination.postal_prefix:
        return 1
    if origin.region and origin.region == destination.region:
        return 3
    return 5


def service_key(carrier: str | None, service: str | None) -> tuple[str, str] | None:
    key = _named(carrier, service)
    return key if key in STANDARDS else None


@lru_cache(maxsize=256)
def delivers_saturday(carrier: str | None, service: str | None) -> bool:
    """Does this carrier's service deliver on Saturdays (eta.calendar)? Unknown ones are assumed not to.
    Cached: every calendar a feature row or an estimate reads asks it."""
    key = _named(carrier, service)
    return key[0] in SATURDAY_CARRIERS or key in SATURDAY_SERVICES


def _named(carrier: str | None, service: str | None) -> tuple[str, str]:
    """(carrier, service) in the names of STANDARDS; an unknown service keeps ''."""
    name = SERVICE_ALIASES.get((service or "").strip().lower().replace(" ", "_").replace("-", "_"))
    code = (carrier or "").strip().lower()
    if code.startswith("sandbox_"):  # the sandbox network's simulated carriers publish the sandbox's standards
        code = "sandbox"
    return (code, name or "")


@dataclass(frozen=True)
class CarrierStandards:
    """The prior: published standards turned into quantiles (P10, P50, P90, P95) in business days."""

    handling: tuple[float, float, float, float] = HANDLING

    def transit_quantiles(
        self, carrier: str | None, service: str | None, origin: Place, destination: Place
    ) -> tuple[list[float], bool]:
        """Quantiles from handoff, and whether a published standard (not the economy fallback) was used."""
        key = service_key(carrier, service)
        low, high = (STANDARDS[key] if key else ECONOMY)[zone(origin, destination) - 1]
        return [float(low), (low + high) / 2.0, high + 1.0, high + 2.0], key is not None

    def quantiles(
        self, carrier: str | None, service: str | None, origin: Place, destination: Place, handed_over: bool
    ) -> tuple[list[float], bool]:
        transit, published = self.transit_quantiles(carrier, service, origin, destination)
        if handed_over:
            return transit, published
        return [t + h for t, h in zip(transit, self.handling, strict=True)], published
