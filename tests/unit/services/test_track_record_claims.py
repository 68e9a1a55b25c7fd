from __future__ import annotations

from parceltrail.services.track_record import _record


def outcomes(n: int, inside: int, met: int) -> list[tuple[bool, bool, int, bool]]:
    return [(i < inside, i < met, 2, True) for i in range(n)]


def test_a_window_held_well_under_its_claim_is_flagged_and_noise_is_not() -> None:
    assert _record(outcomes(100, 60, 96)).short_of_claim == ("window",)
    assert _record(outcomes(100, 75, 96)).short_of_claim == ()  # 75% of 100 is within chance of 80%
    assert _record(outcomes(400, 88, 390)).short_of_claim == ("window",)


def test_a_promise_kept_too_rarely_is_flagged_but_not_on_a_handful_of_parcels() -> None:
    assert _record(outcomes(200, 170, 180)).short_of_claim == ("promise",)
    assert _record(outcomes(20, 5, 10)).short_of_claim == ()  # too few deliveries to judge
    record = _record(outcomes(100, 80, 95))
    assert (record.inside_window, record.promise_met, record.mean_promise_slack_days) == (0.8, 0.95, 2.0)


def test_the_record_is_split_by_lane_length_and_each_class_is_judged_on_its_own() -> None:
    from parceltrail.services.track_record import _by_lane

    short_lanes, long_lanes = outcomes(100, 82, 99), outcomes(100, 82, 85)  # long lanes miss the promise
    record = _by_lane(short_lanes + long_lanes, ["under_300_km"] * 100 + ["1500_km_and_over"] * 100)
    assert record.delivered == 200 and record.promise_met == 0.92
    assert list(record.by_lane_length) == ["under_300_km", "1500_km_and_over"]
    assert record.by_lane_length["under_300_km"].short_of_claim == ()
    assert record.by_lane_length["1500_km_and_over"].short_of_claim == ("promise",)
    assert record.to_dict()["by_lane_length"]["1500_km_and_over"]["promise_met"] == 0.85


def test_dates_wider_than_they_need_be_are_flagged_too() -> None:
    # 400 parcels: 2 standard errors are 4 points at 80% and 2.2 at 95%
    record = _record(outcomes(400, 360, 400))
    assert record.beyond_claim == ("window", "promise") and record.short_of_claim == ()
    assert _record(outcomes(400, 330, 385)).beyond_claim == ()  # 82.5% and 96.25%: within chance
    assert _record(outcomes(40, 40, 40)).beyond_claim == ()  # too few deliveries to judge
    assert _record(outcomes(400, 360, 400)).to_dict()["beyond_claim"] == ["window", "promise"]


def test_eta_show_names_dates_wider_than_need_be_and_points_to_an_own_spread() -> None:
    from parceltrail.cli.eta_shop import _lane_part, _record_line

    wide = _record(outcomes(400, 360, 400))
    line = _record_line("placed", wide, 30)
    assert line.startswith("track record, order placed, last 30 days: 400 delivered; 90% inside the window")
    assert line.endswith("; window and promise held more than claimed beyond chance (wider than need be): the "
                         "spread may not fit this shop's network (parceltrail eta train --own-spread chooses it "
                         "on the shop's latest months)")
    assert "short of the claim" not in line
    assert _lane_part("under_300_km", wide).endswith("(window and promise wider than need be)")
    assert "may not fit" not in _record_line("placed", _record(outcomes(400, 330, 385)), 30)
