"""The evidence PDF, drawn from the evidence JSON (services/evidence.py) with reportlab's platypus.

Written for the person who decides a TikTok appeal or a carrier claim: the facts that decide it on the
first page (status, delivery moment in the destination's time and UTC, the proof, the order and its
deliver-by, open disputes and their next deadline), then the route, every scan with both times and
when parceltrail received it, the estimate history, the disputes with their deadlines and sources,
notes and messages. Every page's footer names the tracking number, the page count and the SHA-256 of
the JSON sibling, so the PDF and the JSON can be checked against each other.

Page geometry, fonts, styles and the route drawing are in ``reports/style.py``.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table

from parceltrail.reports.route import route_of
from parceltrail.reports.style import (
    BAD,
    INK,
    LINE,
    MARGIN,
    MUTED,
    OK,
    WIDTH,
    Styles,
    facts,
    para,
    route_drawing,
    table,
    utc,
    when,
    zoned,
)

VERDICTS = {"confirmed": "delivered by the carrier and confirmed by the buyer",
            "carrier_delivered": "delivered by the carrier (the buyer has not confirmed)",
            "delivered_far": "delivered by the carrier FAR from the address (the buyer has not confirmed)"}
PROBLEMS = ("exception", "delivery_failed", "returning", "returned", "expired", "cancelled")

def _story(doc: dict[str, Any], s: Styles) -> list:
    pkg = doc["package"]
    carrier = pkg["carrier_name"] or (pkg["carrier"] or "unknown carrier")
    story: list = [
        Table([[para("Delivery evidence", s.title), para(doc["shop"]["name"], ParagraphStyle("shop", parent=s.title,
                                                                                     alignment=TA_RIGHT, fontSize=13))]],
              colWidths=[WIDTH * 0.6, WIDTH * 0.4], style=[("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                                          ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                                          ("RIGHTPADDING", (0, 0), (-1, -1), 0)]),
        para(f"{carrier} tracking number {pkg['tracking_number']} · parceltrail package {pkg['id']} · "
           f"generated {doc['generated_at']} from the carrier's own scans", s.sub),
        Spacer(1, 8),
    ]
    story += _summary(doc, s)
    story += _proof_section(doc, s)
    story += _dispute_summary(doc, s)
    story += _route_section(doc, s)
    story += _scan_section(doc, s)
    story += _estimate_section(doc, s)
    story += _dispute_details(doc, s)
    story += _notes_and_messages(doc, s)
    story += [Spacer(1, 10), para("How to read this: times are shown in the local time of the place each scan "
                                "happened (its ZIP code's zone; the destination's when the carrier gave no place), "
                                "with UTC beside them. \"Received\" is when parceltrail got the scan from the carrier "
                                "(polling or push). Buyer details are masked. The JSON sibling of this document holds "
                                "the same facts; its SHA-256 is printed in every footer.", s.sub)]
    return story


def _summary(doc: dict[str, Any], s: Styles) -> list:
    pkg = doc["package"]
    status = pkg["status"].replace("_", " ")
    sub = pkg["substatus"].replace("_", " ")
    tone = OK if pkg["status"] == "delivered" else BAD if pkg["status"] in PROBLEMS else INK
    status_text = para(status.upper() + (f" — {sub}" if sub != status else ""),
                     ParagraphStyle("status", parent=s.value, fontName=s.bold, textColor=tone))
    dest = pkg["destination"] or {}
    origin = pkg["origin"] or {}
    pairs: list[tuple[str, Any]] = [
        ("Status", status_text),
        ("Delivered", when(pkg["delivered_at_local"], pkg["delivered_at"], (doc["proof_of_delivery"] or {}).get("zone"))
         if pkg["delivered_at_local"] else "not delivered"),
        ("From → to", f"{_place_text(origin)} → {_place_text(dest)}"),
        ("Carrier", f"{pkg['carrier_name'] or pkg['carrier'] or '—'}" + (f", {pkg['service']}" if pkg["service"] else "")
         + (f" · {pkg['tracking_url']}" if pkg["tracking_url"] else "")),
        ("Registered", utc(pkg["registered_at"])),
    ]
    for order in doc["orders"]:
        buyer = order["buyer"]
        who = ", ".join(x for x in (buyer.get("first_name"), buyer.get("city"), buyer.get("postal_code")) if x)
        items = "; ".join(f"{i['quantity']} × {i['product_name']}" for i in order["items"][:4])
        pairs += [(f"{order['platform'].title()} order", (f"{order['order_id']} ({order['status'].lower()}) · placed "
                   f"{utc(order['created_at'])} · deliver by {utc(order['deadlines']['deliver_by'])}")),
                  ("Buyer (masked)", who or "—"), ("Items", items or "—")]
    if not doc["orders"] and pkg["order_ref"]:
        pairs.append(("Order reference", pkg["order_ref"]))
    for label in doc["labels"]:
        weight = (f"{label['weight_lb']} lb (billable {label['billable_lb'] or '—'} lb)"
                  if label["weight_lb"] is not None else "weight not given")
        pairs.append(("Label", f"{label['carrier'].upper()} {label['service'] or ''} · created "
                      f"{utc(label['created_at'])} · {weight} · "
                      f"{_place_text(label['ship_from'])} → {_place_text(label['ship_to'])}"
                      + (f" · VOIDED {utc(label['voided_at'])}" if label["voided_at"] else "")))
    return [facts(pairs, s)]


def _place_text(place: dict[str, Any] | None) -> str:
    if not place:
        return "—"
    city = place.get("city")
    region = place.get("region") or place.get("state")
    return " ".join(x for x in (", ".join(y for y in (city, region) if y), place.get("postal_code")) if x) or "—"


def _proof_section(doc: dict[str, Any], s: Styles) -> list:
    proof = doc["proof_of_delivery"]
    if proof is None:
        last = doc["scans"][-1] if doc["scans"] else None
        text = ("The carrier has not reported a delivery. Last scan: "
                + (f"{when(last['local_time'], last['occurred_at'], last['zone'])}, {last['description'] or last['status']}"
                   f"{' at ' + last['place'] if last['place'] else ''}." if last else "none."))
        return [para("Proof of delivery", s.h2), para(text, s.body)]
    pairs: list[tuple[str, Any]] = [
        ("Delivered", when(proof["local_time"], proof["delivered_at"], proof.get("zone"))),
        ("Carrier's words", proof.get("description") or "—"),
        ("Place of the scan", proof.get("place") or "—"),
        ("Confirmation", VERDICTS.get(proof.get("verdict") or "", proof.get("verdict") or "—")),
    ]
    for key, label in (("signed_by", "Signed by"), ("location", "Left at"), ("facility", "Delivering facility"),
                       ("gps", "GPS point"), ("distance", "From the address"), ("images", "Photo / signature"),
                       ("buyer_confirmation", "Buyer confirmation"), ("raw_sha256", "Carrier's answer kept")):
        if proof.get(key):
            pairs.append((label, f"SHA-256 {proof[key]}" if key == "raw_sha256" else proof[key]))
    return [KeepTogether([para("Proof of delivery", s.h2), facts(pairs, s)])]


def _dispute_summary(doc: dict[str, Any], s: Styles) -> list:
    if not doc["disputes"]:
        return []
    rows = [["Dispute", "Claim", "State", "Opened", "Next deadline"]]
    for d in doc["disputes"]:
        due = d["next_deadline"]
        rows.append([d["id"], d["kind"].replace("_", " "), d["state"], utc(d["opened_at"]),
                     f"{due['title']}: {utc(due['closes_at'])}" if due else "—"])
    return [para("Disputes", s.h2), table(rows, [2.15 * inch, 0.85 * inch, 0.8 * inch, 1.0 * inch, WIDTH - 4.8 * inch], s)]


def _route_section(doc: dict[str, Any], s: Styles) -> list:
    route = route_of(doc)
    if route is None:
        return []
    stops = " → ".join(stop.label for stop in route.stops)
    return [KeepTogether([para("Route", s.h2), route_drawing(route, s), Spacer(1, 3),
                          para(f"Places scanned, in order: {stops}. Drawn from the scans' ZIP code centroids"
                             + ("; the dashed line is the way still to go." if route.ahead else "."), s.sub)])]


def _scan_section(doc: dict[str, Any], s: Styles) -> list:
    rows = [["#", "Local time", "UTC", "Status", "Carrier's words (code)", "Place", "Received"]]
    for i, scan in enumerate(doc["scans"], 1):
        words = scan["description"] + (f" ({scan['carrier_code']})" if scan["carrier_code"] else "")
        rows.append([str(i), zoned(scan["local_time"], scan["zone"]), utc(scan["occurred_at"]),
                     scan["substatus"].replace("_", " "), words, scan["place"] or "—",
                     f"{utc(scan['recorded_at'])} {scan['source'] or ''}".strip()])
    widths = [0.25 * inch, 1.35 * inch, 1.0 * inch, 0.95 * inch, 1.6 * inch, 1.05 * inch]
    widths.append(WIDTH - sum(widths))
    return [para(f"Every scan ({len(doc['scans'])})", s.h2),
            table(rows, widths, s) if doc["scans"] else para("No scans from the carrier.", s.body)]


def _estimate_section(doc: dict[str, Any], s: Styles) -> list:
    if not doc["estimates"]:
        return []
    rows = [["Revised (UTC)", "Window (80%)", "Most likely", "Promise (95%)", "Basis", "Why"]]
    for e in doc["estimates"]:
        rows.append([utc(e["revised_at"]), f"{e['earliest']} – {e['latest']}", e["likely"], e["promise"],
                     f"{e['source']}, {e['moment']}", e["reason"]])
    widths = [1.0 * inch, 1.35 * inch, 0.75 * inch, 0.8 * inch, 1.1 * inch]
    widths.append(WIDTH - sum(widths))
    return [para("Delivery estimates given", s.h2), table(rows, widths, s)]


def _dispute_details(doc: dict[str, Any], s: Styles) -> list:
    out: list = []
    for d in doc["disputes"]:
        out.append(para(f"Dispute {d['id']}: {d['kind'].replace('_', ' ')} ({d['state']}, opened by {d['source']})", s.h2))
        if d["description"]:
            out.append(para(f"“{d['description']}”", s.body))
        rows = [["Window", "Closes (UTC)", "State", "Rule and source"]]
        for w in d["deadlines"]:
            closes = utc(w["closes_at"]) if w["closes_at"] else f"starts at {w['waiting_for']}"
            rows.append([w["title"], closes, w["state"].replace("_", " "), f"{w['basis']} — {w['source']}"])
        out.append(table(rows, [1.6 * inch, 1.0 * inch, 0.7 * inch, WIDTH - 3.3 * inch], s))
        history = [["When (UTC)", "Who", "What"]] + [[utc(h["at"]), h["actor"], f"{h['action']}: {h['detail']}".rstrip(": ")]
                                                     for h in d["history"]]
        out += [Spacer(1, 4), table(history, [1.0 * inch, 0.7 * inch, WIDTH - 1.7 * inch], s)]
    return out


def _notes_and_messages(doc: dict[str, Any], s: Styles) -> list:
    out: list = []
    if doc["notes"]:
        rows = [["When (UTC)", "Who", "Note"]] + [[utc(n["at"]), n["author"] or "—", n["text"]] for n in doc["notes"]]
        out += [para("Notes", s.h2), table(rows, [1.0 * inch, 1.4 * inch, WIDTH - 2.4 * inch], s)]
    rows = [["Created (UTC)", "Channel", "To", "What", "State", "Sent (UTC)"]]
    rows += [[utc(m["created_at"]), m["channel"], m["to"], m["subject"] or m["kind"], m["state"], utc(m["sent_at"])]
             for m in doc["messages"]]
    out += [para(f"Messages sent about this parcel ({len(doc['messages'])})", s.h2),
            table(rows, [1.0 * inch, 0.6 * inch, 1.3 * inch, 1.9 * inch, 0.6 * inch, WIDTH - 5.4 * inch], s)
            if doc["messages"] else para("None.", s.body)]
    return out


def _numbered(doc: dict[str, Any], font: str):
    pkg = doc["package"]

    class NumberedCanvas(Canvas):
        """Draws each page's footer once the page count is known (two passes over the saved pages)."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font, 7)
                self.setFillColor(MUTED)
                self.setStrokeColor(LINE)
                self.line(MARGIN, 0.55 * inch, LETTER[0] - MARGIN, 0.55 * inch)
                self.drawString(MARGIN, 0.41 * inch, f"parceltrail delivery evidence · {pkg['tracking_number']}")
                self.drawRightString(LETTER[0] - MARGIN, 0.41 * inch, f"page {self._pageNumber} of {total}")
                self.drawString(MARGIN, 0.28 * inch, f"JSON SHA-256 {doc['sha256']} (the evidence JSON sibling)")
                super().showPage()
            super().save()

    return NumberedCanvas


def render_evidence(doc: dict[str, Any]) -> bytes:
    """The PDF of an evidence document (``services.evidence.build_evidence``)."""
    s = Styles()
    out = io.BytesIO()
    pkg = doc["package"]
    template = SimpleDocTemplate(out, pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                 bottomMargin=0.75 * inch, title=f"Delivery evidence {pkg['tracking_number']}",
                                 author=doc["shop"]["name"], subject=f"parceltrail package {pkg['id']}",
                                 creator=doc["generator"])
    template.build(_story(doc, s), canvasmaker=_numbered(doc, s.font))
    return out.getvalue()
