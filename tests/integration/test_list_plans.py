"""Lists page on an index that matches their sort, with statistics kept current (issue 25 item 7).

SQLite's plan is read with EXPLAIN QUERY PLAN on a file with two shops' packages, orders and notifications:
every list the API and the pages serve (the package list in each sort, the dashboard's search in each sort,
the orders list, the notification log) must seek an index that matches its order and never build a
temporary B-tree for ORDER BY (a sort of all the shop's rows), on the first page and after a cursor. Runs
on SQLite only: PostgreSQL's planner keeps its own statistics.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from parceltrail.services import create_shop, list_packages
from parceltrail.services.dashboard import find_packages
from parceltrail.services.errors import InvalidInput
from parceltrail.services.notification_log import list_notifications
from parceltrail.services.orders_read import list_orders
from parceltrail.store import UnitOfWork, make_engine, migrate
from parceltrail.store.engine import refresh_statistics
from parceltrail.store.notifications import notifications
from parceltrail.store.orders import orders
from parceltrail.store.tables import packages

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def loaded(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    migrate(engine)
    shops = [create_shop(UnitOfWork(engine), name).shop.id for name in ("Big", "Small")]
    rows = [{"id": f"pkg_{i:026d}", "shop_id": shops[i % 5 == 0], "tracking_number": f"N{i:09d}", "carrier": "ups",
             "carrier_key": "ups", "order_ref": f"TT-{i}", "status": ("in_transit", "delivered")[i % 2],
             "substatus": ("in_transit", "delivered")[i % 2], "event_count": 1, "created_at": T0,
             "updated_at": T0 + timedelta(minutes=i % 997), "check_failures": 0} for i in range(5000)]
    bought = [{"id": f"ord_{i:026d}", "shop_id": shops[i % 5 == 0], "platform": "tiktok", "external_id": f"57{i:016d}",
               "status": ("AWAITING_SHIPMENT", "IN_TRANSIT", "DELIVERED")[i % 3], "on_hold": False, "line_items": "[]",
               "platform_times": "{}", "created_at": T0, "platform_updated_at": T0, "recorded_at": T0,
               "ship_by": T0 + timedelta(hours=i % 97), "updated_at": T0} for i in range(3000)]
    sent = [{"id": f"msg_{i:026d}", "shop_id": shops[i % 5 == 0], "package_id": rows[i]["id"], "channel": "email",
             "kind": "package.delivered", "target": "buyer@example.com", "idem_key": f"k{i}", "event_at": T0,
             "state": ("sent", "failed")[i % 7 == 0], "payload": "{}", "send_after": T0, "created_at": T0,
             "updated_at": T0} for i in range(3000)]
    with engine.begin() as connection:
        connection.execute(packages.insert(), rows)
        connection.execute(orders.insert(), bought)
        connection.execute(notifications.insert(), sent)
    refresh_statistics(engine)
    yield engine, shops[0]
    engine.dispose()


def test_statistics_are_kept(loaded):
    engine, _ = loaded
    with engine.connect() as connection:
        analysed = {r[0] for r in connection.exec_driver_sql("SELECT idx FROM sqlite_stat1 WHERE tbl = 'packages'")}
    assert {"ix_packages_shop_id_id", "ix_packages_shop_id_updated_at_id"} <= analysed


def plans(engine, table: str, read) -> list[str]:
    """The query plans of the SELECTs from ``table`` that ``read()`` runs (its first page, then its next)."""
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and f"FROM {table}" in statement.split("ORDER BY")[0]:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        read()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    with engine.connect() as connection:
        return [" | ".join(r[-1] for r in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
                for statement, parameters in statements]


def assert_seeks(found: list[str], index: str, pages: int = 2) -> None:
    assert len(found) == pages
    for plan in found:
        assert index in plan and "TEMP B-TREE FOR" not in plan, plan


@pytest.mark.parametrize("sort", ["-created_at", "created_at", "-updated_at", "updated_at"])
def test_every_sort_seeks_its_index_on_every_page(loaded, sort):
    engine, shop_id = loaded
    uow = UnitOfWork(engine)

    def read():
        first = list_packages(uow, shop_id, limit=20, sort=sort, updated_since=T0)
        list_packages(uow, shop_id, limit=20, sort=sort, cursor=first.next_cursor, updated_since=T0)

    wanted = "ix_packages_shop_id_updated_at_id" if sort.endswith("updated_at") else "ix_packages_shop_id_id"
    assert_seeks(plans(engine, "packages", read), wanted)


@pytest.mark.parametrize("sort", ["newest", "oldest", "updated"])
def test_the_dashboards_search_pages_on_the_same_indexes(loaded, sort):
    engine, shop_id = loaded
    uow = UnitOfWork(engine)
    seen: list[str] = []

    def read():
        first = find_packages(uow, shop_id, sort=sort, limit=20)
        second = find_packages(uow, shop_id, sort=sort, cursor=first.next_cursor, limit=20)
        seen.extend(p.id for p in first.items + second.items)

    wanted = "ix_packages_shop_id_updated_at_id" if sort == "updated" else "ix_packages_shop_id_id"
    assert_seeks(plans(engine, "packages", read), wanted)
    assert len(seen) == len(set(seen)) == 40


def test_a_tampered_dashboard_cursor_is_refused_naming_the_cursor(loaded):
    engine, shop_id = loaded
    first = find_packages(UnitOfWork(engine), shop_id, sort="updated", limit=5)
    oldest = find_packages(UnitOfWork(engine), shop_id, sort="oldest", limit=5)
    for cursor, sort in ((oldest.next_cursor, "updated"), (first.next_cursor, "newest"), ("bm9wZXxwa2dfMQ", "updated"),
                         ("é", "newest")):
        with pytest.raises(InvalidInput) as refused:
            find_packages(UnitOfWork(engine), shop_id, sort=sort, cursor=cursor)
        assert [e.field for e in refused.value.errors] == ["cursor"]


@pytest.mark.parametrize("status", [None, "IN_TRANSIT"])
def test_the_orders_list_pages_on_an_index_of_its_order(loaded, status):
    engine, shop_id = loaded
    uow = UnitOfWork(engine)

    def read():
        first = list_orders(uow, shop_id, status=status, limit=20)
        list_orders(uow, shop_id, status=status, cursor=first.next_cursor, limit=20)

    wanted = "ix_orders_shop_id_status_id" if status else "ix_orders_shop_id_id"
    assert_seeks(plans(engine, "orders", read), wanted)


@pytest.mark.parametrize("state", [None, "failed"])
def test_the_notification_log_pages_on_an_index_of_its_order(loaded, state):
    engine, shop_id = loaded
    uow = UnitOfWork(engine)

    def read():
        items, after = list_notifications(uow, shop_id, state=state, limit=20)
        list_notifications(uow, shop_id, state=state, cursor=after, limit=20)

    assert_seeks(plans(engine, "notifications", read), "ix_notifications_shop_id_id")
