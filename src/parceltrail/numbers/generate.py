"""Making numbers: valid tracking numbers for tests, the sandbox carrier and load tests; carrier page links.

A number is sampled along the format's own pattern, its table-bound fields (an S10 country) are drawn
from the table, and its check character is computed, so every generated number passes the same check
``detect`` applies. The caller passes the random generator: the package stays pure and reproducible.
"""

from __future__ import annotations

import random

from parceltrail.numbers.catalogue import GENERIC_S10_CARRIER, Format, catalogue
from parceltrail.numbers.detect import normalize
from parceltrail.numbers.shape import sample

_ATTEMPTS = 500


def _fixed_fields(fmt: Format, carrier: str, rng: random.Random) -> dict[str, str]:
    """Values for groups that must come from a table; for S10, a country whose operator is ``carrier``."""
    fixed: dict[str, str] = {}
    book = catalogue()
    for lookup in fmt.lookups:
        if not lookup.required:
            continue
        keys = sorted(lookup.table)
        if lookup.source == fmt.carrier_field:
            keys = [k for k in keys if book.s10_carrier_by_country.get(k, GENERIC_S10_CARRIER) == carrier]
        fixed[lookup.source] = rng.choice(keys)
    return fixed


def generate(carrier: str, format: str | None, rng: random.Random) -> str:
    """A valid, normalised number of ``carrier``'s ``format`` (any of its formats when None).

    For formats with a check digit the number passes it; formats without one can only promise the shape.
    Raises UnknownCarrier / UnknownFormat for codes the catalogue does not know.
    """
    book = catalogue()
    if format is None:
        fmt = rng.choice(book.carrier(carrier).formats)
    else:
        fmt = book.format(carrier, format)
    for _ in range(_ATTEMPTS):
        text, spans = sample(fmt.pattern.pattern, rng, _fixed_fields(fmt, carrier, rng))
        if fmt.checksum is not None:
            match = fmt.pattern.fullmatch(text)
            if match is None:
                continue
            start, end = spans["check"]
            check = fmt.checksum.expected(fmt.payload(match))
            text = text[:start] + check + text[end:]
        if fmt.pattern.fullmatch(text):
            return text
    raise RuntimeError(f"could not generate a number for {carrier}/{fmt.id}")  # a pattern the sampler can't serve


def tracking_url(carrier: str, number: str) -> str | None:
    """The carrier's public tracking page for ``number``, or None when the carrier has no deep link."""
    template = catalogue().carrier(carrier).tracking_url
    return template.format(number=normalize(number)) if template else None
