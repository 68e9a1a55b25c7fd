from __future__ import annotations

import numpy as np
import pytest

from parceltrail.eta.calibration import REF, REGIME_FEATURE, Calibration, Spread
from parceltrail.eta.features import FEATURE_NAMES, HANDOFF, PLACED

# the boosters' P10, P50, P90 and P95 in working days, for three packages
DAYS = np.asarray([[2.0, 4.0, 8.0, 10.0], [2.0, 4.0, 8.0, 10.0], [2.0, 4.0, 8.0, 10.0]])


def matrix(moment: str, shares: list[float]) -> np.ndarray:
    out = np.zeros((len(shares), len(FEATURE_NAMES[moment])))
    out[:, FEATURE_NAMES[moment].index(REGIME_FEATURE[moment])] = shares
    return out


def test_scales_of_one_keep_the_boosters_quantiles() -> None:
    out = Calibration().apply(PLACED, matrix(PLACED, [0.9, 0.2, np.nan]), DAYS)
    assert np.allclose(out, DAYS)


def test_a_steady_network_gets_the_steady_spread_and_a_strained_or_unknown_one_the_strained() -> None:
    calibration = Calibration(0.7, steady=Spread(1.0, 0.5, 1.0), strained=Spread(1.0, 2.0, 1.5))
    out = calibration.apply(HANDOFF, matrix(HANDOFF, [0.85, 0.4, np.nan]), DAYS)
    steady, strained, unknown = out
    assert steady[1] == pytest.approx(4.0) and strained[1] == pytest.approx(4.0)  # the likely day never moves
    # latest at half the log distance from the median: sqrt(5 * 9) - 1 working days
    assert steady[2] == pytest.approx(np.sqrt(5 * 9) - 1)
    assert strained[2] > 8.0 and strained[3] > 10.0 and steady[3] == pytest.approx(10.0)
    assert np.allclose(unknown, strained)


def test_calibrated_outputs_stay_ordered_around_the_likely_day() -> None:
    rng = np.random.default_rng(3)
    days = np.sort(rng.uniform(0, 30, size=(200, 4)), axis=1)
    shares = rng.uniform(0, 1, size=200)
    for (earliest, latest, promise), (window, tail) in zip(rng.uniform(0.3, 3.0, size=(20, 3)),
                                                           rng.uniform(0.05, 1.0, size=(20, 2)), strict=True):
        out = Calibration(0.6, Spread(earliest, latest, promise), Spread(latest, promise, earliest), window, tail).apply(
            PLACED, matrix(PLACED, list(shares)), days)
        assert (out[:, 0] <= out[:, 1] + 1e-9).all() and (out[:, 1] <= out[:, 2] + 1e-9).all()
        assert (out[:, 1] <= out[:, 3] + 1e-9).all() and (out[:, 0] >= -1e-9).all()


def test_a_power_below_one_pulls_each_distance_toward_the_typical_one() -> None:
    likely = 4.0
    at_ref = np.expm1(np.log1p(likely) + REF)  # a promise exactly the typical distance past the likely day
    days = np.asarray([[2.0, likely, 5.0, 4.5], [2.0, likely, 8.0, at_ref], [1.0, likely, 20.0, 40.0]])
    out = Calibration(promise_power=0.5).apply(PLACED, matrix(PLACED, [0.9] * 3), days)
    assert out[0, 3] > 4.5 and out[1, 3] == pytest.approx(at_ref) and out[2, 3] < 40.0
    # in log days the shrunk distance is REF * sqrt(d / REF)
    assert np.log1p(out[2, 3]) - np.log1p(likely) == pytest.approx(REF * np.sqrt((np.log1p(40) - np.log1p(likely)) / REF))
    assert np.allclose(out[:, :3], days[:, :3])  # the window keeps its power of 1
    shrunk = Calibration(window_power=0.25).apply(PLACED, matrix(PLACED, [0.9] * 3), days)
    assert shrunk[2, 0] > 1.0 and shrunk[2, 2] < 20.0 and shrunk[0, 2] > 5.0 and np.allclose(shrunk[:, 3], days[:, 3])


def test_a_spread_must_be_positive_and_a_calibration_round_trips() -> None:
    with pytest.raises(ValueError, match="spread promise must be a number in"):
        Spread(1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match=r"calibration promise_power must be a number in \(0, 1\]"):
        Calibration(promise_power=1.5)
    calibration = Calibration(0.65, Spread(1.4, 0.6, 1.0), Spread(1.8, 1.05, 1.4), 0.5, 0.25)
    assert Calibration.from_json(calibration.to_json()) == calibration
    with pytest.raises(ValueError, match="calibration: expected strained_below"):
        Calibration.from_json({"steady": [1, 1, 1]})
    with pytest.raises(ValueError, match="window_power must be a number in"):
        Calibration.from_json({**calibration.to_json(), "window_power": 0})


def test_without_a_threshold_every_row_gets_the_one_spread_even_when_the_share_is_unknown() -> None:
    calibration = Calibration(0.0, steady=Spread(1.0, 2.0, 1.0), strained=Spread(1.0, 0.5, 1.0))
    out = calibration.apply(PLACED, matrix(PLACED, [0.9, 0.1, np.nan]), DAYS)
    assert np.allclose(out[:, 2], out[0, 2]) and out[0, 2] > 8.0
