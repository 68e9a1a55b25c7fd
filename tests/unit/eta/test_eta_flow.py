"""Flow features: how much of each recent cohort has arrived, read only from what was known."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np

from parceltrail.eta import HistoryRow, InFlight, Place
from parceltrail.eta.features import epoch_days, index_history
from parceltrail.eta.history import in_flight_at
from parceltrail.eta.training import history_snapshot

US = Place(country="US", region="NY", postal_code="10001")
DAY = datetime(2025, 3, 20, tzinfo=UTC)  # the as-of day; the early placed cohort is [Mar 10, Mar 15)


def delivered(purchased: datetime, after_days: float, handed_days: float | None = 1.0) -> HistoryRow:
    return HistoryRow(
        package_id=f"p{purchased.timestamp()}", purchased_at=purchased, origin=US, destination=US,
        delivered_at=purchased + timedelta(days=after_days),
        handed_over_at=None if handed_days is None else purchased + timedelta(days=handed_days),
    )


def early_cohort(n: int) -> list[datetime]:
    start = DAY - timedelta(days=10)
    return [start + timedelta(hours=4 * i) for i in range(n)]  # up to 30 orders in 5 days


def placed_flow(index, when: datetime) -> dict[str, float]:
    """The placed-flow summary of the US, by name."""
    row = index.summaries("placed_flow", ["US"], np.asarray([epoch_days(when)]))[0]
    return dict(zip(("pace_orders", "pace_days", "early_delivered", "late_delivered", "week", "surge"), row))


def test_parcels_still_in_flight_lower_the_share_delivered() -> None:
    times = early_cohort(30)
    rows = [delivered(t, 2.0) for t in times[:24]]
    index = index_history(rows, 14, [InFlight(t, US) for t in times[24:]])
    assert placed_flow(index, DAY)["early_delivered"] == 24 / 30
    # without the open ones the share would claim every parcel arrived
    assert placed_flow(index_history(rows, 14), DAY)["early_delivered"] == 1.0


def test_a_delivery_after_the_moment_does_not_count() -> None:
    times = early_cohort(30)
    # half arrive later on the as-of day: at its start they were still in flight
    at_noon = [delivered(t, (DAY - t) / timedelta(days=1) + 0.5) for t in times[15:]]
    rows = [delivered(t, 2.0) for t in times[:15]] + at_noon
    index = index_history(rows, 14)
    assert placed_flow(index, DAY)["early_delivered"] == 0.5
    assert placed_flow(index, DAY + timedelta(days=1))["early_delivered"] == 1.0  # a day on, they have arrived
    # the answer holds for the whole day: the worker refreshes daily
    np.testing.assert_equal(placed_flow(index, DAY + timedelta(hours=20)), placed_flow(index, DAY))


def test_small_cohorts_are_unknown_and_a_surge_is_measured() -> None:
    few = placed_flow(index_history([delivered(t, 2.0) for t in early_cohort(10)], 14), DAY)
    assert math.isnan(few["early_delivered"]) and math.isnan(few["pace_days"])
    # 4 weeks of 6 orders a week, then 24 in the last week: four times the usual volume
    base = [DAY - timedelta(days=35) + timedelta(days=28 * i / 24) for i in range(24)]
    last_week = [DAY - timedelta(days=7) + timedelta(hours=6 * i) for i in range(24)]
    surge = index_history([delivered(t, 1.0) for t in base + last_week], 14)
    assert (placed_flow(surge, DAY)["week"], placed_flow(surge, DAY)["surge"]) == (24.0, 4.0)


def test_training_at_a_cutoff_counts_later_deliveries_as_in_flight() -> None:
    times = early_cohort(24)
    rows = [delivered(t, 2.0) for t in times[:12]] + [delivered(t, 30.0) for t in times[12:]]
    open_ = in_flight_at(rows, DAY)
    assert len(open_) == 12 and all(o.handed_over_at is not None for o in open_)
    # a handoff after the cut-off was not known at it
    assert in_flight_at([delivered(times[0], 30.0, handed_days=15.0)], DAY)[0].handed_over_at is None
    snapshot = history_snapshot(rows, DAY, 14)
    assert snapshot.summary("placed_flow", "US")[2] == 0.5  # early cohort: half delivered at the cut-off


def test_pace_counts_the_parcels_still_out_as_at_least_that_slow() -> None:
    # 60 orders on Thursday Mar 6: 20 arrive in 2 working days, 10 in 4, 30 are still out on Mar 20
    bought = datetime(2025, 3, 6, 10, tzinfo=UTC)
    rows = [delivered(bought, 4.0)] * 20 + [delivered(bought, 6.0)] * 10
    index = index_history(rows, 14, [InFlight(bought, US)] * 30)
    flow = placed_flow(index, DAY)
    # half had arrived within 4 working days; the delivered ones alone would say 2
    assert (flow["pace_orders"], flow["pace_days"]) == (60, 4.0)
    assert placed_flow(index_history(rows, 14), DAY)["pace_orders"] == 30  # fewer than 50 read: no pace


def test_snapshot_tells_how_each_network_is_moving() -> None:
    from parceltrail.eta.stats import StatsSnapshot

    nan = float("nan")
    snapshot = StatsSnapshot(0.0, {
        "placed_flow/US": (312.0, 4.0, 0.8241, 0.97, 120.0, 1.1),
        "handoff_flow/US": (280.0, 2.0, 0.9, 1.0, 100.0, 1.0),
        "placed_flow/BR": (12.0, nan, nan, nan, 3.0, nan),
        "country_total/US": (900.0, 5.0, 300.0, 4.5, 100.0, 4.4),
    })
    assert snapshot.network() == {
        "BR": {"orders_last_3_weeks": 12, "pace_days": None, "delivered_of_placed_5_10_days_ago": None,
               "order_surge": None},
        "US": {"orders_last_3_weeks": 312, "pace_days": 4.0, "delivered_of_placed_5_10_days_ago": 0.8241,
               "order_surge": 1.1, "handoff_pace_days": 2.0},
    }


def test_operator_line_reads_the_flow() -> None:
    from parceltrail.cli.eta_shop import _flow_line

    flow = {"orders_last_3_weeks": 312, "pace_days": 4.0, "delivered_of_placed_5_10_days_ago": 0.8241,
            "order_surge": 1.1, "handoff_pace_days": 2.0}
    assert _flow_line(flow) == ("4 working days from order to door (median of 312 orders of the last 3 weeks); "
                                "2 from handoff (the carrier's first scan) to door; 82% of orders placed 5-10 days ago "
                                "delivered; "
                                "this week's orders 1.1x the usual")
    few = {"orders_last_3_weeks": 12, "pace_days": None, "delivered_of_placed_5_10_days_ago": None,
           "order_surge": None}
    assert _flow_line(few) == "12 orders in the last 3 weeks, too few for a pace"
