"""The choice of scales and powers (eta.tuning) on synthetic months whose outcomes follow a known law."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from parceltrail.eta.calibration import Calibration
from parceltrail.eta.features import HANDOFF, PLACED
from parceltrail.eta.tuning import (
    HORIZON,
    POWERS,
    SCALES,
    Sample,
    calibrate,
    choose,
    hindsight,
    pooled,
    scores,
    smallest_promise,
)

pytestmark = pytest.mark.slow  # scheduled first in make test's parallel run (docs/testing.md)

Z95, Z90 = 1.645, 1.2816


def month(seed: int, informative: bool, n: int = 1500) -> Sample:
    """Orders whose log(1 + working days) is normal around log(1 + 5) with a spread of 0.15 or 0.45.
    The "trees" report each order's true spread when ``informative``, else one drawn at random."""
    rng = np.random.default_rng(seed)
    spread = rng.choice([0.15, 0.45], size=n)
    told = spread if informative else rng.choice([0.15, 0.45], size=n)
    likely = np.full(n, np.log1p(5.0))
    logs = np.column_stack([likely - Z90 * told, likely, likely + Z90 * told, likely + Z95 * told])
    days = np.clip(np.floor(np.expm1(likely + spread * rng.standard_normal(n)) + 0.5), 0, HORIZON).astype(int)
    start = 730_000 + rng.integers(0, 60, size=n)  # every day a working day: date = start + days
    table = start[:, None] + np.arange(HORIZON + 1)[None, :]
    share = rng.uniform(0.4, 1.0, size=n)  # the regime share has nothing to do with the outcome here
    return Sample(logs, share, np.asarray(["under_300_km"] * n), table, start + days)


def folds(informative: bool) -> list[dict[str, Sample]]:
    return [{PLACED: month(seed, informative), HANDOFF: month(seed + 100, informative)} for seed in range(3)]


@pytest.fixture(scope="module")
def told() -> tuple[list[dict[str, Sample]], dict]:
    data = folds(informative=True)
    return data, choose(data)


@pytest.fixture(scope="module")
def blind() -> tuple[list[dict[str, Sample]], dict]:
    data = folds(informative=False)
    return data, choose(data)


def test_the_choice_keeps_both_claims_in_each_regime_over_the_pooled_months(told) -> None:
    data, chosen = told
    for moment, choice in chosen.items():
        calibration = Calibration.from_json(choice["calibration"])
        assert calibration.window_power in POWERS and calibration.promise_power in POWERS
        for strained in (False, True):
            rows = [m[moment].regime(calibration.strained_below, strained) for m in data]
            if sum(len(r.actual) for r in rows):
                held = scores(pooled(rows), calibration)
                assert held["coverage"] >= 0.8 and held["on_time"] >= 0.95


def test_a_spread_the_trees_cannot_tell_is_shrunk_and_that_is_narrower(blind) -> None:
    data, chosen = blind
    choice = chosen[PLACED]
    calibration = Calibration.from_json(choice["calibration"])
    assert calibration.promise_power < 1.0 and calibration.window_power < 1.0
    # held to the trees' own spread, the same threshold needs more days for the same claims
    own, means = calibrate([m[PLACED] for m in data], calibration.strained_below, powers=(1.0,))
    assert own.promise_power == 1.0 and own.window_power == 1.0
    assert choice["width"] + choice["slack"] < means["width"] + means["slack"]


def test_a_spread_the_trees_know_buys_narrower_dates(told, blind) -> None:
    informed, unknown = told[1][PLACED], blind[1][PLACED]
    assert informed["width"] + informed["slack"] < unknown["width"] + unknown["slack"]


def test_hindsight_meets_each_months_promise_with_its_smallest_scale(told) -> None:
    """A month whose parcels all came two days early and one where they came three days late: the
    pooled choice over-covers the first and misses in the second; in hindsight each month gets the
    smallest scale it needed."""
    usual = month(7, informative=True)
    calm = Sample(usual.logs, usual.share, usual.lane, usual.days_table,
                  np.maximum(usual.actual - 2, usual.days_table[:, 0]))
    late = Sample(usual.logs, usual.share, usual.lane, usual.days_table, usual.actual + 3)
    calibration = Calibration.from_json(told[1][PLACED]["calibration"])
    pooled_choice = [scores(m, calibration) for m in (calm, late)]
    assert pooled_choice[0]["on_time"] > 0.95 > pooled_choice[1]["on_time"]
    found = hindsight([calm, late], calibration)
    steady_scales = [scales[0] for scales in found["scales_per_month"]]
    assert steady_scales[0] < steady_scales[1]
    for sample, scale in zip((calm, late), steady_scales, strict=True):
        steady = sample.regime(calibration.strained_below, False)
        assert scale == smallest_promise(steady, calibration.promise_power)
        assert (steady.dates(3, scale, calibration.promise_power) >= steady.actual).mean() >= 0.95
        if scale > SCALES[0]:
            lower = round(scale - 0.05, 2)
            assert (steady.dates(3, lower, calibration.promise_power) >= steady.actual).mean() < 0.95
    assert found["on_time"] >= 0.95
    # the late month needed more slack than the pooled choice gave, the calm month less
    mean_pooled = (pooled_choice[0]["slack"] + pooled_choice[1]["slack"]) / 2
    assert found["slack"] != pytest.approx(mean_pooled, abs=0.05)
    steady_scale, strained_scale = found["scales_per_month"][0]  # None: no order in that regime
    calm_known = replace(calibration, steady=replace(calibration.steady, promise=steady_scale),
                         strained=replace(calibration.strained, promise=strained_scale or calibration.strained.promise))
    assert scores(calm, calm_known)["slack"] < pooled_choice[0]["slack"]
