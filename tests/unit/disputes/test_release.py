"""The payment release signal: safe only once every parcel is delivered and the refund window closed with
nothing open; at risk with an open dispute or a far-away delivery; waiting otherwise, saying until when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parceltrail.core.disputes.release import REFUND_DAYS, ParcelFacts, release_signal

DELIVERED = datetime(2026, 11, 6, 19, 30, tzinfo=UTC)


def test_every_parcel_delivered_and_the_refund_window_closed_is_settled_safe_from_the_last_delivery():
    later = DELIVERED + timedelta(days=2)
    parcels = [ParcelFacts("a", "1Z1", DELIVERED), ParcelFacts("b", "1Z2", later)]
    assert REFUND_DAYS == 30
    waiting = release_signal(parcels, later + timedelta(days=29))
    assert waiting.state == "waiting" and waiting.safe_from == later + timedelta(days=30)
    assert "until 2026-12-08 19:30 UTC" in waiting.reasons[0]
    safe = release_signal(parcels, later + timedelta(days=30))
    assert safe.state == "settled_safe" and safe.safe_from == later + timedelta(days=30)


def test_a_parcel_still_moving_keeps_the_order_waiting_with_no_date():
    found = release_signal([ParcelFacts("a", "1Z1", DELIVERED), ParcelFacts("b", "1Z2", None)],
                           DELIVERED + timedelta(days=90))
    assert (found.state, found.safe_from, found.reasons) == ("waiting", None, ("not delivered yet: 1Z2",))
    assert release_signal([], DELIVERED).reasons == ("no tracked parcel yet",)


def test_an_open_dispute_or_a_far_delivery_is_at_risk_even_after_the_window():
    late = DELIVERED + timedelta(days=60)
    disputed = release_signal([ParcelFacts("a", "1Z1", DELIVERED, open_disputes=1)], late)
    assert disputed.state == "at_risk" and disputed.reasons == ("1 open dispute on 1Z1",)
    far = release_signal([ParcelFacts("a", "1Z1", DELIVERED, far_km=3.24, far_basis="the carrier's GPS point")], late)
    assert far.state == "at_risk" and far.reasons == ("1Z1 delivered 3.2 km from the address (the carrier's GPS point)",)
