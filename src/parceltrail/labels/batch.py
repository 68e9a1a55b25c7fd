"""A batch for the printer: parceltrail's own labels and carriers' label documents, in the order asked.

PDF: each of our labels and each carrier image (GIF, PNG) is a 4x6 page drawn by reportlab; a carrier's
PDF keeps its own pages, copied in with pypdf (vector barcodes stay vector) and scaled and turned to fit
4x6 when the carrier used another size. ZPL: our labels as ZPL, a carrier's ZPL as the carrier sent it.
A carrier's image or PDF cannot become ZPL and a carrier's ZPL cannot become PDF here (no ZPL renderer
runs offline), so such a batch is refused naming the labels and the format that prints them.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from parceltrail.labels.pdf import HEIGHT, WIDTH, render_pages
from parceltrail.labels.spec import LabelSpec
from parceltrail.labels.zpl import render_zpl


@dataclass(frozen=True, slots=True)
class CarrierDocument:
    """A label the carrier made: its bytes and what they are (``pdf``, ``png``, ``gif``, ``zpl``)."""

    data: bytes
    kind: str
    label_id: str = ""


class NotPrintable(ValueError):
    """The batch mixes documents that cannot be printed in the asked format; the message names them."""


Item = LabelSpec | CarrierDocument
logging.getLogger("pypdf").setLevel(logging.ERROR)
"""pypdf warns about quirks it reads past (FedEx's label PDFs repeat a key in a font dictionary): not a
seller's business, and one line per printed label would bury the log lines that are."""


def _refuse(items: Sequence[Item], kinds: set[str], why: str) -> None:
    bad = [i.label_id or f"#{n + 1}" for n, i in enumerate(items) if isinstance(i, CarrierDocument) and i.kind in kinds]
    if bad:
        raise NotPrintable(f"{', '.join(bad)}: {why}")


def batch_zpl(items: Sequence[Item]) -> str:
    _refuse(items, {"pdf", "png", "gif"}, "the carrier sold it as an image; print it as pdf")
    return "".join(render_zpl([i]) if isinstance(i, LabelSpec) else i.data.decode("ascii", "replace").strip() + "\n"
                   for i in items)


def batch_pdf(items: Sequence[Item]) -> bytes:
    _refuse(items, {"zpl"}, "bought as ZPL for a thermal printer; print it as zpl")
    drawn = [(i, None) if isinstance(i, LabelSpec) else (None, i.data) for i in items
             if not (isinstance(i, CarrierDocument) and i.kind == "pdf")]
    if len(drawn) == len(items):
        return render_pages(drawn)
    from pypdf import PdfReader, PdfWriter

    ours = iter(PdfReader(io.BytesIO(render_pages(drawn))).pages) if drawn else iter(())
    writer = PdfWriter()
    for item in items:
        if isinstance(item, CarrierDocument) and item.kind == "pdf":
            for page in PdfReader(io.BytesIO(item.data)).pages:
                writer.add_page(_fit(page))
        else:
            writer.add_page(next(ours))
    writer.add_metadata({"/Title": f"{len(items)} shipping label{'s' if len(items) != 1 else ''}",
                         "/Author": "parceltrail"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _fit(page):
    """The page itself when it is 4x6 already, else drawn onto a 4x6 page: turned upright when landscape,
    scaled to fit and centred."""
    from pypdf import PageObject, Transformation

    box = page.mediabox
    left, bottom, w, h = float(box.left), float(box.bottom), float(box.width), float(box.height)
    if abs(w - WIDTH) < 1 and abs(h - HEIGHT) < 1 and not left and not bottom:
        return page
    move = Transformation().translate(-left, -bottom)
    if w > h:  # landscape: turn a quarter and bring it back into view
        move = move.rotate(90).translate(h, 0)
        w, h = h, w
    scale = min(WIDTH / w, HEIGHT / h)
    move = move.scale(scale, scale).translate((WIDTH - w * scale) / 2, (HEIGHT - h * scale) / 2)
    blank = PageObject.create_blank_page(width=WIDTH, height=HEIGHT)
    blank.merge_transformed_page(page, move)
    return blank
