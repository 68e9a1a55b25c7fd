"""The evidence PDF's look: page geometry, colours, fonts, text styles, the table and key-value helpers,
and the route map drawn with reportlab's graphics from the buyer page's geometry (no SVG renderer).
Text is set in DejaVu Sans when the system has it (wide Unicode coverage for buyers' and places' names),
else in the Vera font reportlab ships."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, Table, TableStyle

from parceltrail.web.route_map import RouteMap

MARGIN = 0.55 * inch
WIDTH = LETTER[0] - 2 * MARGIN
MAP_HEIGHT = 2.4 * inch
INK, MUTED, LINE, BRAND = colors.HexColor("#1b1f24"), colors.HexColor("#5a6370"), colors.HexColor("#c9d1da"), \
    colors.HexColor("#1f4e79")
BAD, OK, SHADE = colors.HexColor("#b3261e"), colors.HexColor("#1e7b34"), colors.HexColor("#eef2f6")
_FONTS = {"regular": [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")],
          "bold": [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")]}


def register_fonts() -> tuple[str, str]:
    if "Evidence" in pdfmetrics.getRegisteredFontNames():
        return "Evidence", "Evidence-Bold"
    regular, bold = _FONTS["regular"][0], _FONTS["bold"][0]
    if regular.exists() and bold.exists():
        pdfmetrics.registerFont(TTFont("Evidence", str(regular)))
        pdfmetrics.registerFont(TTFont("Evidence-Bold", str(bold)))
    else:  # reportlab's own Bitstream Vera, always installed with it
        pdfmetrics.registerFont(TTFont("Evidence", "Vera.ttf"))
        pdfmetrics.registerFont(TTFont("Evidence-Bold", "VeraBd.ttf"))
    return "Evidence", "Evidence-Bold"


class Styles:
    def __init__(self) -> None:
        font, bold = register_fonts()
        self.font, self.bold = font, bold
        self.title = ParagraphStyle("title", fontName=bold, fontSize=19, leading=23, textColor=INK)
        self.sub = ParagraphStyle("sub", fontName=font, fontSize=9.5, leading=13, textColor=MUTED)
        self.h2 = ParagraphStyle("h2", fontName=bold, fontSize=12.5, leading=16, textColor=BRAND, spaceBefore=12,
                                 spaceAfter=5, keepWithNext=1)
        self.body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12, textColor=INK)
        self.cell = ParagraphStyle("cell", fontName=font, fontSize=7.6, leading=9.4, textColor=INK)
        self.head = ParagraphStyle("head", fontName=bold, fontSize=7.6, leading=9.4, textColor=INK)
        self.key = ParagraphStyle("key", fontName=bold, fontSize=8.6, leading=11.5, textColor=MUTED)
        self.value = ParagraphStyle("value", fontName=font, fontSize=9, leading=11.5, textColor=INK)
        self.right = ParagraphStyle("right", parent=self.sub, alignment=TA_RIGHT)


def para(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), style)


def when(local: str | None, utc: str | None = None, zone: str | None = None) -> str:
    """'Wed Nov 25 2026, 8:34 AM MST (2026-11-25 15:34 UTC)' from ISO texts; ``zone`` names the offset."""
    if not local:
        return "—"
    moment = datetime.fromisoformat(local)
    text = f"{moment:%a %b %d %Y, %I:%M %p} {zone or moment.tzname() or ''}".replace(" 0", " ", 1).strip()
    if utc:
        text += f" ({datetime.fromisoformat(utc):%Y-%m-%d %H:%M} UTC)"
    return text


def zoned(local: str, zone: str | None = None) -> str:
    moment = datetime.fromisoformat(local)
    return f"{moment:%b %d %Y %I:%M %p} {zone or moment.tzname() or ''}"


def utc(text: str | None) -> str:
    return f"{datetime.fromisoformat(text):%Y-%m-%d %H:%M}Z" if text else "—"


def table(rows: list[list[Any]], widths: list[float], s: Styles, header: bool = True,
           zebra: bool = True) -> Table:
    cells = [[c if isinstance(c, Paragraph) else para(c, s.head if header and i == 0 else s.cell) for c in row]
             for i, row in enumerate(rows)]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
             ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED)]
    if zebra:
        style += [("BACKGROUND", (0, i), (-1, i), colors.HexColor("#f8fafb")) for i in range(2, len(rows), 2)]
    table.setStyle(TableStyle(style))
    return table


def facts(pairs: list[tuple[str, Any]], s: Styles) -> Table:
    rows = [[para(k, s.key), v if isinstance(v, Paragraph) else para(v if v not in (None, "") else "—", s.value)]
            for k, v in pairs]
    table = Table(rows, colWidths=[1.45 * inch, WIDTH - 1.45 * inch])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return table


def route_drawing(route: RouteMap, s: Styles) -> Drawing:
    """The buyer page's route geometry, scaled to the page width; y flipped (SVG grows down, PDF up)."""
    k = min(WIDTH / route.width, MAP_HEIGHT / route.height)
    height, width = route.height * k, route.width * k
    d = Drawing(width, height)
    d.add(PolyLine([0, 0, width, 0, width, height, 0, height, 0, 0], strokeColor=LINE, strokeWidth=0.6,
                   fillColor=colors.HexColor("#eef3f7")))
    for x1, y1, x2, y2 in route.grid:
        d.add(Line(x1 * k, height - y1 * k, x2 * k, height - y2 * k, strokeColor=colors.HexColor("#d5dee6"),
                   strokeWidth=0.5))

    def points(text: str) -> list[float]:
        out: list[float] = []
        for pair in text.split():
            x, y = pair.split(",")
            out += [float(x) * k, height - float(y) * k]
        return out

    if route.travelled and len(route.travelled.split()) > 1:
        d.add(PolyLine(points(route.travelled), strokeColor=BRAND, strokeWidth=2.6, strokeLineJoin=1,
                       strokeLineCap=1))
    if route.ahead:
        d.add(PolyLine(points(route.ahead), strokeColor=MUTED, strokeWidth=1.8, strokeDashArray=[5, 4]))
    for stop in route.stops:
        x, y = stop.x * k, height - stop.y * k
        big = stop.kind in ("current", "destination")
        fill = BRAND if stop.kind == "current" else colors.white
        d.add(Circle(x, y, 5.5 if big else 3.8, fillColor=fill, strokeColor=INK if stop.kind == "destination" else BRAND,
                     strokeWidth=2 if big else 1.4))
        if stop.labelled:
            ty = y + 9 if stop.y > 60 else y - 16
            d.add(String(x, ty, stop.label, fontName=s.bold, fontSize=8.5, fillColor=INK,
                         textAnchor=stop.anchor))
    return d
