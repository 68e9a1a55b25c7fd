"""Choosing a carrier and service for a parcel by the seller's rule, and saying why in one sentence.

Pure: the figures of each candidate (price, service standard, our predicted window, the lane's on-time
record, the chance of meeting the deliver-by) are worked out by ``services.assignment``; this module
only ranks them. Rules:

- ``cheapest_on_time`` (default): the cheapest candidate whose chance of arriving by the deliver-by
  reaches the shop's confidence (95%); when none does, the one most likely to make it; without a
  deliver-by, the cheapest;
- ``cheapest``: the lowest price; ``fastest``: the earliest likely day, then price;
- ``most_reliable``: the highest chance by the deliver-by (or on-time record), then price.

A candidate without a price can only win ``fastest`` and ``most_reliable``, or when nothing is priced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

RULES = ("cheapest_on_time", "cheapest", "fastest", "most_reliable")
_NO_PRICE = float("inf")


@dataclass(frozen=True, slots=True)
class Candidate:
    carrier: str
    service: str
    price: float | None
    standard_days: tuple[int, int] | None
    promised_on: date | None
    earliest: date
    likely: date
    latest: date
    promise: date
    """Our own 80% window (earliest..latest) and 95% promise for this lane, from the delivery-date engine."""
    on_time_record: float | None = None
    record_parcels: int = 0
    record_lane: str | None = None
    chance: float | None = None
    """Chance of delivery by the deliver-by: our window blended with the lane's record (None: no deadline)."""
    refused: str | None = None

    @property
    def name(self) -> str:
        return f"{self.carrier} {self.service}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]
        for key in ("promised_on", "earliest", "likely", "latest", "promise"):
            out[key] = out[key].isoformat() if out[key] else None
        out["standard_days"] = list(self.standard_days) if self.standard_days else None
        return out


@dataclass(frozen=True, slots=True)
class Decision:
    rule: str
    confidence: float
    deliver_by: date | None
    chosen: Candidate | None
    explanation: str
    candidates: tuple[Candidate, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "confidence": self.confidence,
                "deliver_by": self.deliver_by.isoformat() if self.deliver_by else None,
                "chosen": {"carrier": self.chosen.carrier, "service": self.chosen.service} if self.chosen else None,
                "explanation": self.explanation, "candidates": [c.to_dict() for c in self.candidates]}


def _price(c: Candidate) -> float:
    return _NO_PRICE if c.price is None else c.price


def _chance(c: Candidate) -> float:
    if c.chance is not None:
        return c.chance
    return c.on_time_record if c.on_time_record is not None else 0.0


def _day(d: date) -> str:
    return f"{d:%b} {d.day}"


def _figures(c: Candidate, deliver_by: date | None) -> str:
    parts = []
    if deliver_by is not None and c.chance is not None:
        parts.append(f"{c.chance:.0%} likely by the deliver-by of {_day(deliver_by)}")
    parts.append(f"likely {_day(c.likely)}, 80% window {day_span(c.earliest, c.latest)}")
    if c.on_time_record is not None and c.record_parcels:
        parts.append(f"{c.on_time_record:.0%} on time over {c.record_parcels} parcels on {c.record_lane}")
    elif c.standard_days:
        parts.append(f"published standard {business_days(*c.standard_days)}")
    return "; ".join(parts)


def day_span(first: date, last: date) -> str:
    """``Dec 7-Dec 9``, or ``Dec 8`` when the window is one day (never ``Dec 8-Dec 8``)."""
    return _day(first) if first == last else f"{_day(first)}-{_day(last)}"


def business_days(low: int, high: int) -> str:
    """``1 business day``, ``3 business days``, ``2-3 business days``: a one-day range is one figure."""
    days = str(low) if low == high else f"{low}-{high}"
    return f"{days} business day{'' if (low, high) == (1, 1) else 's'}"


def choose(candidates: list[Candidate], rule: str = "cheapest_on_time", confidence: float = 0.95,
           deliver_by: date | None = None) -> Decision:
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; expected one of: {', '.join(RULES)}")
    able = [c for c in candidates if c.refused is None]
    if not able:
        reasons = "; ".join(f"{c.name}: {c.refused}" for c in candidates) or "no carrier service is connected"
        return Decision(rule, confidence, deliver_by, None, f"No carrier service can take this parcel ({reasons}).",
                        tuple(candidates))
    chosen, why = _pick(able, rule, confidence, deliver_by)
    cost = f" at ${chosen.price:.2f}" if chosen.price is not None else " (no price configured)"
    sentence = f"Chose {chosen.name}{cost}: {_figures(chosen, deliver_by)}; {why}."
    return Decision(rule, confidence, deliver_by, chosen, sentence, tuple(candidates))


def _pick(able: list[Candidate], rule: str, confidence: float, deliver_by: date | None) -> tuple[Candidate, str]:
    n = len(able)
    if rule == "fastest":
        best = min(able, key=lambda c: (c.likely, c.promise, _price(c)))
        return best, f"the earliest likely day of {n} options"
    if rule == "most_reliable":
        best = min(able, key=lambda c: (-_chance(c), _price(c)))
        return best, f"the most reliable of {n} options"
    if rule == "cheapest" or deliver_by is None:
        best = min(able, key=lambda c: (_price(c), -_chance(c), c.likely))
        note = " (no deliver-by known, so price alone)" if rule == "cheapest_on_time" else ""
        return best, f"the cheapest of {n} options{note}"
    meeting = [c for c in able if c.chance is not None and c.chance >= confidence]
    if meeting:
        best = min(meeting, key=lambda c: (_price(c), -_chance(c)))
        return best, f"the cheapest of the {len(meeting)} of {n} options at or above {confidence:.0%}"
    best = min(able, key=lambda c: (-_chance(c), _price(c)))
    return best, f"none of {n} options reaches {confidence:.0%}, so the most likely to make it"
