"""Use cases against a real database: one transaction each, nothing half-stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.core import Address, Status, Substatus, TrackingEvent
from parceltrail.services import (
    InvalidInput,
    NotFound,
    authenticate,
    create_api_key,
    create_shop,
    expire_quiet_packages,
    get_package,
    ingest_events,
    list_packages,
    register_package,
)

T0 = datetime(2026, 11, 1, 8, tzinfo=UTC)


def scans(n: int) -> list[TrackingEvent]:
    return [TrackingEvent.create(T0 + timedelta(hours=i), "in_transit", carrier_code=f"S{i}") for i in range(n)]


def test_register_same_number_and_carrier_twice_returns_the_first(uow):
    shop = create_shop(uow, "A").shop
    first = register_package(uow, shop.id, "1z 999-aa1 0123456784", "UPS", destination=Address("40213", "us"))
    again = register_package(uow, shop.id, "1Z999AA10123456784", "ups", force=True)
    assert first.created and not again.created
    assert again.package.id == first.package.id
    assert again.package.destination == Address("40213", "US")


def test_same_number_with_another_carrier_is_another_package(uow):
    shop = create_shop(uow, "A").shop
    a = register_package(uow, shop.id, "ORDER123456", "fedex", force=True)
    b = register_package(uow, shop.id, "ORDER123456", None)  # no format fits: stays carrier-less
    assert a.package.id != b.package.id and b.created


def test_invalid_tracking_number_names_the_field(uow):
    shop = create_shop(uow, "A").shop
    with pytest.raises(InvalidInput) as caught:
        register_package(uow, shop.id, "12#")
    assert caught.value.errors[0].field == "tracking_number"


def test_ingest_counts_new_and_duplicate_events(uow):
    shop = create_shop(uow, "A").shop
    package = register_package(uow, shop.id, "PKG0001", "ups", force=True).package
    first = ingest_events(uow, shop.id, package.id, scans(5))
    second = ingest_events(uow, shop.id, package.id, scans(7))
    assert (first.accepted, first.duplicates) == (5, 0)
    assert (second.accepted, second.duplicates) == (2, 5)
    assert get_package(uow, shop.id, package.id).package.state.event_count == 7


def test_another_shops_package_is_not_found(uow):
    a = create_shop(uow, "A").shop
    b = create_shop(uow, "B").shop
    package = register_package(uow, a.id, "PKG0001").package
    with pytest.raises(NotFound):
        get_package(uow, b.id, package.id)
    with pytest.raises(NotFound):
        ingest_events(uow, b.id, package.id, scans(1))
    assert get_package(uow, a.id, package.id).package.state.event_count == 0


def test_list_pages_through_everything_once_with_filters(uow):
    shop = create_shop(uow, "A").shop
    ids = [register_package(uow, shop.id, f"PKG{i:04d}", "ups" if i % 2 else "usps", force=True).package.id
           for i in range(7)]
    ingest_events(uow, shop.id, ids[3], [TrackingEvent.create(T0, "delivered")])
    seen, cursor = [], None
    while True:
        page = list_packages(uow, shop.id, cursor=cursor, limit=3)
        seen += [p.id for p in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == ids[::-1]  # newest registrations first
    assert [p.id for p in list_packages(uow, shop.id, status=Status.DELIVERED).items] == [ids[3]]
    assert len(list_packages(uow, shop.id, carrier="usps").items) == 4


def test_updated_since_returns_only_recently_changed(uow):
    shop = create_shop(uow, "A").shop
    old = register_package(uow, shop.id, "PKG0001").package
    fresh = register_package(uow, shop.id, "PKG0002").package
    later = datetime.now(UTC) + timedelta(hours=1)
    ingest_events(uow, shop.id, fresh.id, scans(1), now=later + timedelta(minutes=1))
    assert [p.id for p in list_packages(uow, shop.id, updated_since=later).items] == [fresh.id]
    assert old.id in [p.id for p in list_packages(uow, shop.id).items]


def test_a_bad_cursor_is_refused_by_name(uow):
    shop = create_shop(uow, "A").shop
    with pytest.raises(InvalidInput) as caught:
        list_packages(uow, shop.id, cursor="garbage")
    assert caught.value.errors[0].field == "cursor"


def test_keys_authenticate_their_own_shop_only(uow):
    shop = create_shop(uow, "A")
    extra = create_api_key(uow, shop.shop.id)
    assert authenticate(uow, shop.api_key) == shop.shop.id == authenticate(uow, extra)
    assert authenticate(uow, "pt_not-a-key") is None
    with pytest.raises(NotFound):
        create_api_key(uow, "shop_missing")


def test_quiet_packages_expire_through_an_event_and_only_once(uow):
    shop = create_shop(uow, "A").shop
    quiet = register_package(uow, shop.id, "PKG0001").package
    ingest_events(uow, shop.id, quiet.id, scans(2))
    delivered = register_package(uow, shop.id, "PKG0002").package
    ingest_events(uow, shop.id, delivered.id, [TrackingEvent.create(T0, "delivered")])
    now = T0 + timedelta(days=31)
    assert expire_quiet_packages(uow, after_days=30, now=now) == 1
    assert expire_quiet_packages(uow, after_days=30, now=now + timedelta(hours=1)) == 0
    detail = get_package(uow, shop.id, quiet.id)
    assert (detail.package.state.status, detail.package.state.substatus) == (Status.EXPIRED, Substatus.NO_UPDATES)
    assert detail.events[-1].status is Status.EXPIRED and len(detail.events) == 3
    assert get_package(uow, shop.id, delivered.id).package.state.status is Status.DELIVERED


def test_a_scan_after_expiry_brings_the_package_back(uow):
    shop = create_shop(uow, "A").shop
    package = register_package(uow, shop.id, "PKG0001").package
    ingest_events(uow, shop.id, package.id, scans(1))
    expire_quiet_packages(uow, after_days=30, now=T0 + timedelta(days=31))
    late = TrackingEvent.create(T0 + timedelta(days=32), "delivered", carrier_code="DL")
    assert ingest_events(uow, shop.id, package.id, [late]).package.state.status is Status.DELIVERED


def test_a_batch_over_many_packages_is_one_all_or_nothing_transaction(uow):
    from parceltrail.services import ingest_many

    shop = create_shop(uow, "A").shop
    a = register_package(uow, shop.id, "PKG0001").package
    b = register_package(uow, shop.id, "PKG0002").package
    with pytest.raises(NotFound):
        ingest_many(uow, shop.id, {a.id: scans(3), "pkg_missing": scans(2)})
    assert get_package(uow, shop.id, a.id).events == []
    results = ingest_many(uow, shop.id, {a.id: scans(3), b.id: scans(2) + scans(2)})
    assert (results[a.id].accepted, results[b.id].accepted, results[b.id].duplicates) == (3, 2, 2)
    assert results[b.id].package.state.event_count == 2 and results[b.id].status_changed


def test_a_parcel_declared_lost_is_not_hidden_by_expiry(uow):
    shop = create_shop(uow, "A").shop
    package = register_package(uow, shop.id, "PKG0001").package
    ingest_events(uow, shop.id, package.id, [TrackingEvent.create(T0, "exception", "lost", carrier_code="LOST")])
    assert expire_quiet_packages(uow, after_days=30, now=T0 + timedelta(days=60)) == 0
    assert get_package(uow, shop.id, package.id).package.state.substatus is Substatus.LOST
