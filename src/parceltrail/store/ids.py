"""Public ids: a short type prefix and a ULID-like body (48-bit millisecond time + 80 random bits).

Time-ordered ids let lists page by id alone (stable under concurrent inserts and updates) and keep
B-tree inserts at the right edge; the prefix tells a person what kind of thing an id names.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def _b32(value: int, length: int) -> str:
    out = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        out.append(_ALPHABET[digit])
    return "".join(reversed(out))


def new_id(prefix: str) -> str:
    millis = time.time_ns() // 1_000_000
    return f"{prefix}_{_b32(millis, 10)}{_b32(secrets.randbits(80), 16)}"


def new_ids(prefix: str, count: int) -> list[str]:
    """``count`` ids that sort in the order they are made, even within one millisecond (a batch insert):
    the random part of the first is incremented for the next, as monotonic ULIDs do."""
    millis = time.time_ns() // 1_000_000
    start = secrets.randbits(80) >> 16  # headroom so the increments never overflow 80 bits
    return [f"{prefix}_{_b32(millis, 10)}{_b32(start + i, 16)}" for i in range(count)]
