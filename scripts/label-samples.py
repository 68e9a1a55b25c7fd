"""Writes the label samples docs/labels.md links to (docs/samples/): a USPS and a UPS label as PDF and
PNG, both in one batch PDF, and the same two as ZPL with the USPS one drawn by a ZPL renderer (zplkit, a
test dependency) as PNG. Numbers come from the project's generator, so
they pass each carrier's check digit. Run: .venv/bin/python scripts/label-samples.py"""

from __future__ import annotations

import random
import subprocess
from datetime import date
from pathlib import Path

from parceltrail.core.address import PostalAddress, check_address
from parceltrail.core.parcel import Parcel, billable_weight
from parceltrail.labels import LabelSpec, render_pdf, render_zpl
from parceltrail.numbers import generate

OUT = Path(__file__).resolve().parents[1] / "docs" / "samples"


def main() -> None:
    rng = random.Random(2026)
    ship_from = check_address(PostalAddress("Lantern & Co", None, "233 S Wacker Dr", "Suite 4400", "Chicago", "IL",
                                            "60606")).address
    ship_to = check_address(PostalAddress("Jordan Rivera", None, "350 Fifth Avenue", "Suite 3000", "New York", None,
                                          "10118")).address
    parcel = Parcel.of("2.4 lb", "12 x 10 x 8 in")
    specs = [
        LabelSpec(carrier, service, name, generate(carrier, fmt, rng), ship_from, ship_to, parcel.weight_lb,
                  billable_weight(parcel, carrier).billable_lb, date(2026, 12, 7), "578123456789012345",
                  parcel.sides_in, f"lbl_sample_{carrier}")
        for carrier, fmt, service, name in (("usps", "usps_impb_c", "ground_advantage", "USPS Ground Advantage"),
                                            ("ups", "ups", "ground", "UPS Ground"))
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "labels-batch.pdf").write_bytes(render_pdf(specs))
    (OUT / "labels-batch.zpl").write_text(render_zpl(specs))
    import zplkit

    drawn = zplkit.render(render_zpl(specs[:1]).encode("ascii"),
                          zplkit.Options(profile="specification", width=812, height=1218, dpi=203))
    (OUT / "label-usps-zpl.png").write_bytes(drawn.labels[0].png())
    for spec in specs:
        pdf = OUT / f"label-{spec.carrier}.pdf"
        pdf.write_bytes(render_pdf([spec]))
        subprocess.run(["pdftoppm", "-r", "120", "-png", "-singlefile", str(pdf), str(pdf.with_suffix(""))], check=True)
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT}")


if __name__ == "__main__":
    main()
