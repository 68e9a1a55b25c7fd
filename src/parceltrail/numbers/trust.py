"""Trust checks: signs that a tracking number does not belong to the order it was uploaded for.

TikTok Shop counts such numbers against a seller's Valid Tracking Rate (recycled labels, a destination
ZIP that is not the buyer's, one number on two orders). Each check is a pure function returning a
finding whose ``reason`` says what is wrong and what to do, or None when the check has nothing to say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from parceltrail.numbers.catalogue import catalogue
from parceltrail.numbers.detect import detect, normalize

FIRST_SCAN_TOLERANCE = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class TrustFinding:
    check: str  # destination_zip_mismatch | scan_before_order | number_reused | carrier_mismatch | unrecognised_number
    reason: str


def _zip5(value: str) -> str | None:
    digits = value.strip().split("-")[0].replace(" ", "")
    return digits[:5] if len(digits) >= 5 and digits[:5].isdigit() else None


def destination_zip_mismatch(number: str, order_zip: str) -> TrustFinding | None:
    """The ZIP a USPS (420 routing) or FedEx 34-digit barcode carries, against the order's ZIP."""
    wanted = _zip5(order_zip)
    if wanted is None:
        return None
    for candidate in detect(number).candidates:
        label_zip = candidate.fields.get("destination_zip")
        if label_zip is not None:
            if label_zip == wanted:
                return None
            return TrustFinding(
                "destination_zip_mismatch",
                f"The label {normalize(number)} is addressed to ZIP {label_zip}, but the order ships to "
                f"{wanted}: it may belong to another order. Check the label and upload the right number.",
            )
    return None


def scan_before_order(order_placed_at: datetime, first_scan_at: datetime,
                      tolerance: timedelta = FIRST_SCAN_TOLERANCE) -> TrustFinding | None:
    """A first carrier scan more than ``tolerance`` before the order existed: a recycled label."""
    if order_placed_at.tzinfo is None or first_scan_at.tzinfo is None:
        raise ValueError("order_placed_at and first_scan_at must be timezone-aware")
    gap = order_placed_at - first_scan_at
    if gap <= tolerance:
        return None
    hours = int(gap.total_seconds() // 3600)
    span = f"{hours // 24} days" if hours >= 48 else f"{hours} hours"
    return TrustFinding(
        "scan_before_order",
        f"The carrier first scanned this package {span} before the order was placed: the number was "
        "probably used for an earlier shipment. Ship this order on a new label and upload its number.",
    )


def reused_numbers(assignments: Iterable[tuple[str, str]]) -> list[TrustFinding]:
    """Numbers that appear on more than one order; ``assignments`` are (order id, tracking number)."""
    orders_by_number: dict[str, list[str]] = defaultdict(list)
    for order_id, number in assignments:
        orders = orders_by_number[normalize(number)]
        if order_id not in orders:
            orders.append(order_id)
    return [
        TrustFinding(
            "number_reused",
            f"Tracking number {number} is on {len(orders)} orders ({', '.join(orders)}): every order needs "
            "its own label. Upload the right number for each order.",
        )
        for number, orders in orders_by_number.items()
        if len(orders) > 1
    ]


def carrier_mismatch(number: str, claimed_carrier: str) -> TrustFinding | None:
    """The number's format against the carrier the seller said they used (UnknownCarrier if unknown)."""
    book = catalogue()
    claimed = book.carrier(claimed_carrier)
    detection = detect(number, carriers=[claimed_carrier])
    if any(c.carrier == claimed_carrier for c in detection.candidates):
        return None
    shown = detection.normalized
    if detection.hints:  # an order id in the tracking field: saying "mistyped" would send the seller astray
        return TrustFinding("carrier_mismatch", f"{shown} is not a {claimed.name} number: "
                            + " ".join(h.message for h in detection.hints))
    for miss in detection.near_misses:
        if miss.carrier == claimed_carrier:
            fmt = book.format(claimed_carrier, miss.format)
            return TrustFinding(
                "carrier_mismatch",
                f"{shown} has the shape of a {fmt.name} number but is not one: {miss.reason}. "
                "It is probably mistyped; copy it again from the label.",
            )
    best = detection.best
    if best is not None:
        return TrustFinding(
            "carrier_mismatch",
            f"{shown} looks like a {book.carriers[best.carrier].name} number ({best.format_name}), not "
            f"{claimed.name}. Check which carrier shipped it and correct the carrier or the number.",
        )
    if not claimed.complete:
        return TrustFinding(
            "unrecognised_number",
            f"{shown} matches none of the {claimed.name} formats parceltrail knows (it does not know them "
            "all). Check it against the label before uploading.",
        )
    return TrustFinding(
        "carrier_mismatch",
        f"{shown} is not a {claimed.name} number in any format {claimed.name} uses. Copy it again from the label.",
    )
