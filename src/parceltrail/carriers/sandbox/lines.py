"""The sandbox network's carriers: the sandbox carrier itself and three simulated competitors whose lanes
differ in speed, reliability and price, so carrier assignment can be tried and measured (bench/assignment.py).

Each ``Line`` is a digit in label numbers (``numbering.encode_label``). Its journeys follow the sandbox
rules with its own trunk speed (``haul``: hours on the road times this) and its own chance, at each hub,
of missing the outbound trailer (a day late); a regional carrier is fast and reliable inside its region
and slow and unreliable outside it. Its exception mix (lost, damaged, failed first attempts ...) is
drawn when a label is bought, and its price list is published here (``price``) like a carrier's retail
rates: base + per billable pound + per distance zone. All four are tracked by the one sandbox adapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from parceltrail.carriers.sandbox.numbering import Scenario, Service

WEST = frozenset({"WA", "OR", "CA", "NV", "ID", "UT", "AZ", "MT", "WY", "CO", "NM"})


@dataclass(frozen=True, slots=True)
class Rate:
    """Dollars: ``base`` for the first pound and zone 1, plus each further pound and each zone further."""

    base: float
    per_lb: float
    per_zone: float

    def price(self, billable_lb: int, zone: int) -> float:
        return round(self.base + self.per_lb * max(0, billable_lb - 1) + self.per_zone * max(0, zone - 1), 2)


@dataclass(frozen=True, slots=True)
class Line:
    digit: int
    code: str
    name: str
    rates: dict[Service, Rate]
    haul: float = 1.0
    miss: float = 0.0
    """Chance, per hub, of missing the outbound trailer on a lane the carrier serves well."""
    region: frozenset[str] | None = None
    """States the carrier is strong in (both ends inside); None: the whole country alike."""
    haul_away: float = 1.0
    miss_away: float = 0.0
    scenarios: dict[Scenario, float] = field(default_factory=dict)
    """Share of labels that meet each exception; the rest are NORMAL."""

    @property
    def services(self) -> tuple[Service, ...]:
        return tuple(self.rates)

    def home(self, origin_state: str, destination_state: str) -> bool:
        return self.region is None or (origin_state in self.region and destination_state in self.region)

    def price(self, service: Service, billable_lb: int, zone: int, origin_state: str, destination_state: str) -> float:
        rate = self.rates[service]
        away = 1.0 if self.home(origin_state, destination_state) else 1.45
        return round(rate.price(billable_lb, zone) * away, 2)


LINES: dict[int, Line] = {line.digit: line for line in (
    Line(0, "sandbox", "parceltrail sandbox",
         {Service.GROUND: Rate(6.50, 0.45, 0.55), Service.EXPRESS: Rate(17.90, 1.20, 1.60),
          Service.ECONOMY: Rate(4.80, 0.35, 0.40)},
         scenarios={Scenario.ADDRESS_ISSUE: 0.01, Scenario.WEATHER_DELAY: 0.02, Scenario.FAILED_ATTEMPT_THEN_SUCCESS: 0.04,
                    Scenario.LOST: 0.002, Scenario.DAMAGED: 0.003, Scenario.RETURN_TO_SENDER: 0.005}),
    Line(1, "sandbox_swift", "Swift Parcel (simulated)",
         {Service.GROUND: Rate(8.40, 0.60, 0.75), Service.EXPRESS: Rate(21.50, 1.40, 1.90)},
         haul=0.8, miss=0.01,
         scenarios={Scenario.ADDRESS_ISSUE: 0.005, Scenario.FAILED_ATTEMPT_THEN_SUCCESS: 0.015, Scenario.LOST: 0.0005,
                    Scenario.DAMAGED: 0.001}),
    Line(2, "sandbox_thrift", "Thrift Post (simulated)",
         {Service.GROUND: Rate(5.10, 0.32, 0.35), Service.ECONOMY: Rate(3.90, 0.25, 0.25)},
         haul=1.3, miss=0.12,
         scenarios={Scenario.ADDRESS_ISSUE: 0.02, Scenario.WEATHER_DELAY: 0.03, Scenario.FAILED_ATTEMPT_THEN_SUCCESS: 0.09,
                    Scenario.LOST: 0.008, Scenario.DAMAGED: 0.012, Scenario.RETURN_TO_SENDER: 0.01}),
    Line(3, "sandbox_west", "Pacific Regional (simulated)",
         {Service.GROUND: Rate(4.70, 0.30, 0.30)},
         haul=0.7, miss=0.01, region=WEST, haul_away=1.35, miss_away=0.3,
         scenarios={Scenario.ADDRESS_ISSUE: 0.01, Scenario.FAILED_ATTEMPT_THEN_SUCCESS: 0.03, Scenario.LOST: 0.003,
                    Scenario.DAMAGED: 0.004}),
)}


@cache
def by_code() -> dict[str, Line]:
    return {line.code: line for line in LINES.values()}


def line_of(code: str) -> Line:
    """The line a carrier code names; ``KeyError`` lists the sandbox network's carriers."""
    try:
        return by_code()[code]
    except KeyError:
        raise KeyError(f"{code!r} is not a sandbox network carrier; expected one of: {', '.join(by_code())}") from None
