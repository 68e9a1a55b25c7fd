"""Shipping documents of the local TikTok Shop: the label TikTok hands a seller whose order it ships.

TikTok answers Get Package Shipping Document with a ``doc_url``, a short-lived link to a PDF. Here the
PDF is drawn on request (A6, TikTok's default ``document_size``, or A5): the carrier TikTok chose, the
ship-to, the package and order ids, and the tracking number in Code 128, so tests can scan it back. The
link is an unguessable token that expires like TikTok's.
"""

from __future__ import annotations

import io
import secrets
import threading
import time

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A5, A6
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

DOCUMENT_TYPES = ("SHIPPING_LABEL", "PACKING_SLIP", "SHIPPING_LABEL_AND_PACKING_SLIP", "SHIPPING_LABEL_PICTURE",
                  "HAZMAT_LABEL", "INVOICE_LABEL")
SIZES = {"A6": A6, "A5": A5}
LINK_LIFETIME = 3600.0


def label_pdf(order: dict, item: dict, size: str = "A6") -> bytes:
    width, height = SIZES[size]
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height))
    canvas.setTitle(f"TikTok Shipping label {item['package_id']}")
    address = order.get("recipient_address") or {}
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(18, height - 30, f"{item.get('shipping_provider_name') or 'Carrier'} - TikTok Shipping")
    canvas.setFont("Helvetica", 9)
    lines = ["SHIP TO:", address.get("name") or "", address.get("full_address") or "",
             f"ORDER {order['id']}", f"PACKAGE {item['package_id']}"]
    for n, line in enumerate(lines):
        canvas.drawString(18, height - 52 - 12 * n, line[:60])
    number = item["tracking_number"]
    symbol = Code128(number, barHeight=0.9 * inch, barWidth=0.014 * inch, quiet=True)
    symbol.drawOn(canvas, (width - symbol.width) / 2, 60)
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawCentredString(width / 2, 44, number)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


class DocumentLinks:
    """Short-lived links to drawn documents (token -> bytes, expiry)."""

    def __init__(self, clock=time.monotonic) -> None:
        self._docs: dict[str, tuple[bytes, float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def publish(self, document: bytes) -> str:
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._docs[token] = (document, self._clock() + LINK_LIFETIME)
        return token

    def get(self, token: str) -> bytes | None:
        with self._lock:
            found = self._docs.get(token)
        if found is None or found[1] < self._clock():
            return None
        return found[0]
