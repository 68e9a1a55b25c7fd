"""4x6 inch labels as PDF (reportlab), one label a page, so a batch of orders prints as one file.

Barcodes are vector Code 128 at a 0.015 in module (USPS asks 0.013-0.021 in for IMpb) and 0.9 in
tall (at least 0.75 in), centred with their quiet zones, so a 203 dpi thermal printer and a laser
printer both print them scannable. Text is Helvetica, built into every PDF reader.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from parceltrail.labels.barcodes import Barcode, barcodes, heading
from parceltrail.labels.spec import LabelSpec

WIDTH, HEIGHT = 4 * inch, 6 * inch
MARGIN = 0.15 * inch
MODULE = 0.015 * inch


def render_pdf(specs: Sequence[LabelSpec]) -> bytes:
    """One PDF, one 4x6 page per label, in the order given."""
    return render_pages([(spec, None) for spec in specs])


def render_pages(pages: Sequence[tuple[LabelSpec | None, bytes | None]]) -> bytes:
    """A batch mixing our labels (a spec) and carriers' label images (GIF or PNG bytes, fitted to the page,
    turned upright when the carrier sent it landscape, as UPS does)."""
    if not pages:
        raise ValueError("no labels to print")
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(WIDTH, HEIGHT), pageCompression=1)
    canvas.setTitle(f"{len(pages)} shipping label{'s' if len(pages) != 1 else ''}")
    canvas.setAuthor("parceltrail")
    for spec, image in pages:
        if spec is not None:
            _draw(canvas, spec)
        else:
            _image(canvas, image or b"")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _image(canvas: Canvas, data: bytes) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    picture = Image.open(io.BytesIO(data))
    if picture.width > picture.height:
        picture = picture.rotate(90, expand=True)
    scale = min(WIDTH / picture.width, HEIGHT / picture.height)
    w, h = picture.width * scale, picture.height * scale
    canvas.drawImage(ImageReader(picture.convert("RGB")), (WIDTH - w) / 2, (HEIGHT - h) / 2, w, h)


def _text_block(canvas: Canvas, x: float, y: float, lines: Sequence[str], size: float, leading: float) -> float:
    for line in lines:
        canvas.drawString(x, y, line)
        y -= leading
    return y


def _rule(canvas: Canvas, y: float, width: float = 1.2) -> None:
    canvas.setLineWidth(width)
    canvas.line(MARGIN, y, WIDTH - MARGIN, y)


def _barcode(canvas: Canvas, code: Barcode, top: float, height: float) -> float:
    """Draw ``code`` centred below ``top`` with its human-readable line; returns the y under it."""
    symbol = Code128(code.data, barHeight=height, barWidth=MODULE, quiet=True, lquiet=10 * MODULE,
                     rquiet=10 * MODULE)
    module = MODULE
    while symbol.width > WIDTH - 2 * MARGIN and module > 0.011 * inch:  # very long numbers: narrower bars
        module -= 0.001 * inch
        symbol = Code128(code.data, barHeight=height, barWidth=module, quiet=True, lquiet=10 * module,
                         rquiet=10 * module)
    symbol.drawOn(canvas, (WIDTH - symbol.width) / 2, top - height)
    return top - height


def _draw(canvas: Canvas, spec: LabelSpec) -> None:
    codes = barcodes(spec)
    tracking = codes[0]
    routing = next((c for c in codes if c.role == "routing"), None)
    top = HEIGHT - MARGIN

    # ship-from (small) and the parcel facts (right)
    canvas.setFont("Helvetica", 7)
    _text_block(canvas, MARGIN, top - 7, ["FROM:", *spec.ship_from.lines()], 7, 8.5)
    canvas.setFont("Helvetica-Bold", 9)
    facts = [f"{spec.weight_lb:.1f} LB ACT"]
    if spec.billable_lb is not None:
        facts.append(f"{spec.billable_lb} LB BILLED")
    facts.append(spec.shipped_on.strftime("%d %b %Y").upper())
    y = top - 9
    for fact in facts:
        canvas.drawRightString(WIDTH - MARGIN, y, fact)
        y -= 11
    top -= 0.85 * inch
    _rule(canvas, top)

    # service banner
    canvas.rect(MARGIN, top - 0.42 * inch, WIDTH - 2 * MARGIN, 0.38 * inch, stroke=0, fill=1)
    canvas.setFillGray(1)
    banner = spec.service_name.upper()[:40]
    room = WIDTH - 2 * MARGIN - 0.12 * inch
    size = min(17.0, 17.0 * room / max(1.0, stringWidth(banner, "Helvetica-Bold", 17)))  # long names shrink to fit
    canvas.setFont("Helvetica-Bold", size)
    canvas.drawCentredString(WIDTH / 2, top - 0.31 * inch + (17 - size) * 0.35, banner)
    canvas.setFillGray(0)
    top -= 0.5 * inch

    # ship-to, the largest text on the label
    canvas.setFont("Helvetica", 8)
    canvas.drawString(MARGIN, top - 8, "SHIP TO:")
    canvas.setFont("Helvetica-Bold", 12)
    _text_block(canvas, MARGIN + 0.3 * inch, top - 22, spec.ship_to.lines(), 12, 14.5)
    top -= 1.35 * inch

    if routing is not None:
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawString(MARGIN, top - 10, routing.human_readable)
        bottom = _barcode(canvas, routing, top - 14, 0.45 * inch)
        top = bottom - 0.08 * inch
    _rule(canvas, top, 2.5)

    # tracking barcode with its number
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawCentredString(WIDTH / 2, top - 13, heading(spec))
    bottom = _barcode(canvas, tracking, top - 18, 0.9 * inch)
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawCentredString(WIDTH / 2, bottom - 15, tracking.human_readable)
    _rule(canvas, bottom - 24, 2.5)

    # footer: the order and our label id
    canvas.setFont("Helvetica", 8)
    footer = []
    if spec.reference:
        footer.append(f"ORDER {spec.reference}")
    if spec.sides_in:
        footer.append(" x ".join(f"{s:.0f}" for s in spec.sides_in) + " IN")
    canvas.drawString(MARGIN, MARGIN + 10, "   ".join(footer))
    if spec.label_id:
        canvas.drawRightString(WIDTH - MARGIN, MARGIN, spec.label_id)
