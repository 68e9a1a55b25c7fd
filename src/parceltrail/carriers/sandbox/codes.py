"""The sandbox carrier's scan codes and what they mean in parceltrail's language.

One table serves both directions: the journey builder stamps each scan with the canonical pair its
code maps to, and ``parse`` reads codes back through the same table, so a body and the journey it
came from can never disagree.
"""

from __future__ import annotations

from parceltrail.carriers.mapping import Classifier, CodeTable, row
from parceltrail.carriers.timeline import RETURN_LEG
from parceltrail.core import Status, Substatus

CODE = "sandbox"

# fmt: off
CODES = CodeTable("Sandbox scan codes", (
    row("MP", "Label created, shipment information received", "info_received", "label_created"),
    row("PU", "Picked up", "in_transit", "picked_up"),
    row("AR", "Arrived at facility", "in_transit", "arrived_at_facility"),
    row("DP", "Departed facility", "in_transit", "departed_facility"),
    row("HP", "Handed to the local postal partner for final delivery", "in_transit", "handed_to_partner"),
    row("AC", "Address corrected, delivery rescheduled", "in_transit", "problem_resolved"),
    row("OD", "Out for delivery", "out_for_delivery", "out_for_delivery"),
    row("DL", "Delivered, left at the door", "delivered", "left_at_door"),
    row("DM", "Delivered to the mailbox", "delivered", "mailbox"),
    row("DS", "Delivered, signed for", "delivered", "signed"),
    row("DF", "Delivery attempted, receiver not available", "delivery_failed", "recipient_unavailable"),
    row("EX-ADDR", "Address incomplete or unknown", "exception", "address_issue"),
    row("EX-WX", "Delayed by severe weather", "exception", "weather_delay"),
    row("EX-LOST", "Cannot be located", "exception", "lost"),
    row("EX-DMG", "Damaged in handling", "exception", "damaged"),
    row("EX-RFSD", "Refused by the receiver", "exception", "refused"),
    row("RS", "Returning to sender", "returning", "return_to_sender"),
    row("RD", "Returned to sender", "returned", "returned_to_sender"),
))
# fmt: on

CLASSIFIER = Classifier(CODE, codes=CODES)

DESCRIPTIONS: dict[str, str] = {
    "MP": "Shipment information received; label created",
    "PU": "Picked up",
    "AR": "Arrived at facility",
    "DP": "Departed facility",
    "HP": "Handed to the local postal partner for final delivery",
    "AC": "Address corrected; delivery rescheduled",
    "OD": "Out for delivery",
    "DL": "Delivered, left at the front door",
    "DM": "Delivered to the mailbox",
    "DS": "Delivered, signed for",
    "DF": "Delivery attempted; receiver not available. We will try again next business day",
    "EX-ADDR": "The address is incomplete; we are contacting the receiver",
    "EX-WX": "Severe weather in the area has delayed the shipment",
    "EX-LOST": "We cannot locate the shipment; the shipper may file a claim",
    "EX-DMG": "The package was damaged in handling and has been repackaged; it will be delivered late",
    "EX-RFSD": "The receiver refused the delivery",
    "RS": "Returning to sender",
    "RD": "Returned to sender",
}
"""What the carrier writes next to each code (a scan may say more, e.g. why it is returning)."""


def canonical(code: str, returning: bool = False) -> tuple[Status, Substatus]:
    """The canonical pair for a code; on the return leg, movement scans mean 'returning'.

    That is how ``parse`` reads them too (``timeline.on_return_leg``), so journey and body agree.
    """
    hit = CODES.get(code)
    if hit is None:
        raise KeyError(f"sandbox code {code!r} is not in the table")
    if returning and hit.status in RETURN_LEG and code != "RD":
        return RETURN_LEG[hit.status]
    return hit.status, hit.substatus
