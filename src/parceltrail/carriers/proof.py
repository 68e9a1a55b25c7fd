"""Proof of delivery: everything a carrier's answer says about *how* a parcel was delivered, as fields.

The carrier parsers already read the signer and the "left at" words (they refine the delivered substatus);
this module reads the rest from the same body, per carrier: the delivering facility, the address the
carrier says it delivered to, the number of attempts, a GPS point where a carrier gives one, and the
signature, photo and proof-of-delivery document references (a URL to fetch, or the SHA-256 and size of an
image sent inline as base64, which the kept raw body still holds). It keeps the carrier's own JSON node
for the parcel (``raw``) so the evidence shows exactly what the carrier said.

It sits beside the parsers instead of inside them so that one reader per carrier can grow with what the
carrier documents without touching event parsing. Fields by carrier (see docs/delivery-proof.md):
UPS ``package.deliveryInformation`` (+ the delivery activity's SLIC), FedEx ``trackResults[].deliveryDetails``
and ``availableImages``, USPS the delivery event's ``eventType``/``name``/``firm``/ZIP, DHL
``details.proofOfDelivery``, the sandbox ``proof_of_delivery``. TikTok Shop's tracking gives none.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from parceltrail.carriers.base import CarrierShapeError, CarrierTracking
from parceltrail.carriers.reading import load_body, place
from parceltrail.core import Location, Status


@dataclass(frozen=True, slots=True)
class ProofImage:
    """A signature, delivery photo or proof-of-delivery document the carrier offers."""

    kind: str
    """signature | photo | document"""
    url: str | None = None
    """Where the carrier serves it (DHL, the sandbox)."""
    sha256: str | None = None
    """Of the decoded bytes, when the carrier sent the image inline (UPS); the raw body keeps the bytes."""
    size: int | None = None
    note: str | None = None
    """What else the carrier said about it (UPS photo disposition, FedEx 'request the SPOD document')."""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "url": self.url, "sha256": self.sha256, "size": self.size, "note": self.note}


@dataclass(frozen=True, slots=True)
class DeliveryProof:
    """How one parcel was delivered, as its carrier told it."""

    carrier: str
    tracking_number: str
    delivered_at: datetime | None
    signed_by: str | None = None
    location: str | None = None
    """The carrier's words for where it was left ('Front Door', 'In/At Mailbox', 'Receptionist/Front Desk')."""
    lat: float | None = None
    lon: float | None = None
    facility: str | None = None
    """The delivering station or facility, as the carrier names it."""
    address: Location | None = None
    """Where the carrier says it delivered (FedEx's actual delivery address, the delivery scan's place)."""
    attempts: int | None = None
    images: tuple[ProofImage, ...] = ()
    raw: Any = None
    """The carrier's JSON node for this parcel, untouched."""

    @property
    def gps(self) -> tuple[float, float] | None:
        return (self.lat, self.lon) if self.lat is not None and self.lon is not None else None

    def to_dict(self) -> dict[str, Any]:
        """The stored and served shape (without ``raw``, which is served on its own)."""
        loc = self.address
        return {
            "carrier": self.carrier, "tracking_number": self.tracking_number,
            "delivered_at": self.delivered_at.isoformat() if self.delivered_at else None,
            "signed_by": self.signed_by, "location": self.location,
            "gps": {"lat": self.lat, "lon": self.lon} if self.gps else None,
            "facility": self.facility,
            "address": None if loc is None or loc.is_empty() else
            {"city": loc.city, "region": loc.region, "postal_code": loc.postal_code, "country": loc.country},
            "attempts": self.attempts, "images": [i.to_dict() for i in self.images],
        }


def _text(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        found = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(found) else found


def _inline(kind: str, data: Any, note: str | None = None) -> ProofImage | None:
    """An image sent as base64: its digest and size, or None when the field is empty or not base64."""
    text = "".join(str(data or "").split())
    if not text:
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return ProofImage(kind, sha256=hashlib.sha256(raw).hexdigest(), size=len(raw), note=note) if raw else None


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _ups(body: Any) -> Iterator[DeliveryProof]:
    for shipment in _dicts((body.get("trackResponse") or {}).get("shipment")):
        for pkg in _dicts(shipment.get("package")):
            info = pkg.get("deliveryInformation") or {}
            if not isinstance(info, dict):
                continue
            photo = info.get("deliveryPhoto") or {}
            disposition = {"V": "viewable", "N": "not viewable", "U": "not stored"}.get(
                str(photo.get("photoDispositionCode") or "").upper())
            images = [_inline("signature", (info.get("signature") or {}).get("image")),
                      _inline("photo", photo.get("photo"), f"photo {disposition}" if disposition else None),
                      _inline("document", (info.get("pod") or {}).get("content"))]
            delivered = next((a for a in _dicts(pkg.get("activity"))
                              if str((a.get("status") or {}).get("type") or "").upper() == "D"), {})
            where = delivered.get("location") or {}
            addr = where.get("address") or {}
            slic = _text(where.get("slic"))
            yield DeliveryProof(
                "ups", str(pkg.get("trackingNumber") or ""), None, raw=pkg, location=_text(info.get("location")), signed_by=_text(info.get("receivedBy")),
                facility=f"UPS facility SLIC {slic}" if slic else None,
                address=place(addr.get("city"), addr.get("stateProvince"), addr.get("postalCode"),
                              addr.get("countryCode") or addr.get("country")),
                images=tuple(i for i in images if i))


def _fedex(body: Any) -> Iterator[DeliveryProof]:
    for complete in _dicts((body.get("output") or {}).get("completeTrackResults")):
        for result in _dicts(complete.get("trackResults")):
            details = result.get("deliveryDetails") or {}
            if not isinstance(details, dict):
                continue
            number = (result.get("trackingNumberInfo") or {}).get("trackingNumber") or complete.get("trackingNumber")
            addr = details.get("actualDeliveryAddress") or {}
            scan = next((e for e in _dicts(result.get("scanEvents"))
                         if str(e.get("derivedStatusCode") or e.get("eventType") or "").upper() == "DL"), None)
            if scan is None:  # not delivered: a number FedEx reused names an older shipment too
                continue
            station = _text(scan.get("locationId"))
            kind = _text(scan.get("locationType"))
            images = tuple(ProofImage("signature", note="FedEx signature proof of delivery: request it with the "
                                                        "tracking document API (SIGNATURE_PROOF_OF_DELIVERY)")
                           for i in _dicts(result.get("availableImages"))
                           if i.get("type") == "SIGNATURE_PROOF_OF_DELIVERY")[:1]
            yield DeliveryProof(
                "fedex", str(number or ""), None, raw=result, location=_text(details.get("locationDescription")),
                signed_by=_text(details.get("signedByName")) or _text(details.get("receivedByName")),
                facility=" ".join(x for x in (kind and kind.replace("_", " ").lower(), station) if x) or None,
                address=place(addr.get("city"), addr.get("stateOrProvinceCode"), addr.get("postalCode"),
                              addr.get("countryCode")),
                attempts=_int(details.get("deliveryAttempts")), images=images)


def _usps(body: Any) -> Iterator[DeliveryProof]:
    for item in (body if isinstance(body, list) else [body]):
        if not isinstance(item, dict):
            continue
        delivered = next((e for e in _dicts(item.get("trackingEvents"))
                          if str(e.get("eventType") or "").lower().startswith("delivered")), None)
        if delivered is None:
            continue
        words = str(delivered.get("eventType"))
        where = _text(words.split(",", 1)[1]) if "," in words else None
        yield DeliveryProof(
            "usps", str(item.get("trackingNumber") or ""), None, raw=item, location=where, signed_by=_text(delivered.get("name")),
            facility=_text(delivered.get("firm")),
            address=place(delivered.get("eventCity"), delivered.get("eventState"), delivered.get("eventZIP"),
                          delivered.get("eventCountry") or "US"))


def _dhl(body: Any) -> Iterator[DeliveryProof]:
    for shipment in _dicts(body.get("shipments")):
        details = shipment.get("details") or {}
        pod = details.get("proofOfDelivery") or {}
        if not isinstance(pod, dict):
            continue
        signer = pod.get("signed") or {}
        name = _text(signer.get("name")) if isinstance(signer, dict) else None
        full = _text(" ".join(str(signer.get(k) or "") for k in ("givenName", "familyName"))) \
            if isinstance(signer, dict) else None
        images = [ProofImage("signature", url=_text(pod.get("signatureUrl"))) if _url(pod.get("signatureUrl")) else None,
                  ProofImage("document", url=_text(pod.get("documentUrl"))) if _url(pod.get("documentUrl")) else None]
        status = shipment.get("status") or {}
        addr = ((status.get("location") or {}).get("address") or {}) if str(status.get("statusCode")) == "delivered" else {}
        yield DeliveryProof(
            "dhl", str(shipment.get("id") or ""), None, raw=shipment, signed_by=full if full and name and len(full) > len(name) else name or full,
            address=place(addr.get("addressLocality"), None, addr.get("postalCode"), addr.get("countryCode")),
            images=tuple(i for i in images if i))


def _url(value: Any) -> bool:
    return str(value or "").startswith(("https://", "http://"))


def _sandbox(body: Any) -> Iterator[DeliveryProof]:
    for item in (body.get("shipments") if isinstance(body, dict) and "shipments" in body else
                 body if isinstance(body, list) else [body]):
        if not isinstance(item, dict):
            continue
        pod = item.get("proof_of_delivery") or {}
        gps = pod.get("gps") or {}
        photo = _text(pod.get("photo_url"))
        yield DeliveryProof(
            "sandbox", str(item.get("tracking_number") or ""), None, raw=item, location=_text(pod.get("location")), signed_by=_text(pod.get("signed_by")),
            lat=_float(gps.get("lat")), lon=_float(gps.get("lon")), facility=_text(pod.get("facility")),
            images=(ProofImage("photo", url=photo),) if photo else ())


READERS: dict[str, Callable[[Any], Iterable[DeliveryProof]]] = {
    "ups": _ups, "fedex": _fedex, "usps": _usps, "dhl": _dhl, "sandbox": _sandbox}
"""Carriers whose answers carry proof fields; others get a proof from what their parser already read."""


def read_proofs(code: str, body: bytes | str | dict | list) -> dict[str, DeliveryProof]:
    """The proof fields of every parcel a body describes, by tracking number, read without the parser
    (so also from bodies whose events the parser refuses); the delivery time is the parser's to give."""
    reader = READERS.get(code)
    decoded = load_body(code, body) if reader is not None else None
    out: dict[str, DeliveryProof] = {}
    for proof in reader(decoded) if reader is not None and isinstance(decoded, (dict, list)) else ():
        out.setdefault(proof.tracking_number, proof)
    return out


def _key(number: str | None) -> str:
    return "".join((number or "").split()).upper()


def with_proofs(code: str, body: bytes | str | dict | list, trackings: list[CarrierTracking]) -> list[CarrierTracking]:
    """The parsed trackings, each delivered one (and delivered related piece) carrying its ``proof``.

    Pass the decoded body (``reading.load_body``) the parser read, so it is decoded once; bytes are
    decoded here, only when something in it was delivered. A node the reader cannot read
    leaves that parcel with the proof its parser already found (signer, place words), never an error:
    proof is a bonus on top of tracking, not a reason to lose the scans.
    """
    if not any(t.status is Status.DELIVERED for top in trackings for t in (top, *top.related)):
        return trackings
    found: dict[str, DeliveryProof] = {}
    try:
        found = {_key(number): proof for number, proof in read_proofs(code, body).items()}
    except (CarrierShapeError, AttributeError, TypeError, ValueError):
        found = {}

    def attach(t: CarrierTracking) -> CarrierTracking:
        related = tuple(attach(r) for r in t.related)
        if t.status is not Status.DELIVERED:
            return replace(t, related=related) if related != t.related else t
        part = found.get(_key(t.tracking_number)) or (found.get("") if len(found) == 1 else None)
        return replace(t, related=related, proof=proof_of(t, part))

    return [attach(t) for t in trackings]


def proof_of(t: CarrierTracking, part: DeliveryProof | None) -> DeliveryProof:
    """The proof of a delivered tracking: its parser's time, signer and place words over what the reader found."""
    base = part or DeliveryProof(t.carrier, t.tracking_number or "", None)
    return replace(base, carrier=t.carrier, tracking_number=t.tracking_number or base.tracking_number,
                   delivered_at=t.delivered_at, signed_by=t.signed_by or base.signed_by,
                   location=t.delivery_location or base.location)
