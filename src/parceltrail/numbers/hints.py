"""Things worth telling a person about a number beyond which formats it fits: what it looks like instead.

A TikTok Shop order id is 18 digits beginning 57 or 58. Sellers paste it where the tracking number
belongs, and one in ten passes FedEx Ground's SSCC-18 check by chance (any mod-10 check does), so
``detect`` says what the number most likely is rather than accepting it silently (issue 26).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TIKTOK_ORDER_ID = "looks_like_tiktok_order_id"


@dataclass(frozen=True, slots=True)
class Hint:
    """``code`` is stable for programs; ``message`` is for a person and says what to do."""

    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


def looks_like_tiktok_order_id(normalized: str) -> bool:
    return len(normalized) == 18 and normalized[:2] in ("57", "58") and normalized.isdigit()


def hints_for(normalized: str) -> tuple[Hint, ...]:
    if looks_like_tiktok_order_id(normalized):
        return (Hint(TIKTOK_ORDER_ID,
                     f"{normalized} looks like a TikTok Shop order ID (18 digits starting 57 or 58), not a tracking "
                     "number: use the tracking number on the package's shipping label or in the order's shipping "
                     "details."),)
    return ()
