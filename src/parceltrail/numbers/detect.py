"""Detection: which carriers and formats a tracking number fits, ranked, with what it decodes to.

Ranking, most important first: a carrier the shop uses (when the caller says which it uses), a passed
check digit over none, confidence, then the origin/destination country hint; only when all of those
tie does the carrier code order the list, and then ``ambiguous`` says so. Confidence is
``1 - 2 ** (-bits / 3)``, where bits measure how unlikely a random number of the same kind is to fit the
format by chance (fixed characters, restricted positions, the check digit, required tables, hints).
Digits-only formats without a check digit are capped at 0.5: any number of the right length fits them.
Every candidate gets at least 0.1.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from parceltrail.numbers.catalogue import GENERIC_S10_CARRIER, Catalogue, Format, catalogue

UNCHECKED_DIGITS_CAP = 0.5
MATCH_FLOOR = 0.1  # fitting a format at all is some evidence, even one with no fixed characters
SHOP_CARRIER_BITS = 4.0
COUNTRY_BITS = 2.0
_DROP = str.maketrans("", "", " \t\r\n\f\v-\u00a0\u2010\u2011\u2012\u2013\u2014\u2212")


def normalize(text: str) -> str:
    """Upper-case, without spaces or dashes; full-width and other compatibility characters folded."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_DROP).upper()


def confidence_from_bits(bits: float, capped: bool) -> float:
    value = max(MATCH_FLOOR, 1.0 - 2.0 ** (-bits / 3.0))
    return round(min(value, UNCHECKED_DIGITS_CAP) if capped else value, 3)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One carrier format the number fits, with its check-digit outcome and decoded fields."""

    carrier: str
    format: str
    checksum: str  # "pass" or "none" (a failed check digit is a NearMiss, not a candidate)
    confidence: float
    fields: dict[str, str]
    format_name: str
    shop_carrier: bool = False
    country_match: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier,
            "format": self.format,
            "checksum": self.checksum,
            "confidence": self.confidence,
            "fields": dict(self.fields),
        }


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A format whose shape the number has but which rejects it: the explanation for a typo or a fake."""

    carrier: str
    format: str
    reason: str


@dataclass(frozen=True, slots=True)
class Detection:
    input: str
    normalized: str
    candidates: tuple[Candidate, ...]
    near_misses: tuple[NearMiss, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return bool(self.candidates)

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def carrier(self) -> str | None:
        return self.candidates[0].carrier if self.candidates else None

    @property
    def format(self) -> str | None:
        return self.candidates[0].format if self.candidates else None

    @property
    def ambiguous(self) -> bool:
        """True when candidates from more than one carrier survive."""
        first = self.carrier
        return any(c.carrier != first for c in self.candidates)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``parceltrail detect --json`` and ``GET /v1/tracking-numbers/{number}``."""
        return {
            "input": self.input,
            "normalized": self.normalized,
            "valid": self.valid,
            "carrier": self.carrier,
            "format": self.format,
            "ambiguous": self.ambiguous,
            "candidates": [c.to_dict() for c in self.candidates],
        }


def _evaluate(fmt: Format, groups: dict[str, str | None], book: Catalogue) -> Candidate | NearMiss:
    if fmt.checksum is not None:
        expected = fmt.checksum.expected(fmt.payload(groups))
        if expected != groups["check"]:
            return NearMiss(fmt.carrier, fmt.id, f"check digit is {groups['check']}, the format needs {expected}")
    fields: dict[str, str] = {}
    for name, value in groups.items():
        if value is not None:
            fields[_FIELD_NAMES.get(name) or name.partition("__")[0]] = value
    for lookup in fmt.lookups:
        value = fields.get(lookup.source)
        if value is None:
            continue
        entry = lookup.find(value)
        if entry is None:
            if lookup.required:
                return NearMiss(fmt.carrier, fmt.id, f"{lookup.source.replace('_', ' ')} {value} is not a known value")
            continue
        if "name" in entry:
            fields[lookup.target] = entry["name"]
        else:
            fields.update(entry)
    carrier = fmt.carrier
    if fmt.carrier_field is not None:
        carrier = book.s10_carrier_by_country.get(fields[fmt.carrier_field], GENERIC_S10_CARRIER)
    return Candidate(
        carrier=carrier,
        format=fmt.id,
        checksum="pass" if fmt.checksum is not None else "none",
        confidence=0.0,
        fields=fields,
        format_name=fmt.name,
    )


_FIELD_NAMES = {"serial": "serial_number", "check": "check_digit"}


def _with_hints(candidate: Candidate, fmt: Format, shop: frozenset[str] | None, country: str | None,
                book: Catalogue) -> Candidate:
    bits = fmt.bits
    in_shop = shop is not None and candidate.carrier in shop
    country_match = False
    if country is not None:
        decoded = candidate.fields.get("country_code")
        country_match = decoded == country if decoded else country in book.carriers[candidate.carrier].countries
    if in_shop:
        bits += SHOP_CARRIER_BITS
    if country_match:
        bits += COUNTRY_BITS
    capped = fmt.digits_only and fmt.checksum is None
    return Candidate(
        carrier=candidate.carrier,
        format=candidate.format,
        checksum=candidate.checksum,
        confidence=confidence_from_bits(bits, capped),
        fields=candidate.fields,
        format_name=candidate.format_name,
        shop_carrier=in_shop,
        country_match=country_match,
    )


def _rank_key(candidate: Candidate) -> tuple:
    return (
        not candidate.shop_carrier,
        candidate.checksum != "pass",
        -candidate.confidence,
        not candidate.country_match,
        candidate.carrier,
        candidate.format,
    )


def detect(text: str, carriers: Iterable[str] | None = None, country: str | None = None) -> Detection:
    """Every format ``text`` fits, best first. ``carriers``: the codes the shop ships with; ``country``:
    ISO 3166 alpha-2 of the origin or destination. Both only re-rank; neither hides a candidate."""
    book = catalogue()
    normalized = normalize(text)
    shop = frozenset(carriers) if carriers is not None else None
    hint_country = country.upper() if country else None
    found: list[Candidate] = []
    misses: list[NearMiss] = []
    for fmt in book.formats_for(normalized):
        match = fmt.pattern.fullmatch(normalized)
        if match is None:
            continue
        outcome = _evaluate(fmt, match.groupdict(), book)
        if isinstance(outcome, NearMiss):
            misses.append(outcome)
        else:
            found.append(_with_hints(outcome, fmt, shop, hint_country, book))
    found.sort(key=_rank_key)
    return Detection(input=text, normalized=normalized, candidates=tuple(found), near_misses=tuple(misses))


def detection_json(text: str, carriers: Iterable[str] | None = None, country: str | None = None) -> dict[str, Any]:
    """The API's ``GET /v1/tracking-numbers/{number}`` body: the same object the CLI prints with --json."""
    return detect(text, carriers=carriers, country=country).to_dict()
