"""How long a text message is on the wire: characters, encoding and the number of SMS parts it costs.

An SMS carries 160 characters of the GSM 03.38 alphabet (3GPP TS 23.038), or 70 UTF-16 code units
when any character falls outside it; a longer message is split into parts of 153 or 67 (the rest is the
concatenation header), and each part is billed. One "á" turns a 150-character Spanish message from one
part into three, which is why the template preview shows the count.
"""

from __future__ import annotations

from dataclasses import dataclass

# The GSM 03.38 default alphabet, as characters (the Greek capitals are GSM's own, not Latin look-alikes).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")
"""Characters of the extension table: each takes two septets (an escape, then the character)."""


@dataclass(frozen=True, slots=True)
class SmsLength:
    characters: int
    encoding: str  # "GSM-7" or "UCS-2"
    units: int
    """Septets for GSM-7 (extension characters count two), UTF-16 code units for UCS-2."""
    parts: int
    outside_gsm: str
    """The characters that forced UCS-2, in order of first use ('' for GSM-7)."""


def sms_length(text: str) -> SmsLength:
    outside = "".join(dict.fromkeys(c for c in text if c not in GSM_BASIC and c not in GSM_EXTENDED))
    if outside:
        units = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
        encoding = "UCS-2"
    else:
        units = sum(2 if c in GSM_EXTENDED else 1 for c in text)
        single, part = 160, 153
        encoding = "GSM-7"
    parts = 1 if units <= single else -(-units // part)
    return SmsLength(len(text), encoding, units, parts, outside)
