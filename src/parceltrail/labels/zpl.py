"""4x6 labels in ZPL II for Zebra-compatible thermal printers (203 dpi: 812 x 1218 dots).

Barcodes use the printer's own Code 128 (``^BC``, mode N) so they print at the printer's full
resolution. The field data spells subsets and FNC1 with ZPL's invocation codes: ``>;`` starts subset
C (digit pairs) and ``>:`` subset B, ``>5`` and ``>6`` switch to C and B, ``>8`` is FNC1 (GS1-128). ``field_data`` does the translation from
the ``\\xf1`` spelling of ``labels.barcodes`` in one place. Text is ``^A0`` (the scalable font every
Zebra has) with ``^FH`` so ``_`` escapes can carry any character.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parceltrail.labels.barcodes import FNC1, Barcode, barcodes, heading
from parceltrail.labels.spec import LabelSpec

DOTS_PER_INCH = 203
WIDTH, HEIGHT = 4 * DOTS_PER_INCH, 6 * DOTS_PER_INCH
MARGIN = 30


def _runs(text: str) -> list[tuple[str, str]]:
    """(subset, chars): digit runs of four or more go in subset C (an odd one leaves its first digit in B)."""
    out: list[tuple[str, str]] = []
    for run in re.findall(r"\d{4,}|\D+|\d{1,3}", text):
        if run.isdigit() and len(run) >= 4:
            if len(run) % 2:
                out.append(("B", run[0]))
                run = run[1:]
            out.append(("C", run))
        else:
            out.append(("B", run))
    merged: list[tuple[str, str]] = []
    for subset, chars in out:
        if merged and merged[-1][0] == subset:
            merged[-1] = (subset, merged[-1][1] + chars)
        else:
            merged.append((subset, chars))
    return merged


def field_data(code: Barcode) -> str:
    """The ``^FD`` text for ``code``: ``>;``/``>:`` before each subset change, FNC1 as ``>8``."""
    out: list[str] = []
    subset = None
    for i, part in enumerate(code.data.split(FNC1)):
        fnc1 = i > 0
        for j, (wanted, chars) in enumerate(_runs(part) or [("C" if subset is None else subset, "")]):
            if wanted != subset:
                if subset is None:  # start code C or B
                    out.append(">;" if wanted == "C" else ">:")
                else:  # switch: Code C or Code B
                    out.append(">5" if wanted == "C" else ">6")
                subset = wanted
            if fnc1 and j == 0:
                out.append(">8")
            out.append(chars)
    return "".join(out)


def modules(code: Barcode) -> int:
    """Width of the symbol in modules (quiet zones excluded): to centre it and pick the bar width."""
    symbols = 2 + code.data.count(FNC1)  # start and check characters, each FNC1
    subset = None
    for part in code.data.split(FNC1):
        for wanted, chars in _runs(part):
            symbols += (len(chars) // 2 if wanted == "C" else len(chars)) + (subset is not None and wanted != subset)
            subset = wanted
    return symbols * 11 + 13


def _escape(text: str) -> str:
    """Field text with ZPL's control characters (^ and ~) and the hex indicator _ escaped under ^FH."""
    return "".join(f"_{ord(c):02X}" if c in "^~_" or ord(c) > 126 else c for c in text)


def _text(x: int, y: int, height: int, text: str, width: int | None = None) -> str:
    return f"^FO{x},{y}^A0N,{height},{width or height}^FH^FD{_escape(text)}^FS"


def _barcode(y: int, height: int, code: Barcode) -> str:
    """A centred ^BC field: three dots a module (0.015 in) when it fits, else two."""
    width = modules(code)
    module = 3 if width * 3 <= WIDTH - 2 * MARGIN else 2
    x = max(MARGIN, (WIDTH - width * module) // 2)
    return f"^FO{x},{y}^BY{module},3,{height}^BCN,{height},N,N,N,N^FD{field_data(code)}^FS"


def render_zpl(specs: Sequence[LabelSpec]) -> str:
    """One ``^XA ... ^XZ`` format per label; a printer prints them in order."""
    if not specs:
        raise ValueError("no labels to print")
    return "\n".join(_label(spec) for spec in specs) + "\n"


def _label(spec: LabelSpec) -> str:
    codes = barcodes(spec)
    tracking = codes[0]
    routing = next((c for c in codes if c.role == "routing"), None)
    out = ["^XA", "^CI28", f"^PW{WIDTH}", f"^LL{HEIGHT}", "^LH0,0"]
    y = MARGIN
    out.append(_text(MARGIN, y, 20, "FROM:"))
    for line in spec.ship_from.lines():
        y += 22
        out.append(_text(MARGIN, y, 20, line))
    facts = [f"{spec.weight_lb:.1f} LB ACT"]
    if spec.billable_lb is not None:
        facts.append(f"{spec.billable_lb} LB BILLED")
    facts.append(spec.shipped_on.strftime("%d %b %Y").upper())
    for i, fact in enumerate(facts):
        out.append(f"^FO{WIDTH - MARGIN - 260},{MARGIN + i * 28}^FB260,1,0,R^A0N,26,26^FH^FD{_escape(fact)}^FS")
    y = 180
    out.append(f"^FO{MARGIN},{y}^GB{WIDTH - 2 * MARGIN},80,80^FS")
    out.append(f"^FO{MARGIN},{y + 18}^FR^FB{WIDTH - 2 * MARGIN},1,0,C^A0N,52,48^FH^FD"
               f"{_escape(spec.service_name.upper()[:28])}^FS")
    y += 100
    out.append(_text(MARGIN, y, 22, "SHIP TO:"))
    for line in spec.ship_to.lines():
        y += 40
        out.append(_text(MARGIN + 60, y, 38, line))
    y = 560
    if routing is not None:
        out.append(_text(MARGIN, y, 30, routing.human_readable))
        out.append(_barcode(y + 36, 90, routing))
        y += 140
    out.append(f"^FO{MARGIN},{y}^GB{WIDTH - 2 * MARGIN},0,5^FS")
    out.append(f"^FO{MARGIN},{y + 14}^FB{WIDTH - 2 * MARGIN},1,0,C^A0N,28,28^FH^FD{_escape(heading(spec))}^FS")
    out.append(_barcode(y + 52, 180, tracking))
    out.append(f"^FO{MARGIN},{y + 246}^FB{WIDTH - 2 * MARGIN},1,0,C^A0N,34,34^FH^FD"
               f"{_escape(tracking.human_readable)}^FS")
    footer = []
    if spec.reference:
        footer.append(f"ORDER {spec.reference}")
    if spec.sides_in:
        footer.append(" x ".join(f"{s:.0f}" for s in spec.sides_in) + " IN")
    out.append(_text(MARGIN, HEIGHT - MARGIN - 50, 22, "   ".join(footer)))
    if spec.label_id:
        out.append(f"^FO{MARGIN},{HEIGHT - MARGIN - 22}^FB{WIDTH - 2 * MARGIN},1,0,R^A0N,20,20^FH^FD"
                   f"{_escape(spec.label_id)}^FS")
    out.append("^XZ")
    return "\n".join(out)
