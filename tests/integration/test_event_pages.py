"""A package's events are paged, newest first, and ingest never reads them back (issue 25 item 8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import event as sa_event

from parceltrail.core import Location, TrackingEvent

T0 = datetime(2026, 10, 1, tzinfo=UTC)


def scans(n: int, start: int = 0) -> list[TrackingEvent]:
    """``n`` scans, three at each instant (ties are where keyset paging goes wrong)."""
    codes = ["AR", "DP", "SC"]
    return [TrackingEvent.create(T0 + timedelta(hours=(start + i) // 3), "in_transit", "arrived_at_facility",
                                 f"scan {start + i}", codes[(start + i) % 3], Location(city=f"Hub {start + i}"))
            for i in range(n)]


@pytest.fixture
def busy(uow):
    """A shop whose package has 250 events, and another shop."""
    from parceltrail.services import create_shop, ingest_many, register_package

    shop = create_shop(uow, "Busy Shop")
    package = register_package(uow, shop.shop.id, "1Z999AA10123456784", "ups").package
    ingest_many(uow, shop.shop.id, {package.id: scans(250)})
    return shop, package, create_shop(uow, "Other Shop")


def test_events_page_newest_first_and_every_event_exactly_once(api, busy):
    shop, package, _ = busy
    client = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {shop.api_key}"})
    detail = client.get(f"/v1/packages/{package.id}").json()
    assert detail["event_count"] == 250 and len(detail["events"]) == 100
    assert [e["description"] for e in detail["events"]] == [f"scan {i}" for i in range(150, 250)], \
        "the detail embeds the newest 100, oldest first"
    seen, cursor, pages = [], detail["events_next_cursor"], 0
    assert cursor is not None
    while cursor:
        page = client.get(f"/v1/packages/{package.id}/events", params={"cursor": cursor, "limit": 40}).json()
        seen += [e["description"] for e in page["items"]]
        cursor, pages = page["next_cursor"], pages + 1
    assert seen == [f"scan {i}" for i in range(149, -1, -1)] and pages == 4
    first = client.get(f"/v1/packages/{package.id}/events").json()
    assert [e["description"] for e in first["items"]] == [f"scan {i}" for i in range(249, 149, -1)]
    whole = client.get(f"/v1/packages/{package.id}/events", params={"limit": 1000}).json()
    assert len(whole["items"]) == 250 and whole["next_cursor"] is None


def test_bad_cursors_limits_and_other_shops_are_refused_by_name(api, busy):
    shop, package, other = busy
    client = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {shop.api_key}"})
    for cursor in ["nope", "é", "MjAyNi0xMC0wMVQwMDowMDowMHw", "bm90fGEgbnVtYmVy"]:
        answer = client.get(f"/v1/packages/{package.id}/events", params={"cursor": cursor})
        assert answer.status_code == 422 and "cursor" in answer.text, (cursor, answer.text)
    too_many = client.get(f"/v1/packages/{package.id}/events", params={"limit": 1001})
    assert too_many.status_code == 422 and "limit" in too_many.text
    foreign = httpx.get(f"{api.url}/v1/packages/{package.id}/events",
                        headers={"Authorization": f"Bearer {other.api_key}"})
    assert foreign.status_code == 404


def test_ingest_reads_no_stored_event_and_still_counts_duplicates(uow, engine, busy):
    from parceltrail.services import ingest_many

    shop, package, _ = busy
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", seen)
    try:
        result = ingest_many(uow, shop.shop.id, {package.id: scans(5, start=248)})[package.id]
    finally:
        sa_event.remove(engine, "before_cursor_execute", seen)
    assert (result.accepted, result.duplicates, result.package.state.event_count) == (3, 2, 253)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM events" in s]
    assert reads == [], "the unique index deduplicates; no stored fingerprint is read"
