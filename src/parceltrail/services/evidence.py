"""The evidence bundle of one package: everything a seller attaches to a TikTok appeal or a carrier claim,
as one JSON document (the "sibling") that the PDF is drawn from.

What goes in: the shop and the order (buyer masked: first name, city, ZIP), the label, every scan with
its time in the scan's own zone and in UTC and when parceltrail received it, the proof of delivery, the
route, every estimate revision, the staff's notes, every message sent about the package (recipients
masked), the disputes with their deadlines and history. The JSON carries its own SHA-256 (over the
document without that field) so the PDF can print it and a reviewer can check the two agree.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import parceltrail
from parceltrail.core import Package, Status, fingerprint
from parceltrail.services.buyer_page import Scan, carrier_link, carrier_name, scan_view
from parceltrail.services.clock import utcnow
from parceltrail.services.delivery import Confirmed, confirmation_of
from parceltrail.services.dispute_facts import read_record
from parceltrail.services.disputes import DisputeView, list_disputes
from parceltrail.services.errors import NotFound
from parceltrail.services.estimates import zone_of
from parceltrail.store import UnitOfWork
from parceltrail.store.notifications import LogFilter

SCHEMA = "parceltrail.evidence/1"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _local(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat() if value else None


def mask_target(target: str) -> str:
    """An e-mail as j***@example.com, a URL as its host, a phone number as its last four digits."""
    if "@" in target:
        name, _, domain = target.partition("@")
        return f"{name[:1]}***@{domain}"
    if "://" in target:
        return target.split("://", 1)[1].split("/", 1)[0]
    digits = [c for c in target if c.isdigit()]
    return f"***{''.join(digits[-4:])}" if len(digits) >= 7 else target


def _scans(uow: UnitOfWork, package: Package, zone: ZoneInfo) -> list[dict[str, Any]]:
    received = {r.fingerprint: r for r in uow.evidence.event_receipts(package.id)}
    out = []
    for event in sorted(uow.events.timeline(package.id), key=lambda e: e.occurred_at):
        view: Scan = scan_view(event, zone)
        row = received.get(fingerprint(package.carrier, package.tracking_number, event))
        out.append({
            "occurred_at": _iso(event.occurred_at), "local_time": view.at.isoformat(),
            "zone": view.at.tzname(), "status": event.status.value, "substatus": event.substatus.value,
            "description": event.description, "carrier_code": event.carrier_code, "place": view.place,
            "location": {"city": event.location.city, "region": event.location.region,
                         "postal_code": event.location.postal_code, "country": event.location.country},
            "lat": view.lat, "lon": view.lon,
            "source": row.source if row else None, "recorded_at": _iso(row.recorded_at) if row else None,
        })
    return out


def build_evidence(uow: UnitOfWork, shop_id: str | None, package_id: str) -> dict[str, Any]:
    """The evidence document of one of the shop's packages (any shop's when ``shop_id`` is None: the CLI)."""
    now = utcnow().replace(microsecond=0)
    with uow.read():
        package = uow.packages.get_any([package_id]).get(package_id)
        if package is None or (shop_id is not None and package.shop_id != shop_id):
            raise NotFound("package", package_id)
        record = read_record(uow, package)
        confirmed = confirmation_of(uow, package, record.events)
        zone = zone_of(package.destination)
        shop = uow.shops.get(package.shop_id)
        branding = uow.branding.get(package.shop_id)
        scans = _scans(uow, package, zone)
        labels = uow.labels.of_package(package.id)
        notes = uow.staff.notes(package.id)
        messages = uow.notifications.page(LogFilter(shop_id=package.shop_id, package_id=package.id), 500)
    disputes: list[DisputeView] = list_disputes(uow, package.shop_id, None, package.id, None, 1000)[0]
    delivered = package.state.status is Status.DELIVERED
    delivery = next((s for s in reversed(scans) if s["status"] == "delivered"), None) if delivered else None
    doc: dict[str, Any] = {
        "schema": SCHEMA, "generated_at": _iso(now), "generator": f"parceltrail {parceltrail.__version__}",
        "shop": {"id": package.shop_id, "name": (branding.display_name if branding and branding.display_name
                                                  else shop.name if shop else package.shop_id)},
        "package": {
            "id": package.id, "tracking_number": package.tracking_number, "carrier": package.carrier,
            "carrier_name": carrier_name(package.carrier), "service": package.service,
            "tracking_url": carrier_link(package.carrier, package.tracking_number),
            "status": package.state.status.value, "substatus": package.state.substatus.value,
            "registered_at": _iso(package.created_at), "delivered_at": _iso(package.state.delivered_at),
            "delivered_at_local": _local(package.state.delivered_at, zone) if delivered else None,
            "destination_zone": str(zone), "order_ref": package.order_ref,
            "origin": _place(package.origin), "destination": _place(package.destination),
        },
        "orders": [_order(s) for s in record.orders],
        "labels": [_label(label) for label in labels],
        "scans": scans,
        "proof_of_delivery": _delivery_proof(delivery, confirmed),
        "estimates": [{**e.to_dict(), "moment": e.moment} for e in record.estimates],
        "notes": [{"at": _iso(n.created_at), "author": n.author, "text": n.body} for n in reversed(notes)],
        "messages": [{"id": m.id, "channel": m.channel, "kind": m.kind, "to": mask_target(m.target),
                      "state": m.state, "subject": m.subject, "created_at": _iso(m.created_at),
                      "sent_at": _iso(m.sent_at), "attempts": m.attempts} for m in reversed(messages)],
        "disputes": [d.to_dict(now) for d in disputes],
    }
    doc["sha256"] = digest(doc)
    return doc


def digest(doc: dict[str, Any]) -> str:
    """SHA-256 of the document without its own ``sha256`` field, keys sorted, compact: reproducible by anyone."""
    body = {k: v for k, v in doc.items() if k != "sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _place(address) -> dict[str, Any] | None:
    if address is None:
        return None
    from parceltrail.geo import us_zip

    found = us_zip(address.postal_code) if address.postal_code and address.country in (None, "US") else None
    return {"city": address.city or (found.city.title() if found else None),
            "region": address.region or (found.state if found else None), "postal_code": address.postal_code,
            "country": address.country, "lat": found.lat if found else None, "lon": found.lon if found else None}


def _order(stored) -> dict[str, Any]:
    order = stored.order
    return {"order_id": order.external_id, "platform": order.platform, "status": order.status.value,
            "created_at": _iso(order.created_at), "paid_at": _iso(order.paid_at),
            "deadlines": {k: (v.replace("+00:00", "Z") if v else None) for k, v in order.deadlines.to_dict().items()},
            "buyer": order.buyer.masked(), "shipping_type": order.shipping_type,
            "items": [{"product_name": i.product_name, "sku": i.sku, "quantity": i.quantity} for i in order.line_items]}


def _label(label) -> dict[str, Any]:
    to = label.ship_to or {}
    origin = label.ship_from or {}
    return {"id": label.id, "carrier": label.carrier, "service": label.service,
            "tracking_number": label.tracking_number, "created_at": _iso(label.created_at),
            "voided_at": _iso(label.voided_at), "weight_lb": label.weight_lb, "billable_lb": label.billable_lb,
            "ship_from": {k: origin.get(k) for k in ("city", "region", "postal_code")},
            "ship_to": {k: to.get(k) for k in ("city", "region", "postal_code")}}


def _delivery_proof(delivery: dict[str, Any] | None, confirmed: Confirmed) -> dict[str, Any] | None:
    """The delivery scan, the carrier's proof fields as kept, the buyer's confirmation and the distance, each
    both structured (``carrier_proof``, ``confirmation``) and as the one line the PDF prints."""
    if delivery is None:
        return None
    found = confirmed.to_dict()
    proof = found["proof"] or {}
    gps = proof.get("gps")
    buyer = found["buyer_confirmation"]
    distance = found["distance"]
    images = [f"{i['kind']}: " + (i["url"] or (f"sent inline, {i['size']:,} bytes, SHA-256 {i['sha256']}"
                                               if i["sha256"] else "held by the carrier"))
              + (f" ({i['note']})" if i.get("note") else "") for i in proof.get("images") or []]
    return {"delivered_at": delivery["occurred_at"], "local_time": delivery["local_time"], "zone": delivery["zone"],
            "place": delivery["place"], "description": delivery["description"],
            "carrier_code": delivery["carrier_code"], "verdict": found["verdict"],
            "signed_by": proof.get("signed_by"), "location": proof.get("location"), "facility": proof.get("facility"),
            "gps": f"{gps['lat']:.5f}, {gps['lon']:.5f}" if gps else None,
            "distance": (distance["text"] + (" — beyond the ZIP's size: possible misdelivery" if distance["far"]
                                             else f", within the ZIP's size ({distance['threshold_km']} km)"))
            if distance else None,
            "images": "; ".join(images) or None,
            "buyer_confirmation": f"the buyer confirmed receipt {confirmed.buyer.confirmed_at:%Y-%m-%d %H:%M} UTC "
                                  f"({buyer['via'].replace('_', ' ')})" if buyer and confirmed.buyer else None,
            "raw_sha256": proof.get("raw_sha256"), "carrier_proof": found["proof"], "confirmation": {
                "verdict": found["verdict"], "buyer": buyer, "distance": distance}}
