"""Labels are printed, turned back into pixels and scanned: the barcodes must give back the tracking
number and the routing ZIP. PDF: reportlab -> pdftoppm (300 dpi PNG) -> zxing-cpp. ZPL: the text is
checked field by field, and each ^BC field's data is read back through ZPL's own invocation codes
(an independent reading, written from the ZPL II manual's table), drawn as Code 128 and scanned."""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from parceltrail.core.address import PostalAddress
from parceltrail.labels import LabelSpec, barcodes, impb_number, render_pdf, render_zpl
from parceltrail.numbers import detect, generate

zxingcpp = pytest.importorskip("zxingcpp")

FROM = PostalAddress("Lantern & Co", None, "233 S WACKER DR", "STE 4400", "CHICAGO", "IL", "60606")
TO = PostalAddress("Jordan Rivera", None, "350 5TH AVE", "STE 3000", "NEW YORK", "NY", "10118-0110")


def pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if not found:
        pytest.fail("pdftoppm is missing: `make test` installs it (scripts/need-poppler)")
    return found


def pages_as_images(pdf: bytes, tmp_path: Path, dpi: int = 300):
    from PIL import Image

    source = tmp_path / "labels.pdf"
    source.write_bytes(pdf)
    subprocess.run([pdftoppm(), "-r", str(dpi), "-png", str(source), str(tmp_path / "page")], check=True)
    return [Image.open(p) for p in sorted(tmp_path.glob("page-*.png"))]


def scanned(image) -> set[str]:
    return {r.text for r in zxingcpp.read_barcodes(image)}


def spec_for(carrier: str, number: str, service: str = "ground", to: PostalAddress = TO) -> LabelSpec:
    return LabelSpec(carrier, service, f"{carrier.upper()} {service.upper()}", number, FROM, to, 2.4, 3,
                     date(2026, 12, 7), "578123456789012345", (12, 10, 8), "lbl_test")


def numbers() -> list[tuple[str, str]]:
    """One valid number per carrier format a label may carry, from the project's number generator."""
    rng = random.Random(23)
    return [
        ("usps", generate("usps", "usps_impb_c", rng)),
        ("usps", generate("usps", "usps_impb_n", rng)),
        ("ups", generate("ups", "ups", rng)),
        ("fedex", generate("fedex", None, rng)),
        ("dhl", generate("dhl", None, rng)),
        ("sandbox", generate("sandbox", "sandbox", rng)),
    ]


@pytest.mark.parametrize(("carrier", "number"), numbers())
def test_pdf_barcodes_decode_to_the_tracking_number_and_routing_zip(carrier, number, tmp_path):
    assert detect(number).carrier == carrier  # the generator made a number the carrier's format accepts
    spec = spec_for(carrier, number)
    [page] = pages_as_images(render_pdf([spec]), tmp_path)
    read = scanned(page)
    assert read == {b.expected_text for b in barcodes(spec)}
    if carrier == "usps":
        [impb] = read
        match = re.fullmatch(r"\(420\)(\d{9})\((\d\d)\)(\d+)", impb)
        # a pasted 420 + ZIP prefix is dropped: the routing printed is the label's own destination
        assert match and match.group(1) == "101180110" and match.group(2) + match.group(3) == impb_number(number)
    else:
        assert number in read and "(420)101180110" in read


def test_pdf_text_is_what_the_label_says(tmp_path):
    from pypdf import PdfReader

    spec = spec_for("ups", "1Z999AA10123456784")
    text = PdfReader(io.BytesIO(render_pdf([spec]))).pages[0].extract_text()
    for words in ("Jordan Rivera", "350 5TH AVE", "NEW YORK NY 10118-0110", "1Z 999 AA1 01 2345 6784", "UPS GROUND",
                  "ORDER 578123456789012345", "3 LB BILLED", "Lantern & Co"):
        assert words in text


def test_batch_prints_one_page_per_label_in_order(tmp_path):
    specs = [spec_for(c, n) for c, n in numbers()]
    pages = pages_as_images(render_pdf(specs), tmp_path, dpi=200)
    assert len(pages) == len(specs)
    for page, spec in zip(pages, specs, strict=True):
        assert barcodes(spec)[0].expected_text in scanned(page)


def test_international_label_has_no_routing_code(tmp_path):
    abroad = PostalAddress("A Person", None, "10 Downing Street", None, "London", None, "SW1A 2AA", "GB")
    spec = spec_for("dhl", generate("dhl", None, random.Random(1)), to=abroad)
    [page] = pages_as_images(render_pdf([spec]), tmp_path)
    assert scanned(page) == {spec.tracking_number}


# -- ZPL -----------------------------------------------------------------------------------------

_INVOCATION = {">;": "C", ">:": "B", ">9": "A", ">5": "C", ">6": "B", ">7": "A"}


def zpl_symbol_data(field: str) -> str:
    """^FD data of a mode-N ^BC field as the characters the printer encodes (FNC1 as \\xf1)."""
    out, i, subset = [], 0, "B"
    while i < len(field):
        pair = field[i:i + 2]
        if pair == ">8":
            out.append("\xf1")
            i += 2
        elif pair in _INVOCATION:
            subset = _INVOCATION[pair]
            i += 2
        elif subset == "C":
            assert field[i:i + 2].isdigit(), f"subset C takes digit pairs, got {field[i:i + 2]!r}"
            out.append(field[i:i + 2])
            i += 2
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def draw_code128(data: list[str], tmp_path: Path):
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.units import inch
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(6 * inch, 2.5 * len(data) * inch))
    for i, symbol in enumerate(data):
        Code128(symbol, barHeight=inch, barWidth=0.015 * inch).drawOn(canvas, 0.3 * inch, (0.5 + 2.5 * i) * inch)
    canvas.save()
    return pages_as_images(out.getvalue(), tmp_path)[0]


@pytest.mark.parametrize(("carrier", "number"), numbers())
def test_zpl_fields_carry_the_same_barcode_data(carrier, number, tmp_path):
    spec = spec_for(carrier, number)
    zpl = render_zpl([spec])
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ") and zpl.count("^XA") == 1
    assert "^PW812" in zpl and "^LL1218" in zpl  # 4 x 6 in at 203 dpi
    fields = re.findall(r"\^BCN,\d+,N,N,N,N\^FD(.*?)\^FS", zpl)
    expected = barcodes(spec)
    assert sorted(zpl_symbol_data(f) for f in fields) == sorted(b.data for b in expected)
    assert scanned(draw_code128([zpl_symbol_data(f) for f in fields], tmp_path)) == {b.expected_text for b in expected}
    for x in re.findall(r"\^FO(\d+),\d+\^BY", zpl):
        assert 0 <= int(x) < 812
    assert "Jordan Rivera" in zpl and "NEW YORK NY 10118-0110" in zpl


def test_zpl_escapes_control_characters_in_text():
    evil = PostalAddress("A ^XZ ~JR Buyer_1", None, "1 MAIN ST", None, "AUSTIN", "TX", "78701")
    zpl = render_zpl([spec_for("ups", "1Z999AA10123456784", to=evil)])
    assert zpl.count("^XZ") == 1 and "~JR" not in zpl
    assert "A _5EXZ _7EJR Buyer_5F1" in zpl


def test_zpl_batch_is_one_format_per_label():
    specs = [spec_for(c, n) for c, n in numbers()]
    zpl = render_zpl(specs)
    assert zpl.count("^XA") == zpl.count("^XZ") == len(specs)


def test_a_long_service_name_fits_its_banner(tmp_path):
    """The white service name stays inside its black banner: a name wider than the label shrinks, so the
    banner's ends stay solid black (an overflowing name cut white gaps into them and lost its ends)."""
    spec = spec_for("sandbox", generate("sandbox", "sandbox", random.Random(5)))
    from dataclasses import replace

    long = replace(spec, service_name="PARCELTRAIL SANDBOX GROUND")
    [page] = pages_as_images(render_pdf([long]), tmp_path, dpi=100)
    gray = page.convert("L")
    dark = [sum(gray.getpixel((x, y)) < 128 for x in range(gray.width)) > 0.3 * gray.width
            for y in range(gray.height // 3)]  # the banner is in the top third, above every barcode
    runs, start = [], None
    for y, d in enumerate([*dark, False]):
        if d and start is None:
            start = y
        elif not d and start is not None:
            runs.append((y - start, start, y))
            start = None
    height, top, bottom = max(runs)  # the banner: the thickest black band (rules are thin lines)
    assert height >= 5, "no banner found"
    inside = [x for x in range(gray.width) if gray.getpixel((x, top + 1)) < 128]
    ends = [gray.getpixel((x, y)) for y in range(top + 3, bottom - 3)
            for x in (*range(inside[0] + 1, inside[0] + 5), *range(inside[-1] - 4, inside[-1]))]
    assert max(ends) < 128  # black at both ends of the banner: the name did not run into them
