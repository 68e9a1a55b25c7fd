"""Detection: which carriers and formats a tracking number fits, ranked, with what it decodes to.

Ranking, most important first: a carrier the shop uses (when the caller says which it uses), a passed
check digit over none, confidence, then the origin/destination country hint; only when all of those
tie does the carrier code order the list, and then ``ambiguous`` says so. Confidence is
``1 - 2 ** (-bits / 3)``, where bits measure how unlikely a random number of the same kind is to fit the
format by chance (fixed characters, restricted positions, the check digit, required tables, hints).
Digits-only formats without a check digit are capped at 0.5: any number of the right length fits them.
Every candidate gets at least 0.1.

Speed: only the formats of the number's (length, first character) bucket are tried, the result classes
are plain slotted classes (not frozen: ``detect`` builds several per call), and decoded fields wait
until someone reads them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from parceltrail.numbers.catalogue import (
    GENERIC_S10_CARRIER,
    Catalogue,
    Format,
    catalogue,
    confidence_from_bits,
)
from parceltrail.numbers.hints import Hint, hints_for

SHOP_CARRIER_BITS = 4.0
COUNTRY_BITS = 2.0
_DROP = str.maketrans("", "", " \t\r\n\f\v-\u00a0\u2010\u2011\u2012\u2013\u2014\u2212")


def normalize(text: str) -> str:
    """Upper-case, without spaces or dashes; full-width and other compatibility characters folded."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    compact = text.replace(" ", "").replace("-", "")  # the common separators, at C speed
    if not compact.isalnum():
        compact = compact.translate(_DROP)  # tabs, line breaks, no-break spaces, other dashes
    return compact.upper()


class Candidate:
    """One carrier format the number fits, with its check-digit outcome and decoded fields.

    ``fields`` are decoded on first access (names from the format's tables): ranking never needs them,
    so ``detect`` does not pay for them; ``to_dict`` and the CLI do.
    """

    __slots__ = (
        "_fields",
        "_match",
        "carrier",
        "checksum",
        "confidence",
        "country_match",
        "format",
        "shop_carrier",
        "spec",
    )

    def __init__(self, carrier: str, format: str, checksum: str, confidence: float, spec: Format,
                 match: re.Match[str]) -> None:
        self.carrier = carrier
        self.format = format
        self.checksum = checksum  # "pass" or "none" (a failed check digit is a NearMiss, not a candidate)
        self.confidence = confidence
        self.spec = spec
        self.shop_carrier = False
        self.country_match = False
        self._match = match
        self._fields: dict[str, str] | None = None

    def __repr__(self) -> str:
        return f"Candidate({self.carrier!r}, {self.format!r}, {self.checksum!r}, {self.confidence!r})"

    @property
    def format_name(self) -> str:
        return self.spec.name

    @property
    def fields(self) -> dict[str, str]:
        if self._fields is None:
            self._fields = decode_fields(self.spec, self._match.groupdict())
        return self._fields

    def to_dict(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier,
            "format": self.format,
            "checksum": self.checksum,
            "confidence": self.confidence,
            "fields": dict(self.fields),
        }


def decode_fields(fmt: Format, groups: dict[str, str | None]) -> dict[str, str]:
    """The pattern's named parts under their field names, plus what the format's tables call them."""
    names = fmt.field_names
    fields = {names[name]: value for name, value in groups.items() if value is not None}
    for lookup in fmt.lookups:
        value = fields.get(lookup.source)
        entry = lookup.find(value) if value is not None else None
        if entry is None:
            continue
        if "name" in entry:
            fields[lookup.target] = entry["name"]
        else:
            fields.update(entry)
    return fields


@dataclass(slots=True)
class NearMiss:
    """A format whose shape the number has but which rejects it: the explanation for a typo or a fake.

    ``problem`` is "check_digit" (``found`` is the number's check character, ``wanted`` the format's) or
    "unknown_value" (``found`` is a value, such as an S10 country, that the format's table lacks).
    """

    carrier: str
    format: str
    problem: str
    field: str
    found: str
    wanted: str = ""

    @property
    def reason(self) -> str:
        if self.problem == "check_digit":
            return f"check digit is {self.found}, the format needs {self.wanted}"
        return f"{self.field.replace('_', ' ')} {self.found} is not a known value"


@dataclass(slots=True)
class Detection:
    input: str
    normalized: str
    candidates: tuple[Candidate, ...]
    near_misses: tuple[NearMiss, ...] = ()
    hints: tuple[Hint, ...] = ()
    """What the number looks like instead (a TikTok Shop order id), whatever formats it fits."""

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
        candidates = self.candidates
        if len(candidates) < 2:
            return False
        first = candidates[0].carrier
        return any(c.carrier != first for c in candidates)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``parceltrail detect --json`` and ``GET /v1/tracking-numbers/{number}``."""
        best = self.candidates[0] if self.candidates else None
        return {
            "input": self.input,
            "normalized": self.normalized,
            "valid": best is not None,
            "carrier": best.carrier if best else None,
            "format": best.format if best else None,
            "ambiguous": self.ambiguous,
            "candidates": [c.to_dict() for c in self.candidates],
            "hints": [h.to_dict() for h in self.hints],
        }


def _evaluate(fmt: Format, match: re.Match[str], book: Catalogue) -> Candidate | NearMiss:
    checksum = fmt.checksum
    if checksum is not None:
        expected = checksum.expected(fmt.payload(match))
        found = match.group("check")
        if expected != found:
            return NearMiss(fmt.carrier, fmt.id, "check_digit", "check_digit", found, expected)
    for lookup in fmt.required_lookups:
        value = match.group(lookup.source)
        if value is not None and lookup.find(value) is None:
            return NearMiss(fmt.carrier, fmt.id, "unknown_value", lookup.source, value)
    carrier = fmt.carrier
    if fmt.carrier_field is not None:
        carrier = book.s10_carrier_by_country.get(match.group(fmt.carrier_field), GENERIC_S10_CARRIER)
    return Candidate(carrier, fmt.id, "none" if checksum is None else "pass", fmt.confidence, fmt, match)


def _apply_hints(candidate: Candidate, shop: frozenset[str] | None, country: str | None, book: Catalogue) -> None:
    fmt = candidate.spec
    bits = fmt.bits
    if shop is not None and candidate.carrier in shop:
        candidate.shop_carrier = True
        bits += SHOP_CARRIER_BITS
    if country is not None:
        decoded = candidate.fields.get("country_code")
        if decoded == country if decoded else country in book.carriers[candidate.carrier].countries:
            candidate.country_match = True
            bits += COUNTRY_BITS
    candidate.confidence = confidence_from_bits(bits, fmt.digits_only and fmt.checksum is None)


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
    found: list[Candidate] = []
    misses: list[NearMiss] = []
    for fmt in book.dispatch.get((len(normalized), normalized[:1]), ()):
        match = fmt.pattern.fullmatch(normalized)
        if match is not None:
            outcome = _evaluate(fmt, match, book)
            if outcome.__class__ is Candidate:
                found.append(outcome)
            else:
                misses.append(outcome)
    if carriers is not None or country:
        if isinstance(carriers, str):  # one code given bare: not a set of its letters
            carriers = (carriers,)
        shop = frozenset(carriers) if carriers is not None else None
        for candidate in found:
            _apply_hints(candidate, shop, country.upper() if country else None, book)
    if len(found) > 1:
        found.sort(key=_rank_key)
    return Detection(text, normalized, tuple(found), tuple(misses) if misses else (), hints_for(normalized))


def detection_json(text: str, carriers: Iterable[str] | None = None, country: str | None = None) -> dict[str, Any]:
    """The API's ``GET /v1/tracking-numbers/{number}`` body: the same object the CLI prints with --json."""
    return detect(text, carriers=carriers, country=country).to_dict()
