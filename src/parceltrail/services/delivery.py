"""Proof of delivery kept, and the ``confirm`` step: delivered by the carrier, confirmed by the buyer, and
how far from the address.

``keep_proofs`` is called by polling and push right after the scans are stored (its own transaction: a
proof is evidence on top of tracking, and never costs a scan). ``check_delivery`` reads one package's
confirmation; ``buyer_confirms`` records the buyer's "I got it" from the tracking page or the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from parceltrail.carriers.proof import DeliveryProof
from parceltrail.core import Package, Status, TrackingEvent
from parceltrail.core.disputes.delivery import DeliveryCheck, Distance, distance
from parceltrail.core.flags.model import Point
from parceltrail.core.flags.timeline import km
from parceltrail.geo import all_us_zips, us_place, us_zip
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import NotFound
from parceltrail.store import UnitOfWork
from parceltrail.store.proofs import Confirmation, StoredProof

VIA = ("tracking_page", "api", "seller")


def keep_proofs(uow: UnitOfWork, shop_id: str, proofs: Mapping[str, DeliveryProof], source: str,
                now: datetime | None = None) -> int:
    """Store each package's proof (package id -> proof); returns how many were new or changed."""
    if not proofs:
        return 0
    now = now or utcnow()
    stored = 0
    with uow:
        for package_id, proof in proofs.items():
            stored += uow.proofs.save(shop_id, package_id, proof.to_dict(), proof.raw, source, now, proof.delivered_at)
        uow.commit()
    return stored


@cache
def zip_spacing_km(code: str) -> float | None:
    """Distance from a ZIP's centroid to the nearest other ZIP centroid: the scale of that ZIP's area."""
    home = us_zip(code)
    if home is None:
        return None
    here = Point(home.lat, home.lon)
    near = [km(here, Point(z.lat, z.lon)) for z in all_us_zips()
            if z.zip_code != home.zip_code and abs(z.lat - home.lat) < 1.5 and abs(z.lon - home.lon) < 2.0]
    found = [d for d in near if d > 0.05]
    return min(found) if found else None


def _destination(package: Package) -> tuple[Point | None, str | None]:
    dest = package.destination
    if dest is None or dest.country not in (None, "US"):
        return None, None
    found = us_zip(dest.postal_code)
    return (Point(found.lat, found.lon), found.zip_code) if found else (None, None)


def _scan_point(event: TrackingEvent | None) -> Point | None:
    if event is None or event.location.country not in (None, "US"):
        return None
    found = us_place(event.location.postal_code, event.location.city, event.location.region)
    return Point(found.lat, found.lon) if found else None


def judge(package: Package, events: list[TrackingEvent], proof: StoredProof | None,
          buyer: Confirmation | None) -> DeliveryCheck:
    """The confirmation of a package from what was read (pure given its inputs, except the ZIP table)."""
    delivered = package.state.status is Status.DELIVERED
    scan = next((e for e in sorted(events, key=lambda e: e.occurred_at, reverse=True)
                 if e.status is Status.DELIVERED), None) if delivered else None
    dest, code = _destination(package)
    gps = proof.gps if proof is not None and delivered else None
    found = distance(dest, Point(*gps) if gps else None, _scan_point(scan), zip_spacing_km(code) if code else None) \
        if delivered else None
    return DeliveryCheck(delivered, package.state.delivered_at if delivered else None,
                         buyer.confirmed_at if buyer else None, found)


@dataclass(frozen=True, slots=True)
class Confirmed:
    """What ``parceltrail confirm`` and ``GET /v1/packages/{id}/delivery`` show."""

    package: Package
    check: DeliveryCheck
    proof: StoredProof | None
    buyer: Confirmation | None

    def to_dict(self) -> dict[str, Any]:
        p, c = self.package, self.check
        dest = p.destination
        return {
            "package_id": p.id, "tracking_number": p.tracking_number, "carrier": p.carrier,
            "verdict": c.verdict, "carrier_delivered": c.carrier_delivered,
            "delivered_at": c.delivered_at.isoformat() if c.delivered_at else None,
            "substatus": p.state.substatus.value,
            "proof": None if self.proof is None else {
                **self.proof.fields, "source": self.proof.source, "received_at": self.proof.received_at.isoformat(),
                "raw_sha256": self.proof.raw_sha256},
            "buyer_confirmation": None if self.buyer is None else {
                "confirmed_at": self.buyer.confirmed_at.isoformat(), "via": self.buyer.via},
            "distance": None if c.distance is None else {
                **c.distance.to_dict(), "to": f"ZIP {dest.postal_code} centre" if dest else None,
                "text": c.distance.describe()},
        }


def confirmation_of(uow: UnitOfWork, package: Package, events: list[TrackingEvent] | None = None) -> Confirmed:
    """Call inside an open unit of work."""
    proof, buyer = uow.proofs.get(package.id), uow.proofs.confirmation(package.id)
    timeline = events if events is not None else uow.events.timeline(package.id)
    return Confirmed(package, judge(package, timeline, proof, buyer), proof, buyer)


def _read(uow: UnitOfWork, shop_id: str | None, package_id: str) -> Confirmed:
    package = uow.packages.get_any([package_id]).get(package_id)
    if package is None or (shop_id is not None and package.shop_id != shop_id):
        raise NotFound("package", package_id)
    return confirmation_of(uow, package)


def check_delivery(uow: UnitOfWork, shop_id: str | None, package_id: str) -> Confirmed:
    """The ``confirm`` step of one of the shop's packages (any shop's when ``shop_id`` is None: the CLI)."""
    with uow.read():
        return _read(uow, shop_id, package_id)


def buyer_confirms(uow: UnitOfWork, shop_id: str, package_id: str, via: str = "api",
                   now: datetime | None = None) -> Confirmed:
    """Record that the buyer has the parcel (the first confirmation counts) and return the confirmation."""
    if via not in VIA:
        raise ValueError(f"via should be one of {', '.join(VIA)}")
    with uow:
        package = uow.packages.get(shop_id, package_id)
        if package is None:
            raise NotFound("package", package_id)
        uow.proofs.confirm(shop_id, package_id, now or utcnow(), via)
        found = _read(uow, shop_id, package_id)
        uow.commit()
    return found


def distances(uow: UnitOfWork, packages: list[Package]) -> dict[str, Distance | None]:
    """Each delivered package's distance from its address (for the payment release signal)."""
    out: dict[str, Distance | None] = {}
    for package in packages:
        if package.state.status is Status.DELIVERED:
            out[package.id] = judge(package, uow.events.timeline(package.id), uow.proofs.get(package.id), None).distance
    return out


def buyer_confirmation(uow: UnitOfWork, package_id: str) -> Confirmation | None:
    """The buyer's confirmation of a package, if any (the tracking page shows it instead of the button)."""
    with uow.read():
        return uow.proofs.confirmation(package_id)


def proof_line(found: Confirmed) -> str | None:
    """One line of the carrier's proof for a dispute's checklist: signer, place, facility."""
    if found.proof is None:
        return None
    fields = found.proof.fields
    parts = [f"signed by {fields['signed_by']}" if fields.get("signed_by") else None,
             f"left at {fields['location']}" if fields.get("location") else None,
             fields.get("facility"), "GPS point kept" if fields.get("gps") else None]
    return ", ".join(p for p in parts if p) or None
