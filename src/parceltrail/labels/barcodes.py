"""The barcodes a label carries, as data: one place decides what each carrier's symbols encode.

- UPS, FedEx, DHL and the sandbox network: the tracking number in Code 128, and below the ship-to a
  GS1-128 postal routing code, AI ``420`` + the destination ZIP, as UPS prints on its labels.
- USPS: one Intelligent Mail package barcode (IMpb): GS1-128 (Code 128 starting with FNC1) holding
  AI ``420`` + the destination ZIP (5 or 9 digits), FNC1 (420 is variable length), then the tracking
  number, whose leading digits (``92``, ``93``, ``94``...) are its own application identifier.
  Its human-readable line is the tracking number alone in groups of four (USPS Publication 199).

``FNC1`` is written as ``\\xf1``, the character reportlab's Code 128 encoder reads as FNC1; ZPL
spells it ``>8`` (``labels.zpl`` translates). ``expected_text`` is what a GS1-aware reader (zxing-cpp)
gives back: AIs in parentheses.
"""

from __future__ import annotations

from dataclasses import dataclass

from parceltrail.labels.spec import LabelSpec

FNC1 = "\xf1"


@dataclass(frozen=True, slots=True)
class Barcode:
    role: str  # tracking | routing
    data: str
    """Symbol data for a Code 128 encoder, FNC1 as ``\\xf1``."""
    human_readable: str
    expected_text: str
    """What a GS1-aware reader decodes: plain text for Code 128, ``(420)...`` for GS1-128."""

    @property
    def gs1(self) -> bool:
        return self.data.startswith(FNC1)


def _grouped(number: str, size: int = 4) -> str:
    return " ".join(number[i:i + size] for i in range(0, len(number), size))


def impb_number(tracking_number: str) -> str:
    """The IMpb tracking number without a routing prefix a seller may have pasted (``420`` + ZIP)."""
    number = tracking_number.replace(" ", "")
    for zip_len in (9, 5):
        head = 3 + zip_len
        if number.startswith("420") and len(number) - head in (20, 22, 26, 30, 34):
            return number[head:]
    return number


def barcodes(spec: LabelSpec) -> list[Barcode]:
    """The label's barcodes, tracking first."""
    routing = spec.routing_zip
    if spec.carrier == "usps":
        number = impb_number(spec.tracking_number)
        if routing is None:
            return [Barcode("tracking", FNC1 + number, _grouped(number), f"({number[:2]}){number[2:]}")]
        data = f"{FNC1}420{routing}{FNC1}{number}"
        return [Barcode("tracking", data, _grouped(number), f"(420){routing}({number[:2]}){number[2:]}")]
    out = [Barcode("tracking", spec.tracking_number, _human(spec), spec.tracking_number)]
    if routing is not None:
        out.append(Barcode("routing", f"{FNC1}420{routing}", f"(420) {routing}", f"(420){routing}"))
    return out


def _human(spec: LabelSpec) -> str:
    number = spec.tracking_number
    if spec.carrier == "ups" and number.startswith("1Z") and len(number) == 18:
        return f"{number[:2]} {number[2:5]} {number[5:8]} {number[8:10]} {number[10:14]} {number[14:]}"
    return _grouped(number)


def heading(spec: LabelSpec) -> str:
    """The line above the tracking barcode, e.g. ``USPS TRACKING #``."""
    return f"{spec.carrier.upper().replace('_', ' ')} TRACKING #"
