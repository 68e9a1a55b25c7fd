"""Parcels for the scorecard pages: a shop shipping from Seattle on the sandbox network's carriers, labelled
45 days ago and tracked to the end, so the last-90-days scorecards have a big lane, thin lanes, lost,
damaged, late and failed-first-attempt parcels (the journeys are the sandbox's, not ours to pick)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parceltrail.carriers.sandbox import Scenario
from parceltrail.services.clock import ManualClock, WallClock, set_clock
from parceltrail.services.shipping import update_settings
from parceltrail.store import UnitOfWork
from tests.integration.labels.conftest import SEATTLE, ship_and_track

MIX = (Scenario.NORMAL, Scenario.NORMAL, Scenario.LOST, Scenario.DAMAGED, Scenario.FAILED_ATTEMPT_THEN_SUCCESS,
       Scenario.WEATHER_DELAY, None, None, None, None, None)
OREGON, NEW_YORK = 0, 1
PLAN = ([("sandbox_swift", "ground", OREGON, s) for s in MIX + MIX]
        + [("sandbox_thrift", "ground", NEW_YORK, s) for s in MIX[:8]]
        + [("sandbox_west", "ground", OREGON, s) for s in MIX[:8]]
        + [("sandbox_west", "ground", NEW_YORK, s) for s in MIX[:4]])


def ship_lanes(engine, shop_id: str, plan=PLAN) -> list:
    """Label ``plan`` 45 days ago from Seattle and record every scan; returns (created label, journey) pairs."""
    uow = UnitOfWork(engine)
    update_settings(uow, shop_id, ship_from=SEATTLE)
    clock = ManualClock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=45))
    set_clock(clock)
    try:
        return ship_and_track(uow, shop_id, clock, plan)
    finally:
        set_clock(WallClock())
