"""The pure parts of cases (which flags need a person, the workflow, what to do next) and of the metric
guard (TikTok's rates, their projection and the moment they break)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.core.cases import CaseMoveError, Outcome, Problem, State, check_move, next_action, problem_of
from parceltrail.core.flags import Flag, FlagType, Severity
from parceltrail.core.metrics import OrderFacts, Thresholds, guard

NOW = datetime(2025, 12, 12, 17, tzinfo=UTC)
D, H = timedelta(days=1), timedelta(hours=1)


def flag(kind: FlagType, severity: Severity = Severity.WARNING) -> Flag:
    return Flag(kind, severity, NOW, "why", NOW + D)


def test_which_flags_need_a_person_and_which_case_they_share():
    assert problem_of(flag(FlagType.STALE)) is problem_of(flag(FlagType.LOST, Severity.CRITICAL)) is Problem.NOT_MOVING
    assert problem_of(flag(FlagType.NO_FIRST_SCAN)) is problem_of(flag(FlagType.STUCK_PRE_TRANSIT)) is Problem.DISPATCH
    assert problem_of(flag(FlagType.AT_RISK)) is None
    assert problem_of(flag(FlagType.CARRIER_EXCEPTION, Severity.INFO)) is None  # a weather delay: the carrier's job
    assert problem_of(flag(FlagType.CARRIER_EXCEPTION, Severity.CRITICAL)) is Problem.CARRIER_EXCEPTION


def test_the_workflow_allows_its_moves_and_says_which_when_not():
    check_move(State.OPEN, State.ACKNOWLEDGED, None)
    check_move(State.WAITING_ON_CARRIER, State.WAITING_ON_BUYER, None)
    check_move(State.ACKNOWLEDGED, State.RESOLVED, Outcome.RESHIPPED)
    check_move(State.RESOLVED, State.OPEN, None)
    with pytest.raises(CaseMoveError, match="needs an outcome"):
        check_move(State.OPEN, State.RESOLVED, None)
    with pytest.raises(CaseMoveError, match="a resolved case can move to open, not acknowledged"):
        check_move(State.RESOLVED, State.ACKNOWLEDGED, None)
    with pytest.raises(CaseMoveError, match="only when resolving"):
        check_move(State.OPEN, State.ACKNOWLEDGED, Outcome.REFUNDED)


def test_next_action_names_the_carrier_windows():
    shipped = datetime(2025, 12, 1, tzinfo=UTC)
    stale = next_action(Problem.NOT_MOVING, [flag(FlagType.STALE)], "usps", shipped, shipped + 2 * D)
    assert "Missing Mail search with USPS (from Dec 8)" in stale
    lost = next_action(Problem.NOT_MOVING, [flag(FlagType.LOST)], "ups", shipped, shipped + 2 * D)
    assert "File a claim with UPS (until Jan 30)" in lost and "TikTok compensation requests close Jan 12" in lost
    assert "Upload the right tracking number" in next_action(Problem.TRACKING_NUMBER, [], None, None, None)


def order(name, **kw) -> OrderFacts:
    return OrderFacts(name, NOW - 10 * D, **kw)


def test_late_dispatch_today_projection_and_the_moment_it_breaks():
    orders = [order(f"on-time-{i}", ship_by=NOW - 2 * D, first_scan_at=NOW - 3 * D) for i in range(30)]
    orders.append(order("late", ship_by=NOW - 4 * D, first_scan_at=NOW - 3 * D))
    orders.append(order("unscanned", ship_by=NOW - 1 * H))
    orders.append(order("cancelled", ship_by=NOW - 1 * H, cancelled=True))
    ldr = guard(orders, NOW).ldr
    assert (ldr.numerator, ldr.denominator, ldr.value) == (1, 31, round(1 / 31, 4)) and not ldr.breached
    assert (ldr.projected_numerator, ldr.projected_denominator) == (2, 32) and ldr.projected_breach
    assert ldr.breach_at == NOW  # the unscanned order is already past its deadline
    assert [m.order_id for m in ldr.movers] == ["late", "unscanned"]
    assert guard(orders, NOW, Thresholds(ldr_max=0.10)).ldr.projected_breach is False


@pytest.mark.parametrize(("late_by", "words"), [
    (timedelta(minutes=20), "20 minutes"), (timedelta(seconds=40), "1 minute"),
    (timedelta(minutes=59, seconds=50), "1 hour"),
    (H, "1 hour"), (5 * H, "5 hours"), (47 * H, "47 hours"), (3 * D, "3.0 days"),
])
def test_a_late_dispatch_says_how_late_in_words_never_zero_hours(late_by, words):
    scan = NOW - 3 * H
    ldr = guard([order("late", ship_by=scan - late_by, first_scan_at=scan)], NOW).ldr
    assert [m.why for m in ldr.movers] == [f"first carrier scan {words} after the dispatch deadline"]


def test_on_time_delivery_counts_the_week_and_projects_flagged_parcels_as_late():
    orders = [order("on-time", deliver_by=NOW - 2 * D, delivered_at=NOW - 3 * D),
              order("late", deliver_by=NOW - 2 * D, delivered_at=NOW - 1 * D),
              order("missing", deliver_by=NOW - 1 * H),
              order("lost", deliver_by=NOW + 2 * D, expected_late=True),
              order("fine", deliver_by=NOW + 3 * D),
              order("last-month", deliver_by=NOW - 20 * D, delivered_at=NOW - 25 * D)]
    otdr = guard(orders, NOW).otdr
    assert (otdr.numerator, otdr.denominator) == (1, 3) and otdr.breached
    assert (otdr.projected_numerator, otdr.projected_denominator) == (2, 5)
    assert {m.order_id for m in otdr.movers} == {"late", "missing", "lost"}


def test_valid_tracking_waits_for_the_first_scan_before_counting_a_number_invalid():
    orders = [order("scanned", tracking_uploaded_at=NOW - 5 * D, first_scan_at=NOW - 4 * D),
              order("recycled", tracking_uploaded_at=NOW - 5 * D, first_scan_at=NOW - 4 * D, suspicious=True),
              order("silent", tracking_uploaded_at=NOW - 4 * D),
              order("fresh", tracking_uploaded_at=NOW - 10 * H)]
    vtr = guard(orders, NOW).vtr
    assert (vtr.numerator, vtr.denominator) == (1, 3)
    assert vtr.projected_denominator == 4 and vtr.breach_at == NOW  # already breached
    assert [m.order_id for m in vtr.movers] == ["recycled", "silent", "fresh"]


def test_auto_cancel_risk_lists_uncollected_orders_near_their_time():
    orders = [order("soon", auto_cancel_at=NOW + 20 * H), order("later", auto_cancel_at=NOW + 5 * D),
              order("collected", auto_cancel_at=NOW + 2 * H, first_scan_at=NOW - D),
              order("overdue", auto_cancel_at=NOW - H)]
    risk = guard(orders, NOW).auto_cancel_risk
    assert [m.order_id for m in risk] == ["overdue", "soon"]
    assert "past its auto-cancel time" in risk[0].why and "cancels it in 20 hours" in risk[1].why
