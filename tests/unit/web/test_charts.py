"""The chart arithmetic the scorecards page draws: intervals that stay honest for small groups, axes that
end on round numbers, bar positions as shares of the axis."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from parceltrail.web.charts import BarRow, bar_chart, estimate_history, nice_top, wilson


def test_wilson_interval_matches_published_values_and_widens_for_small_groups():
    # Newcombe (1998), Statistics in Medicine 17:857, table I: 81 of 263 -> 0.2553 to 0.3662 (method 3)
    low, high = wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    # 3 of 3 is not certainty: the interval reaches down to 44%
    low, high = wilson(3, 3)
    assert round(low, 2) == 0.44 and high == 1.0
    assert wilson(0, 0) == (0.0, 1.0)
    assert wilson(30, 300)[1] - wilson(30, 300)[0] < wilson(3, 30)[1] - wilson(3, 30)[0]


@pytest.mark.parametrize(("largest", "expected"), [(3.83, (4, 1)), (9.71, (10, 2)), (27.3, (30, 10)),
                                                   (0.6, (0.6, 0.2)), (100, (100, 20)), (0, (1.0, 0.25))])
def test_axes_end_on_round_numbers(largest, expected):
    top, step = nice_top(largest)
    assert (round(top, 6), round(step, 6)) == expected


def test_bars_are_shares_of_the_axis_and_clamped_to_it():
    chart = bar_chart([BarRow("a", 2.0, "2 d", mark=3.0), BarRow("b", None, "not yet"), BarRow("c", 9.0, "9", 1, 12)],
                      top=4, step=1, tick_label=lambda v: f"{v:g}")
    assert [b.width for b in chart.bars] == [50.0, 0.0, 100.0]
    assert chart.bars[0].mark == 75.0 and chart.bars[2].low == 25.0 and chart.bars[2].high == 100.0
    assert chart.ticks == [(0.0, "0"), (25.0, "1"), (50.0, "2"), (75.0, "3"), (100.0, "4")]


def test_a_trend_breaks_where_a_day_has_no_value_and_its_axis_holds_the_threshold():
    from parceltrail.web.charts import trend_chart

    chart = trend_chart([None, 0.9, 1.0, None, 0.85], threshold=0.95)
    assert (chart.low, chart.high) == (0.75, 1.0)  # a step below the lowest value
    assert len(chart.segments) == 2 and chart.segments[1] == f"100.0,{chart.last[1]}"
    first = [tuple(map(float, p.split(","))) for p in chart.segments[0].split()]
    assert [x for x, _ in first] == [25.0, 50.0] and first[1][1] == 2.0  # 100% sits on the top margin
    assert chart.threshold_y == 9.2
    flat = trend_chart([0.0, 0.0], threshold=0.04)
    assert flat.low == 0.0 and flat.high == 0.05


def _estimate(revised: date, earliest: date, days: int = 3):
    from parceltrail.store.estimates import StoredEstimate

    return StoredEstimate("pkg", datetime.combine(revised, time(9), UTC), earliest, earliest + timedelta(days=1),
                          earliest + timedelta(days=days - 1), earliest + timedelta(days=days), "medium",
                          "model", "in_transit", "scan")


def test_an_estimate_far_from_the_others_does_not_stretch_the_axis_over_years():
    # A parcel registered in 2022 whose first estimate was made then, shipped and re-estimated in 2026:
    # drawn on one axis, the 2026 bars would be a few pixels wide on a four-year axis.
    old = _estimate(date(2022, 3, 1), date(2022, 3, 4))
    recent = [_estimate(date(2026, 12, d), date(2026, 12, d + 3)) for d in (1, 2, 3)]
    chart = estimate_history([old, *recent], date(2026, 12, 6), lambda e: e.revised_at.date().isoformat(),
                             lambda d: d.isoformat(), lambda d: f"{d.isoformat()}!")
    assert [b.label for b in chart.bars] == ["2026-12-01", "2026-12-02", "2026-12-03"]
    assert chart.left_out == 1
    assert chart.ticks[0][1] == "2026-12-04" and all(label.startswith("2026-12") for _, label in chart.ticks)
    assert chart.delivered is not None and chart.bars[0].x1 < chart.delivered < chart.width
    assert min(b.x2 - b.x1 for b in chart.bars) > 60  # a 3-day window over a ~10-day axis, not a sliver


def test_an_axis_across_new_year_labels_the_year_where_it_turns():
    estimates = [_estimate(date(2026, 12, 27), date(2026, 12, 29), days=5)]
    chart = estimate_history(estimates, None, lambda e: "row", lambda d: d.strftime("%b %d"),
                             lambda d: d.strftime("%b %d %Y"))
    labels = [label for _, label in chart.ticks]
    assert labels[0] == "Dec 29 2026" and "Jan 01 2027" in labels and "Dec 30" in labels
    assert chart.left_out == 0 and chart.delivered is None
