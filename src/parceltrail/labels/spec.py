"""What a 4x6 shipping label says, independent of how it is printed (PDF for office printers, ZPL for
thermal ones): the two addresses, the carrier's service, the tracking number, the parcel, the order.

``barcodes`` turns a label into the symbols it carries, so the PDF and the ZPL printers draw the very
same data and the tests decode both against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from parceltrail.core.address import PostalAddress


@dataclass(frozen=True, slots=True)
class LabelSpec:
    carrier: str
    service: str
    service_name: str
    """As printed in the service banner, e.g. ``USPS GROUND ADVANTAGE``."""
    tracking_number: str
    ship_from: PostalAddress
    ship_to: PostalAddress
    weight_lb: float
    billable_lb: int | None
    shipped_on: date
    reference: str | None = None
    """The order the parcel belongs to (printed; TikTok Shop order ids are 18 digits)."""
    sides_in: tuple[float, float, float] | None = None
    label_id: str | None = None

    @property
    def routing_zip(self) -> str | None:
        """Destination ZIP (5 or 9 digits) for the ``420`` routing code; None outside the US."""
        if self.ship_to.country != "US" or not self.ship_to.postal_code:
            return None
        return self.ship_to.postal_code.replace("-", "")
