"""TikTok Shop's rules for uploading tracking, as pure checks with stable codes (docs/tiktok-shop.md).

Each check returns a ``Check`` (a failed one) or None. Codes, and whether ``--force`` may override:

| code | fatal | when |
| --- | --- | --- |
| ``on_hold`` | yes | the order is on hold: TikTok withholds the address and refuses fulfilment |
| ``format`` | yes | the number does not match TikTok's ``^[A-Za-z0-9._/-]{4,50}$`` |
| ``own_order_id`` | yes | the number is this order's own id, never a tracking number |
| ``order_id`` | no | the number has the shape of a TikTok Shop order id, not of a tracking number |
| ``checksum`` | no | the number has a known format's shape but fails its check digit (a typo) |
| ``carrier_mismatch`` | no | the declared carrier is not the one the number's format belongs to |
| ``duplicate`` | no | the number is already on another order of the shop |
| ``zip_mismatch`` | no | the label's or the carrier's destination ZIP is not the buyer's |
| ``timestamp`` | no | the carrier's first scan is more than 24 h before the order was placed |
| ``correction_window`` | yes | a correction more than 72 h after shipping (Seller Center refuses it) |
| ``correction_used`` | yes | the one correction Seller Center allows was already made |

The number and carrier checks reuse ``parceltrail.numbers`` (detection, ``trust``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from parceltrail.core import Status, TrackingEvent
from parceltrail.numbers import detect, looks_like_tiktok_order_id
from parceltrail.numbers.catalogue import UnknownCarrier
from parceltrail.numbers.trust import carrier_mismatch, destination_zip_mismatch, scan_before_order

TIKTOK_NUMBER = re.compile(r"[A-Za-z0-9._/-]{4,50}")
CORRECTION_WINDOW = timedelta(hours=72)
FATAL = frozenset({"on_hold", "format", "own_order_id", "correction_window", "correction_used"})
LAST_MILE = frozenset({Status.OUT_FOR_DELIVERY, Status.DELIVERED, Status.AVAILABLE_FOR_PICKUP, Status.DELIVERY_FAILED})
NOT_A_SCAN = frozenset({Status.PENDING, Status.INFO_RECEIVED, Status.CANCELLED, Status.EXPIRED})


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    reason: str

    @property
    def fatal(self) -> bool:
        return self.code in FATAL

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "fatal": self.fatal, "reason": self.reason}


def check_on_hold(on_hold: bool) -> Check | None:
    if on_hold:
        return Check("on_hold", "the order is on hold (TikTok withholds the address for about an hour after "
                                "payment); it cannot be shipped yet, and never with --force")
    return None


def check_format(number: str) -> Check | None:
    if TIKTOK_NUMBER.fullmatch(number):
        return None
    return Check("format", f"{number!r} is not a tracking number TikTok accepts: 4 to 50 letters, digits or . _ / -")


def check_order_id(number: str, order_id: str) -> Check | None:
    """A seller who pastes the order id where the tracking number goes (the commonest invalid upload):
    said for what it is, not as a mistyped carrier number."""
    if number == order_id:
        return Check("own_order_id", f"{number} is this order's own ID, not a tracking number: use the number on the "
                                 "package's shipping label")
    if looks_like_tiktok_order_id(number):
        return Check("order_id", f"{number} looks like a TikTok Shop order ID (18 digits starting 57 or 58), not a "
                                 "tracking number: use the number on the package's shipping label")
    return None


def check_number(number: str, carrier: str | None) -> list[Check]:
    """``checksum`` for a typo in a known format, ``carrier_mismatch`` for a number of another carrier."""
    found = detect(number, carriers=[carrier] if carrier else None)
    checks: list[Check] = []
    if carrier:
        try:
            finding = carrier_mismatch(number, carrier)
        except UnknownCarrier:
            finding = None
        if finding is not None and finding.check == "carrier_mismatch":
            own_miss = any(m.carrier == carrier for m in found.near_misses)
            checks.append(Check("checksum" if own_miss else "carrier_mismatch", finding.reason))
        return checks
    if not found.valid and found.near_misses:
        miss = found.near_misses[0]
        checks.append(Check("checksum", f"{found.normalized} has the shape of a {miss.carrier} number but its "
                                        f"{miss.reason}: probably mistyped; copy it again from the label"))
    return checks


def check_duplicate(number: str, other_orders: Sequence[str]) -> Check | None:
    if not other_orders:
        return None
    return Check("duplicate", f"{number} is already the tracking number of order(s) {', '.join(other_orders)}: "
                              "every order needs its own label (TikTok counts a reused number as invalid tracking)")


def check_zip(number: str, buyer_zip: str | None, events: Sequence[TrackingEvent]) -> Check | None:
    """The label's own destination ZIP (USPS/FedEx barcodes), else the carrier's last-mile scans' ZIP."""
    if not buyer_zip:
        return None
    finding = destination_zip_mismatch(number, buyer_zip)
    if finding is not None:
        return Check("zip_mismatch", finding.reason)
    wanted = buyer_zip.strip()[:5]
    last_mile = [e for e in events if e.status in LAST_MILE and e.location.postal_code]
    if not last_mile:
        return None
    delivered = [e for e in last_mile if e.status is Status.DELIVERED]
    seen = (delivered or last_mile)[-1].location.postal_code.strip()[:5]
    same = seen == wanted if delivered else seen[:3] == wanted[:3]
    if same:
        return None
    return Check("zip_mismatch", f"the carrier delivers {number} to ZIP {seen}, but the buyer's ZIP is {wanted}: "
                                 "Seller Center tags this 'tracking address issue'; check the label")


def check_first_scan(order_created: datetime, events: Sequence[TrackingEvent]) -> Check | None:
    scans = [e.occurred_at for e in events if e.status not in NOT_A_SCAN]
    if not scans:
        return None
    finding = scan_before_order(order_created, min(scans))
    return Check("timestamp", finding.reason) if finding else None


def check_correction(shipped_at: datetime | None, corrections: int, now: datetime) -> list[Check]:
    checks = []
    if shipped_at is not None and now - shipped_at > CORRECTION_WINDOW:
        hours = int((now - shipped_at).total_seconds() // 3600)
        checks.append(Check("correction_window", f"the order shipped {hours} h ago; TikTok allows correcting "
                                                 "tracking only within 72 h of shipping"))
    if corrections >= 1:
        checks.append(Check("correction_used", "this order's tracking was corrected once already; Seller Center "
                                               "allows one edit (contact TikTok seller support)"))
    return checks
