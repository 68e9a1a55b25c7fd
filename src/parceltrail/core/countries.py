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
