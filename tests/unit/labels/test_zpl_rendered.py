"""ZPL labels drawn by a ZPL renderer and scanned: the pixels a thermal printer would print must give back
the tracking number and the routing ZIP, exactly as the PDF's do.

The renderer is zplkit (PyPI; the Rust ``zpl`` crate, OSL-3.0, a test dependency only), written by
people who are not us: it interprets ^BC, ^BY, ^FO, ^A0, ^GB and ^FH by the ZPL II specification at
203 dpi, so a mistake in our invocation codes (start C, FNC1, subset switches) or in field placement
shows up as a barcode that does not scan or scans to other data."""

from __future__ import annotations

import io
import re

import pytest

from parceltrail.labels import barcodes, impb_number, render_zpl
from tests.unit.labels.test_label_render import numbers, scanned, spec_for

zplkit = pytest.importorskip("zplkit")
pytest.importorskip("zxingcpp")

DOTS_WIDE, DOTS_HIGH = 812, 1218  # 4x6 at 203 dpi


def drawn(zpl: str):
    """Each ^XA...^XZ label of ``zpl`` as a PIL image, as a 203-dpi 4x6 printer would print it."""
    from PIL import Image

    document = zplkit.render(zpl.encode("ascii"), zplkit.Options(profile="specification", width=DOTS_WIDE,
                                                                 height=DOTS_HIGH, dpi=203))
    return [Image.open(io.BytesIO(label.png())) for label in document.labels]


@pytest.mark.parametrize(("carrier", "number"), numbers())
def test_zpl_drawn_by_a_zpl_renderer_scans_to_the_tracking_number_and_routing_zip(carrier, number):
    spec = spec_for(carrier, number)
    [image] = drawn(render_zpl([spec]))
    assert image.size == (DOTS_WIDE, DOTS_HIGH)
    read = scanned(image)
    assert read == {b.expected_text for b in barcodes(spec)}
    if carrier == "usps":
        [impb] = read
        match = re.fullmatch(r"\(420\)(\d{9})\((\d\d)\)(\d+)", impb)
        assert match and match.group(1) == "101180110" and match.group(2) + match.group(3) == impb_number(number)
    else:
        assert number in read and "(420)101180110" in read


def test_a_zpl_batch_draws_one_label_per_parcel_in_order():
    specs = [spec_for(carrier, number) for carrier, number in numbers()]
    images = drawn(render_zpl(specs))
    assert len(images) == len(specs)
    for spec, image in zip(specs, images, strict=True):
        assert scanned(image) == {b.expected_text for b in barcodes(spec)}
