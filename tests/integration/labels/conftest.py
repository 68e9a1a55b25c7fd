"""A shop shipping from Seattle on a manual clock, and a helper that labels sandbox parcels and records
every scan of their journeys (the journeys are the ground truth the tests count against)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.carriers.sandbox import journey
from parceltrail.carriers.sandbox.network import mint_label
from parceltrail.services import create_shop, ingest_many
from parceltrail.services.clock import ManualClock, get_clock, set_clock
from parceltrail.services.labels import LabelRequest, create_label
from parceltrail.services.shipping import update_settings

T0 = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)  # a Monday
SEATTLE = {"name": "Lantern & Co", "line1": "400 Broad St", "city": "Seattle", "region": "WA", "postal_code": "98109"}
DESTINATIONS = [
    {"name": "A Buyer", "line1": "1 N Broadway", "city": "Portland", "region": "OR", "postal_code": "97209"},
    {"name": "B Buyer", "line1": "350 5th Ave", "city": "New York", "region": "NY", "postal_code": "10118"},
    {"name": "C Buyer", "line1": "233 S Wacker Dr", "city": "Chicago", "region": "IL", "postal_code": "60606"},
]


@pytest.fixture
def clock():
    before = get_clock()
    manual = ManualClock(T0)
    set_clock(manual)
    yield manual
    set_clock(before)


@pytest.fixture
def shop(uow, clock):
    shop_id = create_shop(uow, "Scorecard shop").shop.id
    update_settings(uow, shop_id, ship_from=SEATTLE)
    return shop_id


def ship_and_track(uow, shop_id, clock, plan, seed=5, deliver_by_days=None):
    """Label each (carrier, service, destination index, scenario) of ``plan`` at T0, then record every scan
    of every journey 40 days later. Returns the created labels with their journeys."""
    rng = random.Random(seed)
    made = []
    for carrier, service, where, scenario in plan:
        to = DESTINATIONS[where]
        number = mint_label(carrier, service, SEATTLE["postal_code"], to["postal_code"], clock.now(), rng, scenario)
        deliver_by = (T0 + timedelta(days=deliver_by_days)).date() if deliver_by_days else None
        created = create_label(uow, shop_id, LabelRequest(ship_to=to, weight="2 lb", size="12x10x8 in", carrier=carrier,
                                                          service=service, tracking_number=number, deliver_by=deliver_by,
                                                          order_id=f"order-{len(made)}"))
        made.append((created, journey(number)))
    clock.advance(timedelta(days=40))
    ingest_many(uow, shop_id, {c.package.id: [s.event() for s in j.scans] for c, j in made}, source="carrier")
    return made


def tiktok_order(shop_id, external_id, shipping_type, deliver_by, package_id="1153132168123859001"):
    """An order as TikTok's sync stores it: awaiting shipment, to Portland, one package still without a number."""
    from parceltrail.core import Address
    from parceltrail.core.orders import Buyer, Deadlines, Order, OrderPackage, OrderStatus

    placed = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    return Order(shop_id, external_id, OrderStatus.AWAITING_SHIPMENT, placed, placed,
                 buyer=Buyer("Avery Chen", Address(postal_code="97209", country="US", line1="1 N Broadway",
                                                  city="Portland", region="OR")),
                 packages=(OrderPackage(package_id),), deadlines=Deadlines(deliver_by=deliver_by),
                 shipping_type=shipping_type)
