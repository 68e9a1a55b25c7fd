"""The carrier registry: one line per carrier. Adding a carrier is a module, a fixture folder and a line here."""

from __future__ import annotations

from parceltrail.carriers import dhl, fedex, tiktok, ups, usps
from parceltrail.carriers.base import Carrier
from parceltrail.carriers.sandbox import adapter as sandbox

CARRIERS: dict[str, Carrier] = {
    ups.CARRIER.code: ups.CARRIER,
    fedex.CARRIER.code: fedex.CARRIER,
    usps.CARRIER.code: usps.CARRIER,
    dhl.CARRIER.code: dhl.CARRIER,
    tiktok.CARRIER.code: tiktok.CARRIER,
    sandbox.CARRIER.code: sandbox.CARRIER,
    **sandbox.SIMULATED,  # the sandbox network's simulated carriers (sandbox_swift, ...), same adapter
}


def get_carrier(code: str) -> Carrier:
    """The carrier registered under ``code`` (case-insensitive); ``KeyError`` lists the known codes."""
    try:
        return CARRIERS[code.strip().lower()]
    except KeyError:
        raise KeyError(f"unknown carrier {code!r}; expected one of: {', '.join(CARRIERS)}") from None


def tables_markdown(carriers: list[Carrier] | None = None, full: bool = False) -> str:
    """Every carrier's mapping tables as Markdown: what docs/carriers.md embeds (a test compares the two)."""
    from parceltrail.carriers.mapping import render_markdown

    return "\n".join(
        f"### {c.name} (`{c.code}`)\n\n{render_markdown(c.classifier, full)}"
        for c in carriers or [c for c in CARRIERS.values() if c.code not in sandbox.SIMULATED]
    )
