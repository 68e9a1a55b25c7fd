"""The format catalogue: carriers and their number formats, loaded once from ``formats/*.toml``.

Format definitions are data so that adding a carrier is a reviewable file, not code. Everything a
detector needs per format is computed here at load time (compiled pattern, check-digit rule,
lookup tables, dispatch keys, evidence bits), so ``detect`` itself only looks things up.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

from parceltrail.numbers.checksums import Checksum, checksum_from
from parceltrail.numbers.shape import shape_of

S10_OPERATORS_FILE = "s10_operators.toml"
GENERIC_S10_CARRIER = "s10"
# Fixed letters next to fixed digit runs (1Z..., ..123456785GB) are themselves evidence of a tracking
# number: a flat allowance, since every format of that layout shares it and it ranks none above another.
MIXED_SHAPE_BITS = 3.0
UNCHECKED_DIGITS_CAP = 0.5
MATCH_FLOOR = 0.1  # fitting a format at all is some evidence, even one with no fixed characters


def confidence_from_bits(bits: float, capped: bool) -> float:
    """1 - 2^(-bits/3), at least MATCH_FLOOR, at most UNCHECKED_DIGITS_CAP when ``capped``."""
    value = max(MATCH_FLOOR, 1.0 - 2.0 ** (-bits / 3.0))
    return round(min(value, UNCHECKED_DIGITS_CAP) if capped else value, 3)


class UnknownCarrier(ValueError):
    """A carrier code the catalogue does not know."""


class UnknownFormat(ValueError):
    """A format id the catalogue does not know for that carrier."""


@dataclass(frozen=True, slots=True)
class Lookup:
    """Names a decoded field's value: ``service_type`` 03 -> ``service`` "UPS Ground".

    ``prefix`` tables match the longest key the value starts with (S10 service letters);
    ``required`` lookups reject the number when the value is not in the table (S10 countries).
    """

    source: str
    target: str
    table: Mapping[str, Mapping[str, str]]
    prefix: bool = False
    required: bool = False

    def find(self, value: str) -> Mapping[str, str] | None:
        entry = self.table.get(value)
        if entry is None and self.prefix:
            for size in range(len(value) - 1, 0, -1):
                entry = self.table.get(value[:size])
                if entry is not None:
                    break
        return entry


@dataclass(frozen=True, slots=True)
class Format:
    """One number format of one carrier (or, for S10, of whichever operator the country names)."""

    id: str
    name: str
    carrier: str
    pattern: re.Pattern[str]
    source: str
    checksum: Checksum | None
    payload_groups: tuple[str, ...]
    payload_prefix: str
    lookups: tuple[Lookup, ...]
    required_lookups: tuple[Lookup, ...]
    carrier_field: str | None
    description: str
    examples: tuple[str, ...]
    lengths: frozenset[int]
    first_chars: frozenset[str]
    digits_only: bool
    bits: float
    confidence: float  # before hints
    field_names: Mapping[str, str]  # pattern group -> decoded field name

    def payload(self, match: re.Match[str]) -> str:
        """The characters the check digit covers; a configured prefix is added unless already there."""
        if len(self.payload_groups) == 1:
            text = match.group(self.payload_groups[0]) or ""
        else:
            text = "".join(part or "" for part in match.group(*self.payload_groups))
        if self.payload_prefix and not text.startswith(self.payload_prefix):
            text = self.payload_prefix + text
        return text


@dataclass(frozen=True, slots=True)
class Carrier:
    code: str
    name: str
    tracking_url: str | None
    countries: frozenset[str]
    complete: bool
    formats: tuple[Format, ...]


@dataclass(slots=True)
class Catalogue:
    carriers: dict[str, Carrier]
    formats: tuple[Format, ...]
    s10_carrier_by_country: dict[str, str]
    dispatch: dict[tuple[int, str], tuple[Format, ...]] = field(default_factory=dict)

    def formats_for(self, normalized: str) -> tuple[Format, ...]:
        """The only formats that can match: same length and a first character they allow."""
        return self.dispatch.get((len(normalized), normalized[:1]), ())

    def carrier(self, code: str) -> Carrier:
        try:
            return self.carriers[code]
        except KeyError:
            raise UnknownCarrier(f"unknown carrier code {code!r}") from None

    def format(self, carrier: str, format_id: str) -> Format:
        for candidate in self.carrier(carrier).formats:
            if candidate.id == format_id:
                return candidate
        raise UnknownFormat(f"carrier {carrier!r} has no format {format_id!r}")


def _entry(value: object) -> dict[str, str]:
    return {"name": value} if isinstance(value, str) else dict(value)


def _lookup(spec: dict, tables: Mapping[str, Mapping[str, Mapping[str, str]]]) -> Lookup:
    return Lookup(
        source=spec["field"],
        target=spec["as"],
        table=tables[spec["table"]],
        prefix=spec.get("prefix", False),
        required=spec.get("required", False),
    )


# Pattern groups whose field name differs from the group name; ``shipper_id__6`` (a second group for the
# same field, since a pattern cannot name two groups alike) becomes ``shipper_id``.
_RENAMED_GROUPS = {"serial": "serial_number", "check": "check_digit"}


def _field_names(pattern: re.Pattern[str]) -> dict[str, str]:
    return {name: _RENAMED_GROUPS.get(name, name.partition("__")[0]) for name in pattern.groupindex}


def _format(spec: dict, carrier: str, tables: Mapping, source: str) -> Format:
    shape = shape_of(spec["pattern"])
    checksum_spec = spec.get("checksum")
    checksum = checksum_from(checksum_spec) if checksum_spec else None
    lookups = tuple(_lookup(item, tables) for item in spec.get("lookups", ()))
    bits = shape.structure_bits + (checksum.bits if checksum else 0.0) + (MIXED_SHAPE_BITS if shape.mixed else 0.0)
    for lookup in lookups:
        if lookup.required:  # a table that rejects values is evidence, like a fixed prefix
            keys = "".join(lookup.table)
            alphabet = 10 if keys.isdigit() else 26 if keys.isalpha() else 36
            bits += math.log2(alphabet ** max(len(k) for k in lookup.table) / len(lookup.table))
    pattern = re.compile(spec["pattern"], re.ASCII)
    return Format(
        id=spec["id"],
        name=spec["name"],
        carrier=carrier,
        pattern=pattern,
        source=spec.get("source", source),  # a format may name its own, where the carrier's other formats differ
        checksum=checksum,
        payload_groups=tuple(checksum_spec.get("over", ["serial"])) if checksum_spec else (),
        payload_prefix=checksum_spec.get("prefix", "") if checksum_spec else "",
        lookups=lookups,
        required_lookups=tuple(lookup for lookup in lookups if lookup.required),
        carrier_field=spec.get("carrier_from"),
        description=spec.get("description", ""),
        examples=tuple(spec.get("examples", ())),
        lengths=shape.lengths,
        first_chars=shape.first_chars,
        digits_only=shape.digits_only,
        bits=round(bits, 3),
        confidence=confidence_from_bits(bits, shape.digits_only and checksum is None),
        field_names=_field_names(pattern),
    )


def _builtin_tables() -> dict[str, dict[str, dict[str, str]]]:
    """Tables that come from ISO 3166 (via pycountry) rather than from a format file."""
    import pycountry

    numeric = {
        c.numeric: {"country_code": c.alpha_2, "country": getattr(c, "common_name", c.name)}
        for c in pycountry.countries
    }
    return {"@iso3166_numeric": numeric}


def _s10_tables(data: dict) -> tuple[dict[str, dict[str, str]], dict[str, str], list[dict]]:
    import pycountry

    carrier_by_country: dict[str, str] = {}
    for code, spec in data["carriers"].items():
        for country in spec["countries"]:
            carrier_by_country[country] = code
    operators: dict[str, dict[str, str]] = {}
    for country, operator in data["operators"].items():
        known = pycountry.countries.get(alpha_2=country)
        name = getattr(known, "common_name", known.name) if known else country
        operators[country] = {"operator": operator, "country": name}
    carriers = [{"code": code, **spec} for code, spec in data["carriers"].items()]
    return operators, carrier_by_country, carriers


def _load_file(name: str) -> dict:
    return tomllib.loads(resources.files("parceltrail.numbers").joinpath("formats", name).read_text("utf-8"))


@functools.cache
def catalogue() -> Catalogue:
    """Loads and indexes every format file; cached, so the work happens once per process."""
    folder = resources.files("parceltrail.numbers").joinpath("formats")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".toml"))
    operators, s10_carrier_by_country, operator_carriers = _s10_tables(_load_file(S10_OPERATORS_FILE))
    builtin = _builtin_tables() | {"@s10_operators": operators}
    carriers: dict[str, Carrier] = {}
    for name in names:
        if name == S10_OPERATORS_FILE:
            continue
        data = _load_file(name)
        tables = builtin | {k: {key: _entry(v) for key, v in t.items()} for k, t in data.get("tables", {}).items()}
        formats = tuple(_format(spec, data["code"], tables, data.get("source", "")) for spec in data["formats"])
        carriers[data["code"]] = Carrier(
            code=data["code"],
            name=data["name"],
            tracking_url=data.get("tracking_url"),
            countries=frozenset(data.get("countries", ())),
            complete=data.get("complete", True),
            formats=formats,
        )
    s10_formats = carriers[GENERIC_S10_CARRIER].formats
    for spec in operator_carriers:
        existing = carriers.get(spec["code"])
        carriers[spec["code"]] = Carrier(
            code=spec["code"],
            name=existing.name if existing else spec["name"],
            tracking_url=existing.tracking_url if existing else spec.get("tracking_url"),
            countries=(existing.countries if existing else frozenset()) | frozenset(spec["countries"]),
            complete=existing.complete if existing else False,
            formats=(existing.formats if existing else ()) + s10_formats,
        )
    unique = {id(f): f for c in carriers.values() for f in c.formats}  # S10 is shared by operators
    all_formats = tuple(unique.values())
    result = Catalogue(carriers=carriers, formats=all_formats, s10_carrier_by_country=s10_carrier_by_country)
    result.dispatch = _dispatch(all_formats)
    return result


def _dispatch(formats: tuple[Format, ...]) -> dict[tuple[int, str], tuple[Format, ...]]:
    buckets: dict[tuple[int, str], list[Format]] = defaultdict(list)
    for fmt in formats:
        for length in fmt.lengths:
            for first in fmt.first_chars:
                buckets[(length, first)].append(fmt)
    return {key: tuple(value) for key, value in buckets.items()}
