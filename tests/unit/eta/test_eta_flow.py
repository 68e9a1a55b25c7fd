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


def placed_flow(index, when: datetime) -> tuple[float, ...]:
    return tuple(index.summaries("placed_flow", ["US"], np.asarray([epoch_days(when)]))[0])


def test_parcels_still_in_flight_lower_the_share_delivered() -> None:
    times = early_cohort(30)
    rows = [delivered(t, 2.0) for t in times[:24]]
    index = index_history(rows, 14, [InFlight(t, US) for t in times[24:]])
    n, share, *_ = placed_flow(index, DAY)
    assert (n, share) == (30, 24 / 30)
    # without the open ones the share would claim every parcel arrived
    assert placed_flow(index_history(rows, 14), DAY)[1] == 1.0


def test_a_delivery_after_the_moment_does_not_count() -> None:
    times = early_cohort(24)
    # half arrive the day after the as-of day: at DAY they were still in flight
    rows = [delivered(t, 2.0) for t in times[:12]] + [delivered(t, (DAY - t).days + 1.5) for t in times[12:]]
    index = index_history(rows, 14)
    assert placed_flow(index, DAY)[1] == 0.5
    assert placed_flow(index, DAY + timedelta(days=2))[1] != 0.5  # later, they count as arrived
    # the answer holds for the whole day: the worker refreshes daily
    np.testing.assert_equal(placed_flow(index, DAY + timedelta(hours=20)), placed_flow(index, DAY))


def test_small_cohorts_are_unknown_and_a_surge_is_measured() -> None:
    few = index_history([delivered(t, 2.0) for t in early_cohort(10)], 14)
    n, share, *_ = placed_flow(few, DAY)
    assert n == 10 and math.isnan(share)
    # 4 weeks of 6 orders a week, then 24 in the last week: four times the usual volume
    base = [DAY - timedelta(days=35) + timedelta(days=28 * i / 24) for i in range(24)]
    last_week = [DAY - timedelta(days=7) + timedelta(hours=6 * i) for i in range(24)]
    surge = index_history([delivered(t, 1.0) for t in base + last_week], 14)
    assert placed_flow(surge, DAY)[4:] == (24.0, 4.0)


def test_training_at_a_cutoff_counts_later_deliveries_as_in_flight() -> None:
    times = early_cohort(24)
    rows = [delivered(t, 2.0) for t in times[:12]] + [delivered(t, 30.0) for t in times[12:]]
    open_ = in_flight_at(rows, DAY)
    assert len(open_) == 12 and all(o.handed_over_at is not None for o in open_)
    # a handoff after the cut-off was not known at it
    assert in_flight_at([delivered(times[0], 30.0, handed_days=15.0)], DAY)[0].handed_over_at is None
    snapshot = history_snapshot(rows, DAY, 14)
    assert snapshot.summary("placed_flow", "US")[:2] == (24, 0.5)
