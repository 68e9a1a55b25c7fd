"""Evidence records are kept for the retention after delivery and after the last dispute closed, then
pruned; the tracking history itself stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from parceltrail.carriers.proof import DeliveryProof
from parceltrail.core import Location, TrackingEvent
from parceltrail.services import create_shop, record_scans, register_package
from parceltrail.services.clock import ManualClock, WallClock, set_clock
from parceltrail.services.delivery import buyer_confirms, keep_proofs
from parceltrail.services.disputes import open_dispute, update_dispute
from parceltrail.services.retention import prune_evidence
from parceltrail.store.disputes import disputes
from parceltrail.store.proofs import buyer_confirmations, delivery_proofs
from parceltrail.store.tables import events
from tests.parcels import valid_number

NOW = datetime.now(UTC).replace(microsecond=0)


def _delivered(uow, shop_id: str, number: str, days_ago: int, dispute_closed_days_ago: int | None) -> str:
    at = NOW - timedelta(days=days_ago)
    clock = ManualClock(at)
    set_clock(clock)
    try:
        pid = register_package(uow, shop_id, number, "ups").package.id
        record_scans(uow, shop_id, {pid: [TrackingEvent.create(at, "delivered", "left_at_door", "Delivered", None,
                                                               Location("Austin", "TX", "78744", "US"))]},
                     source="api")
        keep_proofs(uow, shop_id, {pid: DeliveryProof("ups", number, at, location="Front Door", raw={"n": number})},
                    "poll")
        buyer_confirms(uow, shop_id, pid)
        if dispute_closed_days_ago is not None:
            view = open_dispute(uow, shop_id, pid, "not_received", "seller")
            clock.advance(timedelta(days=days_ago - dispute_closed_days_ago))
            update_dispute(uow, shop_id, view.dispute.id, state="won")
    finally:
        set_clock(WallClock())
    return pid


def _count(engine, table, pid: str) -> int:
    with engine.connect() as c:
        return c.execute(select(func.count()).select_from(table).where(table.c.package_id == pid)).scalar_one()


def test_records_past_the_retention_go_and_recent_or_recently_disputed_ones_stay(uow, engine):
    shop = create_shop(uow, "Retention").shop
    old = _delivered(uow, shop.id, valid_number("ups", 0), 200, None)
    old_disputed = _delivered(uow, shop.id, valid_number("ups", 1), 200, 150)  # dispute closed 150 days ago
    old_closed_long_ago = _delivered(uow, shop.id, valid_number("ups", 2), 400, 300)
    recent = _delivered(uow, shop.id, valid_number("ups", 3), 20, None)

    done = prune_evidence(uow, 180, now=NOW)
    # proof and confirmation of each, plus the dispute and its two history rows (opened, won)
    assert (done.packages, done.records) == (2, 2 + 2 + 3)
    for pid in (old, old_closed_long_ago):
        assert [_count(engine, t, pid) for t in (delivery_proofs, buyer_confirmations, disputes)] == [0, 0, 0]
        assert _count(engine, events, pid) == 1  # the tracking history stays
    assert [_count(engine, t, old_disputed) for t in (delivery_proofs, buyer_confirmations, disputes)] == [1, 1, 1]
    assert _count(engine, delivery_proofs, recent) == 1
    assert prune_evidence(uow, 180, now=NOW).packages == 0  # nothing left to prune: idempotent
    with pytest.raises(ValueError, match="at least one day"):
        prune_evidence(uow, 0)
