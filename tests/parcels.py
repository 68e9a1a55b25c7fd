"""Parcels for the page tests: a shop with branding, and a delivered, a late and an exception parcel.

Scans are posted through ``record_scans`` on a manual clock that starts sixteen days ago, exactly as polled
or pushed scans arrive, so every estimate revision the page reads was made by the real engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from parceltrail.core import Address, Location, TrackingEvent
from parceltrail.services import create_shop, record_scans, register_package
from parceltrail.services.branding import set_branding
from parceltrail.services.clock import ManualClock, WallClock, set_clock
from parceltrail.store import UnitOfWork

DELIVERED = "1Z999AA10123456784"
LATE = "1Z999AA10123456795"  # not a valid check digit; the carrier is given, as a seller would
EXCEPTION = "9400111899223197428490"
DEST_ZIP = "80202"


def valid_number(carrier: str, seed: int) -> str:
    """A number of ``carrier`` that passes its check digit (registration refuses one that does not, unless forced)."""
    import random

    from parceltrail.numbers.generate import generate

    return generate(carrier, None, random.Random(seed))


@dataclass
class Parcels:
    shop_id: str
    api_key: str
    ids: dict[str, str]


def _scan(at: datetime, status: str, substatus: str, city: str, region: str, postal: str, text: str) -> TrackingEvent:
    return TrackingEvent.create(at, status, substatus, text, None, Location(city, region, postal, "US"))


def make_parcels(engine, name: str = "Maple & Moss") -> Parcels:
    uow = UnitOfWork(engine)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=16)
    clock = ManualClock(start)
    set_clock(clock)
    try:
        made = create_shop(uow, name)
        set_branding(uow, made.shop.id, display_name=name, colour="#2e7d5b", support_email="help@maple.example")
        ids = {}
        for key, number, carrier in (("delivered", DELIVERED, "ups"), ("late", LATE, "ups"),
                                     ("exception", EXCEPTION, "usps")):
            reg = register_package(uow, made.shop.id, number, carrier, order_ref=f"MM-{key[:3].upper()}-1042",
                                   destination=Address(postal_code=DEST_ZIP, country="US"),
                                   origin=Address(postal_code="10001", country="US"), service="ground",
                                   force=True)
            ids[key] = reg.package.id
        t = start + timedelta(hours=20)
        first = [
            _scan(t, "info_received", "label_created", "New York", "NY", "10001", "Shipper created a label"),
            _scan(t + timedelta(hours=6), "in_transit", "picked_up", "New York", "NY", "10001", "Picked up"),
            _scan(t + timedelta(hours=20), "in_transit", "arrived_at_facility", "Columbus", "OH", "43215", "Arrived at facility"),
        ]
        record_scans(uow, made.shop.id, {i: first for i in ids.values()}, source="api", now=t + timedelta(hours=21))
        clock.advance(timedelta(days=2))
        t2 = t + timedelta(days=2)
        delivered = [
            _scan(t2, "in_transit", "departed_facility", "Chicago", "IL", "60607", "Departed facility"),
            _scan(t2 + timedelta(hours=20), "in_transit", "arrived_at_facility", "Denver", "CO", "80239", "Arrived at facility"),
            _scan(t2 + timedelta(days=1, hours=2), "out_for_delivery", "out_for_delivery", "Denver", "CO", "80202", "Out for delivery"),
            _scan(t2 + timedelta(days=1, hours=9), "delivered", "left_at_door", "Denver", "CO", "80202", "Delivered, front door"),
        ]
        record_scans(uow, made.shop.id, {ids["delivered"]: delivered}, source="api", now=t2 + timedelta(days=1, hours=10))
        damaged = [_scan(t2 + timedelta(hours=3), "exception", "damaged", "Chicago", "IL", "60607",
                         "Package damaged, carrier reviewing")]
        record_scans(uow, made.shop.id, {ids["exception"]: damaged}, source="api", now=t2 + timedelta(hours=4))
        late = [_scan(t2 + timedelta(hours=1), "in_transit", "departed_facility", "Columbus", "OH", "43215", "Departed facility")]
        record_scans(uow, made.shop.id, {ids["late"]: late}, source="api", now=t2 + timedelta(hours=2))
    finally:
        set_clock(WallClock())
    return Parcels(made.shop.id, made.api_key, ids)
