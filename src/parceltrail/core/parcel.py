"""A parcel's weight and size, what each carrier bills for it, and whether the carrier takes it at all.

Every carrier rounds the same way before it divides: each side to the nearest whole inch (half an inch
up), the cubic size divided by the carrier's divisor, any fraction of a pound up to the next pound, and
the greater of that and the actual weight (also rounded up) is billed. What differs is the divisor and
when it applies (docs/labels.md cites each carrier's page):

- UPS and FedEx, US domestic daily rates: 139 cubic inches per pound, every size;
- USPS (Priority Mail, Ground Advantage): 166, only for parcels over one cubic foot (1,728 cubic inches);
- the sandbox network's carriers: 139, like UPS.

Pure: numbers in, numbers out. Lengths are kept in inches and weights in pounds because the US carriers
bill in them; metric input is converted exactly once, on the way in.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

_GRAMS = {"g": 1.0, "kg": 1000.0, "oz": 28.349523125, "lb": 453.59237, "lbs": 453.59237}
_INCHES = {"in": 1.0, "cm": 1 / 2.54, "mm": 1 / 25.4}
_WEIGHT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(g|kg|oz|lbs?)\s*", re.IGNORECASE)
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*[x×*]\s*(\d+(?:\.\d+)?)\s*[x×*]\s*(\d+(?:\.\d+)?)\s*(in|cm|mm)\s*",
                   re.IGNORECASE)


class ParcelError(ValueError):
    """A weight or size that cannot be read, or a parcel a carrier will not take; ``field`` names the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_weight(text: str) -> float:
    """Pounds from text like ``2 lb``, ``12 oz``, ``1.5kg`` or ``900 g``."""
    match = _WEIGHT.fullmatch(text or "")
    if match is None:
        raise ParcelError("weight", f"{text!r} is not a weight; expected a number and g, kg, oz or lb, e.g. 2.5 lb")
    pounds = float(match.group(1)) * _GRAMS[match.group(2).lower()] / _GRAMS["lb"]
    if pounds <= 0:
        raise ParcelError("weight", "must be more than zero")
    return pounds


def parse_size(text: str) -> tuple[float, float, float]:
    """Inches, longest side first, from text like ``12x10x8 in`` or ``30 x 20 x 15 cm``."""
    match = _SIZE.fullmatch(text or "")
    if match is None:
        raise ParcelError("size", f"{text!r} is not a size; expected L x W x H and a unit, e.g. 12x10x8 in or 30x20x15 cm")
    factor = _INCHES[match.group(4).lower()]
    sides = sorted((float(match.group(i)) * factor for i in (1, 2, 3)), reverse=True)
    if sides[-1] <= 0:
        raise ParcelError("size", "every side must be more than zero")
    return sides[0], sides[1], sides[2]


@dataclass(frozen=True, slots=True)
class Parcel:
    """What goes in the van: weight in pounds, sides in inches (longest first, or None for an envelope)."""

    weight_lb: float
    sides_in: tuple[float, float, float] | None = None
    packaging: str | None = None

    @classmethod
    def of(cls, weight: str, size: str | None = None, packaging: str | None = None) -> Parcel:
        return cls(parse_weight(weight), parse_size(size) if size else None, packaging)

    @property
    def rounded_sides(self) -> tuple[int, int, int] | None:
        """Each side to the nearest whole inch, half an inch up: how every carrier here measures."""
        if self.sides_in is None:
            return None
        return tuple(_round_half_up(s) for s in self.sides_in)  # type: ignore[return-value]

    @property
    def length_plus_girth_in(self) -> int | None:
        sides = self.rounded_sides
        return None if sides is None else sides[0] + 2 * (sides[1] + sides[2])

    @property
    def cubic_in(self) -> int | None:
        sides = self.rounded_sides
        return None if sides is None else sides[0] * sides[1] * sides[2]

    def to_dict(self) -> dict[str, object]:
        return {"weight_lb": round(self.weight_lb, 3), "sides_in": list(self.sides_in) if self.sides_in else None,
                "packaging": self.packaging}


def _round_half_up(value: float) -> int:
    return int(math.floor(Fraction(value).limit_denominator(10_000) + Fraction(1, 2)))


def _pounds_up(value: float | Fraction) -> int:
    """Any fraction of a pound to the next whole pound (a float error of 1e-9 is not a fraction)."""
    return max(1, math.ceil(Fraction(value).limit_denominator(1_000_000)))


@dataclass(frozen=True, slots=True)
class DimRule:
    """A carrier's dimensional-weight rule: divisor in cubic inches per pound, and the size it starts at."""

    divisor: int
    over_cubic_in: int = 0
    """Dimensional weight applies only to parcels larger than this (USPS: one cubic foot)."""
    source: str = ""


DIM_RULES: dict[str, DimRule] = {
    "ups": DimRule(139, 0, "http://www.ups.com/content/cb/en/resources/ship/packaging/dim_weight.html"),
    "fedex": DimRule(139, 0, "https://help.propertyroom.com/support/solutions/articles/44001804965-dimensional-weight"),
    "usps": DimRule(166, 1728, "https://www.formaxdirect.com/news/usps-rate-change-june-2019"),
    "sandbox": DimRule(139, 0, "parceltrail sandbox network"),
}


@dataclass(frozen=True, slots=True)
class Limits:
    """The largest parcel a carrier's service takes: pounds, longest side, length plus girth (inches)."""

    max_weight_lb: float
    max_length_in: int
    max_length_plus_girth_in: int


LIMITS: dict[tuple[str, str | None], Limits] = {
    ("ups", None): Limits(150, 108, 165),
    ("fedex", None): Limits(150, 108, 165),
    ("fedex", "home_delivery"): Limits(70, 108, 165),
    ("usps", None): Limits(70, 108, 130),
    ("usps", "priority"): Limits(70, 108, 108),
    ("usps", "ground_advantage"): Limits(70, 108, 130),
    ("sandbox", None): Limits(150, 108, 165),
}


def carrier_family(carrier: str) -> str:
    """The sandbox network's simulated carriers (``sandbox_*``) bill and limit like the sandbox itself."""
    return "sandbox" if carrier.startswith("sandbox") else carrier


@dataclass(frozen=True, slots=True)
class Billable:
    """What a carrier charges for: actual and dimensional weight (whole pounds) and the greater of them."""

    carrier: str
    actual_lb: int
    dimensional_lb: int | None
    billable_lb: int
    divisor: int | None

    @property
    def by_size(self) -> bool:
        return self.dimensional_lb is not None and self.dimensional_lb > self.actual_lb

    def to_dict(self) -> dict[str, object]:
        return {"carrier": self.carrier, "actual_lb": self.actual_lb, "dimensional_lb": self.dimensional_lb,
                "billable_lb": self.billable_lb, "divisor": self.divisor, "by_size": self.by_size}


def billable_weight(parcel: Parcel, carrier: str) -> Billable:
    """Billed pounds for ``parcel`` with ``carrier``; a carrier without a known rule bills actual weight."""
    actual = _pounds_up(parcel.weight_lb)
    rule = DIM_RULES.get(carrier_family(carrier))
    cubic = parcel.cubic_in
    if rule is None or cubic is None or cubic <= rule.over_cubic_in:
        return Billable(carrier, actual, None, actual, rule.divisor if rule else None)
    dimensional = _pounds_up(Fraction(cubic, rule.divisor))
    return Billable(carrier, actual, dimensional, max(actual, dimensional), rule.divisor)


def limits_for(carrier: str, service: str | None) -> Limits | None:
    family = carrier_family(carrier)
    return LIMITS.get((family, service)) or LIMITS.get((family, None))


def over_limits(parcel: Parcel, carrier: str, service: str | None = None) -> list[str]:
    """Why ``carrier``'s ``service`` would refuse the parcel (empty: it takes it, or its limits are unknown)."""
    limits = limits_for(carrier, service)
    if limits is None:
        return []
    name = f"{carrier} {service}" if service else carrier
    out = []
    if parcel.weight_lb > limits.max_weight_lb:
        out.append(f"weighs {parcel.weight_lb:.1f} lb; {name} takes at most {limits.max_weight_lb:g} lb")
    sides = parcel.rounded_sides
    if sides is not None:
        if sides[0] > limits.max_length_in:
            out.append(f"is {sides[0]} in long; {name} takes at most {limits.max_length_in} in")
        girth = parcel.length_plus_girth_in
        if girth is not None and girth > limits.max_length_plus_girth_in:
            out.append(f"measures {girth} in length plus girth; {name} takes at most "
                       f"{limits.max_length_plus_girth_in} in")
    return out
