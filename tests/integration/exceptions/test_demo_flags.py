"""The demo's sandbox parcels, followed day by day: stale and lost ones are flagged, cases open, the
TikTok metric guard moves (what ``make run`` shows, without the HTTP round trips). The orders behind them
have the deadlines the demo's local TikTok Shop gives (ship in 2 days, deliver in 9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parceltrail.carriers.sandbox import Scenario
from parceltrail.carriers.sandbox.network import SandboxNetwork
from parceltrail.core import Address
from parceltrail.core.orders import Buyer, Deadlines, Order, OrderPackage, OrderStatus
from parceltrail.demo import DEMO_SHOP, Demo, DemoConfig
from parceltrail.services import create_shop, record_scans
from parceltrail.services.clock import ManualClock, WallClock, set_clock
from parceltrail.services.exceptions import evaluate_due
from parceltrail.services.metrics import tiktok_metrics
from parceltrail.services.orders import upsert_orders
from parceltrail.store.flags import FlagFilter

START = datetime(2025, 11, 3, 15, tzinfo=UTC)  # a Monday
DAY = timedelta(days=1)


def test_demo_stale_and_lost_parcels_are_flagged_cases_open_and_the_guard_moves(engine, uow, settings):
    clock = ManualClock(START)
    set_clock(clock)
    try:
        made = create_shop(uow, DEMO_SHOP)
        network = SandboxNetwork(clock, seed=7)
        demo = Demo(settings, made.shop.id, made.api_key, network, clock, "http://127.0.0.1:1", DemoConfig(), engine)
        scenarios = [Scenario.NORMAL] * 4 + [Scenario.STALE] * 2 + [Scenario.LOST] * 2
        numbers = {}
        for i, scenario in enumerate(scenarios):
            number = network.ship(scenario=scenario)
            numbers[demo.register(number)] = scenario
            placed = START - timedelta(hours=2)
            upsert_orders(uow, made.shop.id, [Order(
                made.shop.id, f"57610000000000{i:02d}", OrderStatus.AWAITING_COLLECTION, placed, placed,
                buyer=Buyer("Demo buyer", Address(postal_code=network.journey(number).destination.postal_code,
                                                  country="US")),
                packages=(OrderPackage(f"P{i}", number, "sandbox"),),
                deadlines=Deadlines(ship_by=placed + 2 * DAY, deliver_by=placed + 9 * DAY,
                                    auto_cancel_at=placed + 4 * DAY))], "sync")
        guards = {}
        for step in range(1, 16 * 4 + 1):  # sixteen days, a look every six hours, like polling and the worker
            now = clock.advance(timedelta(hours=6))
            for package_id in numbers:
                with uow.read():
                    number = uow.packages.get_any([package_id])[package_id].tracking_number
                seen = [s.event() for s in network.journey(number).visible(now)]
                if seen:
                    record_scans(uow, made.shop.id, {package_id: seen}, "poll", now)
            evaluate_due(uow, now)
            if step in (3 * 4, 11 * 4):
                guards[step // 4] = tiktok_metrics(uow, made.shop.id, now)
        with uow.read():
            flags = uow.flags.page(made.shop.id, FlagFilter(state="all"), 500)
            cases = uow.cases.for_packages(list(numbers))
        by_package: dict[str, set[str]] = {}
        for f in flags:
            by_package.setdefault(f.package_id, set()).add(f.type)
        for package_id, scenario in numbers.items():
            kinds = by_package.get(package_id, set())
            if scenario is Scenario.STALE:
                assert {"stale", "lost"} <= kinds, kinds
            if scenario is Scenario.LOST:
                assert "lost" in kinds, kinds
            if scenario in (Scenario.STALE, Scenario.LOST):
                assert (package_id, "not_moving") in cases
        assert guards[3].ldr.denominator == len(scenarios)  # by day 3 every demo order was dispatched
        week = guards[11].otdr  # the deliver-by dates have passed: the stuck parcels are late
        assert week.denominator == len(scenarios) and week.numerator <= 4 and week.breached
        assert sum("not delivered by the deliver-by date" in m.why for m in week.movers) >= 4
    finally:
        set_clock(WallClock())
