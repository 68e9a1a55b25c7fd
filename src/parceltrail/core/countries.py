"""ISO 3166-1 alpha-2 country codes. pycountry keeps the list current, so we do not hand-maintain 249 codes."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def _alpha2_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def check_country(code: str) -> str:
    """Return ``code`` upper-cased if it is an ISO 3166-1 alpha-2 country, else raise ``ValueError``."""
    upper = code.strip().upper()
    if len(upper) != 2 or upper not in _alpha2_codes():
        raise ValueError(f"country {code!r} is not an ISO 3166-1 alpha-2 code; expected e.g. US, GB, CN")
    return upper


_NAMES_IN_USE = {
    "DEUTSCHLAND": "DE", "GERMANY": "DE", "UK": "GB", "GREAT BRITAIN": "GB", "ENGLAND": "GB", "USA": "US",
    "HOLLAND": "NL", "NIEDERLANDE": "NL", "ÖSTERREICH": "AT", "SCHWEIZ": "CH", "FRANKREICH": "FR",
    "SOUTH KOREA": "KR", "KOREA, REPUBLIC OF (SOUTH K.)": "KR", "CHINA, PEOPLES REPUBLIC": "CN",
    "HONG KONG SAR, CHINA": "HK", "TAIWAN, CHINA": "TW", "RUSSIA": "RU", "VIETNAM": "VN",
}
"""Country names carriers print that ISO's names do not spell (DHL: "Deutschland", "USA", "HONG KONG SAR, CHINA")."""


@cache
def country_named(name: str) -> str | None:
    """The alpha-2 code of a country written out ("JAPAN", "Deutschland", "IRELAND, REPUBLIC OF"), else None."""
    text = " ".join(name.split()).upper()
    if not text:
        return None
    if text in _NAMES_IN_USE:
        return _NAMES_IN_USE[text]
    for candidate in (text, text.split(",")[0].strip()):
        try:
            return pycountry.countries.lookup(candidate).alpha_2
        except LookupError:
            continue
    return None
