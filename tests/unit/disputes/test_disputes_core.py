"""The pure dispute rules: which windows apply to which claim, when they open and close, which states a
dispute may move between, and what the checklist asks the seller to do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.core.disputes import (
    BadTransition,
    ClaimFacts,
    ClaimKind,
    DisputeState,
    check_transition,
    checklist,
    claim_kind,
    deadlines,
    seller_deadline,
)

SHIPPED = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
DELIVERED = datetime(2026, 11, 6, 19, 30, tzinfo=UTC)


def by_key(kind: ClaimKind, facts: ClaimFacts) -> dict:
    return {d.key: d for d in deadlines(kind, facts)}


def test_a_ups_damage_claim_has_the_buyer_refund_the_guarantee_and_the_60_day_notice_from_delivery():
    found = by_key(ClaimKind.DAMAGED, ClaimFacts("ups", SHIPPED, DELIVERED, DELIVERED, platform="tiktok"))
    assert set(found) == {"tiktok_refund", "tiktok_guarantee", "ups_damage"}
    assert found["tiktok_refund"].closes_at == DELIVERED + timedelta(days=30)
    assert found["tiktok_guarantee"].closes_at == DELIVERED + timedelta(days=90)
    assert found["ups_damage"].closes_at == DELIVERED + timedelta(days=60)
    assert all(d.source.startswith("https://") for d in found.values())


def test_windows_counted_from_delivery_have_not_started_before_it_and_say_what_they_wait_for():
    found = by_key(ClaimKind.DAMAGED, ClaimFacts("fedex", SHIPPED, None, SHIPPED))
    assert found["fedex_damage"].closes_at is None and found["fedex_damage"].waiting_for == "delivery"
    assert found["fedex_damage"].state(DELIVERED) == "not_started"
    # a non-delivery claim runs from the tender instead, nine months
    loss = by_key(ClaimKind.NOT_RECEIVED, ClaimFacts("fedex", SHIPPED, None, SHIPPED))["fedex_loss"]
    assert 273 <= (loss.closes_at - SHIPPED).days <= 274


def test_usps_will_not_take_a_loss_claim_before_15_days_or_7_for_priority_mail_express():
    facts = ClaimFacts("usps", SHIPPED, DELIVERED, DELIVERED)
    loss = by_key(ClaimKind.NOT_RECEIVED, facts)["usps_loss"]
    assert loss.opens_at == SHIPPED + timedelta(days=15) and loss.closes_at == SHIPPED + timedelta(days=60)
    assert loss.state(SHIPPED + timedelta(days=10)) == "not_yet_open"
    assert loss.state(SHIPPED + timedelta(days=20)) == "open"
    assert loss.state(SHIPPED + timedelta(days=61)) == "closed"
    express = by_key(ClaimKind.NOT_RECEIVED, ClaimFacts("usps", SHIPPED, service="priority_mail_express"))["usps_loss"]
    assert express.opens_at == SHIPPED + timedelta(days=7)


def test_dhl_counts_30_days_from_acceptance_and_a_ups_loss_counts_from_the_scheduled_day_until_delivered():
    assert by_key(ClaimKind.NOT_RECEIVED, ClaimFacts("dhl", SHIPPED))["dhl_claim"].closes_at == SHIPPED + timedelta(days=30)
    due = datetime(2026, 11, 8, tzinfo=UTC)
    undelivered = by_key(ClaimKind.NOT_RECEIVED, ClaimFacts("ups", SHIPPED, scheduled_at=due))["ups_loss"]
    assert undelivered.closes_at == due + timedelta(days=60)
    delivered = by_key(ClaimKind.NOT_RECEIVED, ClaimFacts("ups", SHIPPED, DELIVERED, scheduled_at=due))["ups_loss"]
    assert delivered.closes_at == DELIVERED + timedelta(days=60)


def test_tiktok_compensation_counts_40_days_from_the_last_status_only_when_tiktok_shipping_carried_it():
    last = DELIVERED + timedelta(hours=2)
    shipped_by_tiktok = by_key(ClaimKind.LATE, ClaimFacts("tiktok", SHIPPED, DELIVERED, last, platform="tiktok",
                                                          tiktok_shipping=True))
    assert shipped_by_tiktok["tiktok_compensation"].closes_at == last + timedelta(days=40)
    seller_label = by_key(ClaimKind.LATE, ClaimFacts("ups", SHIPPED, DELIVERED, last, platform="tiktok"))
    assert "tiktok_compensation" not in seller_label and "tiktok_refund" in seller_label


def test_an_order_from_another_platform_gets_no_tiktok_window_and_a_wrong_item_no_carrier_window():
    other = by_key(ClaimKind.DAMAGED, ClaimFacts("ups", SHIPPED, DELIVERED, platform="shopify"))
    assert set(other) == {"ups_damage"}
    wrong = by_key(ClaimKind.WRONG_ITEM, ClaimFacts("ups", SHIPPED, DELIVERED, platform="tiktok"))
    assert set(wrong) == {"tiktok_refund"}


def test_the_next_seller_deadline_skips_the_buyers_windows_and_closed_ones():
    facts = ClaimFacts("usps", SHIPPED, DELIVERED, DELIVERED, platform="tiktok")
    found = deadlines(ClaimKind.DAMAGED, facts)
    assert [d.key for d in found] == ["tiktok_refund", "usps_damage", "tiktok_guarantee"]  # soonest first
    assert seller_deadline(found, DELIVERED).key == "usps_damage"
    assert seller_deadline(found, SHIPPED + timedelta(days=61)) is None


def test_states_move_forward_close_and_reopen_but_never_sideways_between_outcomes():
    check_transition(DisputeState.OPEN, DisputeState.INVESTIGATING)
    check_transition(DisputeState.SUBMITTED, DisputeState.REIMBURSED)
    check_transition(DisputeState.REFUNDED, DisputeState.OPEN)
    with pytest.raises(BadTransition, match="a dispute that is refunded can move to: open; not to won"):
        check_transition(DisputeState.REFUNDED, DisputeState.WON)
    with pytest.raises(BadTransition, match="already open"):
        check_transition(DisputeState.OPEN, DisputeState.OPEN)
    with pytest.raises(ValueError, match="expected one of: not_received, damaged, wrong_item, late"):
        claim_kind("stolen")


def test_delivered_but_not_received_asks_for_the_carriers_proof_a_search_and_a_misdelivery_report():
    facts = ClaimFacts("ups", SHIPPED, DELIVERED, DELIVERED, platform="tiktok",
                       proof="signed by J SMITH, front door", distance_km=2.4, far=True)
    found = deadlines(ClaimKind.NOT_RECEIVED, facts)
    steps = {s.key: s for s in checklist(ClaimKind.NOT_RECEIVED, facts, found, frozenset({"answer_buyer"}))}
    assert "signed by J SMITH, front door" in steps["send_proof"].text
    assert "2.4 km" in steps["report_misdelivery"].text
    assert steps["carrier_trace"].due == DELIVERED + timedelta(days=60)
    assert steps["attach_evidence"].due == DELIVERED + timedelta(days=30)
    assert steps["answer_buyer"].done and not steps["send_proof"].done
    near = ClaimFacts("ups", SHIPPED, DELIVERED, DELIVERED, distance_km=0.1)
    assert "report_misdelivery" not in {s.key for s in checklist(ClaimKind.NOT_RECEIVED, near, found)}


def test_damage_asks_for_photos_and_the_packaging_and_a_wrong_item_is_not_sent_to_the_carrier():
    facts = ClaimFacts("usps", SHIPPED, DELIVERED, DELIVERED)
    damaged = [s.key for s in checklist(ClaimKind.DAMAGED, facts, deadlines(ClaimKind.DAMAGED, facts))]
    assert damaged[1:4] == ["ask_photos", "keep_packaging", "carrier_claim"]
    wrong = [s.key for s in checklist(ClaimKind.WRONG_ITEM, facts, deadlines(ClaimKind.WRONG_ITEM, facts))]
    assert "check_packing" in wrong and not {"carrier_claim", "carrier_trace"} & set(wrong)
